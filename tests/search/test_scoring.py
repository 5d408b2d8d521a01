"""Our faster BM25F and phrase matcher give exactly Whoosh's results."""

from __future__ import annotations

import pytest
from whoosh import query as wq
from whoosh import scoring

from reader.models import Article
from reader.search.index import SearchIndex
from reader.search.query import parse_query
from reader.search.scoring import ExactPhrase, FastBM25F, _length_bytes
from reader.store import Store


@pytest.fixture
def searchers(index: SearchIndex, store: Store):
    # A second batch makes a second segment, and some long bodies use big length bytes.
    store.add_articles(
        [
            Article(title=f"Oil note {i}", body="oil gas prices " * (i * 40 + 1), language="en")
            for i in range(8)
        ]
    )
    index.catch_up(store)
    ix = index._open()
    ours, whoosh = ix.searcher(weighting=FastBM25F()), ix.searcher(weighting=scoring.BM25F())
    yield ours, whoosh
    ours.close()
    whoosh.close()


@pytest.mark.parametrize(
    "text", ["oil", "gas prices", "oil OR الحكومة", "title:oil", "econom*", "-oil gas", "run"]
)
def test_fast_bm25f_scores_like_whoosh(searchers, text: str) -> None:
    ours, whoosh = searchers
    query = parse_query(text).query
    a = ours.search(query, limit=50, optimize=False)
    b = whoosh.search(query, limit=50, optimize=False)
    assert len(a) == len(b)
    assert [d for _, d in a.top_n] == [d for _, d in b.top_n]
    assert [s for s, _ in a.top_n] == pytest.approx([s for s, _ in b.top_n], rel=1e-12)


def test_length_bytes_are_read(searchers) -> None:
    ours, _ = searchers
    for leaf, _offset in ours.leaf_searchers():
        lengths = _length_bytes(leaf.reader(), "content")
        assert lengths is not None and len(lengths) == leaf.reader().doc_count_all()


@pytest.mark.parametrize(
    "words",
    [
        ["interest", "rate"],
        ["oil", "price"],
        ["price", "oil"],
        ["gas", "price", "fell"],
        ["كر", "قدم"],
        ["bank", "held"],
        ["nowher", "oil"],
        ["oil", "gas", "price", "oil"],
    ],
)
def test_exact_phrase_matches_whoosh_phrase(searchers, words: list[str]) -> None:
    ours, _ = searchers
    mine, theirs = ExactPhrase("content", words), wq.Phrase("content", words)
    assert set(ours.docs_for_query(mine)) == set(ours.docs_for_query(theirs))
    a = ours.search(mine, limit=50, optimize=False)
    b = ours.search(theirs, limit=50, optimize=False)
    assert a.top_n == b.top_n
