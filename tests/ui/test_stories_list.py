"""Grouped stories in the app (`group_stories = true`): one row per story with "+N" for the
other articles carrying it, `e` to expand a story into its articles and `e`/Esc to fold it
back onto the same row, and reading any article of a story marks the story read."""

from __future__ import annotations

from dataclasses import replace

from reader.search.stories import rebuild_stories
from reader.ui.app import NewsReaderApp
from tests.test_stories import summit_and_storm
from tests.ui.test_app import SIZE
from tests.ui.test_keys import screen_lines, settle


def _list_line(app, title: str) -> str:
    """The list's row showing `title` (the list is the left pane)."""
    lefts = [line.split("▏")[0] for line in screen_lines(app)]
    return next(left for left in lefts if title in left and "▔" not in left)


def _grouped_app(session) -> tuple[NewsReaderApp, int]:
    store = session.store
    lead, *_ = store.add_articles(summit_and_storm()).ids
    rebuild_stories(store)
    session.settings = replace(session.settings, group_stories=True)
    session.sync_index()
    return NewsReaderApp(session, index_in_background=False), lead


async def test_one_row_per_story_expand_and_fold(session) -> None:
    app, lead = _grouped_app(session)
    stories = session.store.story_count()
    assert stories == session.store.count() - 2  # the summit's three articles are one story
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.main.articles
        assert rows.row_count == stories
        assert app.main.sub_title == f"{stories} stories"
        position = next(i for i in range(rows.row_count) if rows.row_at(i).id == lead)
        rows.move_to(position)
        await settle(pilot)
        line = _list_line(app, "Summit opens")
        assert "+2" in line, line
        await pilot.press("e")
        await settle(pilot)
        titles = {rows.row_at(i).title for i in range(rows.row_count)}
        assert titles == {"Summit opens", "Summit", "Summit begins"}
        assert app.main.sub_title.startswith("one story: 3 articles")
        await pilot.press("j", "escape")  # fold back from another article of the story
        await settle(pilot)
        assert rows.row_count == stories and rows.current.id == lead
        await pilot.press("e", "e")  # `e` folds too
        await settle(pilot)
        assert rows.row_count == stories and rows.current.id == lead


async def test_reading_one_article_marks_the_story_read(session) -> None:
    app, lead = _grouped_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.main.articles
        rows.move_to(next(i for i in range(rows.row_count) if rows.row_at(i).id == lead))
        await settle(pilot)
        assert "●" in _list_line(app, "Summit opens")  # unread, to begin with
        await pilot.press("e", "j", "enter")  # read the second article of the story
        await settle(pilot)
        assert all(a.read for a in session.store.story_articles(lead))
        await pilot.press("escape", "escape")  # reading pane → list → fold
        await settle(pilot)
        line = _list_line(app, "Summit opens")
        assert "●" not in line, line  # the story's row is read
        await pilot.press("u")  # unread only: the story is gone, the others stay
        await settle(pilot)
        shown = {rows.row_at(i).id for i in range(rows.row_count)}
        assert lead not in shown and rows.row_count == session.store.unread_story_count()
        assert app.main.sub_title == f"{rows.row_count} unread stories"


async def test_e_is_dimmed_when_stories_are_not_grouped(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.check_action("expand_story", ()) is None
