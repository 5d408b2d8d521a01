"""The layout module: wrapping, shaping, reordering and the logical-to-cell map."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.layout import (
    ParagraphLayout,
    VisualLine,
    cache_clear,
    cell_width,
    fit_line,
    layout_paragraph,
    layout_text,
    to_logical,
)

ELLIPSIS = "\u2026"


def logical_letters(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def plain(line: VisualLine) -> str:
    return " " * line.indent + line.text


# --- wrapping -------------------------------------------------------------------------------


def test_empty_text() -> None:
    assert layout_paragraph("", 40) == ()
    assert layout_paragraph("   ", 40) == ()
    assert layout_paragraph("\u200f", 40) == ()  # only invisible characters
    assert fit_line("", 10) == VisualLine("", 0, False, 0, 0, ())


def test_layout_text_splits_paragraphs_and_keeps_offsets() -> None:
    body = "First line.\n\nسطر عربي\n   \nLast"
    paragraphs = layout_text(body, 40)
    assert [p.text for p in paragraphs] == ["First line.", "", "سطر عربي", "   ", "Last"]
    assert [p.offset for p in paragraphs] == [0, 12, 13, 22, 26]
    assert all(body[p.offset : p.offset + len(p.text)] == p.text for p in paragraphs)
    assert [len(p.lines) for p in paragraphs] == [1, 0, 1, 0, 1]
    assert [p.rtl for p in paragraphs] == [False, False, True, False, False]
    assert isinstance(paragraphs[0], ParagraphLayout)


def test_each_paragraph_gets_its_own_direction_and_the_hint() -> None:
    paragraphs = layout_text("ISIL داعش تسيطر\nEnglish only", 40, language="ar")
    assert [p.rtl for p in paragraphs] == [True, False]


def test_widths_that_force_one_word_per_line() -> None:
    lines = layout_paragraph("one two three", 5)
    assert [line.text for line in lines] == ["one", "two", "three"]
    assert [(line.start, line.end) for line in lines] == [(0, 4), (4, 8), (8, 13)]
    # The space at each wrap point belongs to the line before it and is not drawn.
    assert lines[0].columns == (0, 1, 2, -1)


def test_words_longer_than_the_width_are_split() -> None:
    lines = layout_paragraph("ab abcdefghij cd", 4)
    assert [line.text for line in lines] == ["ab", "abcd", "efgh", "ij", "cd"]
    starts = [line.start for line in lines]
    assert starts == [0, 3, 7, 11, 14]


@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 13])
def test_small_widths_never_overflow(width: int) -> None:
    text = "سلام عليكم ورحمة الله وبركاته - hello world 12345"
    lines = layout_paragraph(text, width)
    assert all(1 <= line.width <= width for line in lines)
    assert lines[0].start == 0 and lines[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(lines, lines[1:], strict=False))


def test_width_1_and_below() -> None:
    lines = layout_paragraph("سلام", 1)
    # lam-alef is one cell, so four letters take three lines.
    assert [logical_letters(line.text) for line in lines] == ["س", "لا", "م"]
    assert layout_paragraph("ab", 0) == layout_paragraph("ab", 1)


def test_wide_characters_take_two_cells() -> None:
    lines = layout_paragraph("中文字", 4)
    assert [line.text for line in lines] == ["中文", "字"]
    assert lines[0].columns == (0, 2)
    # A glyph wider than the whole line is drawn as one "…" (as fit_line does), so the
    # line stays within the width; its character still maps to the placeholder's column.
    lines = layout_paragraph("中文", 1)
    assert [line.text for line in lines] == ["…", "…"]
    assert [line.columns for line in lines] == [(0,), (0,)]


def test_leading_spaces_are_drawn_trailing_are_not() -> None:
    (line,) = layout_paragraph("  indented  ", 40)
    assert line.text == "  indented"
    assert line.columns[-2:] == (-1, -1)


def test_indentation_that_does_not_fit_is_dropped_not_the_first_word() -> None:
    lines = layout_paragraph("    word", 5)
    assert [line.text for line in lines] == ["word"]
    assert lines[0].start == 0 and lines[0].columns == (-1, -1, -1, -1, 0, 1, 2, 3)


def test_invisible_characters_opening_a_paragraph_are_not_a_line() -> None:
    lines = layout_paragraph("\u200f سمات أحمد", 1)
    assert lines[0].start == 0 and lines[0].columns == (-1, -1, 0)
    (line,) = layout_paragraph("\u200f سمات", 10)
    assert line.width == 5  # the space after the mark is indentation


def test_tab_is_drawn_as_one_space() -> None:
    (line,) = layout_paragraph("a\tb", 40)
    assert line.text == "a b"


# --- shaping, reordering, mirroring --------------------------------------------------------


def test_rtl_line_is_shaped_reversed_and_right_aligned() -> None:
    (line,) = layout_paragraph("السلام عليكم", 20)
    assert line.rtl
    assert line.indent == 20 - line.width
    assert line.width == 11  # "السلام" is 5 cells after shaping: lam-alef is one glyph
    assert all(0xFE70 <= ord(ch) <= 0xFEFF or ch == " " for ch in line.text)
    # Visual order: the first logical word is at the right; lam-alef is one glyph.
    assert to_logical(line.text) == "مكيلع ملاسلا"


NBSP, NARROW_NBSP = "\u00a0", "\u202f"
BLANKS = " " + NBSP + NARROW_NBSP
WORDS_EN = "the 10 km road to Mosul was closed on Tuesday by the army"
WORDS_AR = "قالت وزارة الداخلية التركية في بيان اليوم إن قوات الأمن اعتقلت عددا من المشتبه بهم"
# Word separators as scraped news has them: no-break spaces beside ordinary ones, and gluing.
SEPARATORS = [" ", " " + NBSP, NBSP + " ", " ", NBSP + NBSP + " ", " " + NARROW_NBSP, NBSP]


def nbsp_paragraph(words: list[str]) -> str:
    return "".join(w + SEPARATORS[i % len(SEPARATORS)] for i, w in enumerate(words)).rstrip()


def test_rtl_lines_with_no_break_spaces_at_their_edges_reach_the_right_edge() -> None:
    text = nbsp_paragraph(WORDS_AR.split() * 3)
    for width in range(6, 81):
        lines = layout_paragraph(text, width)
        assert len(lines) > 1 or width > 60
        for line in lines:
            shown = plain(line)
            assert line.rtl and len(shown) == width, (width, shown)
            # The line's logical start is the right edge: a glyph, not a blank no-break space;
            # its logical end (the left) is not a blank either.
            assert shown[-1] not in BLANKS, (width, shown)
            assert line.text[0] not in BLANKS, (width, shown)
        # Every character is on a line, once: the no-break spaces at the edges are the
        # undrawn spaces of a wrap point, and still copied back between the lines.
        assert lines[0].start == 0 and lines[-1].end == len(text)
        assert all(a.end == b.start for a, b in zip(lines, lines[1:], strict=False))


def test_no_break_spaces_still_glue_and_ltr_lines_do_not_start_with_one() -> None:
    text = nbsp_paragraph(WORDS_EN.split() * 2)
    for width in range(6, 61):
        for line in layout_paragraph(text, width):
            assert line.text[0] not in BLANKS and line.text[-1] not in BLANKS, (width, line)
    # A no-break space inside a word is kept, drawn, and never a place to break.
    lines = layout_paragraph("a 10\u00a0km b", 5)
    assert [line.text for line in lines] == ["a", "10\u00a0km", "b"]
    # A paragraph of blanks alone draws nothing, like one of ordinary spaces.
    assert layout_paragraph(" " + NBSP + " ", 10) == ()


def test_lam_alef_maps_both_letters_to_one_cell() -> None:
    (line,) = layout_paragraph("سلام", 10)
    assert line.text == "\ufee1\ufefc\ufeb3"  # meem, lam-alef (final), seen (initial)
    assert line.columns == (2, 1, 1, 0)
    assert line.spans_to_cells([(2, 3)]) == [(1, 2)]  # the alef alone lights its ligature


def test_brackets_are_mirrored_in_rtl() -> None:
    text = "(في العراق)"
    (line,) = layout_paragraph(text, 40)
    assert line.text == "(\ufed5\ufe8d\ufeae\ufecc\ufedf\ufe8d \ufef2\ufed3)"
    # The logical "(" is drawn at the right edge, mirrored so that it opens the text.
    assert line.text[line.columns[0]] == ")"
    assert line.columns[0] == len(line.text) - 1


def test_w2_looks_across_line_ends() -> None:
    text = "قال إن النسبة بلغت 75% من السكان"
    lines = layout_paragraph(text, 12)
    line = next(line for line in lines if text[line.start :].startswith("75%"))
    assert "%75" in line.text  # the digits follow Arabic text: W2 makes them AN
    # Laid out alone, the same line would keep "75%": the paragraph context matters.
    (alone,) = layout_paragraph(text[line.start : line.end], 12, language="ar")
    assert "75%" in alone.text


def test_mixed_title_reads_correctly() -> None:
    title = "«داعش» (ISIL) تسيطر على 3 مدن"
    line = fit_line(title, 40)
    # FriBidi's visual order for this title (fribidi --rtl), with our shaping.
    assert line.text == "ﻥﺪﻣ 3 ﻰﻠﻋ ﺮﻄﻴﺴﺗ (ISIL) «ﺶﻋﺍﺩ»"
    assert line.indent == 40 - line.width


def test_harakat_keep_and_drop() -> None:
    text = "مَدْرَسَةٌ"  # meem fatha dal sukun reh fatha seen fatha teh-marbuta dammatan
    (kept,) = layout_paragraph(text, 20)
    (dropped,) = layout_paragraph(text, 20, harakat="drop")
    assert dropped.text == "\ufe94\ufeb3\ufead\ufeaa\ufee3"
    assert kept.width == dropped.width == 5
    # Each mark follows its own letter in the visual text (rule L3), so it combines with it.
    assert kept.text == "\ufe94\u064c\ufeb3\u064e\ufead\u064e\ufeaa\u0652\ufee3\u064e"
    assert kept.columns == (4, 4, 3, 3, 2, 2, 1, 1, 0, 0)
    assert dropped.columns == (4, -1, 3, -1, 2, -1, 1, -1, 0, -1)


def test_invisible_format_characters_are_not_drawn() -> None:
    (line,) = layout_paragraph("a\u200db\u200fc", 10)
    assert line.text == "abc"
    assert line.columns == (0, -1, 1, -1, 2)


def test_explicit_embeddings_still_lay_out() -> None:
    # Sanitised text has none, but the layout must not fall over: python-bidi resolves them.
    (line,) = layout_paragraph("abc \u202bابت def\u202c xyz", 40)
    assert "\u202b" not in line.text
    assert line.text == "abc def ﺖﺑﺍ xyz"


# --- fit_line -------------------------------------------------------------------------------


def test_fit_line_ltr_truncates_at_the_right() -> None:
    line = fit_line("Hello world, this is a test", 15)
    assert line.text == "Hello world, t" + ELLIPSIS
    assert line.indent == 0 and line.width == 15
    assert line.columns[14:] == (-1,) * (27 - 14)
    assert line.end == 27


def test_fit_line_rtl_truncates_at_the_left() -> None:
    title = "وزير الخارجية يلتقي نظيره الفرنسي في باريس"
    line = fit_line(title, 20)
    assert line.rtl
    assert line.text.startswith(ELLIPSIS)  # the logical end is drawn at the left
    assert line.indent + line.width == 20
    # The first word is at the right edge, where an RTL reader starts.
    assert line.columns[0] == line.width - 1


def test_fit_line_does_not_leave_a_space_before_the_ellipsis() -> None:
    assert fit_line("abc def", 5).text == "abc" + ELLIPSIS
    assert fit_line("abc def", 1).text == ELLIPSIS
    assert fit_line("abc def", 0).text == ""


def test_fit_line_short_text_is_untouched() -> None:
    line = fit_line("سلام", 10)
    assert ELLIPSIS not in line.text
    assert line.indent == 10 - 3
    assert fit_line("news", 10) == VisualLine("news", 0, False, 0, 4, (0, 1, 2, 3))


def test_fit_line_language_hint() -> None:
    assert fit_line("ISIL داعش تسيطر", 30, language="ar").rtl
    assert not fit_line("ISIL داعش تسيطر", 30).rtl


# --- highlights -----------------------------------------------------------------------------


def test_spans_to_cells_lands_on_the_word() -> None:
    text = "ذهب الرئيس إلى العراق أمس"
    (line,) = layout_paragraph(text, 40)
    start = text.index("العراق")
    cells = line.spans_to_cells([(start, start + len("العراق"))])
    assert len(cells) == 1
    a, b = cells[0]
    highlighted = line.text[a:b]  # all glyphs here are one cell, one character
    assert logical_letters(highlighted)[::-1] == "العراق"
    assert b - a == 6


def test_spans_to_cells_merges_and_clips() -> None:
    line = fit_line("one two three", 40)
    assert line.spans_to_cells([(4, 7), (0, 3)]) == [(0, 3), (4, 7)]
    assert line.spans_to_cells([(0, 4), (4, 7)]) == [(0, 7)]
    assert line.spans_to_cells([(50, 60)]) == []
    assert line.spans_to_cells([]) == []


def test_spans_to_cells_on_a_wrapped_rtl_paragraph() -> None:
    text = "قال إن النسبة بلغت 75% من السكان"
    lines = layout_paragraph(text, 12)
    start = text.index("75%")
    hits = [(line, line.spans_to_cells([(start, start + 3)])) for line in lines]
    hits = [(line, cells) for line, cells in hits if cells]
    assert len(hits) == 1
    line, [(a, b)] = hits[0]
    assert sorted(line.text[a:b]) == sorted("75%")


# --- terminal mode --------------------------------------------------------------------------


def test_terminal_mode_passes_logical_text() -> None:
    text = "النسبة 75% (تقريبا)"
    (line,) = layout_paragraph(text, 40, mode="terminal")
    assert line.text == text
    assert line.indent == 0
    assert line.columns == tuple(range(len(text)))
    lines = layout_paragraph(text, 10, mode="terminal")
    assert [line.text for line in lines] == ["النسبة 75%", "(تقريبا)"]
    assert fit_line(text, 8, mode="terminal").text == "النسبة" + ELLIPSIS


def test_terminal_mode_keeps_marks_and_bidi_marks_in_logical_order() -> None:
    (line,) = layout_paragraph("مَدْ \u200fx", 20, mode="terminal")
    assert line.text == "مَدْ \u200fx"
    (line,) = layout_paragraph("مَدْ", 20, mode="terminal", harakat="drop")
    assert line.text == "مد"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        layout_paragraph("x", 10, mode="auto")
    with pytest.raises(ValueError):
        layout_text("x", 10, harakat="remove")


# --- helpers --------------------------------------------------------------------------------


def test_to_logical() -> None:
    (line,) = layout_paragraph("السلام", 10)
    assert to_logical(line.text) == "ملاسلا"  # letters again, still in visual order
    assert to_logical("abc ﻻ") == "abc لا"


@pytest.mark.parametrize(
    ("text", "cells"),
    [("abc", 3), ("سلام", 4), ("\ufefb", 1), ("中文", 4), ("e\u0301", 1), ("a\u200db", 2), ("", 0)],
)
def test_cell_width(text: str, cells: int) -> None:
    assert cell_width(text) == cells


def test_results_are_cached() -> None:
    cache_clear()
    assert layout_text("abc", 10) is layout_text("abc", 10)
    assert fit_line("abc", 10) is fit_line("abc", 10)


# --- invariants on random mixed text --------------------------------------------------------

PIECES = [
    *"ابتثجحخدسشصعفقكلمنهوي",
    "لا",
    "لأ",
    *"abcXYZ",
    *"0123456789",
    *"٠١٢٣",
    *".,:-/!؟،",
    *"()[]«»%",
    "\u064e",
    "\u0651",
    "\u200d",
    "中",
    " ",
    " ",
    " ",
    "\u00a0",
]
mixed = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=300)
@given(
    mixed,
    st.integers(1, 30),
    st.sampled_from(["app", "terminal"]),
    st.sampled_from(["keep", "drop"]),
)
def test_line_invariants(text: str, width: int, mode: str, harakat: str) -> None:
    lines = layout_paragraph(text, width, mode=mode, harakat=harakat)
    if not lines:
        # Nothing drawable: only spaces, marks with nothing to sit on, format characters.
        assert all(ch.isspace() or unicodedata.category(ch) in ("Mn", "Cf") for ch in text)
        return
    assert lines[0].start == 0 and lines[-1].end == len(text)
    for line, after in zip(lines, lines[1:], strict=False):
        assert line.end == after.start
    for line in lines:
        assert len(line.columns) == line.end - line.start
        drawn = {c for c in line.columns if c >= 0}
        assert line.width <= width or len(drawn) == 1  # only a lone wide glyph may overflow
        if line.rtl and mode == "app":
            assert line.indent == max(0, width - line.width)
        else:
            assert line.indent == 0
        assert all(0 <= c < line.width for c in drawn)
        # Every visible cell is the drawing of some logical character.
        covered = set()
        for a, b in line.spans_to_cells([(line.start, line.end)]):
            covered.update(range(a, b))
        assert covered == set(range(line.width))


@settings(max_examples=200)
@given(mixed, st.integers(1, 40))
def test_fit_line_invariants(text: str, width: int) -> None:
    line = fit_line(text, width)
    assert line.start == 0 and line.end == len(text)
    assert line.width <= width
    if line.rtl and line.text:
        assert line.indent == max(0, width - line.width)
