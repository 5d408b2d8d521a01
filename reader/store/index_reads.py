"""The store's reads for the search index: every article changed after a seq (a
catch-up), every article up to a seq newest first from a cursor (a build), and their
counts. A mixin of `reader.store.store.Store`, which holds the connection and its lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator

from reader.models import Article
from reader.store.records import ARTICLE_COLUMNS, article_from

__all__ = ["IndexReads"]


class IndexReads:
    """For Store only (it uses the store's connection and lock)."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def iter_for_index(self, after_seq: int = 0, batch: int = 500) -> Iterator[tuple[int, Article]]:
        """(seq, article) for every article changed after `after_seq`, in seq order."""
        last = after_seq
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT seq, {ARTICLE_COLUMNS} FROM articles WHERE seq > ? "
                    "ORDER BY seq LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for r in rows:
                yield r["seq"], article_from(r)
            last = rows[-1]["seq"]

    def iter_newest_for_index(
        self, upto_seq: int, after: tuple[str | None, int] | None = None, batch: int = 500
    ) -> Iterator[tuple[str | None, int, Article]]:
        """(published as stored, id, article) for every article with seq <= `upto_seq`, newest
        first as `Store.page` orders them (published descending, undated last, then id
        descending), starting after the cursor `after` = (published, id) of the last one
        already seen. Keyset pages, so resuming from a cursor costs nothing."""
        dated = after is None or after[0] is not None
        if after is not None and after[0] is not None:
            cursor: tuple[str | None, int] | None = after
        else:
            cursor = None
        undated_after = after[1] if after is not None and after[0] is None else None
        while dated:
            where, params = "published IS NOT NULL AND seq <= ?", [upto_seq]
            if cursor is not None:
                where += " AND (published < ? OR (published = ? AND id < ?))"
                params += [cursor[0], cursor[0], cursor[1]]
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles INDEXED BY articles_date "
                    f"WHERE {where} ORDER BY published DESC, id DESC LIMIT ?",
                    [*params, batch],
                ).fetchall()
            for r in rows:
                yield r["published"], r["id"], article_from(r)
            if len(rows) < batch:
                break
            cursor = (rows[-1]["published"], rows[-1]["id"])
        while True:
            where, params = "published IS NULL AND seq <= ?", [upto_seq]
            if undated_after is not None:
                where += " AND id < ?"
                params.append(undated_after)
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {where} "
                    "ORDER BY id DESC LIMIT ?",
                    [*params, batch],
                ).fetchall()
            for r in rows:
                yield None, r["id"], article_from(r)
            if len(rows) < batch:
                return
            undated_after = rows[-1]["id"]

    def count_upto_seq(self, upto_seq: int) -> int:
        with self._lock:
            return int(
                self._db.execute(
                    "SELECT COUNT(*) FROM articles WHERE seq <= ?", (upto_seq,)
                ).fetchone()[0]
            )

    def count_changed_since(self, after_seq: int) -> int:
        with self._lock:
            return int(
                self._db.execute(
                    "SELECT COUNT(*) FROM articles WHERE seq > ?", (after_seq,)
                ).fetchone()[0]
            )
