"""Near-duplicate signatures: word shingles of normalised text, summarised by
one-permutation MinHash, and cut into LSH bands.

Cheap enough to run at import time (benchmarks/bench_stories.py): an import stores an
article in about 0.25 ms, and clustering may add at most a fifth of that. So every step
runs in C where it can: the search analyzer's normalisation tables (`reader.search.arabic`'s Arabic
normaliser: harakat, tatweel, hamza and alef forms; Arabic-Indic digits) applied with
`str.translate`, case folded, and its stop words, but words cut by `str.split` (each
distinct raw word normalised once and cached: punctuation dropped) instead of the
analyzer's `TOKEN_PATTERN` (0.3 ms an article), and no stemming (copies of one text share
their word forms anyway). Words become CRC-32 numbers, 3-word shingles the
hashes of int tuples (Python hashes ints and tuples of ints the same in every process,
unlike strings; `HASH_PROBE` notices an interpreter that does otherwise).

One-permutation hashing (Li, Owen and Zhang 2012) hashes each shingle once, sends it to
one of NUM_BINS bins by its low bits and keeps each bin's minimum (a dict fed in descending
order keeps the last, smallest, value). Two signatures agree in a bin with probability the
Jaccard similarity of the shingle sets (bins empty in both agree too; texts have at least
MIN_TERMS words, so few are). Classic MinHash (datasketch) applies NUM_BINS hash functions
to every shingle instead; it measured slower here even with numpy, and numpy with scipy is
a 200 MB dependency.
"""

from __future__ import annotations

import re
import struct
import zlib

from reader.search.analysis import _DIGITS_TABLE, ENGLISH_STOP_WORDS
from reader.search.arabic import _AR_TABLE, ARABIC_STOP_WORDS

__all__ = [
    "BANDS",
    "HASH_PROBE",
    "MIN_TERMS",
    "NUM_BINS",
    "ROWS",
    "SHINGLE",
    "band_hashes",
    "pack",
    "signature",
    "similarity",
    "unpack",
    "words",
]

SHINGLE = 3  # words a shingle
NUM_BINS = 64  # signature length
# LSH: BANDS bands of ROWS bins (63 of the 64). Two texts are candidates when a band agrees,
# probability 1 - (1 - J**ROWS)**BANDS: 0.94 at J = 0.5 (THRESHOLD of reader.search.stories),
# 0.75 at 0.4, 0.16 at 0.2. Four-bin bands (16 x 4) missed a third of the pairs at J = 0.5.
BANDS = 21
ROWS = 3
MIN_TERMS = 25  # shorter texts (photo pages, cartoons, stubs) are stories of their own
MAX_WORDS = 200  # the opening says which story it is; more words cost, prove little
MAX_CHARS = MAX_WORDS * 12  # enough text for MAX_WORDS words, whatever the language

HASH_PROBE = hash((1, -2, 3))  # stored with the signatures: another value means rebuild
_EMPTY = (1 << 64) - 1
_PACK = struct.Struct(f"<{NUM_BINS}Q")
_TABLE: dict[int, int | str | None] = {**_AR_TABLE, **_DIGITS_TABLE}
_STOP = ENGLISH_STOP_WORDS | ARABIC_STOP_WORDS
_BIN = (NUM_BINS - 1).__and__
_WORD = re.compile(r"\w+")


class _WordIds(dict[str, int]):
    """Raw word (as `str.split` cuts it) -> CRC-32 of its normalised form, 0 for a stop word
    or punctuation. Filled on first sight; the hot path is one C-level lookup a word."""

    def __missing__(self, raw: str) -> int:
        if len(self) >= 200_000:
            self.clear()
        found = _WORD.findall(raw.translate(_TABLE).lower())
        word = "_".join(found)
        value = 0 if not word or word in _STOP else zlib.crc32(word.encode()) or 1
        self[raw] = value
        return value


_word_ids = _WordIds()


def words(text: str) -> list[int]:
    """The text's first MAX_WORDS words as numbers (normalised as the search analyzer
    normalises, stop words and punctuation dropped)."""
    return list(filter(None, map(_word_ids.__getitem__, text[:MAX_CHARS].split())))[:MAX_WORDS]


def signature(text: str) -> tuple[int, ...] | None:
    """The NUM_BINS-value one-permutation MinHash of `text`, or None when it is too short."""
    ids = words(text)
    if len(ids) < MIN_TERMS:
        return None
    hashes = sorted(map(hash, zip(ids, ids[1:], ids[2:], strict=False)), reverse=True)
    bins = dict(zip(map(_BIN, hashes), hashes, strict=True))  # the last value of a bin is its least
    return tuple([bins.get(i, _EMPTY) & _EMPTY for i in range(NUM_BINS)])


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of the two texts' shingle sets."""
    return sum(map(int.__eq__, a, b)) / NUM_BINS


def band_hashes(sig: tuple[int, ...]) -> list[int]:
    """One 64-bit number per band (int tuples hash alike in every process): the band's
    number and bins hashed together, so one index serves every band."""
    return [hash((band, *sig[band * ROWS : (band + 1) * ROWS])) for band in range(BANDS)]


def pack(sig: tuple[int, ...]) -> bytes:
    return _PACK.pack(*sig)


def unpack(blob: bytes) -> tuple[int, ...]:
    return _PACK.unpack(blob)
