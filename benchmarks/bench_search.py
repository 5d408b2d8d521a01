"""Index both shared corpora and time a fixed, realistic query set.

    python benchmarks/bench_search.py [--home DIR] [--corpora DIR] [--procs N]
                                      [--no-baseline] [--reuse-index] [--repeat N]

1. The library: an existing one in --home (or $NEWSREADER_HOME) if it has a database,
   otherwise a temporary one filled from ../shared/corpora (with reader.sources.importer
   when it is there, else with the small loaders below).
2. Our index: rebuilt (articles/s printed), unless --reuse-index and it is in step.
3. QUERIES, top 20 with snippets, as the app runs them (SearchIndex.search): after one
   warm-up pass, each query `--repeat` times; the per-query median is kept, then the
   median and p95 over the set are printed (targets: median ≤ 15 ms, p95 ≤ 50 ms).
4. The baseline, in the same run: the same articles indexed with Whoosh's default
   StandardAnalyzer (title boost 3, BM25F, Whoosh's MultifieldParser, Whoosh's highlighter
   on the body from the store, exact totals), the same text queries; the ratio is ours
   over baseline. Hit counts for spelling variants are printed side by side.

The machine has two cores that other people use too: indexing runs in one process by
default, and the latency figures are medians of repeats so that a neighbour's burst does
not decide them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.models import Article  # noqa: E402

# (query, the same intent for the baseline without our filters, or None to skip there)
QUERIES: list[tuple[str, str | None]] = [
    # Arabic, single words, common to rare
    ("المملكة", "المملكة"),
    ("السعودية", "السعودية"),
    ("قال", "قال"),
    ("الحكومة", "الحكومة"),
    ("الرياض", "الرياض"),
    ("التعليم", "التعليم"),
    ("الهلال", "الهلال"),
    ("داعش", "داعش"),
    ("الحوثي", "الحوثي"),
    ("الطقس", "الطقس"),
    ("الانتخابات", "الانتخابات"),
    ("إنتخابات", "إنتخابات"),
    ("للحكومة", "للحكومة"),
    # Arabic, two words and phrases
    ("وزارة الصحة", "وزارة الصحة"),
    ("كرة القدم", "كرة القدم"),
    ("كُرَة القَدَم", "كُرَة القَدَم"),
    ("أسعار النفط", "أسعار النفط"),
    ("مكة المكرمة", "مكة المكرمة"),
    ("ولي العهد", "ولي العهد"),
    ("وزير الخارجية", "وزير الخارجية"),
    ("مجلس الشورى", "مجلس الشورى"),
    ('"خادم الحرمين الشريفين"', '"خادم الحرمين الشريفين"'),
    ('"الأمم المتحدة"', '"الأمم المتحدة"'),
    ("اقتصاد*", "اقتصاد*"),
    # English
    ("government", "government"),
    ("said", "said"),
    ("election", "election"),
    ("running", "running"),
    ("oil prices", "oil prices"),
    ('"prime minister"', '"prime minister"'),
    ("blair brown", "blair brown"),
    ("film award", "film award"),
    ("mobile phone", "mobile phone"),
    ("econom*", "econom*"),
    ("football OR rugby", "football OR rugby"),
    ("chelsea -arsenal", "chelsea -arsenal"),
    ("title:iraq", "title:iraq"),
    # filters
    ("lang:ar الرياض", None),
    ("is:unread الهلال", None),
    ("after:2015-08-01 السعودية", None),
]

VARIANTS = [
    ["الحكومة", "حكومة", "للحكومة", "الحكومات"],
    ["الانتخابات", "إنتخابات"],
    ["كرة القدم", "كُرَة القَدَم"],
    ["وزارة", "الوزارة"],
    ["run", "running"],
]


# -- corpus loading (used when reader.sources.importer is not available) -------------------
def default_corpora() -> Path:
    return Path(os.environ.get("NEWSREADER_CORPORA", ROOT.parent / "shared" / "corpora"))


def load_bbc(root: Path) -> Iterator[Article]:
    """BBC text files: title line, blank line, paragraphs (one file is Latin-1)."""
    for path in sorted(root.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        title, _, rest = text.strip().partition("\n")
        paragraphs = [p.strip() for p in rest.split("\n\n") if p.strip()]
        yield Article(
            title=title.strip(),
            body="\n".join(" ".join(p.split()) for p in paragraphs),
            guid=f"bbc/{path.parent.name}/{path.name}",
            source="bbc",
            language="en",
        )


def load_saudinewsnet(root: Path, zips: Iterable[Path] | None = None) -> Iterator[Article]:
    """SaudiNewsNet zips: a JSON array per file."""
    for path in zips if zips is not None else sorted(root.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    published = datetime.strptime(item["date_extracted"], "%Y-%m-%d %H:%M:%S")
                    yield Article(
                        title=(item.get("title") or "").strip(),
                        body=(item.get("content") or "").strip(),
                        guid=item.get("url") or None,
                        url=item.get("url") or None,
                        author=(item.get("author") or "").strip() or None,
                        source=item.get("source") or None,
                        language="ar",
                        published=published.replace(tzinfo=UTC),
                    )


def fill_library(store: Any, corpora: Path) -> str:
    try:
        from reader.sources.importer import import_paths
    except ImportError:
        import_paths = None
    if import_paths is not None:
        report = import_paths(store, [corpora / "bbc", corpora / "saudinewsnet"])
        return f"reader.sources.importer ({report.added:,} added, {report.duplicates:,} dup.)"
    store.add_articles(load_bbc(corpora / "bbc"))
    store.add_articles(load_saudinewsnet(corpora / "saudinewsnet"))
    return "local loader"


# -- measuring -------------------------------------------------------------------------------
def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def time_queries(
    run: Callable[[str], int], queries: list[str], repeat: int
) -> tuple[dict[str, float], dict[str, int]]:
    totals = {q: run(q) for q in queries}  # warm-up pass (and hit counts)
    samples: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            run(q)
            samples[q].append((time.perf_counter() - start) * 1000)
    return {q: statistics.median(v) for q, v in samples.items()}, totals


def summary(label: str, per_query: dict[str, float]) -> tuple[float, float]:
    values = list(per_query.values())
    median, p95 = statistics.median(values), percentile(values, 0.95)
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
    print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, max {max(values):.1f} ms")
    print("  slowest: " + ", ".join(f"{q} {ms:.0f} ms" for q, ms in slowest))
    return median, p95


# -- the baseline ------------------------------------------------------------------------------
class Baseline:
    """Whoosh out of the box: StandardAnalyzer, title boost 3, MultifieldParser."""

    def __init__(self, path: Path, store: Any) -> None:
        from whoosh import fields, index, scoring
        from whoosh.analysis import StandardAnalyzer
        from whoosh.qparser import MultifieldParser

        self.store = store
        self.schema = fields.Schema(
            id=fields.NUMERIC(int, bits=64, stored=True, unique=True),
            title=fields.TEXT(analyzer=StandardAnalyzer(), field_boost=3.0),
            body=fields.TEXT(analyzer=StandardAnalyzer()),
        )
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.ix = index.create_in(str(path), self.schema)
        self.parser = MultifieldParser(["title", "body"], self.schema)
        self.weighting = scoring.BM25F()
        self.searcher: Any = None

    def build(self) -> int:
        count = 0
        batch = 5_000
        writer = self.ix.writer(limitmb=256)
        for _, article in self.store.iter_for_index(0):
            writer.add_document(id=article.id, title=article.title, body=article.body)
            count += 1
            if count % batch == 0:  # same batching as ours
                writer.commit()
                writer = self.ix.writer(limitmb=256)
        writer.commit()
        self.searcher = self.ix.searcher(weighting=self.weighting)
        return count

    def search(self, text: str) -> int:
        from whoosh.highlight import ContextFragmenter

        query = self.parser.parse(text)
        results = self.searcher.search(query, limit=20)
        results.fragmenter = ContextFragmenter(maxchars=200, surround=40)
        total = len(results)
        for hit in results:
            article = self.store.get(hit["id"])
            if article is not None:
                hit.highlights("body", text=article.body)
        return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=os.environ.get("NEWSREADER_HOME"))
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--reuse-index", action="store_true")
    args = parser.parse_args()

    from reader.search.index import SearchIndex
    from reader.store import Store

    temp = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        home = Path(args.home) if args.home else temp
        database = home / "library.sqlite3"
        if database.exists():
            store = Store(database)
            print(f"library: {database} ({store.count():,} articles)")
        else:
            if not (args.corpora / "bbc").is_dir():
                print(f"no library in {home} and no corpora in {args.corpora}", file=sys.stderr)
                return 2
            home.mkdir(parents=True, exist_ok=True)
            store = Store(database)
            start = time.perf_counter()
            how = fill_library(store, args.corpora)
            print(
                f"library: {store.count():,} articles from {args.corpora} with {how} "
                f"in {time.perf_counter() - start:.0f} s"
            )

        index = SearchIndex(home / "index")
        status = index.status(store)
        if args.reuse_index and status.in_step:
            print(f"index: reused ({status.doc_count:,} documents)")
        else:
            start = time.perf_counter()
            count = index.rebuild(store, procs=args.procs)
            seconds = time.perf_counter() - start
            print(
                f"index (ours, procs={args.procs}): {count:,} articles in {seconds:.1f} s = "
                f"{count / seconds:.0f} articles/s, {dir_size(index.path) / 2**20:.0f} MiB"
            )

        queries = [q for q, _ in QUERIES]
        ours, totals = time_queries(
            lambda q: index.search(q, store, limit=20).total, queries, args.repeat
        )
        print(f"\n{len(queries)} queries, top 20 with snippets, median of {args.repeat} runs each")
        median, p95 = summary("ours", ours)
        print(
            f"  targets: median ≤ 15 ms {'ok' if median <= 15 else 'MISSED'}, "
            f"p95 ≤ 50 ms {'ok' if p95 <= 50 else 'MISSED'}"
        )

        if not args.no_baseline:
            baseline = Baseline(temp / "baseline-index", store)
            start = time.perf_counter()
            count = baseline.build()
            seconds = time.perf_counter() - start
            print(
                f"\nindex (StandardAnalyzer): {count:,} articles in {seconds:.1f} s = "
                f"{count / seconds:.0f} articles/s, {dir_size(baseline.path) / 2**20:.0f} MiB"
            )
            pairs = [(q, b) for q, b in QUERIES if b is not None]
            base, base_totals = time_queries(baseline.search, [b for _, b in pairs], args.repeat)
            ours_common = {q: ours[q] for q, _ in pairs}
            bm, bp = summary("baseline", base)
            om, op = (
                statistics.median(ours_common.values()),
                percentile(list(ours_common.values()), 0.95),
            )
            print(
                f"ours on the same {len(pairs)} text queries: median {om:.1f} ms, p95 {op:.1f} ms"
                f" → ratio ours/baseline: median {om / bm:.2f}x, p95 {op / bp:.2f}x"
            )
            print("\nhits, ours vs StandardAnalyzer:")
            for group in VARIANTS:
                row = []
                for q in group:
                    mine = index.search(q, store, limit=1).total
                    row.append(f"{q} {mine}/{baseline.search(q)}")
                print("  " + " · ".join(row))
            baseline.searcher.close()
        else:
            print("\nhits:", ", ".join(f"{q} {n}" for q, n in list(totals.items())[:10]))
        index.close()
        store.close()
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
