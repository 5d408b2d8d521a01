"""The shaping map reproduces the configured arabic_reshaper exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.shaping import HARAKAT, MERGED, RESHAPER_CONFIG, reference_reshaper, shape

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةىپچژگکی"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
REFERENCE = reference_reshaper()


def shaped_text(text: str) -> str:
    glyphs = shape(text)
    out = text if glyphs is None else glyphs.replace(MERGED, "")
    return HARAKAT.sub("", out)


@pytest.mark.parametrize(
    "text",
    [
        "السلام عليكم",
        "لا إله إلا الله",  # lam-alef everywhere, ALLAH ligature must stay off
        "بسم الله الرحمن الرحيم",  # BISMILLAH ligature must stay off
        "مُحَمَّدٌ رَسُولُ اللَّهِ",  # harakat between lam and alef still ligate
        "ISIL داعش (تسيطر) على 75%",
        "بـلا ـ لآ لأ لإ",
        "پژوهشگران ایرانی",
        "",
        "no arabic here",
    ],
)
def test_matches_arabic_reshaper(text: str) -> None:
    assert shaped_text(text) == REFERENCE.reshape(text)


def test_big_ligatures_are_off() -> None:
    assert RESHAPER_CONFIG["ARABIC LIGATURE ALLAH"] is False
    out = shaped_text("الله صلى الله عليه وسلم")
    assert not any("\ufdf0" <= ch <= "\ufdff" for ch in out)
    assert len(out) == len("الله صلى الله عليه وسلم")  # one glyph per letter: no wide glyphs


def test_lam_alef_merges_and_keeps_length() -> None:
    glyphs = shape("لا")
    assert glyphs == "\ufefb" + MERGED
    glyphs = shape("سلام")
    assert glyphs is not None and len(glyphs) == 4 and glyphs[2] == MERGED
    assert shape("abc") is None


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from([*LETTERS, *MARKS, "لا", "لأ", " ", "a", "1", "ـ", "،"]), max_size=40
    ).map("".join)
)
def test_matches_arabic_reshaper_on_random_text(text: str) -> None:
    assert shaped_text(text) == REFERENCE.reshape(text)
