"""Refreshing feeds from the app (R) and narrowing the list to one source (f)."""

from __future__ import annotations

from tests.feeds.conftest import FeedServer, Route, item, rss
from tests.ui.test_app import SIZE, settle


async def test_refresh_adds_articles_and_sources_filter(make_app, session) -> None:
    server = FeedServer()
    try:
        server.routes["/world.xml"] = Route(rss(item(1) + item(2), title="World Wire"), etag='"v1"')
        session.store.add_feed(server.url("/world.xml"), "World Wire")
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.main.articles.row_count == 2
            await pilot.press("R")
            await settle(pilot)
            assert app.main.articles.row_count == 4
            assert session.index.status(session.store).in_step  # indexed after the refresh

            await pilot.press("f")
            await pilot.pause()
            picker = app.screen
            assert picker.__class__.__name__ == "SourcePicker"
            names = [name for name, _, _ in picker.sources]
            assert names == ["Naharnet", "World Wire"]  # the bundled story's source first
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            assert app.main.articles.row_count == 2
            assert {app.main.articles.row_at(i).source for i in range(2)} == {"World Wire"}
            await pilot.press("f", "up", "up", "enter")  # back to all sources
            await pilot.pause()
            assert app.main.articles.row_count == 4
    finally:
        server.stop()


async def test_refresh_with_no_feeds_is_greyed_and_the_palette_says_how_to_add_one(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.active_bindings["R"].enabled is False  # greyed: no feeds
        await pilot.press("R")
        await pilot.pause()
        assert not any("feeds add" in n.message for n in app._notifications)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Refresh feeds")
        command.callback()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("newsreader feeds add" in m for m in messages)
