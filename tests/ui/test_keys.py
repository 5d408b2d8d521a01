"""Keys: typed-ahead keys land where they were meant, the footer fits, help lists every key."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from textual import events
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.widgets import ContentSwitcher

from reader.models import Article
from reader.store import ListFilter
from reader.ui.app import NewsReaderApp
from reader.ui.footer import KeyFooter
from reader.ui.help import HelpScreen, help_text
from reader.ui.keys import key_displays, sections_of
from reader.ui.search_pane import SearchInput
from reader.ui.state import IndexState
from tests.ui.test_app import SIZE


async def settle(pilot) -> None:
    """Wait for the workers, including searches a later keystroke cancelled, then a frame."""
    for _ in range(2):  # a finished worker may have started another (search after typing)
        await pilot.pause()
        await asyncio.gather(*(w.wait() for w in pilot.app.workers), return_exceptions=True)
    await pilot.pause()


def burst(app: NewsReaderApp, text: str) -> None:
    """Deliver `text` the way a terminal does a paste or a fast typist: one key event per
    character, all queued before the app reads the first (what the driver's input thread
    does), with no pause in between."""
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


def screen_lines(app: NewsReaderApp) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


# -- 1. keys typed after `/` ------------------------------------------------------------------
async def test_keys_typed_in_one_burst_after_slash_land_in_the_box(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.main.articles
        burst(app, "/Iraq")  # `q` would quit, `r` toggle read, `a`... if they reached the list
        await settle(pilot)
        assert app.is_running
        assert app.main.search_pane.input.value == "Iraq"
        assert not app.session.store.get(app.main.articles.current.id).read
        assert app.query_one("#lists", ContentSwitcher).current == "results"


async def test_a_slash_in_the_box_is_part_of_the_query(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/and/or")
        await settle(pilot)
        assert app.main.search_pane.input.value == "and/or"
        await pilot.press("question_mark")  # in the box `?` is typed, as the footer implies
        assert app.main.search_pane.input.value == "and/or?"


async def test_slash_on_the_help_screen_leaves_the_search_box_alone(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark", "slash")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.focused is app.main.articles


def _many_articles(count: int) -> list[Article]:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    return [
        Article(
            title=f"Report {n} from Basra",
            body=f"Story number {n}. Oil exports from the south rose again this week. " * 6,
            source="Wire",
            language="en",
            published=start + timedelta(hours=n),
        )
        for n in range(count)
    ]


async def test_keys_typed_while_the_index_catches_up_land_in_the_box(session) -> None:
    """A real background catch-up of a few thousand articles keeps the app busy."""
    session.ensure_seeded()
    session.sync_index()
    session.store.add_articles(_many_articles(3000))  # stored, not yet indexed
    app = NewsReaderApp(session, index_in_background=True)
    async with app.run_test(size=SIZE) as pilot:
        while not app.main.index_state.busy:  # the catch-up starts after the first paint
            await pilot.pause(0.05)
        burst(app, "/Iraq")
        await pilot.pause()
        assert app.main.index_state.busy, "the keys were not read while indexing"
        await settle(pilot)
        assert app.is_running
        assert app.main.search_pane.input.value == "Iraq"
        await settle(pilot)
        assert app.query_one("#lists", ContentSwitcher).current == "results"


@pytest.mark.parametrize("typing", ["burst", "pilot"])
async def test_keys_typed_while_a_worker_keeps_the_app_busy_land_in_the_box(
    make_app, typing
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stop = threading.Event()

        def busy() -> None:
            while not stop.is_set():
                sum(range(300_000))  # C code: holds the GIL a few milliseconds at a time
                app.call_from_thread(app.refresh)  # and keeps the message loop busy

        app.run_worker(busy, thread=True, group="busy")
        await pilot.pause(0.1)
        if typing == "burst":
            burst(app, "/Iraq")
        else:
            await pilot.press(*"/Iraq")  # no waits between the keys
        await pilot.pause(0.2)
        stop.set()
        await settle(pilot)
        assert app.is_running
        assert app.main.search_pane.input.value == "Iraq"


# -- 2. a page of the old order after `o` -----------------------------------------------------
async def test_a_page_requested_before_the_sort_changed_is_dropped(make_app) -> None:
    # Relevance and date disagree: the newest articles say "Basra" least often.
    articles = [
        Article(
            title=f"Dispatch {n}",
            body=("Basra " * (1 + n)) + f"dispatch number {n} about the port.",
            source="Wire",
            language="en",
            published=datetime(2030, 1, 1, tzinfo=UTC) - timedelta(days=n),
        )
        for n in range(60)
    ]
    app = make_app(*articles)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Basra", "enter")
        await settle(pilot)
        results = app.main.results
        assert results.row_count == 60 and app.focused is results
        page = results.page_size

        # The next page is slow to come (a busy index): hold it until the sort has changed.
        search_page = results.search_page
        asked, answer = threading.Event(), threading.Event()

        def slow_page(query: str, offset: int, limit: int):
            found = search_page(query, offset, limit)  # computed in the order of the time
            asked.set()
            answer.wait(10)
            return found

        results.search_page = slow_page
        results.move_to(page)  # the first row of the second page: load it
        await pilot.pause()
        assert await _wait(pilot, asked)
        await pilot.press("o")  # by date now: a new list, same query
        await settle_search(pilot)
        answer.set()
        await settle(pilot)

        by_date = app.session.index.search(
            "Basra", app.session.store, limit=page, offset=page, sort="date"
        )
        by_relevance = app.session.index.search(
            "Basra", app.session.store, limit=page, offset=page, sort="relevance"
        )
        expected = [hit.id for hit in by_date.hits]
        assert expected != [hit.id for hit in by_relevance.hits]
        for _ in range(20):  # the dropped page is fetched again, in the new order
            shown = [results.row_at(i) for i in range(page, 2 * page)]
            if all(shown):
                break
            await settle(pilot)
        assert [row.id for row in shown] == expected


async def _wait(pilot, event: threading.Event) -> bool:
    for _ in range(200):
        if event.is_set():
            return True
        await pilot.pause(0.05)
    return False


async def settle_search(pilot) -> None:
    """Let the new search (not the held page) finish and be shown."""
    app = pilot.app
    for worker in list(app.workers):
        if worker.group == "search":
            await worker.wait()
    await pilot.pause()


# -- 3. help from the search box --------------------------------------------------------------
async def test_the_placeholder_names_a_help_key_that_works_from_the_box(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.main.search_pane.input
        assert isinstance(app.focused, SearchInput)
        assert "? for" not in box.placeholder and "F1 help" in box.placeholder
        assert any(box.placeholder in line for line in screen_lines(app)), screen_lines(app)[:4]
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert box.value == ""
        await pilot.press("f1")
        assert not isinstance(app.screen, HelpScreen)
        assert app.focused is box
        footer = screen_lines(app)[-1]
        assert "F1 Help" in footer  # shown where `?` would be typed


# -- 4. counts --------------------------------------------------------------------------------
async def test_counts_agree_with_their_number(make_app) -> None:
    app = make_app(Article(title="Lone", body="A lone article.", source="Solo", language="en"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.sub_title == "3 articles"
        await pilot.press("slash", *"Mosul")
        await settle(pilot)
        status = str(app.main.search_pane.query_one("#status").render())
        assert status.startswith("1 result,"), status
        app.main.list_filter = ListFilter(source="Solo")
        await pilot.pause()
        assert app.main.sub_title == "1 article from Solo"
        app.main.search_pane.input.value = ""  # with a query, its own status line stays
        await settle(pilot)
        app.main.index_state = IndexState("indexing", 0, 1)
        status = str(app.main.search_pane.query_one("#status").render())
        assert status == "Indexing 0 of 1 article…", status


# -- 5. the footer fits; help lists every key -------------------------------------------------
@pytest.mark.parametrize("width", [80, 120])
async def test_every_key_in_the_footer_is_shown_whole(make_app, width) -> None:
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        seen = set()
        for keys in ([], ["enter"], ["slash", *"Mosul"], ["enter"], ["enter"]):
            await pilot.press(*keys)
            await settle(pilot)
            seen.add(type(app.focused).__name__)
            footer = screen_lines(app)[-1]
            shown = [key for key in app.screen.query_one(KeyFooter).keys if key.description]
            assert len(shown) >= 3
            for key in shown:
                label = f"{key.display} {key.description}"
                assert label in footer, f"{label!r} cut in {footer!r} ({seen})"
        assert seen == {"ArticleList", "ReadingPane", "SearchInput", "ResultsList"}


async def test_help_lists_every_key(make_app) -> None:
    """The help is made from the bindings: every binding's keys and words are in it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = help_text(app).plain
        lines = text.splitlines()
        for _, group in sections_of(app):
            for binding in group:
                assert isinstance(binding, Binding) and binding.id, binding
                keys = " / ".join(key_displays(app, binding))
                what = binding.tooltip or binding.description
                assert any(line.strip().startswith(keys) and what in line for line in lines), (
                    f"{binding.id} ({keys} {what}) is not in help"
                )
        assert "Search language" in text
