"""Key press to screen change in the real app (Textual's headless driver), with and
without the index being rebuilt, in the same run.

Usage: python benchmarks/bench_app_keys.py --home DIR [--keys 60]

DIR is copied to a temporary folder first (its index is rebuilt there, twice). For each
mode the app is run on the copy and j, k (move in the article list: the reading pane opens
the article) and Enter (open and mark read, focus the reading pane; Escape goes back,
unmeasured) are pressed; a key's latency runs from the press to the screen refresh after
its change (the article open, or the pane focused). Keys are sent as the terminal driver
sends them, not with Pilot.press (which waits for the app to go idle). Modes:

- idle: nothing else running;
- process: the app's own indexer process rebuilding the index (`newsreader index --rebuild
  --progress json`, what the app does now);
- thread: `Session.sync_index(rebuild=True)` in a thread of the app (what it did before
  issue 10), for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events  # noqa: E402

from reader.config import library_home  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.ui.app import NewsReaderApp  # noqa: E402

SEQUENCE = ["j"] * 6 + ["enter"] + ["k"] * 3 + ["enter"]
KEY_CHARACTERS = {"enter": "\r"}


async def _refreshed(app: NewsReaderApp) -> None:
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


def _send_key(app: NewsReaderApp, key: str) -> None:
    """The key as a terminal's driver delivers it. Not `Pilot.press`: that waits until the
    app has been idle for 20 ms, twice, which would add 40+ ms to every figure."""
    event = events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None))
    event.set_sender(app)
    app._driver.send_message(event)  # noqa: SLF001


async def _press(app: NewsReaderApp, pilot, key: str) -> float:
    main = app.main
    before = main.articles.current.id if main.articles.current else None
    started = time.perf_counter()
    _send_key(app, key)
    while True:
        if key == "enter":
            changed = main.focused is main.reader
        else:
            current = main.articles.current
            changed = current is not None and current.id != before and main.opened is not None
            changed = changed and main.opened.article.id == current.id
        if changed:
            break
        await asyncio.sleep(0)
    await _refreshed(app)
    elapsed = time.perf_counter() - started
    if key == "enter":
        await pilot.press("escape")
        await pilot.pause()
    return elapsed


async def _measure(app: NewsReaderApp, pilot, keys: int, busy) -> list[tuple[str, float]]:
    samples: list[tuple[str, float]] = []
    while len(samples) < keys:
        for key in SEQUENCE:
            if busy is not None and not busy():
                return samples
            samples.append((key, await _press(app, pilot, key)))
            await asyncio.sleep(0.05)  # a person's pace, not a flood
    return samples


async def run(home: Path, keys: int) -> dict[str, list[tuple[str, float]]]:
    session = Session(library_home(home))
    session.sync_index()
    results: dict[str, list[tuple[str, float]]] = {}
    app = NewsReaderApp(session, index_in_background=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.5)
        main = app.main
        results["idle"] = await _measure(app, pilot, keys, None)

        main.catch_up_index(rebuild=True)  # the indexer process
        while main.index_state.phase != "indexing":
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        results["process"] = await _measure(app, pilot, keys, lambda: main.index_state.busy)
        main._stop_indexer()  # noqa: SLF001
        main.workers.cancel_group(main, "index")
        await pilot.pause(0.5)

        stop = threading.Event()
        started = threading.Event()

        def in_thread() -> None:
            session.sync_index(lambda done, total: started.set(), stop.is_set, rebuild=True)

        worker = app.run_worker(in_thread, thread=True, group="bench")
        while not started.is_set():
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        results["thread"] = await _measure(app, pilot, keys, lambda: not worker.is_finished)
        stop.set()
        await app.workers.wait_for_complete()
    session.close()
    return results


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--keys", type=int, default=60, help="keys measured per mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as tmp:
        home = Path(tmp) / "library"
        shutil.copytree(args.home, home)
        results = asyncio.run(run(home, args.keys))
    print("key press (j, k, Enter) to screen refresh, ms")
    for mode, keyed in results.items():
        for label, keys in (("all", None), ("j/k", ("j", "k")), ("Enter", ("enter",))):
            samples = [seconds for key, seconds in keyed if keys is None or key in keys]
            if samples:
                print(
                    f"  {mode:8} {label:6} n={len(samples):3}"
                    f"  p50 {statistics.median(samples) * 1000:6.1f}"
                    f"  p95 {_p(samples, 0.95):6.1f}  max {max(samples) * 1000:6.1f}"
                )


if __name__ == "__main__":
    main()
