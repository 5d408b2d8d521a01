"""Snapshots of the main screens (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

import pytest

from tests.ui.conftest import open_edition

SIZE = (120, 36)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_list_and_reading_pane(snap_compare, make_app) -> None:
    app = make_app()

    async def open_english(pilot) -> None:
        await _settle(pilot)
        await open_edition(pilot, "en")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_english)


def test_arabic_edition(snap_compare, make_app) -> None:
    app = make_app()

    async def open_arabic(pilot) -> None:
        await _settle(pilot)
        await open_edition(pilot, "ar")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_arabic)


def test_arabic_search_results(snap_compare, make_app) -> None:
    app = make_app()

    async def search(pilot) -> None:
        await _settle(pilot)
        await pilot.press("slash", *"العراق")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_help_screen(snap_compare, make_app) -> None:
    app = make_app()

    async def open_help(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def _arabic_interface(make_app, session):
    from dataclasses import replace

    session.settings = replace(session.settings, ui_language="ar")
    return make_app()


@pytest.mark.parametrize(
    ("size", "edition"),
    [((80, 24), "ar"), ((120, 36), "en")],
    ids=["80x24-arabic-article", "120x36-english-article"],
)
def test_arabic_interface(snap_compare, make_app, session, size, edition) -> None:
    app = _arabic_interface(make_app, session)

    async def open_article(pilot) -> None:
        await _settle(pilot)
        await open_edition(pilot, edition)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_article)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_arabic_interface_help(snap_compare, make_app, session, size) -> None:
    app = _arabic_interface(make_app, session)

    async def open_help(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_help)
