"""One analyzer for English and Arabic text, used for indexing, queries and highlighting.

Every token is switched by script:

* Arabic-letter tokens: normalised, Arabic stop words dropped, light-stemmed (all three in
  reader.search.arabic).
* Other tokens: Arabic-Indic and Persian digits mapped to 0-9, case-folded, accents
  folded, English stop words dropped, Snowball English stemmer (PyStemmer).

The tokenizer keeps Arabic words whole, harakat and tatweel included (Python's ``\\w``
does not match harakat, which would split كَتَبَ into letters), and reports positions and
character offsets into the original text, so phrases and highlighting work.

The analyzer is pickled into Whoosh's schema: it keeps no state worth pickling (the
PyStemmer objects are built lazily, one per thread; the term cache belongs to the class).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

import Stemmer
from whoosh.analysis import Analyzer, Token

from reader.search.arabic import (
    ARABIC_STOP_WORDS,
    ArabicLightStemmer,
    light10_suffixes,
    normalize_arabic,
)

# Bump when anything here changes the terms produced: the index stores this and rebuilds.
ANALYZER_VERSION = 2

# Separates a title from its body in one indexed value: tokens before it weigh
# TITLE_WEIGHT (term weight, as in BM25F), and positions jump so no phrase spans the two.
FIELD_BREAK = "\x1e"
TITLE_WEIGHT = 3.0

# -- character classes -------------------------------------------------------------------
_AR_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfb"
    "\ufe70-\ufe74\ufe76-\ufefc"
)
# Harakat and other Arabic combining marks (the ranges from search.md plus Extended-A).
_AR_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08ca-\u08ff"
_TATWEEL = "\u0640"

_ARABIC_WORD = f"[{_AR_LETTERS}][{_AR_LETTERS}{_AR_MARKS}{_TATWEEL}]*"
# Word characters outside the Arabic blocks, except the Arabic-Indic and Persian digits.
_ARABIC_BLOCKS_BUT_DIGITS = (
    "\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
)
_OTHER_CHAR = f"[^\\W_{_ARABIC_BLOCKS_BUT_DIGITS}]"
_LATIN_MARKS = "[\u0300-\u036f]"  # decomposed accents stay inside the word
_OTHER_RUN = f"{_OTHER_CHAR}+(?:{_LATIN_MARKS}+{_OTHER_CHAR}*)*"
# 3.5, 1,000 and ٣٫٥ stay one token; don't and Blair's too (the stemmer drops 's). Runs
# first, lookarounds only at separators: this form is 35% faster than a per-character
# alternation, with the same tokens.
_OTHER_WORD = (
    f"{_OTHER_RUN}"
    r"(?:(?:(?<=\d)[.,\u066b\u066c](?=\d)|(?<=[^\W\d_])['\u2019](?=[^\W\d_]))"
    f"{_OTHER_RUN})*"
)
TOKEN_PATTERN = re.compile(f"{_ARABIC_WORD}|{_OTHER_WORD}")

_DIGITS_TABLE: dict[int, int | str] = {0x0660 + i: 0x30 + i for i in range(10)}
_DIGITS_TABLE.update({0x06F0 + i: 0x30 + i for i in range(10)})
_DIGITS_TABLE.update({0x066B: ".", 0x066C: ",", 0x2019: "'"})


def _fold_other(word: str) -> str:
    word = word.translate(_DIGITS_TABLE).casefold()
    if not word.isascii():
        # Fold accents so "café" finds "cafe"; NFKD splits a letter from its accent.
        word = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
    return word


# -- English stop words ------------------------------------------------------------------
# Lucene's classic English set, plus a few pronouns and auxiliaries. Not "us" (the US),
# "may" (the month), "who" (WHO) or "it" (IT), which are names in news.
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "if",
        "in",
        "into",
        "is",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "she",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)


# -- the analyzer --------------------------------------------------------------------------
class AnalyzedToken(NamedTuple):
    """One indexed term and where it came from in the original text."""

    term: str
    pos: int
    start: int
    end: int


def is_arabic_token(raw: str) -> bool:
    """True for a token from the Arabic branch of TOKEN_PATTERN (starts with a letter)."""
    c = raw[0]
    return ("\u0600" <= c <= "\u08ff" or "\ufb50" <= c <= "\ufeff") and not c.isdigit()


# Raw token -> term, one cache per analyzer class, shared by its instances (the schema's,
# the query parser's, the snippets'), since the terms depend on the class alone. Measured
# (benchmarks/bench_term_cache.py, 5k BBC + SaudiNewsNet articles): ~200 bytes an entry;
# indexing hit rate 91% at 100k entries (19 MiB), 88% at 50k (9.4 MiB), 82% at 20k. A
# full cache is emptied (the hot words come straight back), and SearchIndex empties it
# after each indexing run, whose rare words nobody searches for.
TERM_CACHE_LIMIT = 50_000
_MISSING = object()
_TERM_CACHES: list[dict[str, str | None]] = []


def clear_caches() -> None:
    """Empty every analyzer's term cache (in place: hot loops may hold a bound `get`)."""
    for cache in _TERM_CACHES:
        cache.clear()


def _new_term_cache() -> dict[str, str | None]:
    cache: dict[str, str | None] = {}
    _TERM_CACHES.append(cache)
    return cache


class BilingualAnalyzer(Analyzer):
    """Whoosh analyzer for English and Arabic in one field (see the module docstring)."""

    # Class-level switches and lazily built state: pickling stores none of it.
    stemming = True
    stopping = True
    _cache: dict[str, str | None] = _new_term_cache()
    _local: threading.local | None = None
    _arabic: ArabicLightStemmer | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._cache = _new_term_cache()  # other switches, other terms

    def __init__(self) -> None:
        pass

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the stemmers and cache are rebuilt on first use

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- terms ---------------------------------------------------------------------------
    def _english(self) -> Stemmer.Stemmer:
        # PyStemmer objects are not thread-safe: one per thread (indexer, search worker).
        local = self._local
        if local is None:
            local = self._local = threading.local()
        stemmer = getattr(local, "english", None)
        if stemmer is None:
            stemmer = local.english = Stemmer.Stemmer("english")
        return stemmer

    def _arabic_stemmer(self) -> ArabicLightStemmer:
        # Built on first use: loading its data costs a few ms that English-only use skips.
        arabic = self._arabic
        if arabic is None:
            arabic = self._arabic = ArabicLightStemmer()
        return arabic

    def _compute(self, raw: str) -> str | None:
        if is_arabic_token(raw):
            word = normalize_arabic(raw)
            if not word or (self.stopping and word in ARABIC_STOP_WORDS):
                return None
            if not self.stemming:
                return word
            return self._arabic_stemmer().stem(word)
        word = _fold_other(raw)
        if not word or (self.stopping and word in ENGLISH_STOP_WORDS):
            return None
        if not self.stemming or word[0].isdigit():
            return word
        return self._english().stemWord(word)

    def cache(self) -> dict[str, str | None]:
        """The raw token → term cache (for hot loops that inline `term`)."""
        return self._cache

    def term(self, raw: str) -> str | None:
        """The indexed term for one raw token, or None for a stop word."""
        cache = self._cache
        result = cache.get(raw, _MISSING)
        if result is _MISSING:
            result = self._compute(raw)
            if len(cache) >= TERM_CACHE_LIMIT:
                cache.clear()
            cache[raw] = result
        return result  # type: ignore[return-value]

    def tokens(self, text: str) -> Iterator[AnalyzedToken]:
        """Terms of `text` with positions (stop words not counted) and char offsets."""
        pos = 0
        term = self.term
        for match in TOKEN_PATTERN.finditer(text):
            result = term(match.group())
            if result is None:
                continue
            yield AnalyzedToken(result, pos, match.start(), match.end())
            pos += 1

    def postings(self, value: str) -> tuple[dict[str, list[int]], dict[str, float]]:
        """(term -> positions, term -> summed boost) for `value`: exactly what Whoosh's
        Positions format collects from `__call__` (stop words dropped, TITLE_WEIGHT before
        FIELD_BREAK, a position gap after it), without a Token per word. The indexing hot
        path (see reader.search.schema.FastPositions)."""
        cache_get = self._cache.get
        term = self.term
        poses: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        pos = 0
        head_end = value.find(FIELD_BREAK)
        boost = TITLE_WEIGHT if head_end >= 0 else 1.0
        for match in TOKEN_PATTERN.finditer(value):
            if head_end >= 0 and match.start() > head_end:
                head_end = -1
                boost = 1.0
                pos += 1
            raw = match.group()
            text = cache_get(raw, _MISSING)
            if text is _MISSING:
                text = term(raw)
            if text is None:
                continue
            positions = poses.get(text)  # type: ignore[arg-type]
            if positions is None:
                poses[text] = [pos]  # type: ignore[index]
                weights[text] = 0.0 + boost  # type: ignore[index]
            else:
                positions.append(pos)
                weights[text] += boost  # type: ignore[index]
            pos += 1
        return poses, weights

    def terms(self, text: str) -> list[str]:
        return [t.term for t in self.tokens(text)]

    def prefix_terms(self, raw: str) -> list[str]:
        """Index-side forms of a typed prefix ("econom*", "الحكوم*").

        Indexed terms are stems, so a prefix is compared in two forms: normalised only, and
        stemmed ("politic" → "polit" so it finds politics). Arabic prefixes lose their
        article or conjunction (light10 prefix rule) but keep their ending.
        """
        forms: list[str] = []
        for match in TOKEN_PATTERN.finditer(raw):
            token = match.group()
            if is_arabic_token(token):
                word = normalize_arabic(token)
                if self.stemming:
                    word = self._arabic_stemmer().strip_prefix(word)
                forms.append(word)
                if self.stemming:
                    forms.append(light10_suffixes(word))
            else:
                word = _fold_other(token)
                forms.append(word)
                if self.stemming and not word[0].isdigit():
                    forms.append(self._english().stemWord(word))
            break  # a prefix is one word
        seen: list[str] = []
        for form in forms:
            if form and form not in seen:
                seen.append(form)
        return seen

    # -- Whoosh protocol -------------------------------------------------------------------
    def __call__(  # Whoosh's analyzer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        term = self.term
        pos = start_pos
        head_end = value.find(FIELD_BREAK) if tokenize else -1
        boost = TITLE_WEIGHT if head_end >= 0 else 1.0
        matches = TOKEN_PATTERN.finditer(value) if tokenize else _whole(value)
        for match in matches:
            if head_end >= 0 and match.start() > head_end:
                head_end = -1
                boost = 1.0
                pos += 1  # a gap: "end of title" + "start of body" is not a phrase
            raw = match.group()
            text = term(raw)
            t.boost = boost
            if text is None:
                if removestops:
                    continue
                t.text = raw
                t.stopped = True
            else:
                t.text = text
                t.stopped = False
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if not t.stopped:
                pos += 1  # stop words take no position, so phrases ignore them
            yield t


class PlainAnalyzer(BilingualAnalyzer):
    """Same tokens and normalisation, no stop words or stemming: for `source` names."""

    stemming = False
    stopping = False


class _Whole:
    def __init__(self, value: str) -> None:
        self.value = value

    def group(self) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


def _whole(value: str) -> Iterator[_Whole]:
    if value:
        yield _Whole(value)
