"""Untrusted text loses every terminal control sequence and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text.sanitize import clean_line, clean_text

ESC = "\x1b"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"{ESC}[31mred{ESC}[0m text", "red text"),
        (f"{ESC}[1;38;2;255;0;0mbold{ESC}[m", "bold"),
        (f"a{ESC}[?1049hb", "ab"),  # private mode (alternate screen)
        (f"a{ESC}[2J{ESC}[Hb", "ab"),  # clear screen, home
        (f"x{ESC}]52;c;ZWNobyBoYWNrZWQ={ESC}\\y", "xy"),  # OSC 52 clipboard write, ST
        (f"x{ESC}]52;c;ZWNobyBoYWNrZWQ=\x07y", "xy"),  # OSC 52, BEL terminated
        (f"x{ESC}]0;evil title\x07y", "xy"),  # window title
        (f"x{ESC}]8;;http://evil.example/\x07link{ESC}]8;;\x07y", "xlinky"),  # hyperlink
        (f"x{ESC}Pq#0;2;0;0;0#1!6~{ESC}\\y", "xy"),  # DCS (sixel)
        (f"x{ESC}P+q544e\nmore{ESC}\\y", "xy"),  # DCS payload spanning a newline
        (f"x{ESC}_APC payload{ESC}\\y", "xy"),  # APC
        (f"x{ESC}^PM payload{ESC}\\y", "xy"),  # PM
        (f"x{ESC}XSOS payload{ESC}\\y", "xy"),  # SOS
        ("x\x9b31my", "xy"),  # 8-bit CSI
        ("x\x9d52;c;AAAA\x07y", "xy"),  # 8-bit OSC, BEL terminated
        ("x\x9d0;title\x9cy", "xy"),  # 8-bit OSC, 8-bit ST
        ("x\x90q#0;2\x9cy", "xy"),  # 8-bit DCS
        (f"x{ESC}(By", "xy"),  # charset designation (nF)
        (f"x{ESC}7y{ESC}8", "xy"),  # save/restore cursor (Fp)
        (f"x{ESC}cy", "xy"),  # full reset (Fs)
        (f"x{ESC}", "x"),  # bare ESC at the end
        (f"x{ESC}[", "x"),  # CSI cut off
        (f"x{ESC}]52;c;AAAA", "x52;c;AAAA"),  # unterminated OSC: introducer removed, inert
        ("a\x00b\x07c\x08d", "abcd"),  # NUL, BEL, backspace
        ("a\x0bb\x0cc\x7fd", "abcd"),  # VT, FF, DEL
        ("a\x85b\x9fc", "abc"),  # C1 controls
        ("a\r\nb\rc\n", "a\nb\nc\n"),  # newlines normalised
        ("col\tcol\nnext", "col\tcol\nnext"),  # tab and newline kept
        ("\u202eevil\u202c txt", "evil txt"),  # RLO ... PDF: layout spoofing
        ("\u2066a\u2069 \u2067b\u2069 \u2068c\u2069", "a b c"),  # isolates
        ("\u202a\u202b\u202d", ""),  # LRE RLE LRO
        ("a\u200eb\u200fc\u061cd", "a\u200eb\u200fc\u061cd"),  # LRM RLM ALM kept
        ("مَرْحَبًا بالعالم 🌍👍🏽", "مَرْحَبًا بالعالم 🌍👍🏽"),
        ("[bold red]x[/] [link=http://a]y[/link]", "[bold red]x[/] [link=http://a]y[/link]"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_returns_plain_text_unchanged() -> None:
    text = "Plain English.\nسطر عربي.\n"
    assert clean_text(text) is text  # the fast path does not copy


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Title\twith\n\nbreaks  ", "Title with breaks"),
        (f"{ESC}[1mBold{ESC}[0m  headline", "Bold headline"),
        ("عنوان\r\nعربي", "عنوان عربي"),
        ("\u202eSpoof\u202c", "Spoof"),
        ("", ""),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


_DANGEROUS = set(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
_DANGEROUS |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x2100) | st.just(ESC)))
def test_no_control_character_survives(raw: str) -> None:
    cleaned = clean_text(raw)
    assert not (set(cleaned) & _DANGEROUS)
    assert "\r" not in cleaned
    assert clean_text(cleaned) == cleaned  # idempotent
    line = clean_line(raw)
    assert "\n" not in line and "\t" not in line and line == line.strip()


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf"))))
def test_printable_text_is_untouched(raw: str) -> None:
    assert clean_text(raw) == raw
