"""Helpers of the kill -9 and concurrency fault tests: a seed that reproduces a run, kill
instants spread over a command's measured duration, snapshots of a library taken without
writing to it, and the checks every killed command must pass.

Set NEWSREADER_FAULT_SEED to replay a run: the seed is printed at the start of the tests.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from tests.conftest import REPO
from tests.faults.conftest import cli, integrity

T = TypeVar("T")

SEED = int(os.environ.get("NEWSREADER_FAULT_SEED") or random.SystemRandom().randrange(1, 2**31))
RUNS = int(os.environ.get("NEWSREADER_KILL_RUNS") or 20)  # kills per command and run
JOBS = int(os.environ.get("NEWSREADER_KILL_JOBS") or 2)  # runs at once (one core each)
ATTEMPTS = 3  # tries at a kill before a run counts as finished first


def run_all(cycle: Callable[[int, T], None], plans: Sequence[T]) -> None:
    """`cycle(n, plan)` for every plan, JOBS at a time (each run has its own library copy,
    and its processes are single-threaded, so two at once use the two cores)."""
    with ThreadPoolExecutor(JOBS) as pool:
        for future in [pool.submit(cycle, n, plan) for n, plan in enumerate(plans)]:
            future.result()


def say(config: pytest.Config, line: str) -> None:
    """A line in the test output, whatever the capture mode."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:  # pragma: no cover
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def announce_seed(config: pytest.Config, what: str) -> None:
    say(config, f"{what}: random seed {SEED} (replay with NEWSREADER_FAULT_SEED={SEED})")


def rng(name: str) -> random.Random:
    """One generator per test, so that each replays alone."""
    return random.Random(f"{SEED}:{name}")


def instants(r: random.Random, start: float, end: float, n: int = RUNS) -> list[float]:
    """`n` instants in [start, end), one drawn at random in each of n equal slices, so that
    the kills land in every phase of the command (and in random order)."""
    step = (end - start) / n
    points = [start + step * (i + r.random()) for i in range(n)]
    r.shuffle(points)
    return points


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NEWSREADER_HOME": str(home)}


def command(home: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--home", str(home), *argv]


def spawn(argv: Sequence[str], home: Path, *, stdout: int | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        list(argv),
        env=env(home),
        stdin=subprocess.DEVNULL,
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def timed(make_argv: Callable[[Path], list[str]], base: Path, where: Path) -> tuple[float, Path]:
    """The shortest wall time of JOBS clean runs at once, each on its own fresh copy of `base`
    (as the kill runs go), and the first copy, left as a clean run leaves it. The shortest,
    because a kill drawn past a run's end kills nothing: the first run pays for cold caches."""

    def clean_run(n: int) -> float:
        home = fresh_copy(base, where / f"clean{n}")
        started = time.monotonic()
        done = subprocess.run(
            make_argv(home), env=env(home), capture_output=True, text=True, check=False
        )
        seconds = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        return seconds

    with ThreadPoolExecutor(JOBS) as pool:
        seconds = list(pool.map(clean_run, range(JOBS)))
    return min(seconds), where / "clean0"


def kill_at(process: subprocess.Popen, started: float, delay: float) -> bool:
    """SIGKILL `process` `delay` seconds after `started`; False when it had exited first."""
    while time.monotonic() - started < delay:
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def run_and_kill(
    make_argv: Callable[[Path], list[str]], base: Path, home: Path, delay: float, tally: Tally
) -> Path:
    """Run `make_argv(home)` on a fresh copy of `base` and SIGKILL it `delay` seconds in,
    counting the outcome in `tally`. A run that finished first (runs vary: another run's
    copying, a warm cache) is tried again on a new copy with the delay cut by a quarter, up
    to ATTEMPTS times, so that nearly every run is a kill."""
    for _ in range(ATTEMPTS):
        fresh_copy(base, home)
        if kill_at(spawn(make_argv(home), home), time.monotonic(), delay):
            tally.killed += 1
            return home
        delay *= 0.75
    tally.finished_first += 1
    return home


def fresh_copy(base: Path, where: Path) -> Path:
    if where.exists():
        shutil.rmtree(where)
    shutil.copytree(base, where)
    return where


def gone(pid: int, timeout: float) -> bool:
    """The process `pid` has exited (or is a zombie) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


# -- looking at a library without writing to it ---------------------------------------------
Row = tuple[str, str, str | None, int, int]  # title, body, url, read, starred


def rows(home: Path) -> dict[int, Row]:
    db = sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        return {
            r[0]: (r[1], r[2], r[3], r[4], r[5])
            for r in db.execute("SELECT id, title, body, url, read, starred FROM articles")
        }
    finally:
        db.close()


def duplicates(home: Path) -> list[tuple[str, int]]:
    """Links or texts stored more than once."""
    db = sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        return db.execute(
            "SELECT COALESCE(url_key, content_hash), COUNT(*) FROM articles "
            "GROUP BY COALESCE(url_key, content_hash) HAVING COUNT(*) > 1"
        ).fetchall()
    finally:
        db.close()


@dataclass(frozen=True)
class IndexView:
    in_step: bool
    documents: int
    articles: int
    note: str


def index_view(home: Path) -> IndexView:
    """What `stats --json` says of the index, computed here (read-only, no subprocess)."""
    from reader.search.index import SearchIndex
    from reader.store import Store

    store = Store(home / "library.sqlite3", read_only=True)
    index = SearchIndex(home / "index")
    try:
        status = index.status(store)
    finally:
        index.close()
        store.close()
    return IndexView(status.in_step, status.doc_count, status.store_count, status.reason)


@dataclass
class Tally:
    """What the kills of one command found, for the test output and the README table."""

    what: str
    killed: int = 0
    finished_first: int = 0
    phases: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    recovered: int = 0

    def phase(self, name: str) -> None:
        self.phases[name] = self.phases.get(name, 0) + 1

    def line(self) -> str:
        phases = ", ".join(f"{k} {v}" for k, v in sorted(self.phases.items()))
        return (
            f"kill -9 {self.what}: {self.killed} killed ({phases}), "
            f"{self.finished_first} finished before the kill; articles lost {self.lost}; "
            "in step by itself after the next command in "
            f"{self.recovered}/{self.killed + self.finished_first} runs"
        )


def recover(home: Path, seed_note: str) -> None:
    """After a kill: the database is intact; the next command (a search) brings the index
    in step by itself, no stale lock in its way."""
    assert integrity(home / "library.sqlite3") == "ok", seed_note
    search = cli(home, "search", "x")
    assert search.code == 0, (seed_note, search.err)
    assert "being updated by another" not in search.err, (seed_note, search.err)
    assert "Traceback" not in search.err, (seed_note, search.err)
    view = index_view(home)
    assert view.in_step, (seed_note, view)
    assert view.documents == view.articles, (seed_note, view)
