"""Bindings are the one source of keys: the keymap setting remaps them everywhere (keys,
footer, help, palette), and keys that do not apply are greyed out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reader.config import ConfigError
from reader.models import Article
from reader.ui.app import NewsReaderApp
from reader.ui.footer import KeyFooter
from reader.ui.help import help_text
from reader.ui.search_pane import SearchInput
from tests.ui.test_app import SIZE
from tests.ui.test_keys import screen_lines, settle


def _with_keymap(session, **keymap: str) -> None:
    session.settings = replace(session.settings, keymap=tuple(keymap.items()))


async def test_a_remapped_key_works_and_shows_in_the_footer_help_and_palette(
    make_app, session
) -> None:
    _with_keymap(session, **{"app.read": "x", "app.unread": "ctrl+u"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main.articles.current.id
        footer = screen_lines(app)[-1]
        assert "x Read" in footer and "r Read" not in footer, footer
        assert "^u Unread only" in footer, footer
        await pilot.press("r")  # no longer bound
        assert not session.store.get(first).read
        await pilot.press("x")
        assert session.store.get(first).read
        await pilot.press("enter")  # in the reading pane too (the screen's binding)
        await pilot.press("x")
        assert not session.store.get(first).read
        lines = help_text(app).plain.splitlines()
        assert any(line.split()[:3] == ["x", "toggle", "read"] for line in lines), lines
        assert not any(line.split()[:3] == ["r", "toggle", "read"] for line in lines)
        await pilot.press("question_mark")
        await pilot.pause()
        assert any("x                 toggle read" in line for line in screen_lines(app))
        await pilot.press("escape")
        palette = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert palette["Toggle unread only"] == "Show only unread articles (^u)"


def test_an_unknown_binding_id_is_a_clear_error(session) -> None:
    _with_keymap(session, **{"app.raed": "x"})
    with pytest.raises(ConfigError, match="'app.raed'"):
        NewsReaderApp(session, index_in_background=False)


async def test_keys_that_do_not_apply_are_greyed(make_app, session) -> None:
    app = make_app(Article(title="Alone", body="Only in English.", source="Solo", language="en"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main

        def enabled(key: str) -> bool:
            active = app.screen.active_bindings
            assert key in active, (app.screen, app.focused, sorted(active))
            return active[key].enabled

        assert not enabled("n") and not enabled("N")  # no search, no results
        assert not enabled("R")  # no feeds
        lone = next(
            i
            for i in range(screen.articles.row_count)
            if screen.articles.row_at(i).title == "Alone"
        )
        screen.articles.move_to(lone)
        await pilot.pause()
        assert not enabled("t")  # no other edition
        await pilot.press("enter")
        assert app.focused is screen.reader
        assert not enabled("t") and not enabled("n")  # no translation; no matches
        await pilot.press("t")
        assert screen.opened.article.title == "Alone"
        await pilot.press("escape", "slash", *"Iraq")
        await settle(pilot)
        await pilot.press("enter")  # to the results
        assert app.focused is screen.results
        assert enabled("n")  # results to move through
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is screen.reader
        assert enabled("t") and enabled("n")  # the bundled story: two editions, matches
        session.store.add_feed("http://127.0.0.1:9/feed.xml", "Nowhere")
        screen.action_refresh_feeds()  # notices the new feed (and tries it, in a worker)
        assert enabled("R")
        screen.workers.cancel_group(screen, "feeds")


async def test_moving_between_articles_does_not_refresh_the_bindings(make_app) -> None:
    """Refreshing the bindings redraws the footer and re-checks every key, which cost
    more than opening the article itself (a key press took ~360 ms at 33k articles); it
    happens only when a key's state changes. Both seed editions have a translation, so
    nothing changes."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        refreshes: list[object] = []
        app.screen.bindings_updated_signal.subscribe(app.screen, refreshes.append)
        await pilot.press("j", "k", "j")
        await settle(pilot)
        assert app.main.opened is not None
        assert refreshes == []


async def test_the_footer_follows_the_focus_and_a_click_presses_a_key(make_app) -> None:
    """One widget draws the footer (Textual's mounted a widget per key at every focus
    change); it shows the focused pane's keys, dims those that do not apply, and a click
    on a key presses it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        in_list = {key.description for key in footer.keys}
        assert {"Open", "Search", "Quit"} <= in_list, in_list
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is app.main.reader
        in_reader = {key.description for key in footer.keys}
        assert "Open" not in in_reader and "Next match" in in_reader, in_reader
        assert screen_lines(app)[-1].lstrip().startswith("n Next match")
        dimmed = {key.description for key in footer.keys if not key.enabled}
        assert "Next match" in dimmed  # no search, so no match to go to
        search = next(key for key in footer.keys if key.description == "Search")
        x = screen_lines(app)[-1].index(f" {search.display} Search") + 1
        await pilot.click(KeyFooter, offset=(x, 0))
        await settle(pilot)
        assert isinstance(app.focused, SearchInput)
