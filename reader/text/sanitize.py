"""Cleaning untrusted article text before it is stored or drawn.

Feeds and files are untrusted: an escape sequence in a title could recolour the terminal,
retitle the window or write the clipboard (OSC 52). Everything here is regex based because it
runs over every article at import time.
"""

from __future__ import annotations

import html
import re

__all__ = ["clean_line", "clean_text", "decode_entities"]

# Whole escape sequences, payload included, so no parameter junk is left behind as text.
# Order matters: the specific introducers must be tried before the generic ESC rule.
_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?           # CSI (final may be cut off)
  | (?:\x1b\]|\x9d) [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)           # OSC, BEL or ST terminated
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x9c]* (?:\x1b\\|\x9c)  # DCS SOS PM APC, ST terminated
  | \x1b [\x20-\x2f]* [\x30-\x7e]?                                   # other ESC sequences
    """,
    re.VERBOSE,
)

# C0 except \t and \n, DEL, C1, and the explicit bidi embeddings/overrides/isolates, which could
# reorder the surrounding layout (a spoofing vector). LRM/RLM/ALM are harmless marks: kept.
_STRIP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Anything that makes the slow path necessary; most articles contain none of it.
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Return `text` with newlines normalised and all terminal control material removed.

    Keeps `\\n`, `\\t` and every printable character (Arabic, emoji, LRM/RLM/ALM).
    """
    if _SUSPECT.search(text) is None:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or _has_c1_introducer(text):
        text = _SEQUENCE.sub("", text)
    return _STRIP.sub("", text)


def _has_c1_introducer(text: str) -> bool:
    return any(c in text for c in "\x90\x98\x9b\x9d\x9e\x9f")


def clean_line(text: str) -> str:
    """`clean_text`, then every run of whitespace (newlines and tabs too) becomes one space."""
    return " ".join(clean_text(text).split())


# Character references that end in ";" only: HTML also accepts some names without one
# ("&times", "&not"), which would turn plain text such as "AT&Times" into "AT×".
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Decode HTML character references (`&quot;`, `&#8220;`, `&#x27;`) in plain text, once.

    For text that should hold none but does (scraped corpora store `&quot;` literally).
    One pass: `&amp;quot;` becomes `&quot;`, not `"`. Unknown names stay as written; code
    points HTML forbids become U+FFFD. The result may hold control characters (`&#27;` is
    ESC): clean it with `clean_text` or `clean_line` afterwards. Not for text converted
    from HTML, which is decoded already (decoding again would decode twice).
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda match: html.unescape(match.group()), text)
