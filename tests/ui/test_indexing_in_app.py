"""The app indexes in its own process and searches what is already indexed, saying so."""

from __future__ import annotations

import asyncio
import re

import pytest

import reader.search.index as index_module
from reader.ui.app import NewsReaderApp
from tests.search.test_building import articles
from tests.ui.test_app import SIZE, settle

NOTE = re.compile(r"searched ([\d,]+) of 3,00\d articles, indexing…")


async def test_the_status_line_says_how_much_was_searched_while_indexing(
    session, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.ensure_seeded()
    session.store.add_articles(articles(3_000))
    # Index the newest 1,000 here and stop, as a killed indexer would have.
    monkeypatch.setattr(index_module, "SMALL_CATCH_UP", 10)
    monkeypatch.setattr(index_module, "BIG_BATCH", 1_000)
    commits: list[int] = []
    session.sync_index(cancelled=lambda: bool(commits), on_commit=commits.append)
    assert commits == [1_000]
    monkeypatch.undo()
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
        # The indexer process finishes; the search runs again on the whole library.
        async with asyncio.timeout(240):
            while app.main.index_state.busy:
                await pilot.pause(0.1)
        await settle(pilot)
        shown = str(status.render())
        assert shown.startswith("3,00"), shown
        assert "searched" not in shown and "indexing" not in shown
    assert session.index.status(session.store).in_step
