"""Every line of an article and every row of a list can be scrolled into view (issue 14).

The panes are Line API widgets: they draw from their scroll offset themselves. Textual
repaints a scrolled widget only when the *rounded* offset changes, and an animated scroll (G,
End, PgDn, j) ends with frames at fractional offsets just short of the end. A pane that drew
from the floored offset left such a frame on screen, one line short: the last line was never
shown. What is checked here is what is drawn, not the scroll offset.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.geometry import Region

from reader.models import Article
from tests.ui.conftest import open_edition

HEIGHT = 24


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def drawn(widget) -> list[str]:
    """The widget's lines as they are on screen (from its line cache, as the compositor
    gets them), without its border and padding."""
    strips = widget.render_lines(Region(0, 0, *widget.outer_size))
    return [strip.text for strip in strips]


def bottom_line(pane) -> str:
    lines = [line for line in drawn(pane) if line.strip(" ▏▎▔▁")]
    return lines[-1] if lines else ""


def assert_last_line_drawn(pane, context: str) -> None:
    assert pane.max_scroll_y > 0, f"{context}: the article must be longer than the pane"
    last = pane.view.lines[-1]
    assert last.text and last.text in bottom_line(pane), (
        f"{context}: last line {last.text!r} not drawn; bottom row is {bottom_line(pane)!r} "
        f"(scroll_y={pane.scroll_y}, max={pane.max_scroll_y})"
    )


async def test_last_line_of_an_article_is_drawn_at_every_width(make_app) -> None:
    """Widths 40 to 140, English and Arabic. An animated scroll's last frames are at
    fractional offsets a hair short of the end (ease-out); the test puts the pane in that
    state and paints a frame there, then presses End or G with animations off, so that each
    width costs a frame instead of a second of animation."""
    app = make_app()
    async with app.run_test(size=(80, HEIGHT)) as pilot:
        await settle(pilot)
        app.animation_level = "none"
        pane = app.main.reader
        for language in ("en", "ar"):
            app.main.articles.focus()
            await open_edition(pilot, language)
            await settle(pilot)
            assert pane.article.language == language
            for width in range(40, 141):
                await pilot.resize_terminal(width, HEIGHT)
                key = "end" if width % 2 else "G"  # each key pressed at half the widths
                pane.scroll_to(y=pane.max_scroll_y - 0.25, animate=False)
                drawn(pane)  # a frame painted there, as the compositor would
                await pilot.press(key)
                assert_last_line_drawn(pane, f"{language} width {width} key {key}")


async def test_keys_with_real_animations_reach_the_last_line(make_app) -> None:
    """The reported widths, with Textual's own scroll animations run to their end."""
    app = make_app()
    async with app.run_test(size=(80, HEIGHT)) as pilot:
        await settle(pilot)
        pane = app.main.reader
        await open_edition(pilot, "en")
        await settle(pilot)
        for width in (70, 80, 110):
            await pilot.resize_terminal(width, HEIGHT)
            await settle(pilot)
            for keys in (("G",), ("end",), ("j",) * 3):
                pane.scroll_to(y=pane.max_scroll_y - len(keys), animate=False)
                await pilot.pause()
                await pilot.press(*keys)
                await pilot.wait_for_scheduled_animations()
                await pilot.pause()
                assert_last_line_drawn(pane, f"width {width} keys {keys}")


async def test_last_row_of_a_list_is_drawn_at_the_end(make_app) -> None:
    """A scrollbar drag stops at fractional offsets (the end of its animation, or at once
    where the terminal scrolls smoothly); G must still show the last row, and a click must
    land on the row drawn under the pointer."""
    app = make_app(
        *(
            Article(
                title=f"Story {n}",
                body=f"Body {n}",
                published=datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=n),
            )
            for n in range(40)
        )
    )
    async with app.run_test(size=(80, HEIGHT)) as pilot:
        await settle(pilot)
        articles = app.main.articles
        rows, window = articles.row_count, articles.scrollable_content_region.height
        assert articles.max_scroll_y > 0
        articles.scroll_to(y=articles.max_scroll_y - 0.25, animate=False)
        drawn(articles)  # a frame painted there
        await pilot.press("G")
        assert articles.cursor == rows - 1
        width = articles.scrollable_content_region.width
        last_row = articles.render_row(articles.row_at(rows - 1), width, True)[0].text
        assert drawn(articles)[-1].startswith(last_row)
        await pilot.click(articles, offset=(3, window - 3))
        clicked = articles.render_row(articles.current, width, True)[0].text
        assert drawn(articles)[window - 3].startswith(clicked)
