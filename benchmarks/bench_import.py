"""Import both shared corpora into a temporary library and report the speed.

    python benchmarks/bench_import.py [--corpora DIR] [--batch-size N]

Prints articles per second and total seconds for `import_paths`, and a baseline measured in
the same run: reading the same files (and unzipping and json.loads-ing the archives) with no
parsing, cleaning or storing. The ratio is the cost of everything the importer adds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.sources.importer import import_paths  # noqa: E402
from reader.store import Store  # noqa: E402


def baseline(corpora: Path) -> tuple[int, float]:
    """Records and seconds to merely read and decode the corpora."""
    started = time.perf_counter()
    records = 0
    for path in sorted((corpora / "bbc").rglob("*.txt")):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data.decode("latin-1")
        records += 1
    for path in sorted((corpora / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                records += len(json.loads(archive.read(name)))
    return records, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    corpora: Path = args.corpora
    if not (corpora / "bbc").is_dir() or not (corpora / "saudinewsnet").is_dir():
        print(f"corpora not found in {corpora}", file=sys.stderr)
        return 2

    records, base_seconds = baseline(corpora)  # also warms the page cache for the import
    with tempfile.TemporaryDirectory() as home:
        store = Store(Path(home) / "library.sqlite3")
        started = time.perf_counter()
        report = import_paths(
            store, [corpora / "bbc", corpora / "saudinewsnet"], batch_size=args.batch_size
        )
        seconds = time.perf_counter() - started
        store.close()

    seen = report.added + report.duplicates + len(report.failures)
    print(f"records in the corpora     {records:>9,}")
    print(
        f"import_paths               {seconds:>9.2f} s  {seen / seconds:>9,.0f} records/s  "
        f"{report.added / seconds:>9,.0f} added/s"
    )
    print(
        f"baseline (read + json)     {base_seconds:>9.2f} s  {records / base_seconds:>9,.0f} "
        f"records/s"
    )
    print(f"import / baseline          {seconds / base_seconds:>9.1f} x")
    print(
        f"added {report.added:,}, duplicates {report.duplicates:,}, "
        f"failed {len(report.failures):,}, skipped {report.skipped:,}"
    )
    reasons: dict[str, int] = {}
    for failure in report.failures:
        reasons[failure.reason] = reasons.get(failure.reason, 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"  {count:>6,} x {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
