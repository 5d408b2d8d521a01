"""The search box's line: the query drawn as every pane draws text, and its caret map.

The query stays logical (that is what is searched and edited). `caret_line` lays it out on
one line with the layout the panes use (shaped, reordered, nothing wrapped or trimmed: a
space just typed is drawn) and maps every logical caret position to the cell of the
terminal's block cursor:

- after character `p - 1`, on its trailing side: right of it in a left-to-right run, left of
  it in a right-to-left run, so the block always touches what Backspace deletes;
- position 0 has no character before it: the block covers character 0.

Left and Right walk the caret positions in visual order, as GTK and Qt entries do: in a
run the caret moves in the run's direction, and at a boundary between runs two logical
positions meet at the same edge, so one key press changes the position but not the edge.
Positions inside a drawing unit (between a letter and its harakat, inside lam-alef) are
skipped: the unit is one glyph.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from reader.text.layout import (
    VisualLine,
    base_direction,
    check_modes,
    cleared_by_cache_clear,
    glyph_cells,
    line_levels,
    visual_line,
)
from reader.text.units import analyse

__all__ = ["CaretLine", "caret_line"]


@dataclass(frozen=True, slots=True)
class CaretLine:
    """A query on one line, with room for the caret on the side(s) it can stand outside.

    Cells count from the line's left edge: `lead` blank cells, then `line.text`, then blank
    cells up to `width`.
    """

    line: VisualLine  # the query in visual order; its columns are relative to `line.text`
    lead: int
    width: int
    app: bool  # we reorder (bidi mode "app"); else the terminal does
    carets: tuple[int, ...]  # block cursor cell of each caret position 0..len(query)
    order: tuple[int, ...]  # the caret stops from left to right

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def rtl(self) -> bool:
        return self.line.rtl

    def column(self, i: int) -> int:
        """The cell of logical character `i`, -1 when it is not drawn."""
        col = self.line.columns[i]
        return col + self.lead if col >= 0 else -1

    def indent(self, width: int) -> int:
        """Blank cells before the line in a box `width` cells wide: RTL lines sit right."""
        return max(0, width - self.width) if self.rtl and self.app else 0

    def step(self, position: int, right: bool) -> int:
        """The caret position one stop to the right (or left) of `position`, as drawn."""
        order = self.order
        if position in order:
            k = order.index(position) + (1 if right else -1)
            return order[k] if 0 <= k < len(order) else position
        # Not a stop (inside a unit): the nearest stop on that side of its cell.
        cell = self.carets[position]
        cells = [self.carets[p] for p in order]
        k = bisect_right(cells, cell) if right else bisect_left(cells, cell) - 1
        return order[k] if 0 <= k < len(order) else position

    def outer(self, start: int, end: int, right: bool) -> int:
        """Of a selection's two ends, the one drawn further right (or left)."""
        a, b = self.carets[start], self.carets[end]
        if a == b:
            return end
        return (end if b > a else start) if right else (end if b < a else start)

    def position_at(self, cell: int) -> int:
        """The caret position for a click on `cell`: the stop whose block is drawn nearest,
        preferring the one just before the character drawn there."""
        under = next((i for i in range(self.line.end) if self.column(i) == cell), None)
        return min(self.order, key=lambda p: (abs(self.carets[p] - cell), p != under))

    def cells(self, start: int, end: int) -> list[tuple[int, int]]:
        """The [from, to) cell ranges that draw logical characters [start, end) (either way
        round: a selection's ends)."""
        start, end = sorted((start, end))
        return [(a + self.lead, b + self.lead) for a, b in self.line.spans_to_cells([(start, end)])]


@cleared_by_cache_clear
@lru_cache(maxsize=256)
def caret_line(text: str, *, mode: str = "app", harakat: str = "keep") -> CaretLine:
    """Lay out a query (one line, no newlines) and map its caret positions to cells."""
    check_modes(mode, harakat)
    rtl = base_direction(text)
    app = mode == "app"
    n = len(text)
    if not text:
        empty = VisualLine("", 0, rtl, 0, 0, ())
        return CaretLine(empty, 0, 1, app, (0,), (0,))
    u = analyse(text, rtl, harakat, mode)
    units = len(u.glyphs)
    line = visual_line(u, 0, 0, units, units, rtl, 0, app)
    odd = [ord(level) & 1 for level in line_levels(u, 0, units, rtl)] if app else [0] * units
    unit_of = [bisect_right(u.heads, i) - 1 for i in range(n)]
    # Each position's caret edge: (x, side), the block at x (side 1) or at x - 1 (side -1).
    edges: list[tuple[int, int]] = []
    first_drawn = next((i for i in range(n) if line.columns[i] >= 0), None)
    before: int | None = None  # the last drawn character before the position
    for p in range(n + 1):
        if p and line.columns[p - 1] >= 0:
            before = p - 1
        if before is not None:
            k, col = unit_of[before], line.columns[before]
            edges.append((col, -1) if odd[k] else (col + u.widths[k], 1))
        elif first_drawn is not None:  # nothing drawn before: the leading edge of the first
            k, col = unit_of[first_drawn], line.columns[first_drawn]
            edges.append((col + u.widths[k], -1) if odd[k] else (col, 1))
        else:
            edges.append((0, 1))
    # A block inside a wide glyph covers the whole glyph: it starts where the glyph does.
    starts = sorted(glyph_cells(line.text))
    blocks = []
    for x, side in edges:
        block = x if side > 0 else x - 1
        if 0 < block < line.width:
            block = starts[bisect_right(starts, block) - 1]
        blocks.append(block)
    lead = 1 if min(blocks) < 0 else 0
    total = line.width
    width = lead + max(total, max(blocks) + 1)
    heads = set(u.heads)
    stops = [p for p in range(n + 1) if p in (0, n) or (p in heads and line.columns[p - 1] >= 0)]
    # Sorted by edge, then side: the block moves right (or stays) at every step right.
    order = sorted(stops, key=lambda p: (edges[p], p))
    carets = tuple(b + lead for b in blocks)
    return CaretLine(line, lead, width, app, carets, tuple(order))
