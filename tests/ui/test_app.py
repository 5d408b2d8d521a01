"""The real app, driven by Pilot: start, move, open, search, toggle, quit."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import ContentSwitcher, Input

from reader.models import Article, Feed
from reader.sources.refresh import FeedResult, RefreshReport
from reader.ui.app import NewsReaderApp
from reader.ui.help import HelpScreen
from reader.ui.messages import FeedsStored
from tests.ui.conftest import open_edition

SIZE = (120, 36)


def row_text(widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


def reader_text(app: NewsReaderApp) -> str:
    return "\n".join(line.plain() for line in app.main.reader.view.lines)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_starts_on_the_bundled_articles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.main.articles.row_count == 2
        assert app.focused is app.main.articles
        assert app.main.reader.article is not None  # the highlighted article is shown at once
        titles = {row_text(app.main.articles, 0), row_text(app.main.articles, 1)}
        assert any("U.S. Warns Iraqi Militants" in t for t in titles)


async def test_move_open_marks_read_and_toggles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.main.articles.current.id
        await pilot.press("j")
        second = app.main.articles.current.id
        assert second != first
        assert app.main.reader.article.id == second
        await pilot.press("k", "G")
        assert app.main.articles.current.id == second
        await pilot.press("g", "enter")
        assert app.focused is app.main.reader
        assert app.session.store.get(first).read
        await pilot.press("r")
        assert not app.session.store.get(first).read
        await pilot.press("s")
        assert app.session.store.get(first).starred
        await pilot.press("s")
        assert not app.session.store.get(first).starred


async def test_unread_only_hides_read_articles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "shift+tab")  # open the first, back to the list
        await pilot.press("u")
        assert app.main.articles.row_count == 1
        await pilot.press("u")
        assert app.main.articles.row_count == 2


async def test_search_as_you_type_and_next_result(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"Mosul")
        await settle(pilot)
        assert app.query_one("#lists", ContentSwitcher).current == "results"
        assert app.main.results.row_count == 1  # only the English edition says Mosul in Latin
        assert "Mosul" in row_text(app.main.results, 1) or "Mosul" in row_text(app.main.results, 0)
        await pilot.press("enter")
        assert app.focused is app.main.results
        await pilot.press("enter")
        assert app.focused is app.main.reader
        assert app.main.reader.view.match_lines  # the query's matches are highlighted
        await pilot.press("escape", "escape")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one("#lists", ContentSwitcher).current == "articles"


async def test_arabic_search_finds_the_arabic_edition(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"الموصل")
        await settle(pilot)
        assert app.main.results.row_count == 1
        hit = app.main.results.current
        assert app.session.store.get(hit.id).language == "ar"
        # the box draws the query in visual order and keeps its value logical
        assert app.main.search_pane.input.value == "الموصل"


async def test_bad_query_says_what_is_wrong(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"unclosed')
        await settle(pilot)
        status = app.main.search_pane.query_one("#status")
        assert status.has_class("error")
        assert str(status.render()).strip()


async def test_translation_link_opens_the_other_edition(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_edition(pilot, "en")
        assert app.main.reader.view.link_line is not None
        await pilot.press("t")
        assert app.main.reader.article.language == "ar"
        await pilot.press("t")
        assert app.main.reader.article.language == "en"


async def test_markup_and_escapes_in_titles_show_literally(make_app) -> None:
    app = make_app(
        Article(
            title="[bold red]x[/] [link=file:///etc/passwd]y[/link]",
            body="Body with \x1b]52;c;ZXZpbA==\x07 clipboard write",
            published=datetime(2030, 1, 1, tzinfo=UTC),
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "[bold red]x[/] [link=file:///etc/passwd]" in row_text(app.main.articles, 0)
        await pilot.press("enter")
        shown = reader_text(app)
        assert "[bold red]x[/] [link=file:///etc/passwd]y[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "Body with  clipboard write" in shown


async def test_help_lists_keys_and_closes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_a_huge_article_opens_without_blocking(make_app) -> None:
    paragraph = "A sentence of a very long article, repeated to make it huge. " * 40
    app = make_app(
        Article(
            title="Huge",
            body="\n".join([paragraph] * 400),  # about 1 MB
            published=datetime(2031, 1, 1, tzinfo=UTC),
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.reader.article.title == "Huge"
        assert len(app.main.reader.view.lines) > 5000


async def test_recent_searches_are_recalled_with_arrows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Mosul", "enter")
        await settle(pilot)
        await pilot.press("slash")
        app.main.search_pane.input.value = ""
        await pilot.press(*"Iraq", "enter")
        await settle(pilot)
        await pilot.press("slash")
        app.main.search_pane.input.value = ""
        await pilot.press("up")
        assert app.main.search_pane.input.value == "Iraq"
        await pilot.press("up")
        assert app.main.search_pane.input.value == "Mosul"
        await pilot.press("down")
        assert app.main.search_pane.input.value == "Iraq"
    assert app.main.history.path.read_text(encoding="utf-8").split() == ["Mosul", "Iraq"]


async def test_clicking_the_link_line_opens_the_translation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_edition(pilot, "en")
        line = app.main.reader.view.link_line
        link = app.main.reader.view.lines[line]
        column = link.indent + 2 + 1  # inside the label, past the pane's padding
        await pilot.click("#reader", offset=(column, line))
        await pilot.pause()
        assert app.main.reader.article.language == "ar"


async def test_n_jumps_between_matches_in_the_article(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Iraq")
        await settle(pilot)
        await pilot.press("enter", "enter")
        assert app.focused is app.main.reader
        matches = app.main.reader.view.match_lines
        assert len(matches) > 3
        await pilot.press("n")
        assert app.main.reader.current_match == 0
        await pilot.press("n", "n")
        assert app.main.reader.current_match == 2
        await pilot.press("N")
        assert app.main.reader.current_match == 1


async def test_a_damaged_index_is_rebuilt_and_the_search_answered(make_app, session) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session.index.close()
        for toc in session.library.index_dir.glob("*.toc"):
            toc.unlink()
        await pilot.press("slash", *"Mosul")
        await settle(pilot)  # the search fails, the rebuild runs, the search runs again
        await settle(pilot)
        assert app.query_one("#lists", ContentSwitcher).current == "results"
        assert app.main.results.row_count == 1


async def test_mouse_selection_in_the_reading_pane_copies_logical_text(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_edition(pilot, "ar")
        reader = app.main.reader
        body = [y for y, line in enumerate(reader.view.lines) if line.role == "body"]
        first, last = body[0], body[2]
        # Drag from the left edge of the paragraph's first line to the left edge of its
        # third: the first two screen lines are selected, whole.
        await pilot.mouse_down("#reader", offset=(1, first))
        await pilot.hover("#reader", offset=(1, last))
        await pilot.mouse_up("#reader", offset=(1, last))
        await pilot.pause()
        copied = app.screen.get_selected_text()
        # The stored, logical text: the opening words of the first paragraph, in reading
        # order, not the shaped, reordered glyphs on screen.
        opening = reader.article.body.split("\n")[1]  # after the "Read in English" link
        assert copied and opening.startswith(copied)
        assert "\n" not in copied and len(copied.split()) > 8
        assert not any("\ufb50" <= c <= "\ufeff" for c in copied)


async def test_reading_in_unread_only_keeps_the_list_steady(make_app) -> None:
    app = make_app(
        *(
            Article(
                title=f"Story {n}", body=f"Body {n}", published=datetime(2030, 1, n, tzinfo=UTC)
            )
            for n in range(1, 6)
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert app.main.articles.row_count == 7
        opened = app.main.articles.current.id
        await pilot.press("enter", "shift+tab")
        assert app.session.store.get(opened).read
        assert app.main.articles.current.id == opened  # still there, now marked read
        await pilot.press("j")
        assert app.main.articles.current.title == "Story 4"  # the next one, none skipped
        assert app.main.articles.row_at(app.main.articles.row_count - 1) is not None


async def test_notifications_never_read_feed_text_as_markup(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        feed = Feed(id=1, url="http://example.com/feed", title="Tech [/b] News")
        failed = FeedResult(feed, status="failed", error="[@click=app.quit]x[/]")
        app.main.post_message(FeedsStored(RefreshReport([failed])))
        await pilot.pause()
        assert app.is_running
        assert any("[/b]" in n.message for n in app._notifications)


async def test_a_long_status_wraps_instead_of_being_cut(make_app) -> None:
    """A query error (or the note of a partial index) longer than the pane is shown whole,
    on up to four lines, at 80 columns."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"a "b c"')
        await settle(pilot)
        status = app.main.search_pane.query_one("#status")
        message = str(status.render())
        assert "has no closing" in message
        assert len(message) > status.size.width  # it would not fit on one line
        assert status.size.height >= 2
        assert status.size.height * status.size.width >= len(message)
