"""What the app says when a search or the indexing fails, and what it does next."""

from __future__ import annotations

import asyncio

import pytest

import reader.search.doctable as doctable_module
from tests.ui.test_app import SIZE, settle


def _fail_reading_columns(*_: object) -> list[object]:
    raise IndexError("list index out of range")  # how issue 8 showed itself


async def test_a_search_fault_is_shown_once_and_not_taken_for_damage(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(doctable_module, "_column_values", _fail_reading_columns)
        rebuilds: list[bool] = []
        original = app.catch_up_index
        monkeypatch.setattr(app, "catch_up_index", lambda *a: rebuilds.append(True) or original(*a))
        await pilot.press("slash", *"lang:en")
        # A fault taken for damage would rebuild, search again, fail again... for ever.
        await asyncio.wait_for(settle(pilot), timeout=20)
        await asyncio.wait_for(settle(pilot), timeout=20)
        status = app.search_pane.query_one("#status")
        shown = str(status.render())
        assert status.has_class("error")
        assert "IndexError" in shown and "will not help" in shown
        assert "reindex" not in shown
        assert rebuilds == []
        notices = [n.message for n in app._notifications]  # noqa: SLF001
        assert not any("reindex" in n for n in notices)
