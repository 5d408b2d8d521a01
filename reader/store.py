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
or starred marks it so, never the other way).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from reader.models import Article, ArticleRow, Feed
from reader.sources.common import clean_field, normalise_body
from reader.text.sanitize import clean_line, clean_text
from reader.urls import url_key

SCHEMA_VERSION = 3
SAME_TEXT_MIN_CHARS = 100

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        guid TEXT,
        url TEXT,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        source TEXT,
        language TEXT,
        published TEXT,
        fetched TEXT,
        body TEXT NOT NULL,
        summary TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        translation_group TEXT,
        feed_id INTEGER,
        seq INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX articles_guid ON articles(guid) WHERE guid IS NOT NULL;
    CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_date ON articles(published DESC, id DESC);
    CREATE INDEX articles_seq ON articles(seq);
    CREATE INDEX articles_group ON articles(translation_group)
        WHERE translation_group IS NOT NULL;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('seq', '0');
    """,
    2: """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        category TEXT,
        etag TEXT,
        last_modified TEXT,
        added TEXT NOT NULL
    );
    CREATE INDEX articles_source ON articles(source, published DESC);
    CREATE INDEX articles_unread ON articles(read, published DESC);
    """,
    3: """
    ALTER TABLE articles ADD COLUMN url_key TEXT;
    CREATE INDEX articles_url_key ON articles(url_key) WHERE url_key IS NOT NULL;
    DROP INDEX articles_url;  -- dedupe looks links up by url_key now; nothing else by url
    """,
}

_ROW_COLUMNS = "id, title, source, language, published, read, starred"
_ARTICLE_COLUMNS = (
    "id, guid, url, title, author, source, language, published, fetched, body, summary, "
    "read, starred, translation_group, feed_id"
)


class StoreError(Exception):
    """The library database cannot be used; the message says why and what to do."""


@dataclass(slots=True)
class AddResult:
    added: int = 0
    duplicates: int = 0  # same_guid + same_link + same_text
    updated: int = 0
    ids: list[int] = field(default_factory=list)
    same_guid: int = 0
    same_link: int = 0  # the same url_key (links equal after normalising)
    same_text: int = 0  # the same title and body (and source, for articles with a link)


def _same_text_counts(body: str) -> bool:
    """Whether a body is long enough for "same source, title and body" to mean the same
    story (see the module docstring)."""
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


def _to_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(record: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=record["id"],
        title=record["title"],
        source=record["source"],
        language=record["language"],
        published=_from_iso(record["published"]),
        read=bool(record["read"]),
        starred=bool(record["starred"]),
    )


def _article(record: sqlite3.Row) -> Article:
    return Article(
        id=record["id"],
        guid=record["guid"],
        url=record["url"],
        title=record["title"],
        author=record["author"],
        source=record["source"],
        language=record["language"],
        published=_from_iso(record["published"]),
        fetched=_from_iso(record["fetched"]),
        body=record["body"],
        summary=record["summary"],
        read=bool(record["read"]),
        starred=bool(record["starred"]),
        translation_group=record["translation_group"],
        feed_id=record["feed_id"],
    )


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the article list shows."""

    unread_only: bool = False
    starred_only: bool = False
    source: str | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.unread_only:
            clauses.append("read = 0")
        if self.starred_only:
            clauses.append("starred = 1")
        if self.source is not None:
            clauses.append("source = ?")
            params.append(self.source)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class Store:
    """One SQLite connection, usable from several threads (serialised by a lock)."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            if read_only:
                uri = f"file:{self.path}?mode=ro"
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
            raise StoreError(
                f"cannot open the library database {self.path}: {error}. "
                "If another newsreader is importing, wait and try again; if the file is "
                "damaged, move it aside and re-import."
            ) from error

    # -- schema ---------------------------------------------------------------------------
    def _check_version(self) -> int:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer newsreader (schema {version}); upgrade"
            )
        return version

    def _migrate(self) -> None:
        with self._lock:
            version = self._check_version()
            for target in range(version + 1, SCHEMA_VERSION + 1):
                with self._db:  # one transaction: the SQL, its data step, the version
                    self._db.executescript("BEGIN;" + _MIGRATIONS[target])
                    upgrade = _UPGRADES.get(target)
                    if upgrade is not None:
                        upgrade(self)
                    self._db.execute(f"PRAGMA user_version = {target}")

    def _upgrade_3(self) -> None:
        """Libraries written before links were normalised and HTML entities decoded."""
        self._decode_imported_entities()
        for article_id, url in self._db.execute(
            "SELECT id, url FROM articles WHERE url IS NOT NULL"
        ).fetchall():
            self._db.execute(
                "UPDATE articles SET url_key = ? WHERE id = ?", (url_key(url), article_id)
            )
        self._merge_duplicates()

    def _decode_imported_entities(self) -> None:
        """Imported text used to keep `&quot;` literally; decode it now, as an import does.

        Only articles from files (`feed_id` NULL): feed text was converted from HTML, so an
        `&amp;` left in it was written so by the feed and decoding it again would be wrong.
        """
        rows = self._db.execute(
            "SELECT id, title, body, author, summary, url FROM articles WHERE feed_id IS NULL "
            "AND (instr(title, '&') OR instr(body, '&') OR instr(author, '&') "
            "OR instr(summary, '&') OR instr(url, '&'))"
        ).fetchall()
        for row in rows:
            title = clean_field(row["title"]) or row["title"]
            body = normalise_body(row["body"])
            summary = normalise_body(row["summary"]) if row["summary"] is not None else None
            author, url = clean_field(row["author"]), clean_field(row["url"])
            if (title, body, author, summary, url) == tuple(row)[1:]:
                continue
            self._db.execute(
                "UPDATE articles SET title = ?, body = ?, summary = ?, author = ?, url = ?, "
                "content_hash = ?, seq = ? WHERE id = ?",
                (
                    title,
                    body,
                    summary,
                    author,
                    url,
                    content_hash(title, body),
                    self._next_seq(),
                    row["id"],
                ),
            )

    def _merge_duplicates(self) -> None:
        """Merge articles stored twice, by the rules new articles meet (module docstring).

        The oldest copy survives, read or starred if any copy was, with the translation
        group and feed of a copy when it had none. The search index notices the deleted
        rows (its count differs from the library's) and rebuilds itself.
        """
        by_link: dict[str, int] = {}
        by_text: dict[tuple[str | None, str], int] = {}
        by_hash: dict[str, int] = {}
        merged: dict[int, list[sqlite3.Row]] = {}
        for row in self._db.execute(
            "SELECT id, guid, url_key, source, content_hash, length(trim(body)) AS size, read, "
            "starred, translation_group, feed_id FROM articles ORDER BY id"
        ).fetchall():
            guid, link, digest = row["guid"], row["url_key"], row["content_hash"]
            substantive = row["size"] >= SAME_TEXT_MIN_CHARS
            survivor = None
            if guid is None and link is not None:
                survivor = by_link.get(link)
            elif guid is None:
                survivor = by_hash.get(digest)
            if survivor is None and substantive:
                survivor = by_text.get((row["source"], digest))
            target = row["id"] if survivor is None else survivor
            if survivor is not None:
                merged.setdefault(survivor, []).append(row)
            if link is not None:
                by_link.setdefault(link, target)
            by_hash.setdefault(digest, target)
            if substantive:
                by_text.setdefault((row["source"], digest), target)
        for survivor, copies in merged.items():
            self._db.execute(
                "UPDATE articles SET read = MAX(read, ?), starred = MAX(starred, ?), "
                "translation_group = COALESCE(translation_group, ?), "
                "feed_id = COALESCE(feed_id, ?), seq = ? WHERE id = ?",
                (
                    max(c["read"] for c in copies),
                    max(c["starred"] for c in copies),
                    next((c["translation_group"] for c in copies if c["translation_group"]), None),
                    next((c["feed_id"] for c in copies if c["feed_id"] is not None), None),
                    self._next_seq(),
                    survivor,
                ),
            )
            self._db.executemany("DELETE FROM articles WHERE id = ?", [(c["id"],) for c in copies])

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

    def _next_seq(self) -> int:
        seq = int(self._db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()[0]) + 1
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))
        return seq

    def max_seq(self) -> int:
        return int(self.meta_get("seq") or 0)

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
        if row is None and key != "content_hash" and _same_text_counts(article.body):
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
        now = _to_iso(datetime.now(UTC))
        with self._lock, self._db:
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
                        _to_iso(article.published),
                        _to_iso(article.fetched) or now,
                        article.body,
                        article.summary,
                        int(article.read),
                        int(article.starred),
                        article.translation_group,
                        article.feed_id,
                        self._next_seq(),
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
                _to_iso(article.published),
                article.language,
                digest,
                self._next_seq(),
                article_id,
            ),
        )

    def replace_body(self, article_id: int, body: str) -> None:
        """Store a fuller body (for example the full text fetched for a summary-only entry)."""
        body = clean_text(body)
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT title FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                return
            digest = content_hash(row["title"], body)
            self._db.execute(
                "UPDATE articles SET body = ?, content_hash = ?, seq = ? WHERE id = ?",
                (body, digest, self._next_seq(), article_id),
            )

    def fill_in_details(self, article: Article) -> bool:
        """Give the stored copy of `article` (found as `add_articles` finds duplicates) the
        source and date it lacks; fields already set are kept. True when it changed."""
        article = sanitised(article)
        digest = content_hash(article.title, article.body)
        with self._lock, self._db:
            existing, _ = self._find_existing(article, digest, url_key(article.url))
            if existing is None:
                return False
            row = self._db.execute(
                "SELECT source, published FROM articles WHERE id = ?", (existing["id"],)
            ).fetchone()
            source = row["source"] or article.source
            published = row["published"] or _to_iso(article.published)
            if (source, published) == (row["source"], row["published"]):
                return False
            self._db.execute(
                "UPDATE articles SET source = ?, published = ?, seq = ? WHERE id = ?",
                (source, published, self._next_seq(), existing["id"]),
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
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return _article(row) if row else None

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
                f"SELECT {_ROW_COLUMNS} FROM articles{where} "
                "ORDER BY published IS NULL, published DESC, id DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return [_row(r) for r in rows]

    def position(self, article_id: int, list_filter: ListFilter | None = None) -> int | None:
        """Index of an article in `page` order, or None when the filter hides it."""
        article = self.get(article_id)
        if article is None:
            return None
        where, params = (list_filter or ListFilter()).where()
        published = _to_iso(article.published)
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
        wanted = list(ids)
        found: dict[int, ArticleRow] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT {_ROW_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
                ):
                    found[r["id"]] = _row(r)
        return found

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, Article]:
        """Whole articles (bodies included) by id, one query per 500 ids; ids not in the
        store are left out. For a page of search hits."""
        wanted = list(ids)
        found: dict[int, Article] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", chunk
                ):
                    found[r["id"]] = _article(r)
        return found

    def translations(self, article_id: int) -> list[ArticleRow]:
        """Other editions of the same story."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ROW_COLUMNS} FROM articles WHERE translation_group = "
                "(SELECT translation_group FROM articles WHERE id = ?) AND id != ? "
                "ORDER BY language",
                (article_id, article_id),
            ).fetchall()
        return [_row(r) for r in rows]

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

    def iter_for_index(self, after_seq: int = 0, batch: int = 500) -> Iterator[tuple[int, Article]]:
        """(seq, article) for every article changed after `after_seq`, in seq order."""
        last = after_seq
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT seq, {_ARTICLE_COLUMNS} FROM articles WHERE seq > ? "
                    "ORDER BY seq LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for r in rows:
                yield r["seq"], _article(r)
            last = rows[-1]["seq"]

    def count_changed_since(self, after_seq: int) -> int:
        with self._lock:
            return int(
                self._db.execute(
                    "SELECT COUNT(*) FROM articles WHERE seq > ?", (after_seq,)
                ).fetchone()[0]
            )

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
                (url, title, category, _to_iso(datetime.now(UTC))),
            )
            row = self._db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed(row)

    def feeds(self) -> list[Feed]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM feeds ORDER BY category, title, url").fetchall()
        return [_feed(r) for r in rows]

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


_UPGRADES: dict[int, Callable[[Store], None]] = {3: Store._upgrade_3}


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        category=row["category"],
        etag=row["etag"],
        last_modified=row["last_modified"],
    )
