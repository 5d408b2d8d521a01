"""The search preview: one line of a long query, windowed around the caret so that what is
being typed stays in view. Laid out as `reader.text.layout` lays out every line."""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

from reader.text.cells import cell_width
from reader.text.layout import (
    ELLIPSIS,
    VisualLine,
    cleared_by_cache_clear,
    glyph_cells,
    one_line,
    visual_line,
)

__all__ = ["caret_window"]


@cleared_by_cache_clear
@lru_cache(maxsize=1024)
def caret_window(
    text: str,
    caret: int,
    width: int,
    *,
    language: str | None = None,
    mode: str = "app",
    harakat: str = "keep",
) -> VisualLine:
    """One line of at most `width` cells that shows the part of `text` around the logical
    position `caret` (a preview of what is being typed: the typing stays in view).

    Text that fits is laid out as `fit_line` does. Longer text is laid out whole, then cut to
    a window of cells centred on the glyph before the caret (after it, at the start), with
    "…" on each side that is cut. Typing at the end of an RTL query shows its left end.
    `columns` maps each logical character to its cell in the window, -1 when cut off.
    """
    text, rtl, one = one_line(text, width, language, mode, harakat)
    if isinstance(one, VisualLine):
        return one
    u, (lead, first, end, stop) = one
    n = len(text)
    total = u.cum[end] - u.cum[first]
    if total <= width:
        return visual_line(u, lead, first, end, stop, rtl, width, mode == "app")
    whole = visual_line(u, lead, first, end, stop, rtl, total, mode == "app")
    columns = (-1,) * whole.start + whole.columns + (-1,) * (n - whole.end)
    caret = max(0, min(caret, n))
    drawn = [i for i in chain(range(caret - 1, -1, -1), range(caret, n)) if columns[i] >= 0]
    anchor = columns[drawn[0]] if drawn else 0
    cells = glyph_cells(whole.text)
    start = max(0, min(anchor + cells.get(anchor, 1) // 2 - width // 2, total - width))
    cut_left, cut_right = start > 0 and width > 3, start + width < total and width > 3
    low, high = start + cut_left, start + width - cut_right  # cells of glyphs kept
    # Glyphs (a character and the marks after it) with their cells, in visual order.
    pieces: list[str] = []
    at = 0
    glyph_at: list[int] = []
    for ch in whole.text:
        if cell_width(ch) or not pieces:
            pieces.append(ch)
            glyph_at.append(at)
            at += cell_width(ch)
        else:
            pieces[-1] += ch
    out = [ELLIPSIS] if cut_left else []
    col = low
    for glyph, cell in zip(pieces, glyph_at, strict=True):
        glyph_width = cells.get(cell, 0)
        if cell >= low and cell + glyph_width <= high:
            out.append(" " * (cell - col) + glyph)
            col = cell + glyph_width
    out.append(" " * (high - col))
    if cut_right:
        out.append(ELLIPSIS)
    shift = start
    kept = tuple(c - shift if c >= low and c + cells.get(c, 1) <= high else -1 for c in columns)
    return VisualLine("".join(out), 0, rtl, 0, n, kept)
