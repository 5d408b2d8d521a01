"""The one text layout every pane uses: wrap, shape and reorder English and Arabic text.

Pipeline for one paragraph (docs: shared/design/rtl.md):
1. base direction from the language hint or the first strong character (P2/P3);
2. embedding levels of the WHOLE paragraph (`reader.text.bidi`);
3. Arabic shaping in logical order (`reader.text.shaping`), cut into drawing *units*: one
   cell-sized glyph each, with its combining marks attached and lam+alef merged, so marks and
   ligatures can never be split or reordered away from their letter;
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
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, compress, repeat
from operator import sub

from reader.text import bidi, shaping
from reader.text.cells import cell_width
from reader.text.shaping import MERGED

__all__ = [
    "ParagraphLayout",
    "VisualLine",
    "base_direction",
    "cache_clear",
    "caret_window",
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
        cell_widths = _glyph_cells(self.text)
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


def _glyph_cells(text: str) -> dict[int, int]:
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


# --- Units ----------------------------------------------------------------------------------

# Per-character kind: n = one cell, W = two cells, s = break space, m = combining mark,
# h = harakah, z = not drawn (format and control characters).
_BREAK_SPACES = " \t\n\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"
_BREAK_SPACES += "\u2028\u2029\u205f\u3000"
_BLANK_GLYPH = "\t\n\u2028\u2029"  # drawn as a plain space
_BLANK_TABLE = str.maketrans(_BLANK_GLYPH, " " * len(_BLANK_GLYPH))
_BLANK = re.compile(f"[{_BLANK_GLYPH}]")
# No-break spaces never offer a break, but they are spaces for alignment: at the edge of a
# line they are not drawn, like the spaces at a wrap point (else an RTL line that starts with
# one ends a blank cell short of the right edge).
_NO_BREAK_SPACES = "\u00a0\u2007\u202f"
_NO_BREAK_SPACE = re.compile(f"[{_NO_BREAK_SPACES}]")


def _kind_of(code: int) -> str:
    ch = chr(code)
    if ch in _BREAK_SPACES:
        return "s"
    if shaping.is_harakah(ch):
        return "h"
    category = unicodedata.category(ch)
    if category in ("Cf", "Cc", "Cs"):
        return "z"
    width = cell_width(ch)
    if width == 0:  # combining marks (and Hangul vowel jamo): part of the previous glyph
        return "m"
    return "W" if width == 2 else "n"


class _KindTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        value = self[code] = _kind_of(code)
        return value


_KINDS = _KindTable()
_NORMAL_ONLY = re.compile("[^ns]")
_MARKS_ONLY = re.compile("[^nshm]")
_SPACE_MARK = re.compile("s[hm]")
_UNIT_KEY = str.maketrans("nsWhmz", "\x01\x01\x01\x00\x00\x00")  # unit starts
_DROP_HARAKAT = {ord(MERGED): None, **{ord(c): None for c in shaping.HARAKAT_CHARS}}
_HIDDEN_HARAKAT = str.maketrans("nsWhmz", "000100")


@dataclass(frozen=True, slots=True)
class _Units:
    """A paragraph cut into drawing units (shared, read-only; cached per paragraph)."""

    length: int  # characters in the paragraph
    heads: list[int]  # logical start of each unit, plus `length` as a sentinel
    glyphs: list[str]
    widths: list[int]
    narrow: bool  # every unit is one cell wide
    cum: list[int]  # cum[k] = cells of units [0, k)
    spaces: str  # per unit: "s" = break space, "b" = no-break space, "w" = anything else
    levels: str  # per unit chr(level) ("" in terminal mode)
    classes: str  # per unit bidi class code of its last character, for L1 ("" if unneeded)
    needs_l1: bool  # tabs or unbreakable whitespace present: rule L1 has work to do
    hidden: str | None  # per character "1" = not drawn; None when everything is drawn
    mirrors: tuple[int, ...]  # units whose glyph mirrors at an odd level
    anchors: frozenset[int]  # invisible units that still end a whitespace run (LRM, RLM...)


@lru_cache(maxsize=4096)
def _analyse(text: str, rtl: bool, harakat: str, mode: str) -> _Units:
    """Everything about a paragraph that does not depend on the width (so a resize only
    re-wraps): shaping, units, levels. Three paths build the units; the first two are
    vectorised for the common cases and agree with the general loop."""
    app = mode == "app"
    kinds = text.translate(_KINDS)
    shaped = shaping.shape(text) if app else None
    source = text if shaped is None else shaped
    hidden = None
    if _NORMAL_ONLY.search(kinds) is None:
        # Fast path (nearly all news text): one cell per character, nothing hidden; only
        # lam-alef ligatures merge two characters into one unit.
        heads = list(range(len(text) + 1))
        if shaped is not None and MERGED in shaped:
            merged = []
            i = shaped.find(MERGED)
            while i >= 0:
                merged.append(i)
                i = shaped.find(MERGED, i + 1)
            unit_kinds = bytearray(kinds.encode("ascii"))
            for i in reversed(merged):
                del heads[i]
                del unit_kinds[i]
            source = shaped.replace(MERGED, "")
            spaces = unit_kinds.decode("ascii").replace("n", "w")
        else:
            spaces = kinds.replace("n", "w")
        gl = list(source)
        if _BLANK.search(source) is not None:
            gl = [" " if ch in _BLANK_GLYPH else ch for ch in gl]
        widths = [1] * len(gl)
    elif _MARKS_ONLY.search(kinds) is None and kinds[0] in "ns":
        # Text with combining marks (harakat such as tanween are common in news): each base
        # character starts a unit and following marks or a merged alef continue it.
        n = len(text)
        skinds = source.translate(_KINDS)  # "z" can only be MERGED here
        key = skinds.translate(_UNIT_KEY)
        heads = list(compress(range(n), key.encode("ascii")))
        heads.append(n)
        gl = [source[a:b] for a, b in zip(heads, heads[1:], strict=False)]
        if harakat == "drop" and "h" in kinds:
            gl = [g.translate(_DROP_HARAKAT) for g in gl]
            hidden = kinds.translate(_HIDDEN_HARAKAT)
        elif MERGED in source:
            gl = [g.replace(MERGED, "") for g in gl]
        if _BLANK.search(source) is not None:
            gl = [g.translate(_BLANK_TABLE) for g in gl]
        spaces = "".join(map(skinds.__getitem__, heads[:-1])).replace("n", "w")
        if _SPACE_MARK.search(kinds) is not None:
            # A space carrying a mark is a visible glyph, not a place to break (UAX #14).
            spaces = "".join(
                "w" if sp == "s" and len(g) > 1 else sp for sp, g in zip(spaces, gl, strict=True)
            )
        widths = [1] * len(gl)
    else:
        heads, gl, widths, hidden_list = [], [], [], []
        sp: list[str] = []
        drop = harakat == "drop"
        for i, kind in enumerate(kinds):
            glyph = source[i]
            if kind == "n" or kind == "W":
                if glyph == MERGED:  # alef of lam-alef: drawn in the lam's cell
                    continue
                heads.append(i)
                gl.append(glyph)
                widths.append(1 if kind == "n" else 2)
                sp.append("w")
            elif kind == "s":
                heads.append(i)
                gl.append(" " if glyph in _BLANK_GLYPH else glyph)
                widths.append(cell_width(glyph) or 1)
                sp.append("s")
            elif (kind == "m" or (kind == "h" and not drop)) and gl and gl[-1]:
                gl[-1] += glyph  # a mark rides with its base letter
                sp[-1] = "w"  # even a space: with a mark on it, it is a visible glyph
            elif kind == "z" and not app and gl and gl[-1] and glyph not in _BLANK_GLYPH:
                gl[-1] += glyph  # the terminal does bidi: let it see LRM/RLM/ALM
            elif kind == "z":
                # Not drawn, but a unit of its own: an LRM/RLM/ALM has its own level and can
                # split runs (rule L2), so it must be reordered like a character.
                hidden_list.append(i)
                heads.append(i)
                gl.append("")
                widths.append(0)
                sp.append("w")
            else:
                hidden_list.append(i)
                if not heads:  # nothing to attach to yet: an empty unit
                    heads.append(i)
                    gl.append("")
                    widths.append(0)
                    sp.append("w")
        heads.append(len(text))
        spaces = "".join(sp)
        if hidden_list:
            flags = bytearray(b"0" * len(text))
            for i in hidden_list:
                flags[i] = 0x31
            hidden = flags.decode()
    one_each = len(heads) == len(text) + 1  # every unit is exactly one character
    narrow = widths.count(1) == len(widths)  # every unit one cell: cells are unit indices
    cum = list(range(len(gl) + 1)) if narrow else [0, *accumulate(widths)]
    levels = classes = ""
    needs_l1 = False
    mirrors: tuple[int, ...] = ()
    anchors: frozenset[int] = frozenset()
    if app and gl:
        char_classes = bidi.bidi_classes(text)
        char_levels = bidi.paragraph_levels(text, rtl, char_classes)
        units = heads[:-1]
        levels = char_levels if one_each else "".join(map(char_levels.__getitem__, units))
        # L1 only has work when there is whitespace that is not a break space (tabs count).
        needs_l1 = "S" in char_classes or char_classes.count("w") != kinds.count("s")
        if needs_l1:
            # A unit's last character decides: a space carrying a mark is not whitespace.
            classes = char_classes if one_each else "".join(char_classes[k - 1] for k in heads[1:])
        if not narrow:
            # Rule L1 counts BN and explicit formatting characters as whitespace, but not a
            # mark such as LRM: spaces before one are not trailing, so they are drawn.
            anchors = frozenset(
                k
                for k, (head, w) in enumerate(zip(units, widths, strict=True))
                if w == 0 and char_classes[head] not in "bx"
            )
        found = [m.start() for m in _MIRRORABLE.finditer(text)]
        if found:
            starts = set(found)
            # Units starting with a mirrored character (a mark or hidden char never starts one).
            mirrors = tuple(
                k
                for k in (i if one_each else bisect_right(heads, i) - 1 for i in found)
                if heads[k] in starts
            )
    if _NO_BREAK_SPACE.search(text) is not None:
        # A lone no-break space unit (one with a mark on it is a visible glyph) is "b": inside
        # a word it glues, at a word's edge it goes with the spaces next to it.
        spaces = "".join(
            "b" if sp == "w" and g in _NO_BREAK_SPACES and len(g) == 1 else sp
            for sp, g in zip(spaces, gl, strict=True)
        )
    return _Units(
        len(text), heads, gl, widths, narrow, cum, spaces, levels, classes, needs_l1, hidden,
        mirrors, anchors,
    )  # fmt: skip


_MIRRORABLE = re.compile("[" + re.escape("".join(sorted(bidi.MIRROR))) + "]")
_WORD = re.compile("w(?:[wb]*w)?")  # no-break spaces inside a word, never at its edges


def _wrap(u: _Units, width: int) -> list[tuple[int, int, int, int]]:
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


def _line_levels(u: _Units, first: int, end: int, rtl: bool) -> str:
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


def _visual_line(
    u: _Units, lead: int, first: int, end: int, stop: int, rtl: bool, width: int, app: bool
) -> VisualLine:
    cum, heads = u.cum, u.heads
    base_col = cum[first]
    total = cum[end] - base_col
    glyphs = u.glyphs
    reverse = False
    order: list[int] | None = None
    if app and end > first:
        levels = _line_levels(u, first, end, rtl)
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


def _check(mode: str, harakat: str) -> None:
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

    `width` below 1 is treated as 1. A line is wider than `width` only when a single glyph
    is (a wide character at width 1).
    """
    _check(mode, harakat)
    rtl = base_direction(text, language)
    return _layout_paragraph(text, max(1, width), rtl, mode, harakat)


def _layout_paragraph(
    text: str, width: int, rtl: bool, mode: str, harakat: str
) -> tuple[VisualLine, ...]:
    if not text:
        return ()
    u = _analyse(text, rtl, harakat, mode)
    app = mode == "app"
    return tuple(
        _visual_line(u, lead, first, end, stop, rtl, width, app)
        for lead, first, end, stop in _wrap(u, width)
    )


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
    _check(mode, harakat)
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
    _check(mode, harakat)
    text = text.replace("\n", " ")  # a row is one line; same length, offsets stay valid
    n = len(text)
    rtl = base_direction(text, language)
    if width < 1 or not text:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    u = _analyse(text, rtl, harakat, mode)
    lines = _wrap(u, 1 << 30)
    if not lines:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    lead, first, end, stop = lines[0]
    app = mode == "app"
    if u.cum[end] <= width:
        return _visual_line(u, lead, first, end, stop, rtl, width, app)
    # Keep the units that fit beside the ellipsis, minus trailing spaces.
    keep = bisect_right(u.cum, width - 1) - 1
    while keep > 0 and u.spaces[keep - 1] in "sb":
        keep -= 1
    cut = u.heads[keep]
    short = _analyse(text[:cut] + ELLIPSIS, rtl, harakat, mode)
    units = len(short.glyphs)
    shown = _visual_line(short, 0, 0, units, units, rtl, width, app)
    columns = shown.columns[:cut] + (-1,) * (n - cut)
    return VisualLine(shown.text, shown.indent, rtl, 0, n, columns)


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
    _check(mode, harakat)
    text = text.replace("\n", " ")
    n = len(text)
    rtl = base_direction(text, language)
    if width < 1 or not text:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    u = _analyse(text, rtl, harakat, mode)
    lines = _wrap(u, 1 << 30)
    if not lines:
        return VisualLine("", 0, rtl, 0, n, (-1,) * n)
    lead, first, end, stop = lines[0]
    total = u.cum[end] - u.cum[first]
    if total <= width:
        return _visual_line(u, lead, first, end, stop, rtl, width, mode == "app")
    whole = _visual_line(u, lead, first, end, stop, rtl, total, mode == "app")
    columns = (-1,) * whole.start + whole.columns + (-1,) * (n - whole.end)
    caret = max(0, min(caret, n))
    drawn = [i for i in chain(range(caret - 1, -1, -1), range(caret, n)) if columns[i] >= 0]
    anchor = columns[drawn[0]] if drawn else 0
    cells = _glyph_cells(whole.text)
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


_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")


def to_logical(text: str) -> str:
    """Arabic presentation forms back to plain letters (for copying text out of the app)."""
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def cache_clear() -> None:
    """Forget every cached layout (benchmarks measure cold runs with this)."""
    for cached in (
        layout_text,
        layout_paragraph,
        fit_line,
        caret_window,
        _analyse,
        bidi.bidi_classes,
    ):
        cached.cache_clear()
    shaping.clear_cache()
