"""The interface in Arabic: the mirrored layout, right-to-left footer, help and list
columns, Arabic dates and digits, and articles keeping their own direction."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reader.ui.app import NewsReaderApp
from reader.ui.help import HelpScreen
from tests.ui.conftest import open_edition


def _screen_lines(app: NewsReaderApp) -> list[str]:
    return ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]


@pytest.fixture
def arabic_app(session, make_app):
    def make(digits: str = "latin") -> NewsReaderApp:
        session.settings = replace(session.settings, ui_language="ar", digits=digits)
        return make_app()

    return make


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_list_is_on_the_right_and_the_reading_pane_on_the_left(arabic_app) -> None:
    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        left = app.main.query_one("#left").region
        reader = app.main.reader.region
        assert reader.x == 0 and left.right == 120
        assert reader.right <= left.x


async def test_the_english_interface_keeps_the_list_on_the_left(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        assert app.main.query_one("#left").region.x == 0
        assert app.main.reader.region.x > 0
        footer = _screen_lines(app)[-1]
        assert footer.startswith(" ⏎ Open ") and footer.rstrip().endswith("^p palette")


async def test_list_columns_run_right_to_left_with_arabic_dates(arabic_app) -> None:
    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        region = app.main.articles.content_region
        rows = [line[region.x : region.right] for line in _screen_lines(app)]
        row = next(r for r in rows if "U.S. Warns" in r)
        # Visual order, as FriBidi puts "10 يونيو 2014" (shaped): the date on the left.
        assert row.lstrip().startswith("2014 ﻮﻴﻧﻮﻳ 10 U.S. Warns")
        assert row.rstrip().endswith("●")  # the unread mark at the right edge


async def test_arabic_indic_digits_in_the_list_and_the_reading_pane(arabic_app) -> None:
    app = arabic_app("arabic-indic")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await open_edition(pilot, "en")
        await _settle(pilot)
        lines = _screen_lines(app)
        assert any("٢٠١٤ ﻮﻴﻧﻮﻳ ١٠ U.S. Warns" in line for line in lines)
        meta = app.main.reader.view.lines[2].text
        assert meta == "Naharnet · ٢٠١٤ ﻮﻴﻧﻮﻳ ١٠"
        assert "2014" not in "".join(lines)


async def test_an_english_article_stays_left_to_right(arabic_app) -> None:
    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await open_edition(pilot, "en")
        await _settle(pilot)
        view = app.main.reader.view
        assert view.lines[0].indent == 0 and view.lines[0].text.startswith("U.S. Warns")
        body = [line for line in view.lines if line.text.startswith("Jihadists who")]
        assert body and body[0].indent == 0


async def test_an_arabic_article_stays_right_to_left_in_the_english_interface(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await open_edition(pilot, "ar")
        await _settle(pilot)
        title = app.main.reader.view.lines[0]
        assert title.indent > 0  # right-aligned


async def test_the_footer_reads_right_to_left(arabic_app) -> None:
    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        footer = _screen_lines(app)[-1]
        # The first key (Enter, "فتح" shaped) at the right edge, the palette at the left.
        assert footer.rstrip().endswith("ﺢﺘﻓ ⏎")
        assert footer.startswith(" ﺮﻣﺍﻭﻷﺍ ﺔﺣﻮﻟ ^p")
        assert footer.index("ﺀﻭﺮﻘﻣ r") > footer.index("ﺝﻭﺮﺧ q")  # r before q, read from the right


async def test_the_help_reads_right_to_left(arabic_app) -> None:
    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = _screen_lines(app)
        heading = next(line for line in lines if "ﻢﺋﺍﻮﻘﻟﺍ" in line)  # "القوائم"
        row = next(line for line in lines if "j / ↓" in line)
        # Headings at the right; keys in a column on the right, their text to its left.
        assert heading.rindex("ﻢﺋﺍﻮﻘﻟﺍ") > row.index("j / ↓") - 2
        assert row.index("ﺔﻴﻟﺎﺘﻟﺍ ﺔﺠﻴﺘﻨﻟﺍ ﻭﺃ ﺔﻟﺎﻘﻤﻟﺍ") < row.index("j / ↓")


async def test_terminal_bidi_passes_interface_strings_through(session, make_app) -> None:
    session.settings = replace(session.settings, ui_language="ar", bidi="terminal")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        footer = _screen_lines(app)[-1]
        assert "فتح" in footer and "ﺢﺘﻓ" not in footer  # logical: the terminal shapes it


async def test_the_palette_shows_textual_s_own_commands_in_arabic(arabic_app) -> None:
    from reader.text.i18n import interface_line

    app = arabic_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        harakat = app.session.settings.harakat
        theme, quit_ = (interface_line(t, app.mode, harakat) for t in ("السمة", "خروج"))
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "Theme" not in commands and "Quit" not in commands
        assert commands[theme] == interface_line("تغيير السمة الحالية", app.mode, harakat)
        assert quit_ in commands
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert any(theme in line for line in _screen_lines(app))


async def test_the_english_palette_keeps_textual_s_words(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Theme"] == "Change the current theme"
        assert commands["Quit"] == "Quit the application as soon as possible"
