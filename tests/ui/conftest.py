"""A library with the bundled seeds (and any extra articles a test adds), indexed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reader.config import library_home
from reader.models import Article
from reader.session import Session
from reader.ui.app import NewsReaderApp


@pytest.fixture
def session() -> Session:
    session = Session(library_home())
    session.ensure_seeded()
    yield session
    session.close()


@pytest.fixture
def make_app(session: Session) -> Callable[..., NewsReaderApp]:
    def make(*extra: Article) -> NewsReaderApp:
        if extra:
            session.store.add_articles(extra)
        session.sync_index()
        return NewsReaderApp(session, index_in_background=False)

    return make


async def open_edition(pilot, language: str) -> None:
    """Move to the bundled story's edition in `language` and open it (Enter)."""
    app = pilot.app
    row = next(
        i
        for i in range(app.main.articles.row_count)
        if app.session.store.get(app.main.articles.row_at(i).id).language == language
    )
    app.main.articles.move_to(row)
    await pilot.press("enter")
