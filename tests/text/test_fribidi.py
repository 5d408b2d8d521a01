"""FriBidi is the judge: every laid-out line must match its visual order.

Three checks per paragraph, for each width:
1. unwrapped (one line): our visual text == `fribidi` on the whole paragraph;
2. wrapped, in paragraph context: each line == the line's characters reordered by rule L2
   with FriBidi's own levels for the whole paragraph, drawn with FriBidi's glyphs (shaped,
   mirrored). This is sound for every line, including those where W2, N0 or N1 look across
   the line end;
3. wrapped, rtl.md's per-line check: `fribidi` on the logical line alone, prefixed with a mark
   (ALM/RLM/LRM) standing for the last strong character before it. That prefix carries W2
   and W7 context but not N0 (a bracket pair split over two lines) or N1 (neutrals at a
   line end take the next line's direction). So the check is asserted on every line where
   FriBidi's own per-line levels equal its paragraph levels, and the others are counted.
Also, the first visual line holds the paragraph's first words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.text.bidi import bidi_classes
from reader.text.cells import cell_width
from reader.text.layout import VisualLine, base_direction, layout_paragraph
from tests.text.fribidi_oracle import (
    FRIBIDI,
    SAUDINEWSNET,
    corpus_paragraphs,
    expected_line,
    fold,
    line_text,
    run_fribidi,
)

pytestmark = pytest.mark.skipif(FRIBIDI is None, reason="fribidi (libfribidi-bin) not installed")

WIDE = 1 << 30
MARK_FOR = {"a": "\u061c", "R": "\u200f", "L": "\u200e"}  # last strong class -> ALM/RLM/LRM
MAX_BYTES = 60_000  # fribidi's command-line tool reads lines into a fixed 65,000-byte buffer


def _first_drawn(paragraph: str, line: VisualLine) -> int:
    """Where the line's text starts for the oracles: a first line whose indentation did not
    fit leaves it undrawn, like the spaces at any other wrap point."""
    start = line.start
    while (
        start < line.end
        and line.columns[start - line.start] < 0
        and (_breaks(paragraph[start]) or unicodedata.category(paragraph[start]) == "Cf")
    ):
        start += 1
    return start


def _breaks(ch: str) -> bool:
    """A space that is left undrawn at a line's edge (leading ones are indentation, dropped
    when too wide). No-break spaces count: they never offer a break, but they align as
    spaces."""
    return ch.isspace()


@dataclass
class Counts:
    paragraphs: int = 0
    lines: int = 0
    per_line_checked: int = 0
    per_line_context_dependent: int = 0
    context_examples: list[str] = field(default_factory=list)


def check_paragraphs(
    paragraphs: list[str], widths: tuple[int, ...], language: str | None = None
) -> Counts:
    counts = Counts()
    by_direction: dict[bool, list[str]] = {True: [], False: []}
    for paragraph in paragraphs:
        assert "\n" not in paragraph
        if paragraph.strip() and len(paragraph.encode()) < MAX_BYTES:
            by_direction[base_direction(paragraph, language)].append(paragraph)
    for rtl, group in by_direction.items():
        if not group:
            continue
        per_line: list[tuple[str, int, VisualLine, int, str]] = []
        for paragraph, info in zip(group, run_fribidi(group, rtl), strict=True):
            lines = layout_paragraph(paragraph, WIDE, language=language)
            if not lines:
                continue  # nothing drawable (only spaces, marks or format characters)
            counts.paragraphs += 1
            (whole,) = lines
            assert whole.rtl is rtl
            assert fold(whole.text) == fold(info.visual), paragraph
            classes = bidi_classes(paragraph)
            first_visible = next(
                i for i, ch in enumerate(paragraph) if whole.columns[i] >= 0 and not _breaks(ch)
            )
            for width in widths:
                lines = layout_paragraph(paragraph, width, language=language)
                assert lines[0].start == 0
                assert lines[0].columns[first_visible] >= 0, (
                    paragraph,
                    width,
                    lines[0],
                )  # first words first
                for line in lines:
                    counts.lines += 1
                    start = _first_drawn(paragraph, line)
                    want = expected_line(paragraph, info, start, line.end, rtl)
                    if line.text == "…" and cell_width(want.strip()) > width:
                        continue  # one glyph wider than the whole line is drawn as "…"
                    assert fold(line.text) == fold(want), (paragraph, width, line)
                    logical = line_text(paragraph, start, line.end)
                    if not logical:
                        continue
                    strong = [c for c in classes[:start] if c in MARK_FOR]
                    mark = MARK_FOR[strong[-1]] if strong else ""
                    per_line.append((paragraph, start, line, len(mark), mark + logical))
        whole_info = dict(zip(group, run_fribidi(group, rtl), strict=True))
        results = run_fribidi([item[4] for item in per_line], rtl)
        for (paragraph, start, line, skip, marked), result in zip(per_line, results, strict=True):
            logical = marked[skip:]
            in_context = whole_info[paragraph].levels[start : start + len(logical)]
            if tuple(result.levels[skip:]) != tuple(in_context):
                counts.per_line_context_dependent += 1
                if len(counts.context_examples) < 5:
                    counts.context_examples.append(logical)
                continue
            counts.per_line_checked += 1
            assert fold(line.text) == fold(result.visual), (paragraph, logical)
    return counts


# --- fixed cases that always run ------------------------------------------------------------

FIXED = [
    "(في العراق)",
    "قال إن النسبة بلغت 75% من السكان في عام 2015",
    "«داعش» (ISIL) تسيطر على 3 مدن",
    "ISIL داعش تسيطر على الموصل",
    "The group (داعش) took 3 cities, said AFP.",
    "سعر البرميل 45.5 دولار (+2.3%) يوم 21/7/2015 - رويترز",
    "مُحَمَّدٌ رَسُولُ اللَّهِ",
    "كتب: «الحرب العالمية الثانية، 1939-1945» في [الفصل 3]",
    "6-2 . 6-3 في المباراة",
    "abc \u202bابت def\u202c xyz",  # explicit embedding: the python-bidi path
    "\u202eabc\u202c ابت",  # override
    "لا إله إلا الله",
    "الأمم المتحدة: 1,234,567 لاجئ",
    "٣٥٪ من ١٢٠ مليون",
]


@pytest.mark.parametrize("language", [None, "ar", "en"])
def test_fixed_cases_agree_with_fribidi(language: str | None) -> None:
    counts = check_paragraphs(FIXED, (1, 4, 7, 10, 16, 25), language)
    assert counts.paragraphs == len(FIXED)


# --- real Arabic news -----------------------------------------------------------------------


def test_corpus_agrees_with_fribidi() -> None:
    if not SAUDINEWSNET.is_dir():
        pytest.skip("../shared/corpora/saudinewsnet is not present")
    paragraphs = corpus_paragraphs(1200)
    assert len(paragraphs) >= 500
    counts = check_paragraphs(paragraphs, (20, 40, 80))
    print(
        f"\nFriBidi agreement on SaudiNewsNet: {counts.paragraphs} paragraphs unwrapped, "
        f"{counts.lines} wrapped lines in paragraph context; per-line check on "
        f"{counts.per_line_checked} lines ({counts.per_line_context_dependent} depend on "
        f"context beyond the mark: {counts.context_examples})"
    )
    assert counts.paragraphs >= 500
    # Lines whose FriBidi levels need more context than one mark are rare in real text.
    assert counts.per_line_context_dependent <= counts.lines // 1000 + 5


# --- random mixed text ----------------------------------------------------------------------

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
letter = st.sampled_from(LETTERS)
# Harakat only on letters, as in real text. (FriBidi 1.0.8 mishandles marks sitting on
# brackets and other neutrals; see test_bidi.py for those cases against python-bidi.)
voweled = st.tuples(letter, st.sampled_from(HARAKAT)).map("".join)
piece = st.one_of(
    letter,
    letter,
    voweled,
    st.sampled_from(["لا", "لأ", "ال", "ـ"]),
    st.sampled_from("abcXYZ"),
    st.sampled_from("0123456789"),
    st.sampled_from("٠١٢٣٤٥٦٧٨٩"),
    st.sampled_from("۰۱۲۳"),
    st.sampled_from(".,:;-+/!?،؛؟"),
    st.sampled_from("()[]{}«»"),
    st.sampled_from("%٪$#"),
    st.sampled_from([" ", " ", "  "]),
    # Invisible and unusual characters: NBSP, tab, LRM, RLM, ALM, ZWJ, soft hyphen, figure
    # space, ideographic space, a wide character.
    st.sampled_from(["\u00a0", "\t", "\u200e", "\u200f", "\u061c", "\u200d", "\u00ad"]),
    st.sampled_from(["\u2007", "\u3000", "中"]),
)
mixed = st.lists(piece, min_size=1, max_size=40).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mixed, min_size=1, max_size=25), st.sampled_from([None, "ar", "en"]))
def test_random_mixed_text_agrees_with_fribidi(paragraphs: list[str], language: str | None) -> None:
    check_paragraphs(paragraphs, (1, 3, 6, 11, 20), language)


def test_fold_compares_what_a_reader_sees() -> None:
    assert fold("\ufefb\ufeff") == fold("\u0627\u0644")  # lam-alef, in visual order
    assert fold(" \u0628\u064e ") == "\u0628"
    assert unicodedata.normalize("NFKC", "\ufefb") == "\u0644\u0627"
