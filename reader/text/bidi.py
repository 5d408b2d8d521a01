"""Unicode Bidirectional Algorithm (UAX #9) pieces: classes, base direction, resolved levels.

Levels for a paragraph come from one of two paths:

- **Implicit text** (no LRE/RLE/LRO/RLO/PDF/LRI/RLI/FSI/PDI, i.e. everything the sanitiser
  lets through): rules X9-X10, W1-W7, N0-N2, I1-I2 here, as regex passes over a string of
  one-letter class codes. A 5,000-word article takes a few ms.
- **Explicit formatting characters**: python-bidi's Rust `BidiInfo` dump
  (`get_display(text, debug=True)`), parsed for its per-byte levels. The dump is not a stable
  API, hence the exact pin `python-bidi==0.6.12`; the tests check the parse. It is too slow
  (~30 ms per article) to be the main path, and the Rust path does not mirror (L4), so
  mirroring is done by the layout either way.

Levels are returned as a `str` holding `chr(level)` per character: slicing, counting and
regex run finditer work on it at C speed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bidi import get_display
from bidi.mirror import MIRRORED

__all__ = [
    "MIRROR",
    "bidi_classes",
    "first_strong",
    "has_strong",
    "language_is_rtl",
    "paragraph_levels",
    "python_bidi_levels",
]

# One-letter codes. Explicit embeddings/overrides/isolates all become "x" (they force the
# python-bidi path); B inside a paragraph is treated like S (we split paragraphs on "\n").
_CODES = {
    "L": "L",
    "R": "R",
    "AL": "a",
    "EN": "e",
    "ES": "s",
    "ET": "t",
    "AN": "n",
    "CS": "c",
    "NSM": "m",
    "BN": "b",
    "B": "S",
    "S": "S",
    "WS": "w",
    "ON": "o",
    "LRE": "x",
    "LRO": "x",
    "RLE": "x",
    "RLO": "x",
    "PDF": "x",
    "LRI": "x",
    "RLI": "x",
    "FSI": "x",
    "PDI": "x",
}

# Default classes of unassigned code points (DerivedBidiClass.txt @missing lines).
_DEFAULT_R = ((0x0590, 0x05FF), (0x07C0, 0x085F), (0xFB1D, 0xFB4F), (0x10800, 0x10FFF))
_DEFAULT_AL = ((0x0600, 0x07BF), (0x0860, 0x08FF), (0xFB50, 0xFDCF), (0xFDF0, 0xFDFF))
_DEFAULT_AL2 = ((0xFE70, 0xFEFF), (0x1EC70, 0x1ECBF), (0x1ED00, 0x1ED4F), (0x1EE00, 0x1EEFF))


def _class_code(code: int) -> str:
    name = unicodedata.bidirectional(chr(code))
    if name:
        return _CODES[name]
    if any(a <= code <= b for a, b in _DEFAULT_AL + _DEFAULT_AL2):
        return "a"
    if any(a <= code <= b for a, b in _DEFAULT_R) or 0x1E800 <= code <= 0x1EFFF:
        return "R"
    if 0x20A0 <= code <= 0x20CF:
        return "t"
    return "L"


class _ClassTable(dict[int, str]):
    """`str.translate` table filled on demand: translate runs in C, misses are rare."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _class_code(code)
        return value


_CLASSES = _ClassTable()


@lru_cache(maxsize=256)
def bidi_classes(text: str) -> str:
    """One class code per character (see `_CODES`); cached: direction and levels both ask."""
    return text.translate(_CLASSES)


# --- Base direction (P2, P3) and language hints ------------------------------------------

_RTL_LANGUAGES = frozenset(
    # Arabic-script and Hebrew-script languages (and a few other RTL scripts). Plain "ku"
    # is left out on purpose: Kurmanji is written in Latin script; Sorani is "ckb".
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand"})


def language_is_rtl(language: str | None) -> bool | None:
    """True/False for a language tag such as "ar", "fa-IR", "ku_Arab"; None when unknown."""
    if not language:
        return None
    parts = re.split(r"[-_]", language.strip().lower())
    if not parts[0]:
        return None
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():  # a script subtag decides
            return part in _RTL_SCRIPTS
    return parts[0] in _RTL_LANGUAGES


def _skip_isolates(classes: str, text: str) -> str:
    """Blank out isolated content (P2 ignores characters between an isolate and its PDI)."""
    out = list(classes)
    depth = 0
    for i, (code, ch) in enumerate(zip(classes, text, strict=True)):
        if code == "x":
            if ch in "\u2066\u2067\u2068":
                depth += 1
            elif ch == "\u2069" and depth:
                depth -= 1
            out[i] = "o"
        elif depth:
            out[i] = "o"
    return "".join(out)


_STRONG = re.compile("[LRa]")


def first_strong(text: str, classes: str | None = None) -> str | None:
    """Direction of the first strong character, "L" or "R" (AL counts as R); None if none."""
    if classes is None:
        classes = bidi_classes(text)
    if "x" in classes:
        classes = _skip_isolates(classes, text)
    match = _STRONG.search(classes)
    if match is None:
        return None
    return "L" if match.group() == "L" else "R"


def has_strong(text: str, rtl: bool, classes: str | None = None) -> bool:
    """Does `text` hold a strong character of that direction (outside isolates)?"""
    if classes is None:
        classes = bidi_classes(text)
    if "x" in classes:
        classes = _skip_isolates(classes, text)
    return ("R" in classes or "a" in classes) if rtl else "L" in classes


# --- Mirroring (L4) and bracket pairs (BD16) ----------------------------------------------

# python-bidi's BidiMirroring table, plus the Unicode 14 brackets it lacks.
MIRROR: dict[str, str] = {
    **MIRRORED,
    **{chr(a): chr(b) for a, b in ((0x2E55, 0x2E56), (0x2E57, 0x2E58), (0x2E59, 0x2E5A))},
    **{chr(b): chr(a) for a, b in ((0x2E55, 0x2E56), (0x2E57, 0x2E58), (0x2E59, 0x2E5A))},
    "\u2e5b": "\u2e5c",
    "\u2e5c": "\u2e5b",
}

# Paired brackets are the mirrored Ps/Pe characters (how BidiBrackets.txt is derived).
# U+2329/U+232A are canonically equivalent to U+3008/U+3009 and must pair with them.
_CANONICAL = {"\u2329": "\u3008", "\u232a": "\u3009"}
_OPENERS: dict[str, str] = {}
_CLOSERS: set[str] = set()
for _ch, _mate in MIRROR.items():
    _category = unicodedata.category(_ch)
    if _category == "Ps" and unicodedata.category(_mate) == "Pe":
        _OPENERS[_ch] = _CANONICAL.get(_mate, _mate)
    elif _category == "Pe" and unicodedata.category(_mate) == "Ps":
        _CLOSERS.add(_ch)
_BRACKET = re.compile("[" + re.escape("".join(sorted(set(_OPENERS) | _CLOSERS))) + "]")
_MAX_BRACKET_DEPTH = 63


def _resolve_brackets(text: str, types: str, original: str, e: str, sos: str) -> str:
    """Rule N0 over one isolating run sequence (here: the whole paragraph)."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _BRACKET.finditer(text):
        i = match.start()
        if types[i] != "o":  # only brackets whose current class is ON take part
            continue
        ch = text[i]
        closer = _OPENERS.get(ch)
        if closer is not None:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break  # BD16: stop looking for further pairs
            stack.append((closer, i))
            continue
        ch = _CANONICAL.get(ch, ch)
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == ch:
                pairs.append((stack[depth][1], i))
                del stack[depth:]
                break
    if not pairs:
        return types
    pairs.sort()
    out = list(types)
    n = len(out)
    for opening, closing in pairs:
        inside = set(out[opening + 1 : closing])
        has_l = "L" in inside
        has_r = bool(inside & {"R", "e", "n"})
        if not (has_l or has_r):
            continue
        if (e == "L" and has_l) or (e == "R" and has_r):
            direction = e
        else:
            # Only the opposite direction inside: follow the context before the opener.
            direction = sos
            for j in range(opening - 1, -1, -1):
                t = out[j]
                if t == "L":
                    direction = "L"
                    break
                if t in "Ren":
                    direction = "R"
                    break
        for b in (opening, closing):
            out[b] = direction
            j = b + 1
            while j < n and original[j] == "m":  # NSMs after a bracket follow it
                out[j] = direction
                j += 1
    return "".join(out)


# --- Implicit levels ----------------------------------------------------------------------

_W1 = re.compile("([^m])(m+)")
_W2 = re.compile("a[^LR]*")
_W4_EN = re.compile("(?<=e)[sc](?=e)")
_W4_AN = re.compile("(?<=n)c(?=n)")
_W5 = re.compile("t+(?=e)|(?<=e)t+")
_W6 = str.maketrans("stc", "ooo")
_W7_SOS_L = re.compile("^[^R]*|L[^R]*")
_W7_SOS_R = re.compile("L[^R]*")
_N1_L = re.compile("(?<=L)[oSw]+(?=L)")
_N1_R = re.compile("(?<=[Ren])[oSw]+(?=[Ren])")
_N2_LTR = str.maketrans("oSw", "LLL")
_N2_RTL = str.maketrans("oSw", "RRR")
_I_LTR = str.maketrans("LRen", "\x00\x01\x02\x02")
_I_RTL = str.maketrans("LRen", "\x02\x01\x02\x02")


def _repeat(match: re.Match[str], code: str) -> str:
    return code * (match.end() - match.start())


def _implicit_levels(text: str, classes: str, rtl: bool) -> str:
    """Resolved levels (as chr codes) of a paragraph without explicit formatting characters."""
    sos = "R" if rtl else "L"  # sos = eos = paragraph direction: there is one run sequence
    t = classes
    if "m" in t:  # W1
        if t[0] == "m":
            t = sos + t[1:]
        t = _W1.sub(lambda m: m.group(1) * (m.end() - m.start()), t)
    if "e" in t and "a" in t:  # W2
        t = _W2.sub(lambda m: m.group().replace("e", "n"), t)
    t = t.replace("a", "R")  # W3
    if "s" in t or "c" in t:  # W4
        t = _W4_EN.sub("e", t)
        t = _W4_AN.sub("n", t)
    if "t" in t:  # W5
        t = _W5.sub(lambda m: _repeat(m, "e"), t)
    t = t.translate(_W6)  # W6
    if "e" in t:  # W7
        pattern = _W7_SOS_L if sos == "L" else _W7_SOS_R
        t = pattern.sub(lambda m: m.group().replace("e", "L"), t)
    if _BRACKET.search(text) is not None:  # N0
        t = _resolve_brackets(text, t, classes, sos, sos)
    if rtl:  # N1 (only the case that differs from N2 needs work), then N2
        t = _N1_L.sub(lambda m: _repeat(m, "L"), t).translate(_N2_RTL)
        return t.translate(_I_RTL)  # I1, I2
    t = _N1_R.sub(lambda m: _repeat(m, "R"), t).translate(_N2_LTR)
    return t.translate(_I_LTR)


def paragraph_levels(text: str, rtl: bool, classes: str | None = None) -> str:
    """Resolved embedding levels of one paragraph (no newlines), one `chr(level)` per char.

    These are paragraph levels before the line rule L1, which the layout applies per line.
    """
    if not text:
        return ""
    if classes is None:
        classes = bidi_classes(text)
    if "x" in classes:
        return "".join(map(chr, python_bidi_levels(text, rtl)))
    if "b" not in classes:
        return _implicit_levels(text, classes, rtl)
    # X9: boundary neutrals are removed; give each the level of the character before it.
    keep = [i for i, code in enumerate(classes) if code != "b"]
    if not keep:
        return chr(int(rtl)) * len(text)
    reduced = _implicit_levels(
        "".join(text[i] for i in keep), "".join(classes[i] for i in keep), rtl
    )
    out = []
    level = chr(int(rtl))
    it = iter(reduced)
    for code in classes:
        if code != "b":
            level = next(it)
        out.append(level)
    return "".join(out)


# --- python-bidi's debug dump -------------------------------------------------------------

_LEVELS_START = "\n    levels: [\n"
_LEVELS_END = "\n    ],\n"
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_SURROGATE = re.compile("[\ud800-\udfff]")


def python_bidi_levels(text: str, rtl: bool) -> list[int]:
    """Per-character levels from python-bidi 0.6.12's `BidiInfo` dump (levels are per byte)."""
    safe = _SURROGATE.sub("\ufffd", text)  # Rust strings cannot hold lone surrogates
    dump = get_display(safe, base_dir="R" if rtl else "L", debug=True)
    if not isinstance(dump, str):
        raise RuntimeError("unexpected python-bidi debug output; is python-bidi==0.6.12?")
    start = dump.find(_LEVELS_START)
    end = dump.find(_LEVELS_END, start + 1)
    if start < 0 or end < 0:
        raise RuntimeError("unexpected python-bidi debug output; is python-bidi==0.6.12?")
    per_byte = [int(level) for level in _LEVEL.findall(dump, start, end)]
    levels: list[int] = []
    offset = 0
    for ch in safe:
        levels.append(per_byte[offset])
        code = ord(ch)
        offset += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    if offset != len(per_byte):
        raise RuntimeError("python-bidi debug output does not match the text's UTF-8 length")
    return levels
