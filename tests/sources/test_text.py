from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from reader.models import Article
from reader.sources.common import ParseFailure, derive_title
from reader.sources.text import decode_text, parse_text, read_text_file, split_name
from reader.text.body import TRANSLATION_LINK_LABELS, split_link_label

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_ad6f1816400a3225.txt"


def article(data: bytes, **kw: object) -> Article:
    result = parse_text(data, **kw)  # type: ignore[arg-type]
    assert isinstance(result, Article), result
    return result


def failure(data: bytes) -> ParseFailure:
    result = parse_text(data)
    assert isinstance(result, ParseFailure), result
    return result


def test_title_then_paragraphs() -> None:
    a = article(b"\n  Chelsea sack Mutu  \n\nFirst  paragraph.  \n\n\n  Second.\nThird.\n\n")
    assert a.title == "Chelsea sack Mutu"
    assert a.body == "First  paragraph.\nSecond.\nThird."
    assert a.language == "en"
    assert a.source is None and a.published is None and a.url is None and a.guid is None


def test_title_only() -> None:
    a = article(b"Just a headline\n")
    assert (a.title, a.body) == ("Just a headline", "")


def test_title_whitespace_is_collapsed() -> None:
    assert article(b"A \t  spaced\x0b title\n\nBody").title == "A spaced title"


def test_latin1_file(tmp_path: Path) -> None:
    text = "Chelsea sack Mutu\n\nMutu, a £15.8m signing, met the café owner in Köln.\n"
    path = tmp_path / "mutu.txt"
    path.write_bytes(text.encode("latin-1"))
    a = read_text_file(path)
    assert isinstance(a, Article)
    assert a.body == "Mutu, a £15.8m signing, met the café owner in Köln."


def test_single_latin1_pound_sign_is_not_read_as_japanese() -> None:
    # The shape of bbc/sport/199.txt: ASCII with one 0xA3, which unrestricted detection
    # reads as cp932.
    data = b"Chelsea sack Mutu\n\nChelsea will write off a \xa315.8m signing from Parma.\n" * 3
    assert "£15.8m" in article(data).body


def test_cp1256_arabic_file() -> None:
    text = "عنوان الخبر\n\nقال المتحدث باسم الوزارة إن الاجتماع سيعقد غدا في الرياض.\n"
    a = article(text.encode("cp1256"))
    assert a.title == "عنوان الخبر"
    assert a.language == "ar"
    assert "الرياض" in a.body


def test_utf8_bom_is_stripped() -> None:
    a = article(codecs.BOM_UTF8 + "Title é\n\nBody".encode())
    assert a.title == "Title é"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_32_with_bom(codec: str) -> None:
    a = article("عنوان\n\nنص الخبر".encode(codec))
    assert (a.title, a.body, a.language) == ("عنوان", "نص الخبر", "ar")


def test_crlf_and_cr_newlines() -> None:
    a = article(b"Title\r\n\r\nOne.\r\nTwo.\rThree.\r\n")
    assert a.title == "Title"
    assert a.body == "One.\nTwo.\nThree."


@pytest.mark.parametrize("data", [b"", b"   \n\n \t\r\n"])
def test_empty_file(data: bytes) -> None:
    assert failure(data).reason == "empty file"


def test_binary_garbage_is_a_failure_not_an_exception() -> None:
    noise = random.Random(1).randbytes(4096)
    assert "binary" in failure(noise).reason or "not text" in failure(noise).reason
    # no NUL bytes, high bytes only: still not text
    high = bytes(b | 0x80 for b in random.Random(2).randbytes(2048))
    assert isinstance(parse_text(high), ParseFailure)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    assert "binary" in failure(png).reason


def test_control_heavy_text_is_binary() -> None:
    assert isinstance(decode_text(bytes(range(1, 32)) * 50), ParseFailure)


def test_escape_sequences_are_stripped() -> None:
    a = article(b"\x1b[31mRed\x1b[0m title\x07\n\nBody \x1b]0;pwned\x07text\x1b[2J\n")
    assert a.title == "Red title"
    assert "\x1b" not in a.body and "\x07" not in a.body
    assert a.body.startswith("Body ")


def test_line_of_only_escapes_is_not_the_title() -> None:
    assert article(b"\x1b[2J\x1b[H\nReal title\n\nBody").title == "Real title"


def test_source_language_and_group_are_passed_through() -> None:
    a = article(b"Title\n\nBody", source=" BBC\n", language="fr", translation_group="g")
    assert (a.source, a.language, a.translation_group) == ("BBC", "fr", "g")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("story.txt", ("story", None)),
        ("story.ar.txt", ("story", "ar")),
        ("story.EN.TXT", ("story", "en")),
        ("000_ad6f1816400a3225.ar.txt", ("000_ad6f1816400a3225", "ar")),
        ("report.v2.txt", ("report.v2", None)),
        ("a.b.arabic.txt", ("a.b.arabic", None)),
    ],
)
def test_split_name(name: str, expected: tuple[str, str | None]) -> None:
    assert split_name(name) == expected


def test_language_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "story.fr.txt"
    path.write_text("Le titre\n\nLe corps du texte.", encoding="utf-8")
    a = read_text_file(path)
    assert isinstance(a, Article) and a.language == "fr"
    plain = tmp_path / "story.txt"
    plain.write_text("عنوان\n\nنص", encoding="utf-8")
    b = read_text_file(plain)
    assert isinstance(b, Article) and b.language == "ar"


def test_unreadable_path_is_a_failure(tmp_path: Path) -> None:
    result = read_text_file(tmp_path / "missing.txt")
    assert isinstance(result, ParseFailure) and "cannot read" in result.reason


# -- translation link labels ----------------------------------------------------------------
def test_glued_arabic_label_gets_its_own_paragraph() -> None:
    data = "U.S. Warns\nإقرأ هذا الخبر بالعربيةJihadists who have seized Mosul.\nMore.".encode()
    a = article(data)
    assert a.body.split("\n") == [
        "إقرأ هذا الخبر بالعربية",
        "Jihadists who have seized Mosul.",
        "More.",
    ]
    assert a.language == "en"


@pytest.mark.parametrize("label", TRANSLATION_LINK_LABELS)
def test_every_label_is_split(label: str) -> None:
    assert split_link_label(label + "Rest of it.") == [label, "Rest of it."]
    assert split_link_label(label) == [label]
    assert split_link_label(f"{label}: Rest") == [label, "Rest"]


def test_english_label_is_matched_case_insensitively_and_emitted_canonically() -> None:
    assert split_link_label("READ THIS STORY IN ENGLISH حذرت") == [
        "Read this story in English",
        "حذرت",
    ]


def test_label_later_in_the_body_is_left_alone() -> None:
    a = article(b"Title\nFirst.\nRead this story in English please")
    assert a.body == "First.\nRead this story in English please"
    assert split_link_label("See: Read this story in English") == [
        "See: Read this story in English"
    ]


def test_bundled_seed_label_is_split() -> None:
    a = read_text_file(SEED)
    assert isinstance(a, Article)
    first, second = a.body.split("\n")[:2]
    assert first in TRANSLATION_LINK_LABELS
    assert second.startswith("Jihadists who have seized Iraq's second city")
    assert a.title.startswith("U.S. Warns Iraqi Militants")
    assert a.language == "en"


# -- derived titles -------------------------------------------------------------------------
def test_derive_title() -> None:
    assert derive_title("Short first line\nSecond") == "Short first line"
    long = "word " * 40
    title = derive_title(long)
    assert title.endswith("…") and len(title) <= 81
    assert not title[:-1].endswith(" ") and title[:-1].split()[-1] == "word"
    assert derive_title("x" * 200) == "x" * 80 + "…"
    assert derive_title("Read this story in English\nالخبر") == "الخبر"
    assert derive_title("") == ""


def test_html_entities_are_decoded_once_and_cleaned() -> None:
    """The BBC files hold `&#233;` literally (issue 14)."""
    a = article(
        b"Caf&#233; &amp;amp; &quot;bar&quot;\n\nPel&#233; scored.\nEvil &#27;[2J &#x202E;x\n"
    )
    assert a.title == 'Café &amp; "bar"'
    assert a.body == "Pelé scored.\nEvil [2J x"
