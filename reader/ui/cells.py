"""Styling ranges of terminal cells (not characters: harakat take no cell)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


def styled_cells(
    text: str,
    ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...],
    style: Style | None,
    mark: Style | None,
) -> list[Segment]:
    """Segments of `text` where the cells in the [start, end) `ranges` get `mark`."""
    if not ranges:
        return [Segment(text, style)]
    segments: list[Segment] = []
    run: list[str] = []
    run_marked = False
    column = 0
    for char in text:
        inside = any(start <= column < end for start, end in ranges)
        width = cell_len(char)
        if width == 0:  # a combining mark stays with the letter before it
            inside = run_marked if run else inside
        if run and inside != run_marked:
            segments.append(Segment("".join(run), mark if run_marked else style))
            run = []
        run.append(char)
        run_marked = inside
        column += width
    if run:
        segments.append(Segment("".join(run), mark if run_marked else style))
    return segments


def restyled_cells(segments: list[Segment], start: int, end: int, style: Style) -> list[Segment]:
    """`segments` with `style` over cells [start, end), on top of their own styles."""
    strip = Strip(segments)
    head, middle, tail = strip.crop(0, start), strip.crop(start, end), strip.crop(end)
    return [*head, *Segment.apply_style(middle, post_style=style), *tail]
