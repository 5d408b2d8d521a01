"""The analyzer's term cache: memory per entry, hit rates by size limit, indexing speed.

    python benchmarks/bench_term_cache.py [--corpora DIR] [--articles 5000] [--runs 2]
                                          [--throughput-only]

A realistic workload: all BBC articles and SaudiNewsNet articles up to --articles, indexed
with SearchIndex.rebuild, then the 40 queries of bench_search.py (top 20 with snippets).

1. The raw tokens each analyzer sees are recorded (indexing: the schema's analyzers;
   searching: the query parser's and the snippets'), and the cache is replayed on them at
   several limits (a full cache is emptied, as BilingualAnalyzer.term does): hit rates.
2. Memory per entry: tracemalloc around a fresh cache filled from the articles' text.
3. Indexing throughput (articles/s, best of --runs rebuilds) with the code on PYTHONPATH;
   --throughput-only does only this, so that another checkout can be timed the same way.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import QUERIES, default_corpora, load_bbc, load_saudinewsnet  # noqa: E402

from reader.models import Article  # noqa: E402
from reader.search.index import SearchIndex  # noqa: E402
from reader.store import Store  # noqa: E402

LIMITS = (5_000, 10_000, 20_000, 50_000, 100_000, 10**9)


def workload(corpora: Path, count: int) -> list[Article]:
    bbc = list(load_bbc(corpora / "bbc"))[:count]
    arabic = itertools.islice(load_saudinewsnet(corpora / "saudinewsnet"), count - len(bbc))
    return bbc + list(arabic)


def replay(stream: Iterable[str], limit: int) -> tuple[int, int, int]:
    """(hits, misses, largest size) of a cache emptied when full, over `stream`."""
    cache: set[str] = set()
    hits = misses = largest = 0
    for raw in stream:
        if raw in cache:
            hits += 1
            continue
        misses += 1
        if len(cache) >= limit:
            cache.clear()
        cache.add(raw)
        largest = max(largest, len(cache))
    return hits, misses, largest


def record(home: Path, articles: list[Article]) -> tuple[dict[str, list[str]], float]:
    """Raw tokens per analyzer (by role) while indexing and searching; and µs a miss."""
    from reader.search import analysis, snippets

    streams: dict[int, list[str]] = {}
    original = analysis.BilingualAnalyzer.term
    matches = snippets.Matcher.matches

    def recording(self: analysis.BilingualAnalyzer, raw: str) -> str | None:
        if self is not snippets._ANALYZER:  # noqa: SLF001 (its hot loop is recorded below)
            streams.setdefault(id(self), []).append(raw)
        return original(self, raw)

    def recording_matches(self: snippets.Matcher, text: str) -> list[tuple[int, int, str]]:
        stream = streams.setdefault(id(snippets._ANALYZER), [])  # noqa: SLF001
        stream.extend(m.group() for m in analysis.TOKEN_PATTERN.finditer(text))
        return matches(self, text)

    store = Store(home / "library.sqlite3")
    store.add_articles(articles)
    index = SearchIndex(home / "index")
    analysis.BilingualAnalyzer.term = recording  # type: ignore[method-assign]
    snippets.Matcher.matches = recording_matches  # type: ignore[method-assign]
    try:
        index.rebuild(store)
        indexing = {i: len(s) for i, s in streams.items()}
        for query, _ in QUERIES:
            index.search(query, store, limit=20)
    finally:
        analysis.BilingualAnalyzer.term = original  # type: ignore[method-assign]
        snippets.Matcher.matches = matches  # type: ignore[method-assign]
    index.close()
    store.close()
    by_role: dict[str, list[str]] = {}
    for key, stream in streams.items():
        done = indexing.get(key, 0)
        by_role.setdefault("indexing", []).extend(stream[:done])
        by_role.setdefault("searching", []).extend(stream[done:])
    distinct = list(dict.fromkeys(by_role["indexing"]))[:50_000]
    fresh = analysis.BilingualAnalyzer()
    start = time.perf_counter()
    for raw in distinct:
        fresh._compute(raw)  # noqa: SLF001
    per_miss = (time.perf_counter() - start) / len(distinct) * 1e6
    return by_role, per_miss


def memory_per_entry(articles: list[Article], sizes: tuple[int, ...]) -> list[tuple[int, int]]:
    """(entries, bytes) of one cache filled from the articles, the keys made by the regex."""
    from reader.search.analysis import TOKEN_PATTERN, BilingualAnalyzer

    analyzer = BilingualAnalyzer()
    analyzer.term("warm")  # the stemmers and data, not the cache
    analyzer.term("الوزارة")
    analyzer.cache().clear()
    cache = analyzer.cache()
    found: list[tuple[int, int]] = []
    wanted = list(sizes)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        for article in articles:
            for match in TOKEN_PATTERN.finditer(article.title + " " + article.body):
                if len(cache) < max(sizes):
                    cache[match.group()] = analyzer._compute(match.group())  # noqa: SLF001
            while wanted and len(cache) >= wanted[0]:
                found.append((len(cache), tracemalloc.get_traced_memory()[0] - base))
                wanted.pop(0)
            if not wanted:
                break
    finally:
        tracemalloc.stop()
    cache.clear()
    return found


def throughput(home: Path, articles: list[Article], runs: int) -> float:
    store = Store(home / "library.sqlite3")
    if store.count() == 0:
        store.add_articles(articles)
    best = 0.0
    for _ in range(runs):
        index = SearchIndex(home / "index")
        start = time.perf_counter()
        count = index.rebuild(store)
        best = max(best, count / (time.perf_counter() - start))
        index.close()
    store.close()
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--throughput-only", action="store_true")
    args = parser.parse_args()
    articles = workload(args.corpora, args.articles)
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as temp:
        speed = throughput(Path(temp) / "speed", articles, args.runs)
        print(f"indexing {len(articles):,} articles: {speed:.0f} articles/s (best of runs)")
        if args.throughput_only:
            return 0
        streams, per_miss = record(Path(temp) / "record", articles)
    print(f"a miss (normalise/stem one token) costs {per_miss:.2f} µs")
    for role, stream in streams.items():
        print(f"\n{role}: {len(stream):,} tokens, {len(set(stream)):,} distinct")
        for limit in LIMITS:
            hits, misses, largest = replay(stream, limit)
            name = "none" if limit == LIMITS[-1] else f"{limit:,}"
            print(
                f"  limit {name:>8}: hit rate {hits / len(stream):6.1%}, "
                f"{misses:,} misses ({misses * per_miss / 1e6:.2f} s), largest {largest:,}"
            )
    print("\nmemory of one cache (tracemalloc):")
    for entries, size in memory_per_entry(articles, (20_000, 50_000, 100_000)):
        print(f"  {entries:>7,} entries: {size / 2**20:5.1f} MiB = {size / entries:.0f} B each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
