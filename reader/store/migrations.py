"""Bringing an older library file up to `SCHEMA_VERSION`, one step at a time.

Each step runs in one transaction with its data step (if any) and the new
`PRAGMA user_version`, so a crash leaves the file at the old version or the new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from reader.store.records import SAME_TEXT_MIN_CHARS, content_hash, next_seq
from reader.store.schema import MIGRATIONS, SCHEMA_VERSION
from reader.text.body import clean_field, normalise_body
from reader.urls import url_key

__all__ = ["migrate", "schema_version"]


def schema_version(db: sqlite3.Connection) -> int:
    """The schema version the file is at (0 for a new file)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Apply every step after `version` (the file's own, see `schema_version`)."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with db:  # one transaction: the SQL, its data step, the version
            db.executescript("BEGIN;" + MIGRATIONS[target])
            upgrade = _UPGRADES.get(target)
            if upgrade is not None:
                upgrade(db)
            db.execute(f"PRAGMA user_version = {target}")


def _upgrade_3(db: sqlite3.Connection) -> None:
    """Libraries written before links were normalised and HTML entities decoded."""
    _decode_imported_entities(db)
    for article_id, url in db.execute(
        "SELECT id, url FROM articles WHERE url IS NOT NULL"
    ).fetchall():
        db.execute("UPDATE articles SET url_key = ? WHERE id = ?", (url_key(url), article_id))
    _merge_duplicates(db)


def _decode_imported_entities(db: sqlite3.Connection) -> None:
    """Imported text used to keep `&quot;` literally; decode it now, as an import does.

    Only articles from files (`feed_id` NULL): feed text was converted from HTML, so an
    `&amp;` left in it was written so by the feed and decoding it again would be wrong.
    """
    rows = db.execute(
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
        db.execute(
            "UPDATE articles SET title = ?, body = ?, summary = ?, author = ?, url = ?, "
            "content_hash = ?, seq = ? WHERE id = ?",
            (
                title,
                body,
                summary,
                author,
                url,
                content_hash(title, body),
                next_seq(db),
                row["id"],
            ),
        )


def _merge_duplicates(db: sqlite3.Connection) -> None:
    """Merge articles stored twice, by the rules new articles meet (`reader.store.store`).

    The oldest copy survives, read or starred if any copy was, with the translation
    group and feed of a copy when it had none. The search index notices the deleted
    rows (its count differs from the library's) and rebuilds itself.
    """
    by_link: dict[str, int] = {}
    by_text: dict[tuple[str | None, str], int] = {}
    by_hash: dict[str, int] = {}
    merged: dict[int, list[sqlite3.Row]] = {}
    for row in db.execute(
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
        db.execute(
            "UPDATE articles SET read = MAX(read, ?), starred = MAX(starred, ?), "
            "translation_group = COALESCE(translation_group, ?), "
            "feed_id = COALESCE(feed_id, ?), seq = ? WHERE id = ?",
            (
                max(c["read"] for c in copies),
                max(c["starred"] for c in copies),
                next((c["translation_group"] for c in copies if c["translation_group"]), None),
                next((c["feed_id"] for c in copies if c["feed_id"] is not None), None),
                next_seq(db),
                survivor,
            ),
        )
        db.executemany("DELETE FROM articles WHERE id = ?", [(c["id"],) for c in copies])


_UPGRADES: dict[int, Callable[[sqlite3.Connection], None]] = {3: _upgrade_3}
