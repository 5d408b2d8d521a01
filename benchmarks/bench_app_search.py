"""Keystroke to results drawn, in the real app (Textual's headless driver), on a library.

Usage: python benchmarks/bench_app_search.py --home DIR

Types each query one key at a time into the search box, and for every keystroke measures,
inside the app, the time from the input changing to the screen refresh that shows that
exact query's results (or its error). Baseline in the same run: Pilot's round trip for a
keystroke that only moves the cursor in the article list.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.config import library_home  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.ui.app import NewsReaderApp  # noqa: E402

KEYS = {" ": "space", '"': "quotation_mark"}
QUERIES = ["العراق", "oil prices", "الحكومة السعودية", "election", '"prime minister"', "كرة"]


async def measure(home: str) -> None:
    session = Session(library_home(home))
    session.sync_index()
    app = NewsReaderApp(session)  # as launched: it checks and warms the index after start
    per_key: list[float] = []
    baseline: list[float] = []
    slow: list[tuple[float, str]] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        for _ in range(20):
            started = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            baseline.append(time.perf_counter() - started)
        await pilot.press("slash")
        for query in QUERIES:
            app.search_pane.input.value = ""
            await pilot.pause()
            typed = ""
            for key in query:
                typed += key
                await pilot.press(KEYS.get(key, key))
                started = time.perf_counter()
                while app.answered[0] != typed and time.perf_counter() - started < 5:
                    await asyncio.sleep(0.001)
                if app.answered[0] != typed:
                    raise RuntimeError(f"no answer for {typed!r}")
                per_key.append(app.answered[1])
                slow.append((app.answered[1], typed))
    session.close()
    per_key.sort()
    p95 = per_key[int(0.95 * (len(per_key) - 1))]
    print(f"keystrokes: {len(per_key)} over {len(QUERIES)} queries")
    print("slowest:", ", ".join(f"{q!r} {t * 1000:.0f} ms" for t, q in sorted(slow)[-5:]))
    print(
        f"keystroke to results drawn: median {statistics.median(per_key) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {per_key[-1] * 1000:.1f} ms"
    )
    print(f"baseline (cursor move redraw): median {statistics.median(baseline) * 1000:.1f} ms")
    print(
        f"ratio median / baseline: {statistics.median(per_key) / statistics.median(baseline):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--home", required=True, help="library folder, e.g. one built from both corpora"
    )
    asyncio.run(measure(parser.parse_args().home))


if __name__ == "__main__":
    main()
