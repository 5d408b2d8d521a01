"""Related stories in the reading pane: found in a worker once an article stays open, listed
under it in each title's own direction, opened by their number or a click; never found for
an article the reader only passed over."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.models import Article
from reader.ui import messages as msg
from reader.ui.screens.related import SETTLE_SECONDS
from tests.ui.test_app import SIZE
from tests.ui.test_keys import screen_lines, settle


def _articles() -> list[Article]:
    when = datetime(2021, 3, 1, tzinfo=UTC)
    volcano = (
        "The volcano erupted again, lava flows reached the village and ash closed the airport."
    )
    return [
        Article(
            title="Volcano erupts near village",
            body=volcano,
            url="https://a.example/volcano-1",
            source="Alpha",
            published=when,
            language="en",
        ),
        Article(
            title="Lava reaches village as volcano erupts",
            body=volcano + " Residents left their homes.",
            url="https://b.example/volcano-2",
            source="Beta",
            published=when,
            language="en",
        ),
        Article(
            title="ثوران البركان يغلق المطار",
            body="ثار البركان من جديد ووصلت الحمم إلى القرية وأغلق الرماد المطار volcano lava.",
            url="https://c.example/volcano-ar",
            source="Gamma",
            published=when,
            language="ar",
        ),
        Article(
            title="Budget talks stall in parliament",
            body="Ministers failed to agree on the budget, and parliament adjourned.",
            url="https://d.example/budget",
            source="Delta",
            published=when,
            language="en",
        ),
    ]


def _open(app, title: str) -> None:
    rows = app.main.articles
    row = next(
        i for i in range(rows.row_count) if app.session.store.get(rows.row_at(i).id).title == title
    )
    rows.move_to(row)


async def test_related_stories_are_listed_under_the_article_and_open_by_number(make_app) -> None:
    app = make_app(*_articles())
    found: list[msg.RelatedFound] = []

    def hook(message) -> None:
        if isinstance(message, msg.RelatedFound):
            found.append(message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        _open(app, "Volcano erupts near village")
        await pilot.press("enter")
        await pilot.pause(SETTLE_SECONDS + 0.5)
        await settle(pilot)
        reader = app.main.reader
        titles = [item.title for _, item in reader.related]
        assert titles and titles[0] == "Lava reaches village as volcano erupts", titles
        assert "Volcano erupts near village" not in titles  # never the article itself
        assert "Budget talks stall in parliament" not in titles
        await pilot.press("G")
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
        assert "Related stories" in screen
        assert "1 Lava reaches village as volcano erupts" in screen, screen
        # The Arabic story (it shares "volcano lava") keeps its own direction: right-aligned,
        # its number on its right.
        number = titles.index("ثوران البركان يغلق المطار") + 1
        line = next(line for line in reader.view.lines if line.target == number - 1)
        assert line.indent > 0 and line.text.endswith(f" {number}"), line
        await pilot.press("1")
        await settle(pilot)
        assert app.main.opened.article.title == "Lava reaches village as volcano erupts"
        assert app.main.opened.article.read
        assert app.main.articles.current.id == app.main.opened.article.id


async def test_articles_passed_over_get_no_related_search(make_app) -> None:
    """Moving through the list (j j j) never runs a related search for the articles passed;
    only the one the reader stays on gets one."""
    app = make_app(*_articles())
    found: list[int] = []

    def hook(message) -> None:
        if isinstance(message, msg.RelatedFound):
            found.append(message.article_id)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "k")
        await pilot.pause(SETTLE_SECONDS + 0.5)
        await settle(pilot)
        assert found == [app.main.opened.article.id], found


async def test_a_related_number_that_is_not_listed_does_nothing(make_app) -> None:
    app = make_app(*_articles())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _open(app, "Budget talks stall in parliament")
        await pilot.press("enter")
        await pilot.pause(SETTLE_SECONDS + 0.5)
        await settle(pilot)
        opened = app.main.opened.article.id
        listed = len(app.main.reader.related)
        await pilot.press(str(listed + 1))
        await settle(pilot)
        assert app.main.opened.article.id == opened
