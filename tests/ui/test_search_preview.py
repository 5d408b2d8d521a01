"""The preview line under the search box keeps the caret's part of a long query in view."""

from __future__ import annotations

from textual.widgets import Static

from reader.text.layout import cell_width, fit_line

SIZE = (120, 36)

ARABIC = (
    "العراق الموصل تنظيم الدولة الإسلامية الأمم المتحدة مجلس الأمن الحكومة العراقية "
    "إقليم كردستان محافظة نينوى المساعدات الإنسانية"
)
# An English query (left to right) with one Arabic word, so that the preview is shown.
ENGLISH = (
    "Mosul الموصل militants threaten the whole region warns the United Nations secretary general"
)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def visual(word: str) -> str:
    """How one word reads on screen: shaped and in visual order."""
    return fit_line(word, 100).text


def preview_text(app) -> tuple[str, int]:
    preview = app.main.search_pane.query_one("#preview", Static)
    return str(preview.render()), preview.size.width


async def type_long_query(pilot, query: str) -> str:
    """Put all but the last word in the box, then type the last word at its end."""
    app = pilot.app
    head, last = query.rsplit(" ", 1)
    await pilot.press("slash")
    search = app.main.search_pane.input
    search.value = head + " "
    search.cursor_position = len(search.value)
    await pilot.press(*last)
    await settle(pilot)
    assert search.value == query and search.cursor_position == len(query)
    return last


async def check_preview(pilot, query: str, rtl: bool) -> None:
    app = pilot.app
    first = query.split(" ", 1)[0]
    last = await type_long_query(pilot, query)
    shown, width = preview_text(app)
    assert cell_width(fit_line(query, 10_000).text) > width  # too long to show whole
    assert cell_width(shown) <= width
    # Typing at the end: the word being typed is in view, the query's start is not.
    assert visual(last) in shown, shown
    assert visual(first) not in shown, shown
    # The query's end is on the left of an RTL query, on the right of an LTR one.
    assert shown.startswith(visual(last)) if rtl else shown.endswith(visual(last)), shown
    await pilot.press("home")
    await pilot.pause()
    shown, _ = preview_text(app)
    assert visual(first) in shown and visual(last) not in shown, shown
    assert shown.endswith(visual(first)) if rtl else shown.startswith(visual(first)), shown
    await pilot.press("end")
    await pilot.pause()
    assert visual(last) in preview_text(app)[0]


async def test_long_arabic_query_shows_what_is_typed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await check_preview(pilot, ARABIC, rtl=True)


async def test_long_english_query_shows_what_is_typed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await check_preview(pilot, ENGLISH, rtl=False)
