"""Keystroke to results drawn, in the real app (Textual's headless driver), on a library.

Usage: python benchmarks/bench_app_search.py --home DIR

Types each query one key at a time into the search box, and for every keystroke measures,
inside the app, the time from the input changing to the screen refresh that shows that
exact query's results (or its error). The app is watched through its messages
(`run_test(message_hook=...)`): the time the box changed (`Input.Changed`), and the refresh
after the `SearchAnswered` or `SearchFailed` for that exact query was handled.
Baseline in the same run: Pilot's round trip for a keystroke that only moves the cursor
in the article list.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.widgets import Input  # noqa: E402

from reader.config import library_home  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.ui.app import NewsReaderApp  # noqa: E402
from reader.ui.messages import SearchAnswered, SearchFailed  # noqa: E402

KEYS = {" ": "space", '"': "quotation_mark"}
QUERIES = ["العراق", "oil prices", "الحكومة السعودية", "election", '"prime minister"', "كرة"]


async def measure(home: str) -> None:
    session = Session(library_home(home))
    session.sync_index()
    app = NewsReaderApp(session)  # as launched: it checks and warms the index after start
    typed_at: dict[str, float] = {}
    answered: dict[str, float] = {}  # query -> seconds from typed to the answer drawn

    def hook(message: object) -> None:
        if isinstance(message, Input.Changed):
            typed_at[message.value] = time.perf_counter()
        elif isinstance(message, SearchAnswered | SearchFailed):
            query = message.query

            def drawn() -> None:  # after the refresh that follows the handler
                if query in typed_at and query not in answered:
                    answered[query] = time.perf_counter() - typed_at[query]

            app.call_after_refresh(drawn)

    per_key: list[float] = []
    baseline: list[float] = []
    slow: list[tuple[float, str]] = []
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        for _ in range(20):
            started = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            baseline.append(time.perf_counter() - started)
        await pilot.press("slash")
        for query in QUERIES:
            app.main.search_pane.input.value = ""
            await pilot.pause()
            typed_at.clear()
            answered.clear()
            typed = ""
            for key in query:
                typed += key
                await pilot.press(KEYS.get(key, key))
                started = time.perf_counter()
                while typed not in answered and time.perf_counter() - started < 5:
                    await asyncio.sleep(0.001)
                if typed not in answered:
                    raise RuntimeError(f"no answer for {typed!r}")
                per_key.append(answered[typed])
                slow.append((answered[typed], typed))
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
