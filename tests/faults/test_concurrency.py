"""Several processes on one library: two app windows; `import` and `fetch` from the command
line while the app is open; two imports at once (of different files and of the same one)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import article_records, cli, integrity, write_json
from tests.faults.killing import (
    SEED,
    announce_seed,
    duplicates,
    env,
    fresh_copy,
    index_view,
    rng,
    rows,
    say,
)
from tests.faults.test_kill import _Lines
from tests.feeds.conftest import FeedServer, Route, item, rss


@pytest.fixture(scope="module", autouse=True)
def _seed(request: pytest.FixtureRequest) -> None:
    announce_seed(request.config, "concurrency tests")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of 300 articles, indexed."""
    work = tmp_path_factory.mktemp("concurrency")
    home = work / "base"
    assert cli(home, "import", str(write_json(work / "base.json", article_records(300)))).code == 0
    return home


WINDOW = r"""
import asyncio, os, sys, time
from reader.config import library_home
from reader.session import Session
from reader.ui.app import NewsReaderApp

def say(*words):
    print(*words, flush=True)

async def main(stop, query):
    session = Session(library_home())
    app = NewsReaderApp(session, index_in_background=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main
        await pilot.pause(0.5)
        notes = " | ".join(n.message for n in app._notifications)
        say("ready", int(screen.owns_library), notes)
        rows = -1
        searched = set()
        while not os.path.exists(stop):
            if screen.articles.row_count != rows:
                rows = screen.articles.row_count
                say("rows", rows)
            ask = stop + ".search"
            if os.path.exists(ask) and ask not in searched:
                searched.add(ask)
                await pilot.press("slash", *query)
                for _ in range(200):
                    await pilot.pause(0.05)
                    shown = str(screen.search_pane.query_one("#status").render())
                    if "result" in shown:
                        break
                say("searched", shown.replace(" ", "_"))
            await pilot.pause(0.1)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _window(home: Path, stop: Path, query: str) -> tuple[subprocess.Popen, _Lines]:
    process = subprocess.Popen(
        [sys.executable, "-c", WINDOW, str(stop), query],
        env=env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, _Lines(process)


def _last(lines: _Lines, prefix: str) -> str | None:
    found = [line for _, line in list(lines.lines) if line.startswith(prefix)]
    return found[-1] if found else None


def _wait(predicate, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_two_app_windows_on_one_library(shared: Path, tmp_path: Path) -> None:
    home = fresh_copy(shared, tmp_path / "lib")
    before = rows(home)
    stop = tmp_path / "stop"
    first, first_lines = _window(home, stop, "report")
    try:
        assert first_lines.wait_for("ready", 60) is not None
        second, second_lines = _window(home, stop, "report")
        try:
            ready = second_lines.wait_for("ready", 60)
            assert ready is not None
            owns = _last(first_lines, "ready")
            assert owns is not None and owns.split()[1] == "1"
            assert ready[1].split()[1] == "0", ready  # the second leaves the index alone
            assert "Another newsreader is open on this library" in ready[1], ready
            (tmp_path / "stop.search").touch()
            for lines in (first_lines, second_lines):
                answer = lines.wait_for("searched", 30)
                assert answer is not None and answer[1].split()[1].startswith("300_results")
        finally:
            stop.touch()
            assert second.wait(30) == 0, second.stderr.read() if second.stderr else ""
    finally:
        stop.touch()
        assert first.wait(30) == 0, first.stderr.read() if first.stderr else ""
    assert integrity(home / "library.sqlite3") == "ok"
    assert rows(home) == before
    assert index_view(home).in_step


def test_the_app_shows_what_import_and_fetch_add_meanwhile(
    shared: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home = fresh_copy(shared, tmp_path / "lib")
    server = FeedServer()
    server.routes["/feed.xml"] = Route(body=rss("".join(item(f"zebra{i}") for i in range(40))))
    stop = tmp_path / "stop"
    window, lines = _window(home, stop, "sentence")
    try:
        assert lines.wait_for("ready", 60) is not None
        assert _wait(lambda: _last(lines, "rows") == "rows 302", 10)
        started = time.monotonic()
        incoming = write_json(tmp_path / "new.json", article_records(200, "new"))
        assert cli(home, "import", str(incoming)).code == 0
        assert _wait(lambda: _last(lines, "rows") == "rows 502", 10), lines.lines[-3:]
        after_import = time.monotonic() - started
        assert cli(home, "feeds", "add", server.url("/feed.xml")).code == 0
        started = time.monotonic()
        assert cli(home, "fetch").code == 0
        assert _wait(lambda: _last(lines, "rows") == "rows 542", 10), lines.lines[-3:]
        after_fetch = time.monotonic() - started
        (tmp_path / "stop.search").touch()
        answer = lines.wait_for("searched", 30)
        assert answer is not None and answer[1].split()[1].startswith("40_results"), answer
        say(
            request.config,
            f"concurrency: the app listed an import after {after_import:.1f}s, "
            f"a fetch after {after_fetch:.1f}s (it looks every 2 s), and found them",
        )
    finally:
        stop.touch()
        server.stop()
        code = window.wait(30)
        assert code == 0, window.stderr.read() if window.stderr else ""
    assert integrity(home / "library.sqlite3") == "ok"
    assert duplicates(home) == []
    assert _wait(lambda: index_view(home).in_step, 20), index_view(home)
    assert index_view(home).documents == 542


@pytest.mark.parametrize("same", [False, True], ids=["different files", "the same file"])
def test_two_imports_at_once(
    shared: Path, tmp_path: Path, same: bool, request: pytest.FixtureRequest
) -> None:
    r = rng(f"two imports {same}")
    first = write_json(tmp_path / "a.json", article_records(1_000, "a"))
    second = first if same else write_json(tmp_path / "b.json", article_records(1_000, "b"))
    expected = 302 + (1_000 if same else 2_000)
    rounds = 3
    for n in range(rounds):
        note = f"seed {SEED}, round {n}"
        home = fresh_copy(shared, tmp_path / f"lib{n}")
        a = subprocess.Popen(
            [sys.executable, "-m", "reader", "--home", str(home), "import", str(first)],
            env=env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(r.uniform(0, 0.8))
        b = subprocess.run(
            [sys.executable, "-m", "reader", "--home", str(home), "import", str(second)],
            env=env(home),
            capture_output=True,
            text=True,
            check=False,
        )
        a_out, a_err = a.communicate(timeout=120)
        for code, err in ((a.returncode, a_err), (b.returncode, b.stderr)):
            assert code == 0, (note, err)
            assert "Traceback" not in err, (note, err)
        assert integrity(home / "library.sqlite3") == "ok", note
        assert duplicates(home) == [], note
        assert len(rows(home)) == expected, note
        added = [int(out.split()[1].rstrip(",")) for out in (a_out, b.stdout)]
        assert sum(added) == expected - 302, (note, added)  # each article added once
        assert cli(home, "search", "x").code == 0
        view = index_view(home)
        assert view.in_step and view.documents == expected, (note, view)
    say(request.config, f"concurrency: two imports of {request.node.callspec.id}: {rounds} rounds")
