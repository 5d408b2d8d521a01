"""What the app says when a search or the indexing fails, and what it does next."""

from __future__ import annotations

import asyncio

import pytest

import reader.search.doctable as doctable_module
from reader.ui.messages import IndexDone, IndexProgress
from tests.ui.test_app import SIZE, settle


def _fail_reading_columns(*_: object) -> list[object]:
    raise IndexError("list index out of range")  # how issue 8 showed itself


async def test_a_search_fault_is_shown_once_and_not_taken_for_damage(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    indexing: list[object] = []  # what the index worker reported, seen by the message hook

    def hook(message: object) -> None:
        if isinstance(message, IndexProgress | IndexDone):
            indexing.append(message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        monkeypatch.setattr(doctable_module, "_column_values", _fail_reading_columns)
        indexing.clear()
        await pilot.press("slash", *"lang:en")
        # A fault taken for damage would rebuild, search again, fail again... for ever.
        await asyncio.wait_for(settle(pilot), timeout=20)
        await asyncio.wait_for(settle(pilot), timeout=20)
        status = app.main.search_pane.query_one("#status")
        shown = str(status.render())
        assert status.has_class("error")
        assert "IndexError" in shown and "will not help" in shown
        assert "reindex" not in shown
        assert indexing == []  # no rebuild was started
        assert not app.main.index_state.busy
        notices = [n.message for n in app._notifications]  # noqa: SLF001
        assert not any("reindex" in n for n in notices)
