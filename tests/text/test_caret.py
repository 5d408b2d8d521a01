"""The search box's caret map against FriBidi: every caret position of each query in the
issue (and of every prefix of it, as it is typed) is drawn next to the character that
Backspace deletes, in the cell where FriBidi puts that character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.caret import CaretLine, caret_line
from reader.text.cells import cell_width
from reader.text.layout import fit_line
from tests.text.fribidi_oracle import FRIBIDI, FriBidiQuery, fold, fribidi_queries

QUERIES = (
    "العراق",
    "Trump ترامب",
    '"وزارة الداخلية" after:2017-02-06',
    "lang:ar الحكومة -تونس",
)

needs_fribidi = pytest.mark.skipif(FRIBIDI is None, reason="fribidi (libfribidi-bin) not installed")


def check_against_fribidi(query: str, fb: FriBidiQuery, line: CaretLine) -> None:
    assert line.rtl == fb.rtl
    assert line.text == fb.text  # FriBidi's visual order, shaped as the app shapes
    assert fold(line.text) == fold(fb.visual)  # and FriBidi's own shaping agrees
    blocks = fb.blocks(query)
    lead = 1 if min(blocks) < 0 else 0  # room for a caret left of the text
    assert line.lead == lead
    for i in range(len(query)):  # logical index -> cell
        assert line.column(i) == fb.cells[i] + lead, i
    for p, block in enumerate(blocks):  # caret position -> cell
        assert line.carets[p] == block + lead, (query[:p], query[p:])
    assert min(line.carets) >= 0 and max(line.carets) < line.width


@needs_fribidi
@pytest.mark.parametrize("query", QUERIES)
def test_caret_cells_match_fribidi_at_every_position(query: str) -> None:
    (fb,) = fribidi_queries([query])
    check_against_fribidi(query, fb, caret_line(query))


@needs_fribidi
@pytest.mark.parametrize("query", QUERIES)
def test_caret_cells_match_fribidi_while_typing(query: str) -> None:
    prefixes = [query[:k] for k in range(1, len(query) + 1)]
    for prefix, fb in zip(prefixes, fribidi_queries(prefixes), strict=True):
        check_against_fribidi(prefix, fb, caret_line(prefix))


@needs_fribidi
@pytest.mark.parametrize("query", QUERIES)
def test_left_and_right_follow_the_run_the_caret_is_in(query: str) -> None:
    (fb,) = fribidi_queries([query])
    line = caret_line(query)
    # Every position is a stop here (no harakat, no lam-alef): Right from the leftmost one
    # visits each once, and the block never moves left.
    position = min(range(len(query) + 1), key=lambda p: (line.carets[p], p))
    assert line.step(position, right=False) == position
    seen = [position]
    while (after := line.step(position, right=True)) != position:
        assert line.carets[after] >= line.carets[position]
        assert line.step(after, right=False) == position  # Left undoes Right
        step = fb.right_step_in_run(position, after)  # in a run: the run's direction
        assert step is None or after - position == step, (query[:position], after)
        seen.append(after)
        position = after
    assert sorted(seen) == list(range(len(query) + 1))
    assert line.order == tuple(seen)


@pytest.mark.parametrize("query", QUERIES)
def test_a_click_puts_the_caret_where_its_block_is_drawn(query: str) -> None:
    line = caret_line(query)
    for p in range(len(query) + 1):
        assert line.carets[line.position_at(line.carets[p])] == line.carets[p]
    # A click on a character puts the caret next to it, before it where it can be drawn.
    for i in range(len(query)):
        cell = line.column(i)
        clicked = line.position_at(cell)
        assert abs(line.carets[clicked] - cell) <= 1
        if line.carets[i] == cell:
            assert clicked == i
    assert line.position_at(-5) == line.order[0]
    assert line.position_at(line.width + 5) == line.order[-1]


def test_terminal_mode_passes_logical_text_through() -> None:
    for query in QUERIES:
        line = caret_line(query, mode="terminal")
        assert line.text == query and line.lead == 0 and line.indent(80) == 0
        assert line.carets == tuple(range(len(query) + 1))
        assert line.order == tuple(range(len(query) + 1))


def test_rtl_lines_are_right_aligned_in_app_mode() -> None:
    line = caret_line("العراق")
    assert line.indent(40) == 40 - line.width and line.width == 7  # 6 letters, caret room
    assert caret_line("Trump ترامب").indent(40) == 0


def test_units_are_one_stop_each() -> None:
    # lam-alef is one glyph, and a letter with its harakat is one glyph: no stop inside.
    query = "لاعِب"
    line = caret_line(query)
    assert line.text == fit_line(query, 40).text
    assert sorted(line.order) == [0, 2, 4, 5]  # not 1 (inside lam-alef), not 3 (before ِ)
    # A caret inside a unit (set by the program) moves to the next block on that side.
    assert line.carets[line.step(3, right=False)] == line.carets[3] - 1
    assert line.carets[line.step(3, right=True)] == line.carets[3] + 1


letters = st.sampled_from(list("abc XYZ 12 ابجد لا هوز ٣٤ ()-:\"'.,") + ["\u064e", "\u200f"])
mixed = st.lists(letters, max_size=24).map("".join)


@settings(max_examples=300, deadline=None)
@given(mixed, st.sampled_from(["app", "terminal"]), st.sampled_from(["keep", "drop"]))
def test_caret_map_invariants(text: str, mode: str, harakat: str) -> None:
    line = caret_line(text, mode=mode, harakat=harakat)
    assert len(line.carets) == len(text) + 1
    assert all(0 <= cell < line.width for cell in line.carets)
    assert sorted(line.order) == sorted(set(line.order)) and 0 in line.order
    assert len(text) in line.order
    blocks = [line.carets[p] for p in line.order]
    assert blocks == sorted(blocks)  # Right never moves the block left
    for p in range(1, len(text) + 1):
        cell = line.column(p - 1)
        if cell >= 0 and cell_width(line.text):
            # The block touches (or, on a wide glyph, covers) what Backspace deletes.
            assert abs(line.carets[p] - cell) <= 2, (text, p)
    for p in range(len(text) + 1):
        assert 0 <= line.step(p, True) <= len(text) and 0 <= line.step(p, False) <= len(text)
