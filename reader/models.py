"""Plain data passed between the store, the importers, the index and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """One article. `id` is None until the store has assigned one.

    `body` is plain text, paragraphs separated by "\\n". `published` and `fetched` are
    timezone-aware UTC datetimes or None. `language` is "ar", "en" (or another ISO code)
    or None when unknown. `translation_group` links editions of the same story.
    """

    title: str
    body: str
    id: int | None = None
    guid: str | None = None
    url: str | None = None
    author: str | None = None
    source: str | None = None
    language: str | None = None
    published: datetime | None = None
    fetched: datetime | None = None
    read: bool = False
    starred: bool = False
    translation_group: str | None = None
    feed_id: int | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """The light form of an article that list panes page through (no body)."""

    id: int
    title: str
    source: str | None
    language: str | None
    published: datetime | None
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class Snippet:
    """A fragment of logical text and the [start, end) spans of matched terms in it."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: an article id, its score and a highlighted snippet."""

    id: int
    score: float
    title: str
    source: str | None
    language: str | None
    published: datetime | None
    snippet: Snippet = field(default_factory=lambda: Snippet(""))


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscription."""

    id: int
    url: str
    title: str | None = None
    category: str | None = None
    etag: str | None = None
    last_modified: str | None = None
