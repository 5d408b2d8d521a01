"""Terminal cell widths, wcwidth-style, from `unicodedata` (no extra dependency)."""

from __future__ import annotations

import unicodedata

__all__ = ["cell_width", "char_width"]


def _width_of(ch: str) -> int:
    category = unicodedata.category(ch)
    # Marks combine with the previous cell; format and control characters draw nothing.
    if category in ("Mn", "Me", "Cf", "Cc"):
        return 0
    code = ord(ch)
    if 0x1160 <= code <= 0x11FF:  # Hangul medial vowels and final consonants combine
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


class _WidthTable(dict[str, int]):
    """Memo of per-character widths; texts reuse a small alphabet, so this stays tiny."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = _width_of(ch)
        return width


_WIDTHS = _WidthTable()


def char_width(ch: str) -> int:
    """Cells taken by one character: 0 (marks, format, controls), 1, or 2 (East Asian wide)."""
    return _WIDTHS[ch]


def cell_width(text: str) -> int:
    """Cells taken by `text` when drawn as is, in any order."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))
