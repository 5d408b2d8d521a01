"""Rows and models: how articles and feeds are written to and read from SQLite, the rules
that decide when two articles are one (`content_hash`, `same_text_counts`), and the change
sequence every write takes (`next_seq`)."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

from reader.models import Article, ArticleRow, Feed
from reader.text.sanitize import clean_line, clean_text

__all__ = [
    "ARTICLE_COLUMNS",
    "ROW_COLUMNS",
    "SAME_TEXT_MIN_CHARS",
    "article_from",
    "content_hash",
    "feed_from",
    "from_iso",
    "next_seq",
    "row_from",
    "same_text_counts",
    "sanitised",
    "to_iso",
]

SAME_TEXT_MIN_CHARS = 100
ROW_COLUMNS = "id, title, source, language, published, read, starred"
ARTICLE_COLUMNS = (
    "id, guid, url, title, author, source, language, published, fetched, body, summary, "
    "read, starred, translation_group, feed_id"
)


def same_text_counts(body: str) -> bool:
    """Whether a body is long enough for "same source, title and body" to mean the same
    story (see `reader.store.store`)."""
    return len(body.strip()) >= SAME_TEXT_MIN_CHARS


def content_hash(title: str, body: str) -> str:
    """Dedupe key for articles without guid or url."""
    digest = hashlib.sha1(f"{title.strip()}\x00{body.strip()}".encode())
    return digest.hexdigest()


def sanitised(article: Article) -> Article:
    """Article text is untrusted: no escape sequences or control characters get stored."""

    def line(value: str | None) -> str | None:
        return clean_line(value) if value is not None else None

    return replace(
        article,
        title=clean_line(article.title),
        body=clean_text(article.body),
        summary=clean_text(article.summary) if article.summary is not None else None,
        author=line(article.author),
        source=line(article.source),
    )


def next_seq(db: sqlite3.Connection) -> int:
    """Take the next value of the change sequence (inside the caller's transaction)."""
    seq = int(db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0]) + 1
    db.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))
    return seq


def to_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def row_from(record: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=record["id"],
        title=record["title"],
        source=record["source"],
        language=record["language"],
        published=from_iso(record["published"]),
        read=bool(record["read"]),
        starred=bool(record["starred"]),
    )


def article_from(record: sqlite3.Row) -> Article:
    return Article(
        id=record["id"],
        guid=record["guid"],
        url=record["url"],
        title=record["title"],
        author=record["author"],
        source=record["source"],
        language=record["language"],
        published=from_iso(record["published"]),
        fetched=from_iso(record["fetched"]),
        body=record["body"],
        summary=record["summary"],
        read=bool(record["read"]),
        starred=bool(record["starred"]),
        translation_group=record["translation_group"],
        feed_id=record["feed_id"],
    )


def feed_from(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        category=row["category"],
        etag=row["etag"],
        last_modified=row["last_modified"],
    )
