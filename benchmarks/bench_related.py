"""Latency of `Session.related` (more-like-this over key terms) on a built library.

python benchmarks/bench_related.py HOME [N]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from reader.config import Library
from reader.session import Session


def main() -> None:
    home = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    session = Session(Library(home))
    ids = [r[0] for r in session.store._db.execute("SELECT id FROM articles")]  # noqa: SLF001
    random.Random(12).shuffle(ids)
    session.index.warm_up()
    session.related(ids[0])
    times = []
    for article_id in ids[:n]:
        t0 = time.perf_counter()
        session.related(article_id)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{n} articles: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms"
    )
    session.close()


if __name__ == "__main__":
    main()
