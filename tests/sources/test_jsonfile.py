from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reader.models import Article
from reader.sources.common import ParseFailure
from reader.sources.jsonfile import iter_json, iter_json_lines, record_to_article

SAUDI = {
    "source": "alriyadh",
    "url": "http://www.alriyadh.com/1066767",
    "date_extracted": "2015-07-21 23:17:37",
    "title": "أمير مكة يرعى معرض الفيصل",
    "author": "واس - الطائف",
    "content": " يرعى صاحب السمو الملكي الأمير خالد الفيصل\n\n افتتاح معرض في الطائف. \n",
}


def parse(value: object, **kw: object) -> list[Article | ParseFailure]:
    return list(iter_json(json.dumps(value, ensure_ascii=False).encode(), **kw))  # type: ignore[arg-type]


def one(record: dict[str, object], **kw: object) -> Article:
    result = record_to_article(record, **kw)  # type: ignore[arg-type]
    assert isinstance(result, Article), result
    return result


def test_saudinewsnet_record() -> None:
    a = one(SAUDI)
    assert a.title == "أمير مكة يرعى معرض الفيصل"
    assert a.body == "يرعى صاحب السمو الملكي الأمير خالد الفيصل\nافتتاح معرض في الطائف."
    assert a.url == "http://www.alriyadh.com/1066767"
    assert a.author == "واس - الطائف"
    assert a.source == "alriyadh"
    assert a.published == datetime(2015, 7, 21, 23, 17, 37, tzinfo=UTC)
    assert a.language == "ar"
    assert a.guid is None


def test_alternative_field_names() -> None:
    a = one(
        {
            "title": "T",
            "body": "B",
            "link": "https://example.com/a",
            "pubDate": "Sat, 21 Jan 2017 10:00:00 GMT",
            "lang": "en-US",
            "guid": "tag:example.com,2017:a",
        }
    )
    assert (a.body, a.url, a.language, a.guid) == ("B", "https://example.com/a", "en", a.guid)
    assert a.guid == "tag:example.com,2017:a"
    assert a.published == datetime(2017, 1, 21, 10, tzinfo=UTC)
    assert one({"title": "T", "text": "Body text"}).body == "Body text"


def test_published_is_preferred_to_date_extracted() -> None:
    a = one({"title": "T", "date_extracted": "2015-07-21", "published": "2015-07-20"})
    assert a.published == datetime(2015, 7, 20, tzinfo=UTC)
    # an unparseable date is skipped, not an error
    b = one({"title": "T", "published": "soon", "date": "21/07/2015"})
    assert b.published == datetime(2015, 7, 21, tzinfo=UTC)
    assert one({"title": "T", "date": "soon"}).published is None


def test_values_of_other_types() -> None:
    a = one(
        {
            "title": 2015,
            "content": ["First paragraph.", "", "Second.", None],
            "author": ["A. Writer", "B. Writer"],
            "source": {"id": "x", "name": "Reuters"},
            "url": {"href": "not taken"},
        }
    )
    assert a.title == "2015"
    assert a.body == "First paragraph.\nSecond."
    assert a.author == "A. Writer, B. Writer"
    assert a.source == "Reuters"
    assert a.url is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("AR", "ar"), ("en_GB", "en"), ("Arabic", "ar"), ("english", "en"), ("fra", "fra")],
)
def test_language_field(value: str, expected: str) -> None:
    assert one({"title": "x", "language": value}).language == expected


def test_bad_language_field_falls_back_to_detection() -> None:
    assert one({"title": "عنوان عربي", "language": "??"}).language == "ar"
    assert one({"title": "English title", "language": 7}).language == "en"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("urn:uuid:6f1c1b5e-7f0a-4d8c-9a57-1a2b3c4d5e6f", True),
        ("https://example.com/story/17", True),
        ("6f1c1b5e-7f0a-4d8c-9a57-1a2b3c4d5e6f", True),
        ("17", False),
        (17, False),
        ("a1", False),
    ],
)
def test_only_globally_unique_ids_become_guids(value: object, kept: bool) -> None:
    a = one({"title": "T", "id": value})
    assert (a.guid is not None) is kept


def test_empty_title_is_derived_from_body() -> None:
    words = "الكلمة " * 40
    a = one({"title": "  ", "content": words + "\nSecond paragraph"})
    assert a.title.endswith("…")
    assert a.title.startswith("الكلمة الكلمة")
    assert len(a.title) <= 81
    assert one({"content": "Short body"}).title == "Short body"


def test_title_only_record_is_kept() -> None:
    a = one({"title": "Headline", "content": "  "})
    assert (a.title, a.body) == ("Headline", "")


def test_escapes_and_surrogates_are_cleaned() -> None:
    a = one(
        {"title": "\x1b[31mRed\x1b[0m\nnews", "content": "ok \ud800 text\x1b[2J", "author": "\x07"}
    )
    assert a.title == "Red news"
    assert a.body == "ok \ufffd text"
    assert a.author is None


def test_default_source_only_when_record_has_none() -> None:
    assert one({"title": "T"}, source="Wire").source == "Wire"
    assert one({"title": "T", "source": "Own"}, source="Wire").source == "Own"


def test_array_with_bad_records() -> None:
    results = parse([SAUDI, "not an object", {"title": "", "content": " "}, [1], {"title": "ok"}])
    assert isinstance(results[0], Article)
    assert isinstance(results[4], Article) and results[4].title == "ok"
    failures = [r for r in results if isinstance(r, ParseFailure)]
    assert [f.where for f in failures] == ["#1", "#2", "#3"]
    assert "not an object" in failures[0].reason and "string" in failures[0].reason
    assert "no title, no content and no URL" in failures[1].reason
    assert "array" in failures[2].reason


def test_single_object() -> None:
    (result,) = parse(SAUDI)
    assert isinstance(result, Article) and result.source == "alriyadh"


def test_empty_array_is_nothing() -> None:
    assert parse([]) == []


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty file"),
        (b"  \n", "empty file"),
        (b'[{"title": "x"},', "invalid JSON"),
        (b"42", "not a number"),
        (b'"text"', "not a string"),
        (b"null", "not a null"),
        ('[{"title": "é"}]'.encode("latin-1"), "not UTF-8"),
        (b"[" * 100000 + b"]" * 100000, "invalid JSON"),
    ],
)
def test_whole_file_failures(data: bytes, needle: str) -> None:
    results = list(iter_json(data))
    assert len(results) == 1 and isinstance(results[0], ParseFailure)
    assert needle in results[0].reason and results[0].where == ""


def test_bom_is_accepted() -> None:
    (result,) = list(iter_json(b"\xef\xbb\xbf" + json.dumps({"title": "x"}).encode()))
    assert isinstance(result, Article)


def test_json_lines_with_bad_lines() -> None:
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"title": "first"}).encode(),
        b"",
        b"{broken",
        json.dumps(["not", "object"]).encode(),
        json.dumps({"title": "last", "content": "body"}).encode(),
        b'{"title": "\xff"}',
    ]
    results = list(iter_json_lines(lines))
    assert [r.title for r in results if isinstance(r, Article)] == ["first", "last"]
    failures = [r for r in results if isinstance(r, ParseFailure)]
    # JSON Lines positions are 1-based line numbers (blank lines count)
    assert [f.where for f in failures] == ["#3", "#4", "#6"]
    assert "invalid JSON" in failures[0].reason
    assert "not UTF-8" in failures[2].reason


def test_json_lines_in_a_json_file() -> None:
    data = b'{"title": "one"}\n{"title": "two"}\n'
    assert [r.title for r in iter_json(data) if isinstance(r, Article)] == ["one", "two"]
    assert [r.title for r in iter_json(data, json_lines=True) if isinstance(r, Article)] == [
        "one",
        "two",
    ]


def test_a_record_with_only_a_link_is_named_by_its_slug() -> None:
    record = {
        "url": "http://www.al-madina.com/node/620227/كيف-تسعف-طفلاً-بعد-انسداد.html",
        "title": "",
        "content": " ",
        "source": "almadina",
    }
    article = record_to_article(record)
    assert isinstance(article, Article)
    assert article.title == "كيف تسعف طفلاً بعد انسداد"
    assert article.body == ""
    pdf = record_to_article({"url": "http://x.example/node/1234/pdf", "content": ""})
    assert isinstance(pdf, Article) and pdf.title == "x.example/node/1234/pdf"
    assert record_to_article({"url": "", "content": ""}) == (
        "record has no title, no content and no URL to name it by"
    )


def test_html_entities_are_decoded_once_and_cleaned() -> None:
    """SaudiNewsNet titles and authors hold `&quot;` literally (issue 14)."""
    a = one(
        {
            **SAUDI,
            "title": "&quot;مدني مكة&quot; يسيطر &#8220;حريق&#8221; &amp;quot;",
            "author": "جدة&nbsp;-&nbsp;واس",
            "content": "قال &quot;المتحدث&quot;\nEvil &#27;[31mred&#x9b;2J &#x202E;txt &#0;",
        }
    )
    assert a.title == '"مدني مكة" يسيطر \u201cحريق\u201d &quot;'  # &amp;quot; once: &quot;
    assert a.author == "جدة - واس"
    # no ESC or RLO left; HTML reads &#x9b; as windows-1252 "›", not as the C1 CSI
    assert a.body == 'قال "المتحدث"\nEvil [31mred›2J txt \ufffd'


def test_text_that_only_looks_like_entities_is_kept() -> None:
    a = one({"title": "AT&T and Barnes&Noble &times of R&D; &bogus;", "content": "x"})
    assert a.title == "AT&T and Barnes&Noble &times of R&D; &bogus;"


def test_derived_titles_are_not_decoded_twice() -> None:
    a = one({"content": "Tom &amp;amp; Jerry", "url": "http://x/a?b=1&amp;c=2"})
    assert (a.title, a.body, a.url) == ("Tom &amp; Jerry", "Tom &amp; Jerry", "http://x/a?b=1&c=2")
    b = one({"url": "http://x/node/tom-&amp;amp;-jerry"})
    assert b.title == "tom &amp; jerry"
