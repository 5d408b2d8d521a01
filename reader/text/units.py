"""A paragraph cut into drawing units: everything about it that does not depend on the width.

One unit is one cell-sized glyph (two cells for a wide character) with its combining marks
attached and lam+alef merged, so marks and ligatures can never be split or reordered away from
their letter. `analyse` shapes the paragraph (mode "app"), cuts it into units and computes
their embedding levels; `reader.text.layout` wraps and reorders the units into lines.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress

from reader.text import bidi, shaping
from reader.text.cells import cell_width
from reader.text.shaping import MERGED

__all__ = ["Units", "analyse"]


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
_MIRRORABLE = re.compile("[" + re.escape("".join(sorted(bidi.MIRROR))) + "]")


@dataclass(frozen=True, slots=True)
class Units:
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
def analyse(text: str, rtl: bool, harakat: str, mode: str) -> Units:
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
    return Units(
        len(text), heads, gl, widths, narrow, cum, spaces, levels, classes, needs_l1, hidden,
        mirrors, anchors,
    )  # fmt: skip
