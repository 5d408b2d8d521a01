"""kill -9 at random instants: `import`, `reindex`, the app's indexer process, `fetch`, and
the app itself (indexing in the background while read and star are toggled).

Each command is timed once on a clean copy of a library built once per module; then it is
started `RUNS` times on fresh copies and SIGKILLed after a delay drawn in one of `RUNS`
equal slices of that duration, so the kills land in every phase. After each kill:
`PRAGMA integrity_check` is ok; everything committed before the kill is there, unchanged,
with its read and starred state; a search (the next command) brings the index in step by
itself, with no lock left in its way; and the interrupted command, run again, leaves
exactly what a clean run leaves: no duplicates, nothing missing, every article indexed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.faults.conftest import article_records, cli, integrity, write_json
from tests.faults.killing import (
    RUNS,
    SEED,
    Tally,
    announce_seed,
    command,
    duplicates,
    env,
    fresh_copy,
    gone,
    index_view,
    instants,
    kill_at,
    recover,
    rng,
    rows,
    run_all,
    run_and_kill,
    say,
    timed,
)
from tests.feeds.conftest import FeedServer, item, rss

BASE = 200  # articles in the library before the command (plus the two seeds)
IMPORTED = 2_000  # small articles, so that a run takes about 2-3 s
BEHIND = 1_000  # articles the app's indexer catches up on
BATCH = 500  # the importer's transaction: a kill keeps whole batches only
FEEDS, ITEMS = 4, 150  # each feed's entries are stored in one transaction

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module", autouse=True)
def _seed(request: pytest.FixtureRequest) -> None:
    announce_seed(request.config, "kill -9 tests")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kill")


def _small(tag: str, n: int) -> list[dict[str, str]]:
    records = article_records(n, tag)
    for record in records:
        record["content"] = record["content"][:160]
    return records


@pytest.fixture(scope="module")
def source(work: Path) -> Path:
    return write_json(work / "incoming.json", _small("k", IMPORTED))


@pytest.fixture(scope="module")
def base(work: Path) -> Path:
    """A library of BASE articles, indexed, some read and some starred."""
    home = work / "base"
    result = cli(home, "import", str(write_json(work / "base.json", _small("b", BASE))))
    assert result.code == 0, result.err
    db = sqlite3.connect(home / "library.sqlite3")
    with db:
        db.execute("UPDATE articles SET read = 1 WHERE id % 3 = 0")
        db.execute("UPDATE articles SET starred = 1 WHERE id % 5 = 0")
    db.close()
    return home


@pytest.fixture(scope="module")
def behind(work: Path, base: Path) -> Path:
    """`base` with BEHIND more articles stored but not indexed (the app catches up)."""
    home = fresh_copy(base, work / "behind")
    later = write_json(work / "later.json", _small("l", BEHIND))
    result = cli(home, "import", "--no-index", str(later))
    assert result.code == 0, result.err
    assert not index_view(home).in_step
    return home


def _by_url(home: Path) -> dict[tuple[str | None, str], tuple[str, int, int]]:
    """Articles by link and title (the seeds have no link), for comparing libraries."""
    return {
        (url, title): (body, read, starred)
        for title, body, url, read, starred in rows(home).values()
    }


def _check_kept(before: dict, home: Path, note: str) -> dict:
    """Every article of `before` is still there, unchanged (text, read, starred)."""
    after = rows(home)
    missing = [i for i in before if i not in after]
    changed = [i for i in before if i in after and after[i] != before[i]]
    assert not missing and not changed, (note, missing[:5], changed[:5])
    return after


def _report(tally: Tally, request: pytest.FixtureRequest) -> None:
    say(request.config, tally.line())


def _rerun_matches(home: Path, argv: list[str], clean: dict, expected_docs: int, note: str) -> None:
    """The interrupted command, run again, leaves what a clean run leaves."""
    again = subprocess.run(argv, env=env(home), capture_output=True, text=True, check=False)
    assert again.returncode == 0, (note, again.stderr)
    assert _by_url(home) == clean, note
    assert duplicates(home) == [], note
    view = index_view(home)
    assert view.in_step and view.documents == expected_docs, (note, view)


# -- import ------------------------------------------------------------------------------------
def test_kill_import_at_random_instants(
    work: Path, base: Path, source: Path, request: pytest.FixtureRequest
) -> None:
    r = rng("import")

    def importing(home: Path) -> list[str]:
        return command(home, "import", str(source))

    seconds, clean_home = timed(importing, base, work)
    clean = _by_url(clean_home)
    total = BASE + 2 + IMPORTED
    assert len(clean) == total
    before = rows(base)
    tally = Tally("import")

    def cycle(n: int, delay: float) -> None:
        note = f"seed {SEED}, import run {n}, kill after {delay:.2f}s of {seconds:.2f}s"
        home = run_and_kill(importing, base, work / f"run{n}", delay, tally)
        assert integrity(home / "library.sqlite3") == "ok", note
        after = _check_kept(before, home, note)
        added = len(after) - len(before)
        # Whole batches or nothing, each article as a clean run stores it.
        assert added == IMPORTED or added % BATCH == 0, (note, added)
        stored = _by_url(home)
        assert all(stored[key] == clean[key] for key in stored), note
        view = index_view(home)
        if added == 0:
            tally.phase("before the first batch")
        elif added < IMPORTED:
            tally.phase("storing")
        elif not view.in_step:
            tally.phase("indexing")
        else:
            tally.phase("after indexing")
        recover(home, note)
        tally.recovered += 1
        _rerun_matches(home, importing(home), clean, total, note)

    run_all(cycle, instants(r, 0.05, seconds * 0.98))
    _report(tally, request)
    assert tally.killed >= RUNS * 3 // 4, tally.line()


# -- reindex -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full(work: Path, base: Path, source: Path) -> Path:
    """`base` with the IMPORTED articles stored and indexed."""
    home = fresh_copy(base, work / "full")
    assert cli(home, "import", str(source)).code == 0
    return home


def test_kill_reindex_at_random_instants(
    work: Path, full: Path, request: pytest.FixtureRequest
) -> None:
    r = rng("reindex")

    def reindexing(home: Path) -> list[str]:
        return command(home, "reindex")

    seconds, _ = timed(reindexing, full, work)
    before = rows(full)
    clean = _by_url(full)
    tally = Tally("reindex")

    def cycle(n: int, delay: float) -> None:
        note = f"seed {SEED}, reindex run {n}, kill after {delay:.2f}s of {seconds:.2f}s"
        home = run_and_kill(reindexing, full, work / f"run{n}", delay, tally)
        assert integrity(home / "library.sqlite3") == "ok", note
        assert rows(home) == before, note
        view = index_view(home)
        if view.documents == len(before) and view.in_step:
            tally.phase("before the wipe or after the build")
        elif view.documents == 0:
            tally.phase("before the first commit")
        else:
            tally.phase("building")
        recover(home, note)
        tally.recovered += 1
        _rerun_matches(home, reindexing(home), clean, len(before), note)

    run_all(cycle, instants(r, 0.05, seconds * 0.98))
    _report(tally, request)
    assert tally.killed >= RUNS * 3 // 4, tally.line()


# -- the app's indexer process -----------------------------------------------------------------
def _indexer_command(home: Path) -> list[str]:
    """Exactly what the app runs in the background."""
    from reader.ui.screens.main import MainScreen

    screen = SimpleNamespace(session=SimpleNamespace(library=SimpleNamespace(home=home)))
    return MainScreen._indexer_command(screen, False)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def unindexed(work: Path, behind: Path) -> Path:
    """`behind` without its index folder: the app builds a fresh one, newest first."""
    home = fresh_copy(behind, work / "unindexed")
    shutil.rmtree(home / "index")
    return home


def test_kill_the_apps_indexer_process_at_random_instants(
    work: Path, behind: Path, unindexed: Path, request: pytest.FixtureRequest
) -> None:
    r = rng("indexer")
    bases = {"catch-up": behind, "build": unindexed}
    seconds = {name: timed(_indexer_command, home, work)[0] for name, home in bases.items()}
    tally = Tally("the app's indexer process")
    plans = [("catch-up", d) for d in instants(r, 0.05, seconds["catch-up"] * 0.98, RUNS // 2)]
    plans += [("build", d) for d in instants(r, 0.05, seconds["build"] * 0.98, RUNS - RUNS // 2)]
    r.shuffle(plans)

    def cycle(n: int, plan: tuple[str, float]) -> None:
        kind, delay = plan
        length = seconds[kind]
        note = f"seed {SEED}, indexer run {n} ({kind}), kill after {delay:.2f}s of {length:.2f}s"
        before = rows(bases[kind])
        home = run_and_kill(_indexer_command, bases[kind], work / f"run{n}", delay, tally)
        assert integrity(home / "library.sqlite3") == "ok", note
        assert rows(home) == before, note
        view = index_view(home)
        tally.phase(f"{kind}, {'done' if view.in_step else 'part indexed'}")
        recover(home, note)
        tally.recovered += 1
        _rerun_matches(home, _indexer_command(home), _by_url(home), len(before), note)

    run_all(cycle, plans)
    _report(tally, request)
    assert tally.killed >= RUNS * 3 // 4, tally.line()


# -- fetch -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    for f in range(FEEDS):
        entries = "".join(
            item(f"{f}-{i}", date=f"Mon, {1 + i % 28:02d} Feb 2021 10:00:00 +0000")
            for i in range(ITEMS)
        )
        server.routes[f"/feed{f}.xml"] = server.routes.get(f"/feed{f}.xml") or _route(rss(entries))
    try:
        yield server
    finally:
        server.stop()


def _route(body: bytes):  # noqa: ANN202 - tests.feeds.conftest.Route
    from tests.feeds.conftest import Route

    return Route(body=body)


@pytest.fixture(scope="module")
def subscribed(work: Path, base: Path, feed_server: FeedServer) -> Path:
    home = fresh_copy(base, work / "subscribed")
    for f in range(FEEDS):
        assert cli(home, "feeds", "add", feed_server.url(f"/feed{f}.xml")).code == 0
    return home


def test_kill_fetch_at_random_instants(
    work: Path, subscribed: Path, request: pytest.FixtureRequest
) -> None:
    r = rng("fetch")

    def fetching(home: Path) -> list[str]:
        return command(home, "fetch")

    seconds, clean_home = timed(fetching, subscribed, work)
    clean = _by_url(clean_home)
    total = BASE + 2 + FEEDS * ITEMS
    assert len(clean) == total
    before = rows(subscribed)
    tally = Tally("fetch")

    def cycle(n: int, delay: float) -> None:
        note = f"seed {SEED}, fetch run {n}, kill after {delay:.2f}s of {seconds:.2f}s"
        home = run_and_kill(fetching, subscribed, work / f"run{n}", delay, tally)
        assert integrity(home / "library.sqlite3") == "ok", note
        after = _check_kept(before, home, note)
        added = len(after) - len(before)
        assert added % ITEMS == 0, (note, added)  # each feed whole or not at all
        stored = _by_url(home)
        assert all(stored[key] == clean[key] for key in stored), note
        tally.phase(f"{added // ITEMS} of {FEEDS} feeds stored")
        recover(home, note)
        tally.recovered += 1
        _rerun_matches(home, fetching(home), clean, total, note)

    run_all(cycle, instants(r, 0.05, seconds * 0.98))
    _report(tally, request)
    assert tally.killed >= RUNS * 3 // 4, tally.line()


# -- the app: indexing in the background, read and star toggled --------------------------------
DRIVER = r"""
import asyncio, random, sys, time
from reader.config import library_home
from reader.session import Session
from reader.ui.app import NewsReaderApp

def say(*words):
    print(*words, flush=True)

async def main(seed):
    r = random.Random(seed)
    session = Session(library_home())
    app = NewsReaderApp(session, index_in_background=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main
        say("ready")
        reported = set()
        was_busy = False
        for step in range(100000):
            indexer = screen._indexer
            if indexer is not None and indexer.pid not in reported:
                reported.add(indexer.pid)
                say("indexer", indexer.pid)
            busy = screen.index_state.busy or screen._indexer is not None
            if was_busy and not busy:
                say("idle")
            was_busy = busy
            if r.random() < 0.2:
                await pilot.press(r.choice(["down", "down", "up", "pagedown"]))
            article_id = screen.current_id()
            if article_id is None:
                await pilot.pause(0.01)
                continue
            key = r.choice("rs")
            say("press", key, article_id)
            await pilot.press(key)
            article = session.store.get(article_id)
            say("done", key, article_id, int(article.read), int(article.starred))

asyncio.run(main(int(sys.argv[1])))
"""


class _Lines:
    """A child's stdout lines as they come, with the time each arrived."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append((time.monotonic(), line.strip()))

    def wait_for(self, prefix: str, timeout: float) -> tuple[float, str] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for when, line in list(self.lines):
                if line.startswith(prefix):
                    return when, line
            time.sleep(0.01)
        return None

    def join(self) -> None:
        self._thread.join(timeout=10)


def _app(home: Path, seed: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(seed)],
        env=env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _expected_flags(lines: list[str], before: dict) -> tuple[dict[int, set], int]:
    """For each article the app toggled: the (read, starred) states it may have on disk. What
    it reported done is committed; a press not reported done may or may not be."""
    states: dict[int, tuple[int, int]] = {i: (row[3], row[4]) for i, row in before.items()}
    possible: dict[int, set] = {}
    done = 0
    pending: dict[int, str] = {}
    for line in lines:
        words = line.split()
        # The kill can cut the child's last line short: a cut report was not made.
        if words[:1] == ["press"] and len(words) == 3:
            pending[int(words[2])] = words[1]
        elif words[:1] == ["done"] and len(words) == 5:
            article_id = int(words[2])
            states[article_id] = (int(words[3]), int(words[4]))
            pending.pop(article_id, None)
            possible[article_id] = {states[article_id]}
            done += 1
    for article_id, key in pending.items():
        read, starred = states[article_id]
        toggled = (1 - read, starred) if key == "r" else (read, 1 - starred)
        possible[article_id] = {(read, starred), toggled}
    return possible, done


def test_kill_the_app_while_it_indexes_and_toggles(
    work: Path, behind: Path, request: pytest.FixtureRequest
) -> None:
    """The app opens on a library whose index is behind, so it starts its indexer process;
    meanwhile read and star are toggled as fast as the app takes keys. In half the runs the
    indexer process is killed first (the app goes on); then the app is killed."""
    r = rng("app")
    probe = fresh_copy(behind, work / "run")
    app = _app(probe, 0)
    lines = _Lines(app)
    ready = lines.wait_for("ready", 60)
    assert ready is not None
    idle = lines.wait_for("idle", 120)
    app.kill()
    app.wait()
    assert idle is not None, lines.lines[-5:]
    window = idle[0] - ready[0]  # the app's background catch-up, measured
    tally = Tally("the app (indexing, toggling read and star)")
    child_kills = 0
    toggles = 0
    for n, delay in enumerate(instants(r, 0.0, window * 0.95)):
        kill_child = n % 2 == 0
        note = f"seed {SEED}, app run {n}, kill after {delay:.2f}s of {window:.2f}s" + (
            " (the indexer first)" if kill_child else ""
        )
        home = fresh_copy(behind, work / "run")
        before = rows(home)
        app = _app(home, r.randrange(2**31))
        lines = _Lines(app)
        ready = lines.wait_for("ready", 60)
        assert ready is not None, note
        indexer = lines.wait_for("indexer", 10)
        assert indexer is not None, note
        pid = int(indexer[1].split()[1])
        if kill_child:
            if _kill_pid(pid, ready[0] + delay):
                child_kills += 1
            time.sleep(r.uniform(0.3, 1.0))  # the app goes on without it
            assert app.poll() is None, note
            kill_at(app, time.monotonic(), 0)
        else:
            kill_at(app, ready[0], delay)
        app.wait()
        lines.join()
        tally.killed += 1
        # An orphaned indexer stops at its next progress line (its pipe is gone).
        assert gone(pid, 15), (note, "the indexer outlived the app")
        assert integrity(home / "library.sqlite3") == "ok", note
        after = rows(home)
        assert set(after) == set(before), note
        possible, done = _expected_flags([line for _, line in lines.lines], before)
        toggles += done
        for article_id, row in after.items():
            assert row[:3] == before[article_id][:3], note
            flags = (row[3], row[4])
            allowed = possible.get(article_id, {(before[article_id][3], before[article_id][4])})
            assert flags in allowed, (note, article_id, flags, allowed)
        view = index_view(home)
        tally.phase("index in step" if view.in_step else "index behind")
        recover(home, note)
        tally.recovered += 1
        _rerun_matches(home, _indexer_command(home), _by_url(home), len(before), note)
    tally.what += f"; indexer killed first in {child_kills} runs, {toggles} toggles checked"
    _report(tally, request)
    assert toggles > RUNS, tally.line()


def _kill_pid(pid: int, when: float) -> bool:
    """SIGKILL the process `pid` at monotonic time `when`; False when it had exited."""
    while time.monotonic() < when:
        if gone(pid, 0):
            return False
        time.sleep(0.005)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True
