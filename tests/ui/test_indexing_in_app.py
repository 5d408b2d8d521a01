"""The app indexes in its own process and searches what is already indexed, saying so."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

import reader.search.building as building_module
from reader.ui.app import NewsReaderApp
from reader.ui.screens.main import MainScreen
from tests.search.test_building import articles
from tests.ui.test_app import SIZE, settle

NOTE = re.compile(r"searched ([\d,]+) of 3,00\d articles, indexing…")


def _held_until(go: Path, command: list[str]) -> list[str]:
    """The indexer command, made to wait until `go` exists: the test decides when the
    indexing goes on, so that a fast machine cannot finish it before the search answers."""
    waiter = (
        "import os, sys, time\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.05)\n"
        "from reader.__main__ import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    assert command[1:3] == ["-m", "reader"]
    return [command[0], "-c", waiter, *command[3:]]


async def test_the_status_line_says_how_much_was_searched_while_indexing(
    session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    session.ensure_seeded()
    session.store.add_articles(articles(3_000))
    # Index the newest 1,000 here and stop, as a killed indexer would have.
    monkeypatch.setattr(building_module, "SMALL_CATCH_UP", 10)
    monkeypatch.setattr(building_module, "BIG_BATCH", 1_000)
    commits: list[int] = []
    session.sync_index(cancelled=lambda: bool(commits), on_commit=commits.append)
    assert commits == [1_000]
    monkeypatch.undo()
    go = tmp_path / "go"
    command = MainScreen._indexer_command
    monkeypatch.setattr(
        MainScreen,
        "_indexer_command",
        lambda screen, rebuild: _held_until(go, command(screen, rebuild)),
    )
    app = NewsReaderApp(session, index_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        while not app.main.index_state.busy:  # the indexer process starts after first paint
            await pilot.pause(0.05)
        await pilot.press("slash", *"common")
        status = app.main.search_pane.query_one("#status")
        shown = ""
        for _ in range(200):
            await pilot.pause(0.05)
            shown = str(status.render())
            if NOTE.search(shown):
                break
        match = NOTE.search(shown)
        assert match, shown
        searched = int(match.group(1).replace(",", ""))
        assert shown.startswith(f"{searched:,} results")
        go.touch()
        # The indexer process finishes; the search runs again on the whole library.
        async with asyncio.timeout(240):
            while app.main.index_state.busy:
                await pilot.pause(0.1)
        await settle(pilot)
        shown = str(status.render())
        assert shown.startswith("3,00"), shown
        assert "searched" not in shown and "indexing" not in shown
    assert session.index.status(session.store).in_step
