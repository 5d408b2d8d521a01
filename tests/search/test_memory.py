"""Opening the index costs memory for the document table only, not for the index files.

Whoosh's default storage maps each segment file and copies it into the heap when a searcher
opens it (about 160 MB for 33k articles); the table used to take ~260 bytes an article.
Here two libraries of small synthetic articles, one four times the other, are opened,
warmed up and searched: what stays in the heap may differ by the compact table only, and
the peak (building the table sorts a list, searching makes the filter's set) by a little more.
"""

from __future__ import annotations

import random
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.models import Article
from reader.search.index import SearchIndex
from reader.store import Store

SMALL, LARGE = 1_000, 4_000
# Bytes an article. The table keeps ~25 (ids, dates, date order, language, id lookup);
# building it sorts a list of document numbers, and lang:en makes a set (~80 each, briefly).
KEPT_PER_ARTICLE = 48
PEAK_PER_ARTICLE = 200
FIXED = 256 * 1024  # bytes: per-segment state, caches, the page of hits


def _articles(count: int) -> list[Article]:
    rng = random.Random(count)
    english = [f"word{n}" for n in range(3_000)]
    arabic = [f"كلمة{chr(0x0628 + n % 20)}{chr(0x0628 + n // 20 % 20)}" for n in range(400)]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        words = arabic if n % 3 == 0 else english
        articles.append(
            Article(
                guid=f"synthetic-{n}",
                title=" ".join(rng.choices(words, k=6)),
                body=" ".join(rng.choices(words, k=40)) + " common",
                source="synthetic",
                language="ar" if n % 3 == 0 else "en",
                published=start + timedelta(minutes=n) if n % 10 else None,
            )
        )
    return articles


def _heap_after_opening(tmp_path: Path, count: int) -> tuple[int, int]:
    """(bytes kept, peak bytes) of opening the index, warming up and one search."""
    store = Store(tmp_path / f"library-{count}.sqlite3")
    store.add_articles(_articles(count))
    index = SearchIndex(tmp_path / f"index-{count}")
    index.rebuild(store)
    index.close()
    index = SearchIndex(tmp_path / f"index-{count}")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        index.warm_up()
        results = index.search("common lang:en", store)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert results.total == count - (count + 2) // 3
    index.close()
    store.close()
    return kept, peak


def test_opening_the_index_does_not_grow_with_its_size(tmp_path: Path) -> None:
    small = _heap_after_opening(tmp_path, SMALL)
    large = _heap_after_opening(tmp_path, LARGE)
    more = LARGE - SMALL
    report = (
        f"opening + warm-up + one search, (kept, peak) bytes: {small} at {SMALL:,} articles, "
        f"{large} at {LARGE:,}: {(large[0] - small[0]) / more:.0f} and "
        f"{(large[1] - small[1]) / more:.0f} bytes an article more"
    )
    assert large[0] - small[0] < KEPT_PER_ARTICLE * more + FIXED, report
    assert large[1] - small[1] < PEAK_PER_ARTICLE * more + FIXED, report
