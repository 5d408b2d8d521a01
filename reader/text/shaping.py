"""Arabic contextual shaping with a logical-offset map, built on arabic_reshaper's tables.

Why not call `ArabicReshaper.reshape` directly:
- it returns a bare string, but search highlights need to know which input character became
  which glyph (the lam-alef ligature eats a character, dropped harakat vanish);
- it costs ~37 ms for a 5,000-word article (per-character regex and configparser lookups),
  most of the layout budget.

So this module runs the same joining algorithm over arabic_reshaper's own letter and ligature
tables, one word at a time with a memo (news vocabulary repeats), and reports a glyph per input
character. `reference_reshaper()` builds the equivalent configured `ArabicReshaper`; the tests
prove the two produce the same text.

Harakat are left in place here (they are transparent to joining). The layout attaches each
mark to its base letter's cell before reordering, which is what `shift_harakat_position` tries
to approximate for a whole-string reversal, but exact for mixed-direction lines.
"""

from __future__ import annotations

import re
from functools import lru_cache

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.arabic_reshaper import HARAKAT_RE
from arabic_reshaper.letters import (
    FINAL,
    INITIAL,
    ISOLATED,
    LETTERS_ARABIC,
    MEDIAL,
    connects_with_letter_after,
    connects_with_letter_before,
    connects_with_letters_before_and_after,
)
from arabic_reshaper.ligatures import LIGATURES

__all__ = [
    "HARAKAT",
    "HARAKAT_CHARS",
    "MERGED",
    "LAM_ALEF_LIGATURES",
    "RESHAPER_CONFIG",
    "is_harakah",
    "reference_reshaper",
    "shape",
]

# Only lam-alef: an ordinary narrow code point, drawn in one cell like a letter. The word and
# sentence ligatures (ALLAH U+FDF2, BISMILLAH U+FDFD, ...) count as one cell but are drawn
# several cells wide, over their neighbours.
LAM_ALEF_LIGATURES = (
    "ARABIC LIGATURE LAM WITH ALEF",
    "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE",
    "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA BELOW",
    "ARABIC LIGATURE LAM WITH ALEF WITH MADDA ABOVE",
)

# The arabic_reshaper configuration this module is equivalent to (harakat deleted there so the
# outputs compare directly; here they are kept and placed by the layout).
RESHAPER_CONFIG: dict[str, bool | str] = {
    "language": "Arabic",
    "delete_harakat": True,
    "shift_harakat_position": False,
    "delete_tatweel": False,
    "support_zwj": True,
    "use_unshaped_instead_of_isolated": False,
    "support_ligatures": True,
    **{name: name in LAM_ALEF_LIGATURES for name, _ in LIGATURES},
}

HARAKAT = HARAKAT_RE  # the marks arabic_reshaper treats as harakat (tashkeel)
_HARAKAT_CLASS = HARAKAT_RE.pattern.replace("\n", "").replace(" ", "")  # "[...]"

# lam (U+0644) + second letter -> the four forms of the ligature.
_LAM = "\u0644"
_LAM_ALEF: dict[str, tuple[str, str, str, str]] = {
    match[1]: forms for name, (match, forms) in LIGATURES if name in LAM_ALEF_LIGATURES
}
assert all(len(m) == 2 and m[0] == _LAM for n, (m, _) in LIGATURES if n in LAM_ALEF_LIGATURES)

# A maximal run of joinable material: letters (tatweel and ZWJ included) and harakat.
_RUN = re.compile("(?:[" + re.escape("".join(LETTERS_ARABIC)) + "]|" + _HARAKAT_CLASS + ")+")


HARAKAT_CHARS = _HARAKAT_SET = frozenset(
    chr(c) for c in range(0x0600, 0x0900) if HARAKAT_RE.match(chr(c)) is not None
)
# Joining behaviour of each letter, looked up once instead of per character.
_JOINS_BEFORE = frozenset(
    c for c in LETTERS_ARABIC if connects_with_letter_before(c, LETTERS_ARABIC)
)
_JOINS_AFTER = frozenset(c for c in LETTERS_ARABIC if connects_with_letter_after(c, LETTERS_ARABIC))
_JOINS_BOTH = frozenset(
    c for c in LETTERS_ARABIC if connects_with_letters_before_and_after(c, LETTERS_ARABIC)
)

MERGED = "\x00"  # in `shape` output: this character is drawn inside the previous ligature


def is_harakah(ch: str) -> bool:
    return ch in _HARAKAT_SET


# Forms of each letter indexed by (joined to the previous letter) * 2 + (joined to the next).
_FORMS = {c: (f[ISOLATED], f[INITIAL], f[FINAL], f[MEDIAL]) for c, f in LETTERS_ARABIC.items()}


@lru_cache(maxsize=1 << 15)
def _shape_run(run: str) -> str:
    """Shape one run of letters and harakat; same length, MERGED for a ligature's alef.

    Joining is ArabicReshaper.reshape's rule: two letters join when the first joins after,
    the second joins before, and the first is not already a final form that cannot be medial.
    """
    if _HARAKAT_SET.isdisjoint(run):
        offsets = None
        letters = run
    else:
        offsets = [i for i, ch in enumerate(run) if ch not in _HARAKAT_SET]
        letters = "".join(run[i] for i in offsets)
    n = len(letters)
    glyphs = []
    joined = [False] * (n + 1)  # joined[k]: letter k joins letter k - 1
    for k, letter in enumerate(letters):
        before = joined[k]
        after = (
            k + 1 < n
            and letter in _JOINS_AFTER
            and letters[k + 1] in _JOINS_BEFORE
            and (not before or letter in _JOINS_BOTH)
        )
        joined[k + 1] = after
        glyphs.append(_FORMS[letter][before * 2 + after])
    if _LAM in letters:
        for k in range(n - 1):
            ligature = _LAM_ALEF.get(letters[k + 1]) if letters[k] == _LAM else None
            if ligature is None:
                continue
            # ArabicReshaper's table; the alef is isolated or final, so the lam decides.
            glyph = ligature[FINAL if joined[k] else ISOLATED]
            if glyph:
                glyphs[k], glyphs[k + 1] = glyph, MERGED
    if offsets is None:
        return "".join(glyphs)
    out = list(run)
    for i, glyph in zip(offsets, glyphs, strict=True):
        out[i] = glyph
    return "".join(out)


def shape(text: str) -> str | None:
    """`text` with contextual forms: same length, one glyph per character, MERGED where an
    alef is drawn inside the lam-alef ligature before it. None when nothing needs shaping.
    """
    if _RUN.search(text) is None:
        return None
    return _RUN.sub(_shape_match, text)


def _shape_match(match: re.Match[str]) -> str:
    return _shape_run(match.group())


def reference_reshaper() -> ArabicReshaper:
    """The configured arabic_reshaper this module reproduces (used by the tests)."""
    return ArabicReshaper(configuration=RESHAPER_CONFIG)


def clear_cache() -> None:
    _shape_run.cache_clear()
