"""Embedding levels, base direction, and the python-bidi dump parse (pinned python-bidi)."""

from __future__ import annotations

import unicodedata
from importlib.metadata import version

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.bidi import (
    bidi_classes,
    language_is_rtl,
    paragraph_levels,
    python_bidi_levels,
)
from reader.text.layout import base_direction
from tests.text.fribidi_oracle import l2_reorder

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
HEBREW = "אבגדהוזחטיכלמנסעפצקרשת"
MARKS = "\u064b\u064e\u064f\u0650\u0651\u0652\u0301"
PIECES = [
    *ARABIC,
    *HEBREW[:6],
    *"abcXYZ",
    *"0123456789",
    *"٠١٢٣٤٥٦٧٨٩",
    *"۰۱۲",
    *".,:;-+/!?،؛؟",
    *"()[]{}«»<>",
    *"%٪$#€",
    *MARKS,
    " ",
    "  ",
    "\t",
    "\u00a0",
]
# Boundary neutrals (rule X9): zero width joiner/non-joiner, soft hyphen, ZWSP, BOM.
BN = ["\u200d", "\u200c", "\u00ad", "\u200b", "\ufeff"]

mixed = st.lists(st.sampled_from(PIECES), min_size=1, max_size=50).map("".join)
mixed_bn = st.lists(st.sampled_from(PIECES + BN), min_size=1, max_size=50).map("".join)


def test_python_bidi_is_the_pinned_version() -> None:
    # python_bidi_levels parses a debug dump whose format is not a stable API.
    assert version("python-bidi") == "0.6.12"


def _display_from_levels(text: str, levels: list[int], rtl: bool) -> str:
    """Rules L1 and L2 (no mirroring, like python-bidi's Rust path) over one line."""
    levels = list(levels)
    classes = [unicodedata.bidirectional(ch) for ch in text]
    trailing = True
    for i in range(len(text) - 1, -1, -1):
        if classes[i] in ("S", "B"):
            levels[i] = int(rtl)
            trailing = True
        elif classes[i] == "WS" and trailing:
            levels[i] = int(rtl)
        else:
            trailing = False
    return "".join(text[i] for i in l2_reorder(list(range(len(text))), levels))


@pytest.mark.parametrize(
    "text",
    ["abc ابت  ", "ابت abc", "قال 75% من 3.5 مليون (تقريبا) «نعم»", "Price: $5 - ١٢٣ ريال"],
)
@pytest.mark.parametrize("rtl", [True, False])
def test_dump_parse_reproduces_get_display(text: str, rtl: bool) -> None:
    levels = python_bidi_levels(text, rtl)
    assert len(levels) == len(text)
    expected = get_display(text, base_dir="R" if rtl else "L")
    assert _display_from_levels(text, levels, rtl) == expected


@settings(max_examples=400)
@given(mixed, st.booleans())
def test_dump_parse_reproduces_get_display_on_random_text(text: str, rtl: bool) -> None:
    expected = get_display(text, base_dir="R" if rtl else "L")
    assert _display_from_levels(text, python_bidi_levels(text, rtl), rtl) == expected


@settings(max_examples=1000)
@given(mixed, st.booleans())
def test_implicit_levels_match_python_bidi(text: str, rtl: bool) -> None:
    ours = [ord(level) for level in paragraph_levels(text, rtl)]
    assert ours == python_bidi_levels(text, rtl)


@settings(max_examples=300)
@given(mixed_bn, st.booleans())
def test_boundary_neutrals_are_transparent(text: str, rtl: bool) -> None:
    # X9 removes BN characters; the levels of everything else must not change.
    ours = [ord(level) for level in paragraph_levels(text, rtl)]
    theirs = python_bidi_levels(text, rtl)
    keep = [i for i, code in enumerate(bidi_classes(text)) if code != "b"]
    assert [ours[i] for i in keep] == [theirs[i] for i in keep]


@pytest.mark.parametrize(
    ("text", "rtl"),
    [
        # FriBidi 1.0.8 merges a bracket into a neighbouring run of neutrals and NSMs and
        # then loses the pair (it gives 1 1 1 0 0 0 here). UAX #9 N0 and python-bidi's
        # unicode-bidi agree: the pair takes R from the context, and so do the neutrals.
        ("ص(ق?\u0652)", False),
        ("a]\u0651[b]", True),
        ("(ت[\u0651)٦", False),
    ],
)
def test_brackets_next_to_marks_follow_uax9_not_fribidi_108(text: str, rtl: bool) -> None:
    assert [ord(level) for level in paragraph_levels(text, rtl)] == python_bidi_levels(text, rtl)


def test_w2_across_the_whole_paragraph() -> None:
    text = "النسبة 75% من"
    levels = [ord(level) for level in paragraph_levels(text, True)]
    # W2 makes the digits AN, so W5 does not join "%" to them: it is a neutral between
    # R-like types and resolves R. Drawn right to left, "75%" reads "%75".
    assert levels[7:10] == [2, 2, 1]
    assert bidi_classes("75%") == "eet"


def test_explicit_embeddings_use_python_bidi() -> None:
    text = "abc \u202bابت def\u202c xyz"
    assert [ord(level) for level in paragraph_levels(text, False)] == python_bidi_levels(
        text, False
    )


def test_lone_surrogates_do_not_break_the_python_bidi_path() -> None:
    levels = python_bidi_levels("a\ud800\u202bب\u202c", False)
    assert len(levels) == 5


@pytest.mark.parametrize(
    ("text", "language", "rtl"),
    [
        ("ISIL داعش تسيطر", "ar", True),  # hint wins: the paragraph has Arabic letters
        ("ISIL داعش تسيطر", None, False),  # P2/P3: first strong character is L
        ("ISIL داعش تسيطر", "en", False),
        ("داعش is a group", "en", False),  # hint wins: it has Latin letters
        ("داعش is a group", None, True),
        ("All English", "ar", False),  # hint ignored: no Arabic in the paragraph
        ("كل شيء عربي", "en", True),
        ("12345 !?", "ar", True),  # no strong character: the hint
        ("12345 !?", None, False),  # no strong character, no hint: LTR
        ("", "fa", True),
        ("שלום world", None, True),  # Hebrew is R
        ("abc \u2067שלום\u2069", None, False),
        ("\u2067abc\u2069 שלום", None, True),  # P2 skips isolated text
    ],
)
def test_base_direction(text: str, language: str | None, rtl: bool) -> None:
    assert base_direction(text, language) is rtl


@pytest.mark.parametrize(
    ("language", "rtl"),
    [
        ("ar", True),
        ("AR", True),
        ("ar-SA", True),
        ("fa_IR", True),
        ("ur", True),
        ("ps", True),
        ("he", True),
        ("yi", True),
        ("ckb", True),
        ("ku", False),  # Kurmanji is Latin script; Sorani is "ckb"
        ("ku-Arab", True),
        ("az-Arab", True),
        ("ar-Latn", False),
        ("en", False),
        ("en-US", False),
        ("", None),
        (None, None),
    ],
)
def test_language_is_rtl(language: str | None, rtl: bool | None) -> None:
    assert language_is_rtl(language) is rtl
