"""The one text layout every pane uses: wrap, shape and reorder English and Arabic text.

Pipeline for one paragraph (docs: shared/design/rtl.md):
1. base direction from the language hint or the first strong character (P2/P3);
2. embedding levels of the WHOLE paragraph (`reader.text.bidi`);
3. Arabic shaping in logical order (`reader.text.shaping`), cut into drawing *units*
   (`reader.text.units`): one cell-sized glyph each, with its combining marks attached and
   lam+alef merged, so marks and ligatures can never be split or reordered away from their
   letter;
4. greedy wrapping in logical order at the width in cells, after shaping;
5. per line: rule L1, reversal of runs by level (L2), mirroring at odd levels (L4), and an
   indent that right-aligns RTL lines.
Each `VisualLine` keeps, for every logical character, the cell it is drawn in, so search
highlights land on the right glyphs without searching the visual text again.

mode "terminal" skips steps 2, 3 and 5 (the terminal does bidi itself): logical text, wrapped.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain, repeat
from operator import sub
from typing import TypeVar

from reader.text import bidi, shaping
from reader.text.cells import cell_width
from reader.text.units import Units, analyse

_F = TypeVar("_F")

__all__ = [
    "ParagraphLayout",
    "VisualLine",
    "base_direction",
    "cache_clear",
    "cell_width",
    "fit_line",
    "layout_paragraph",
    "layout_text",
    "to_logical",
]

MODES = ("app", "terminal")
HARAKAT_MODES = ("keep", "drop")
ELLIPSIS = "\u2026"


@dataclass(frozen=True, slots=True)
class VisualLine:
    """One screen line: draw `indent` blank cells, then `text` (visual order, shaped).

    `columns[i - start]` is the cell (relative to `text`) where logical character `i` of the
    paragraph is drawn, or -1 when it is not drawn (dropped harakat, format characters, the
    spaces at a wrap point, text cut off by `fit_line`).
    """

    text: str
    indent: int
    rtl: bool
    start: int
    end: int
    columns: tuple[int, ...]

    @property
    def width(self) -> int:
        return cell_width(self.text)

    def spans_to_cells(self, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Logical [start, end) paragraph spans -> sorted, merged visual [col, col_end) ranges."""
        drawn: set[int] = set()
        for a, b in spans:
            a, b = max(a, self.start), min(b, self.end)
            if a >= b:
                continue
            for col in self.columns[a - self.start : b - self.start]:
                if col >= 0:
                    drawn.add(col)
        if not drawn:
            return []
        cell_widths = glyph_cells(self.text)
        ranges: list[tuple[int, int]] = []
        for col in sorted(drawn):
            end = col + cell_widths.get(col, 1)
            if ranges and col <= ranges[-1][1]:
                if end > ranges[-1][1]:
                    ranges[-1] = (ranges[-1][0], end)
            elif end > col:
                ranges.append((col, end))
        return ranges


@dataclass(frozen=True, slots=True)
class ParagraphLayout:
    offset: int  # where `text` starts in the body
    text: str  # the logical paragraph, without its newline
    rtl: bool
    lines: tuple[VisualLine, ...]  # empty for an empty paragraph


def glyph_cells(text: str) -> dict[int, int]:
    """Starting cell -> cell width of each glyph in a visual line."""
    out: dict[int, int] = {}
    col = 0
    for ch in text:
        w = cell_width(ch)
        if w:
            out[col] = w
            col += w
    return out


# --- Base direction -------------------------------------------------------------------------


def base_direction(text: str, language: str | None = None) -> bool:
    """True when the paragraph is right-to-left.

    A language hint wins when the paragraph has strong characters of the hint's direction
    (so "ISIL داعش تسيطر" is RTL in an Arabic feed); otherwise the first strong character
    decides (P2/P3); with no strong character, the hint or LTR.
    """
    return _base_direction(text, bidi.language_is_rtl(language))


def _base_direction(text: str, hint: bool | None, classes: str | None = None) -> bool:
    if classes is None:
        classes = bidi.bidi_classes(text)
    if hint is not None and bidi.has_strong(text, hint, classes):
        return hint
    first = bidi.first_strong(text, classes)
    if first is None:
        return bool(hint)
    return first == "R"


# --- Wrapping and reordering ----------------------------------------------------------------

_WORD = re.compile("w(?:[wb]*w)?")  # no-break spaces inside a word, never at its edges


def _wrap(u: Units, width: int) -> list[tuple[int, int, int, int]]:
    """Greedy wrap of units into lines.

    Each line is (lead, first, end, stop): units [first, end) are drawn; [lead, first) are
    leading spaces not drawn (only when a paragraph's indentation does not fit on its first
    line) and [end, stop) are the spaces at the wrap point, not drawn either.
    """
    cum, widths = u.cum, u.widths
    words = [m.span() for m in _WORD.finditer(u.spaces)]
    if not u.narrow and 0 in widths:
        # Invisible "words" are not content: before the first visible word they are part of
        # the indentation; later, BN and explicit formatting characters go with the spaces
        # around them (rule L1 treats them as whitespace), while a mark such as LRM stays.
        kept: list[tuple[int, int]] = []
        for a, b in words:
            if cum[b] > cum[a] or (kept and any(k in u.anchors for k in range(a, b))):
                kept.append((a, b))
        words = kept
    if not words:
        return []  # blank or invisible paragraph
    lines: list[tuple[int, int, int, int]] = []
    lead = 0
    if cum[words[0][1]] <= width:
        words[0] = (0, words[0][1])  # leading spaces are indentation, drawn with the first word
    first = end = words[0][0]  # otherwise the first words still start the first line
    used = 0
    for a, b in words:
        word = cum[b] - cum[a]
        if end > first:
            gap = cum[a] - cum[end]
            if used + gap + word <= width:
                end, used = b, used + gap + word
                continue
            lines.append((lead, first, end, a))  # the spaces in between trail, undrawn
            lead = first = end = a
            used = 0
        if word <= width:
            end, used = b, word
            continue
        for k in range(a, b):  # a word wider than the line: hard split between units
            if used and used + widths[k] > width:
                lines.append((lead, first, k, k))
                lead = first = k
                used = 0
            end, used = k + 1, used + widths[k]
    lines.append((lead, first, end, len(u.glyphs)))
    if "b" in u.spaces:
        lines = _trim_no_break_spaces(u.spaces, lines)
    return lines


def _trim_no_break_spaces(
    spaces: str, lines: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]]:
    """A word wider than the line was split between units: no-break spaces at the ends of
    its pieces are not drawn either (after the first line's start, which is indentation)."""
    out: list[tuple[int, int, int, int]] = []
    for lead, first, end, stop in lines:
        if out:
            while first < end and spaces[first] == "b":
                first += 1
        while end > first and spaces[end - 1] == "b":
            end -= 1
        if first == end and out:  # only no-break spaces: they trail the line before
            out[-1] = (*out[-1][:3], stop)
        else:
            out.append((lead, first, end, stop))
    return out


_RUN_AT_LEAST: dict[int, re.Pattern[str]] = {}


def _runs_at_least(level: int) -> re.Pattern[str]:
    pattern = _RUN_AT_LEAST.get(level)
    if pattern is None:
        pattern = _RUN_AT_LEAST[level] = re.compile(f"[{re.escape(chr(level))}-\x7f]+")
    return pattern


def line_levels(u: Units, first: int, end: int, rtl: bool) -> str:
    """Levels of units [first, end) drawn as one line: the paragraph's, after rule L1."""
    levels = u.levels[first:end]
    if not u.needs_l1:
        return levels
    # L1: segment separators, whitespace before them and at the end of the line go back to
    # the paragraph level.
    out = list(levels)
    base = chr(int(rtl))
    classes = u.classes[first:end]
    reset = True  # at the line end
    for j in range(len(out) - 1, -1, -1):
        code = classes[j]
        if code == "S":
            out[j] = base
            reset = True
        elif code in "wbx" and reset:  # whitespace, and invisible BN/explicit formatting
            out[j] = base
        else:
            reset = False
    return "".join(out)


def visual_line(
    u: Units, lead: int, first: int, end: int, stop: int, rtl: bool, width: int, app: bool
) -> VisualLine:
    cum, heads = u.cum, u.heads
    base_col = cum[first]
    total = cum[end] - base_col
    glyphs = u.glyphs
    reverse = False
    order: list[int] | None = None
    if app and end > first:
        levels = line_levels(u, first, end, rtl)
        if levels.count(levels[0]) == len(levels):
            reverse = ord(levels[0]) & 1 == 1
        else:
            order = list(range(first, end))
            low = ord(min(levels)) | 1  # lowest odd level
            for level in range(ord(max(levels)), low - 1, -1):
                for run in _runs_at_least(level).finditer(levels):
                    a, b = run.span()
                    order[a:b] = order[a:b][::-1]
        if u.mirrors:
            mirrored = [k for k in u.mirrors if first <= k < end and ord(levels[k - first]) & 1]
            if mirrored:
                glyphs = list(glyphs)
                for k in mirrored:
                    glyphs[k] = bidi.MIRROR[glyphs[k][0]] + glyphs[k][1:]
    widths = u.widths
    narrow = u.narrow  # columns are plain ranges
    if order is not None:
        text = "".join([glyphs[k] for k in order])
        unit_cols = [0] * (end - first)
        col = 0
        for k in order:
            unit_cols[k - first] = col
            col += widths[k]
    elif reverse:
        text = "".join(glyphs[end - 1 : first - 1 if first else None : -1])
        if narrow:
            unit_cols = list(range(total - 1, -1, -1))
        else:
            unit_cols = [total - (c - base_col) for c in cum[first + 1 : end + 1]]
    else:
        text = "".join(glyphs[first:end])
        unit_cols = list(range(total)) if narrow else [c - base_col for c in cum[first:end]]
    start, drawn_end, line_end = heads[first], heads[end], heads[stop]
    if u.hidden is None and drawn_end - start == end - first:
        columns = unit_cols  # one character per unit
    else:
        counts = map(sub, heads[first + 1 : end + 1], heads[first:end])  # characters per unit
        columns = list(chain.from_iterable(map(repeat, unit_cols, counts)))
        if u.hidden is not None:
            hidden = u.hidden
            i = hidden.find("1", start, drawn_end)
            while i >= 0:
                columns[i - start] = -1
                i = hidden.find("1", i + 1, drawn_end)
    columns.extend(repeat(-1, line_end - drawn_end))
    if lead < first:  # leading spaces that did not fit: part of the line, not drawn
        columns[:0] = repeat(-1, start - heads[lead])
        start = heads[lead]
    indent = max(0, width - total) if rtl and app else 0
    return VisualLine(text, indent, rtl, start, line_end, tuple(columns))


# --- Public API -------------------------------------------------------------------------


def check_modes(mode: str, harakat: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if harakat not in HARAKAT_MODES:
        raise ValueError(f"harakat must be one of {HARAKAT_MODES}, not {harakat!r}")


@lru_cache(maxsize=4096)
def layout_paragraph(
    text: str,
    width: int,
    *,
    language: str | None = None,
    mode: str = "app",
    harakat: str = "keep",
) -> tuple[VisualLine, ...]:
    """Lay out one paragraph (no newlines expected) in lines at most `width` cells wide.

    `width` below 1 is treated as 1. A glyph wider than the whole width (a two-cell
    character at width 1) is drawn as one "…", as `fit_line` draws it, so no line is ever
    wider than `width`.
    """
    check_modes(mode, harakat)
    rtl = base_direction(text, language)
    return _layout_paragraph(text, max(1, width), rtl, mode, harakat)


def _layout_paragraph(
    text: str, width: int, rtl: bool, mode: str, harakat: str
) -> tuple[VisualLine, ...]:
    if not text:
        return ()
    u = analyse(text, rtl, harakat, mode)
    if not u.narrow and width < 2 and max(u.widths) > width:
        u = _placeholders(u, width)
    app = mode == "app"
    return tuple(
        visual_line(u, lead, first, end, stop, rtl, width, app)
        for lead, first, end, stop in _wrap(u, width)
    )


def _placeholders(u: Units, width: int) -> Units:
    """`u` with every glyph wider than `width` replaced by a one-cell "…" (its characters
    still map to it), so a line holds at least one whole glyph and is never too wide."""
    glyphs = [ELLIPSIS if w > width else g for g, w in zip(u.glyphs, u.widths, strict=True)]
    widths = [1 if w > width else w for w in u.widths]
    cum = [0]
    for w in widths:
        cum.append(cum[-1] + w)
    return replace(u, glyphs=glyphs, widths=widths, cum=cum, narrow=widths.count(1) == len(widths))


@lru_cache(maxsize=64)
def layout_text(
    body: str,
    width: int,
    *,
    language: str | None = None,
    mode: str = "app",
    harakat: str = "keep",
) -> tuple[ParagraphLayout, ...]:
    """Lay out a body paragraph by paragraph (split on "\\n", each with its own direction).

    Empty or blank paragraphs get no lines; the caller decides on spacing between paragraphs.
    """
    check_modes(mode, harakat)
    width = max(1, width)
    hint = bidi.language_is_rtl(language)
    out: list[ParagraphLayout] = []
    offset = 0
    for paragraph in body.split("\n"):
        rtl = _base_direction(paragraph, hint)
        lines = _layout_paragraph(paragraph, width, rtl, mode, harakat)
        out.append(ParagraphLayout(offset, paragraph, rtl, lines))
        offset += len(paragraph) + 1
    return tuple(out)


@lru_cache(maxsize=8192)
def fit_line(
    text: str,
    width: int,
    *,
    language: str | None = None,
    mode: str = "app",
    harakat: str = "keep",
) -> VisualLine:
    """One line of at most `width` cells for a list row or title.

    Too-long text is cut at its logical end and gets "…" there (so the ellipsis is on the left
    of an RTL title). RTL lines are right-aligned within `width` by `indent`. Logical
    characters cut off map to -1 in `columns`; the ellipsis maps to no character.
    """
    check_modes(mode, harakat)
    text = text.replace("\n", " ")  # a row is one line; same length, offsets stay valid
    n = len(text)
    rtl = base_direction(text, language)
    if width < 1 or not text:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    u = analyse(text, rtl, harakat, mode)
    lines = _wrap(u, 1 << 30)
    if not lines:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    lead, first, end, stop = lines[0]
    app = mode == "app"
    if u.cum[end] <= width:
        return visual_line(u, lead, first, end, stop, rtl, width, app)
    # Keep the units that fit beside the ellipsis, minus trailing spaces.
    keep = bisect_right(u.cum, width - 1) - 1
    while keep > 0 and u.spaces[keep - 1] in "sb":
        keep -= 1
    cut = u.heads[keep]
    short = analyse(text[:cut] + ELLIPSIS, rtl, harakat, mode)
    units = len(short.glyphs)
    shown = visual_line(short, 0, 0, units, units, rtl, width, app)
    columns = shown.columns[:cut] + (-1,) * (n - cut)
    return VisualLine(shown.text, shown.indent, rtl, 0, n, columns)


_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")


def to_logical(text: str) -> str:
    """Arabic presentation forms back to plain letters (for copying text out of the app)."""
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


_CACHES: list = []  # lru_cache'd layouts, here and in the modules that build on this one


def cleared_by_cache_clear(cached: _F) -> _F:
    """Register an lru_cache'd function so that `cache_clear` empties it too."""
    _CACHES.append(cached)
    return cached


def cache_clear() -> None:
    """Forget every cached layout (benchmarks measure cold runs with this)."""
    for cached in (layout_text, layout_paragraph, fit_line, analyse, bidi.bidi_classes, *_CACHES):
        cached.cache_clear()
    shaping.clear_cache()
