"""SQLite article store: the source of truth. No UI imports here.

Every insert or update takes the next value of a change sequence (`seq`). The search index
records the highest `seq` it holds, so it can catch up incrementally or notice it is behind.

An arriving article is a duplicate of a stored one (and is not stored again) when it has
- the same guid; or, without a guid, the same link: the `url_key` of `reader.urls`, which
  ignores http/https, host case, default ports, trailing slashes, fragments and tracking
  parameters; or, with neither, the same title and body;
- or, whatever its guid or link, the same source, title and body, when the body has at
  least `SAME_TEXT_MIN_CHARS` characters: newspapers republish a story under a second link
  (SaudiNewsNet's `?weekly` copies). Shorter bodies are not evidence: cartoons and photo
  pages of one source share a title ("كاريكاتير") and an empty body, yet differ.
The stored article wins: its read and starred state is kept (a duplicate that arrives read
or starred marks it so, never the other way). The same rules merge the duplicates of an
older library when `reader.store.migrations` brings it up to date.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from reader.models import Article, ArticleRow, Feed
from reader.store.filters import AddResult, ListFilter
from reader.store.health import describe_database_error, is_read_only_fs
from reader.store.index_reads import IndexReads
from reader.store.migrations import migrate, schema_version
from reader.store.records import (
    ARTICLE_COLUMNS,
    ROW_COLUMNS,
    article_from,
    content_hash,
    feed_from,
    next_seq,
    row_from,
    same_text_counts,
    sanitised,
    to_iso,
)
from reader.store.schema import SCHEMA_VERSION
from reader.store.stories import StoryQueries
from reader.text.sanitize import clean_text
from reader.urls import url_key

_T = TypeVar("_T")

__all__ = ["Store", "StoreError"]


class StoreError(Exception):
    """The library database cannot be used; the message says why and what to do."""


class Store(IndexReads, StoryQueries):
    """One SQLite connection, usable from several threads (serialised by a lock). The
    reads that feed the search index are in `reader.store.index_reads`, the story queries
    in `reader.store.stories`."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        # Read-only: the file cannot be changed. On a read-only file system SQLite cannot
        # create the WAL's shared-memory file, so the file is opened as immutable there.
        self.read_only = read_only
        try:
            if read_only:
                immutable = "&immutable=1" if is_read_only_fs(self.path) else ""
                uri = f"file:{self.path}?mode=ro{immutable}"
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            self._db.row_factory = sqlite3.Row
            if not read_only:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
            else:
                self._check_version()
        except sqlite3.DatabaseError as error:
            with contextlib.suppress(Exception):
                self._db.close()
            raise StoreError(describe_database_error(error, self.path)) from error

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open for writing, or read-only when the file or its file system cannot be
        written (`read_only` then says so). Raises StoreError."""
        path = Path(path)
        try:
            return cls(path)
        except StoreError as error:
            cause = error.__cause__
            text = str(cause).lower()
            unwritable = "readonly" in text or "read-only" in text or "unable to open" in text
            if not (unwritable and path.exists()):
                raise
        return cls(path, read_only=True)

    # -- schema ---------------------------------------------------------------------------
    def _check_version(self) -> int:
        version = schema_version(self._db)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer newsreader (schema {version}); upgrade"
            )
        return version

    def _migrate(self) -> None:
        with self._lock:
            migrate(self._db, self._check_version())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- meta -----------------------------------------------------------------------------
    def meta_get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def max_seq(self) -> int:
        return int(self.meta_get("seq") or 0)

    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's PRAGMA data_version)."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _begin_write(self) -> None:
        """Take the write lock before reading what a write depends on (duplicates, the
        next seq): another process's commit in between would be missed otherwise."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")

    # -- writing --------------------------------------------------------------------------
    def _find_existing(
        self, article: Article, digest: str, link: str | None
    ) -> tuple[sqlite3.Row | None, str]:
        """(the stored copy of `article` or None, why it is one: "guid", "link", "text").

        Same guid; else, without a guid, same link; else, without either, same text. Then
        same source, title and body when the body is long enough to tell (module docstring).
        """
        if article.guid:
            key, value, why = "guid", article.guid, "guid"
        elif link:
            key, value, why = "url_key", link, "link"
        else:
            key, value, why = "content_hash", digest, "text"
        row = self._db.execute(
            f"SELECT id, content_hash FROM articles WHERE {key} = ? LIMIT 1", (value,)
        ).fetchone()
        if row is None and key != "content_hash" and same_text_counts(article.body):
            row = self._db.execute(
                "SELECT id, content_hash FROM articles WHERE content_hash = ? AND source IS ? "
                "LIMIT 1",
                (digest, article.source),
            ).fetchone()
            why = "text"
        return row, why

    def add_articles(self, articles: Iterable[Article], *, update: bool = False) -> AddResult:
        """Insert new articles in one transaction; known ones count as duplicates.

        With `update=True`, a known article whose title or body changed is rewritten in
        place, keeping its read and starred state.
        """
        result = AddResult()
        now = to_iso(datetime.now(UTC))
        with self._lock, self._db:
            self._begin_write()
            for article in map(sanitised, articles):
                digest = content_hash(article.title, article.body)
                link = url_key(article.url)
                existing, why = self._find_existing(article, digest, link)
                if existing is not None:
                    if article.read or article.starred:  # state only ever gets added
                        self._db.execute(
                            "UPDATE articles SET read = MAX(read, ?), "
                            "starred = MAX(starred, ?) WHERE id = ?",
                            (int(article.read), int(article.starred), existing["id"]),
                        )
                    if update and existing["content_hash"] != digest:
                        self._update(existing["id"], article, digest)
                        result.updated += 1
                        result.ids.append(existing["id"])
                    else:
                        result.duplicates += 1
                        if why == "guid":
                            result.same_guid += 1
                        elif why == "link":
                            result.same_link += 1
                        else:
                            result.same_text += 1
                    continue
                cursor = self._db.execute(
                    "INSERT INTO articles (guid, url, url_key, content_hash, title, author, "
                    "source, language, published, fetched, body, summary, read, starred, "
                    "translation_group, feed_id, seq) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.guid,
                        article.url,
                        link,
                        digest,
                        article.title,
                        article.author,
                        article.source,
                        article.language,
                        to_iso(article.published),
                        to_iso(article.fetched) or now,
                        article.body,
                        article.summary,
                        int(article.read),
                        int(article.starred),
                        article.translation_group,
                        article.feed_id,
                        next_seq(self._db),
                    ),
                )
                result.added += 1
                result.ids.append(int(cursor.lastrowid or 0))
        return result

    def _update(self, article_id: int, article: Article, digest: str) -> None:
        self._db.execute(
            "UPDATE articles SET title=?, body=?, summary=COALESCE(?, summary), author=?, "
            "published=COALESCE(?, published), language=COALESCE(?, language), "
            "content_hash=?, seq=? WHERE id=?",
            (
                article.title,
                article.body,
                article.summary,
                article.author,
                to_iso(article.published),
                article.language,
                digest,
                next_seq(self._db),
                article_id,
            ),
        )

    def replace_body(self, article_id: int, body: str) -> None:
        """Store a fuller body (for example the full text fetched for a summary-only entry)."""
        body = clean_text(body)
        with self._lock, self._db:
            self._begin_write()
            row = self._db.execute(
                "SELECT title FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                return
            digest = content_hash(row["title"], body)
            self._db.execute(
                "UPDATE articles SET body = ?, content_hash = ?, seq = ? WHERE id = ?",
                (body, digest, next_seq(self._db), article_id),
            )

    def fill_in_details(self, article: Article) -> bool:
        """Give the stored copy of `article` (found as `add_articles` finds duplicates) the
        source and date it lacks; fields already set are kept. True when it changed."""
        article = sanitised(article)
        digest = content_hash(article.title, article.body)
        with self._lock, self._db:
            self._begin_write()
            existing, _ = self._find_existing(article, digest, url_key(article.url))
            if existing is None:
                return False
            row = self._db.execute(
                "SELECT source, published FROM articles WHERE id = ?", (existing["id"],)
            ).fetchone()
            source = row["source"] or article.source
            published = row["published"] or to_iso(article.published)
            if (source, published) == (row["source"], row["published"]):
                return False
            self._db.execute(
                "UPDATE articles SET source = ?, published = ?, seq = ? WHERE id = ?",
                (source, published, next_seq(self._db), existing["id"]),
            )
        return True

    def set_translation_group(self, ids: Iterable[int], group: str) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "UPDATE articles SET translation_group = ? WHERE id = ?",
                [(group, i) for i in ids],
            )

    def set_read(self, article_id: int, read: bool) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE articles SET read = ? WHERE id = ?", (int(read), article_id))

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
            )

    # -- reading --------------------------------------------------------------------------
    def get(self, article_id: int) -> Article | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return article_from(row) if row else None

    def count(self, list_filter: ListFilter | None = None) -> int:
        where, params = (list_filter or ListFilter()).where()
        with self._lock:
            return int(
                self._db.execute(f"SELECT COUNT(*) FROM articles{where}", params).fetchone()[0]
            )

    def page(
        self, offset: int, limit: int, list_filter: ListFilter | None = None
    ) -> list[ArticleRow]:
        """Rows sorted newest first (undated last), for virtual lists."""
        where, params = (list_filter or ListFilter()).where()
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ROW_COLUMNS} FROM articles{where} "
                "ORDER BY published DESC, id DESC LIMIT ? OFFSET ?",  # NULLs sort last in DESC
                [*params, limit, offset],
            ).fetchall()
        return [row_from(r) for r in rows]

    def position(self, article_id: int, list_filter: ListFilter | None = None) -> int | None:
        """Index of an article in `page` order, or None when the filter hides it."""
        article = self.get(article_id)
        if article is None:
            return None
        where, params = (list_filter or ListFilter()).where()
        published = to_iso(article.published)
        ahead = (
            "(published IS NOT NULL AND (published > ? OR (published = ? AND id > ?)))"
            if published
            else "(published IS NOT NULL OR id > ?)"
        )
        ahead_params: list[object] = (
            [published, published, article_id] if published else [article_id]
        )
        joiner = " AND " if where else " WHERE "
        with self._lock:
            visible = self._db.execute(
                f"SELECT 1 FROM articles{where}{joiner}id = ?", [*params, article_id]
            ).fetchone()
            if not visible:
                return None
            return int(
                self._db.execute(
                    f"SELECT COUNT(*) FROM articles{where}{joiner}{ahead}",
                    [*params, *ahead_params],
                ).fetchone()[0]
            )

    def rows_by_ids(self, ids: Iterable[int]) -> dict[int, ArticleRow]:
        """List rows by id; ids not in the store are left out."""
        return self._by_ids(ids, ROW_COLUMNS, row_from)

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, Article]:
        """Whole articles (bodies included) by id, for a page of search hits; ids not in the
        store are left out."""
        return self._by_ids(ids, ARTICLE_COLUMNS, article_from)

    def _by_ids(
        self, ids: Iterable[int], columns: str, convert: Callable[[sqlite3.Row], _T]
    ) -> dict[int, _T]:
        """One query per 500 ids: older SQLite builds take at most 999 parameters."""
        wanted = list(ids)
        found: dict[int, _T] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT {columns} FROM articles WHERE id IN ({marks})", chunk
                ):
                    found[r["id"]] = convert(r)
        return found

    def translations(self, article_id: int) -> list[ArticleRow]:
        """Other editions of the same story."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ROW_COLUMNS} FROM articles WHERE translation_group = "
                "(SELECT translation_group FROM articles WHERE id = ?) AND id != ? "
                "ORDER BY language",
                (article_id, article_id),
            ).fetchall()
        return [row_from(r) for r in rows]

    def ids_with_flag(self, flag: str, value: bool = True) -> set[int]:
        """Ids whose `read` or `starred` flag has `value` (for search filters)."""
        if flag not in ("read", "starred"):
            raise ValueError(flag)
        with self._lock:
            return {
                r[0]
                for r in self._db.execute(
                    f"SELECT id FROM articles WHERE {flag} = ?", (int(value),)
                )
            }

    def sources(self) -> list[tuple[str, int, int]]:
        """(source, total, unread) for every source, most articles first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, COUNT(*), SUM(read = 0) FROM articles "
                "WHERE source IS NOT NULL GROUP BY source ORDER BY COUNT(*) DESC, source"
            ).fetchall()
        return [(r[0], int(r[1]), int(r[2] or 0)) for r in rows]

    def stats(self) -> dict[str, int]:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*), SUM(read = 0), SUM(starred), SUM(language = 'ar'), "
                "SUM(language = 'en') FROM articles"
            ).fetchone()
        return {
            "articles": int(row[0]),
            "unread": int(row[1] or 0),
            "starred": int(row[2] or 0),
            "arabic": int(row[3] or 0),
            "english": int(row[4] or 0),
        }

    # -- feeds ----------------------------------------------------------------------------
    def add_feed(self, url: str, title: str | None = None, category: str | None = None) -> Feed:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO feeds (url, title, category, added) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET title = COALESCE(excluded.title, title), "
                "category = COALESCE(excluded.category, category)",
                (url, title, category, to_iso(datetime.now(UTC))),
            )
            row = self._db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return feed_from(row)

    def feeds(self) -> list[Feed]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM feeds ORDER BY category, title, url").fetchall()
        return [feed_from(r) for r in rows]

    def remove_feed(self, feed_id: int) -> bool:
        with self._lock, self._db:
            return self._db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)).rowcount > 0

    def update_feed(self, feed: Feed) -> None:
        with self._lock, self._db:
            self._db.execute(
                "UPDATE feeds SET title = ?, category = ?, etag = ?, last_modified = ? "
                "WHERE id = ?",
                (feed.title, feed.category, feed.etag, feed.last_modified, feed.id),
            )
