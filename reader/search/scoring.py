"""Faster equivalents of two Whoosh hot spots: BM25F scoring and phrase matching.

BM25F as Whoosh computes it, with the per-document work cut down.

Whoosh's BM25F scorer looks each matching document's field length up through two method
calls and a column read, then decodes the length byte: about half of the time of a query
for a common word. Field lengths are stored as one byte per document (256 possible
values), so we read a segment's length bytes once, precompute the 256 length norms, and
score with one table lookup. Same formula, same results (tested against Whoosh's scorer).

This touches Whoosh internals (the segment's per-document reader and its `_<field>_len`
column); the pinned
whoosh-reloaded 2.7.5 is frozen, and any surprise falls back to Whoosh's own scorer.
"""

from __future__ import annotations

from typing import Any

from whoosh import scoring
from whoosh.codec import whoosh3
from whoosh.matching import IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query import Phrase, Term
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length


def _length_bytes(reader: Any, fieldname: str) -> bytes | None:
    """One length byte per document of a segment (cached on the reader)."""
    cache: dict[str, bytes | None] | None = getattr(reader, "_newsreader_lengths", None)
    if cache is None:
        cache = {}
        reader._newsreader_lengths = cache
    if fieldname in cache:
        return cache[fieldname]
    lengths: bytes | None = None
    try:
        column = reader._perdoc._cached_reader(  # noqa: SLF001
            whoosh3._lenfield(fieldname),  # noqa: SLF001
            whoosh3.LENGTHS_COLUMN,
        )
        if column is not None and column._fixedlen == 1:  # noqa: SLF001
            count = column._count  # noqa: SLF001
            raw = bytes(column._dbfile.get(column._basepos, count)) if count else b""  # noqa: SLF001
            lengths = raw + bytes(max(0, reader.doc_count_all() - len(raw)))
    except (AttributeError, TypeError, ValueError, OSError):
        lengths = None
    cache[fieldname] = lengths
    return lengths


class _Scorer(scoring.BM25FScorer):
    def __init__(self, searcher: Any, fieldname: str, text: bytes, b: float, k1: float) -> None:
        super().__init__(searcher, fieldname, text, b, k1)
        self._lengths = _length_bytes(searcher.reader(), fieldname)
        avgfl = self.avgfl
        # Whoosh reads a zero byte as the default length 1.
        self._norms = [
            k1 * ((1 - b) + b * (byte_to_length(i) if i else 1) / avgfl) for i in range(256)
        ]
        self._top = self.idf * (k1 + 1)

    def score(self, matcher: Any) -> float:
        lengths = self._lengths
        if lengths is None:
            return super().score(matcher)
        weight = matcher.weight()
        return self._top * weight / (weight + self._norms[lengths[matcher.id()]])


class FastBM25F(scoring.BM25F):
    """Drop-in for whoosh.scoring.BM25F (same B and K1 defaults)."""

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        b = self._field_B.get(fieldname, self.B)
        return _Scorer(searcher, fieldname, text, b, self.K1)


class _PhraseMatcher(SpanWrappingMatcher):
    """Documents where the terms stand at consecutive positions.

    Whoosh's Phrase goes through SpanNear2, general (slop, unordered) and slow: a span
    object per position. Our analyzer renumbers positions past stop words, so a phrase is
    always exact adjacency: intersect, then one set lookup per position.
    """

    def __init__(self, matchers: list[Any]) -> None:
        self.ms = matchers
        super().__init__(make_binary_tree(IntersectionMatcher, matchers))

    def copy(self) -> _PhraseMatcher:
        return self.__class__([m.copy() for m in self.ms])

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else NullMatcher()

    def _get_spans(self) -> list[Span]:
        ms = self.ms
        starts = ms[0].value_as("positions")
        for k in range(1, len(ms)):
            following = set(ms[k].value_as("positions"))
            starts = [p for p in starts if p + k in following]
            if not starts:
                return []
        last = len(ms) - 1
        return [Span(p, p + last) for p in starts]


class ExactPhrase(Phrase):
    """whoosh.query.Phrase (slop 1) with a faster matcher; same hits (tested)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname not in searcher.schema or self.slop != 1:
            return super().matcher(searcher, context)
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            text = field.to_bytes(word)
            if (fieldname, text) not in reader:
                return NullMatcher()  # a word that is nowhere: no phrase
            matchers.append(Term(fieldname, text).matcher(searcher, context))
        if len(matchers) == 1:
            return matchers[0]
        m: Any = _PhraseMatcher(matchers)
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m
