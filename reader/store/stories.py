"""Stories: articles from several sources that carry one near-identical text.

`articles.story_id` is the id of the story's first article (the story's lead), NULL until
the clustering (`reader.search.stories`) has seen the article; an article not yet seen,
or one nothing else resembles, is a story of its own. Every query here groups by
`COALESCE(story_id, id)` for that reason.

The clustering's state lives here too, so a new import computes signatures for the new
articles only: `story_signatures` (each clustered article's MinHash) and `story_bands`
(its LSH band hashes, indexed, so candidates are one lookup per article).

`StoryQueries` is a mixin of `reader.store.store.Store` (it uses its `_db` and `_lock`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from reader.models import ArticleRow
from reader.store.filters import ListFilter
from reader.store.records import ROW_COLUMNS, from_iso, row_from, to_iso

__all__ = ["StoryCandidate", "StoryQueries", "StoryRow"]

_SID = "COALESCE(story_id, id)"


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One row of the grouped list: the story's lead article and what the story holds."""

    lead: ArticleRow  # the story's first article
    articles: int  # articles in the story (1: a story of its own)
    sources: int  # distinct sources among them
    unread: int  # unread articles among them

    @property
    def story_id(self) -> int:
        return self.lead.id


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A clustered article that shares an LSH band with a new one."""

    article_id: int
    story_id: int
    signature: bytes
    published: datetime | None


class StoryQueries:
    _db: sqlite3.Connection
    _lock: threading.RLock
    count: Callable[[ListFilter | None], int]  # Store's
    page: Callable[[int, int, ListFilter | None], list[ArticleRow]]  # Store's

    # -- the clustering's state -------------------------------------------------------------
    def unclustered(self, limit: int, after_id: int = 0) -> list[tuple[int, str, datetime | None]]:
        """(id, body, published) of up to `limit` articles the clustering has not seen,
        oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, body, published FROM articles WHERE story_id IS NULL AND id > ? "
                "ORDER BY id LIMIT ?",
                (after_id, limit),
            ).fetchall()
        return [(r[0], r[1], from_iso(r[2])) for r in rows]

    def count_unclustered(self) -> int:
        with self._lock:
            return int(
                self._db.execute("SELECT COUNT(*) FROM articles WHERE story_id IS NULL").fetchone()[
                    0
                ]
            )

    def story_candidates(
        self, band_hashes: Sequence[int], min_bands: int = 1
    ) -> list[StoryCandidate]:
        """Clustered articles sharing at least `min_bands` band hashes (a hash carries its
        band's number). Reads the small tables only, never the articles."""
        marks = ",".join("?" * len(band_hashes))
        with self._lock:
            rows = self._db.execute(
                "SELECT s.article_id, s.story_id, s.signature, s.published FROM "
                f"(SELECT article_id FROM story_bands WHERE hash IN ({marks}) "
                "GROUP BY article_id HAVING COUNT(*) >= ?) b "
                "JOIN story_signatures s ON s.article_id = b.article_id",
                [*band_hashes, min_bands],
            ).fetchall()
        return [StoryCandidate(r[0], r[1], r[2], from_iso(r[3])) for r in rows]

    def save_stories(
        self,
        assigned: Iterable[tuple[int, int, bytes | None, Sequence[int], datetime | None]],
    ) -> None:
        """Record (article id, story id, signature or None, band hashes, published), in one
        transaction."""
        assigned = list(assigned)
        with self._lock, self._db:
            self._db.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?",
                [(story_id, article_id) for article_id, story_id, *_ in assigned],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO story_signatures VALUES (?, ?, ?, ?)",
                [
                    (a, story, to_iso(published), sig)
                    for a, story, sig, _, published in assigned
                    if sig is not None
                ],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO story_bands VALUES (?, ?, ?)",
                [
                    (band, value, a)
                    for a, _, sig, bands, _ in assigned
                    if sig is not None
                    for band, value in enumerate(bands)
                ],
            )

    def clear_stories(self) -> None:
        """Forget every story (the clustering then sees the whole library again)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM story_bands")
            self._db.execute("DELETE FROM story_signatures")
            self._db.execute("UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL")

    # -- reading, for the grouped list ----------------------------------------------------
    def story_id_of(self, article_id: int) -> int | None:
        """The story an article belongs to (its own id when it is a story of its own)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_SID} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return int(row[0]) if row else None

    def story_ids(self, article_ids: Sequence[int]) -> dict[int, int]:
        """article id -> story id, for the ids in the store."""
        found: dict[int, int] = {}
        with self._lock:
            for start in range(0, len(article_ids), 500):
                chunk = list(article_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT id, {_SID} FROM articles WHERE id IN ({marks})", chunk
                ):
                    found[r[0]] = r[1]
        return found

    def story_counts(self, story_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """story id -> (articles, distinct sources, unread articles) of the story."""
        found: dict[int, tuple[int, int, int]] = {}
        ids = list(story_ids)
        with self._lock:
            for start in range(0, len(ids), 400):
                chunk = ids[start : start + 400]
                marks = ",".join("?" * len(chunk))
                for r in self._db.execute(
                    f"SELECT {_SID}, COUNT(*), COUNT(DISTINCT source), SUM(read = 0) "
                    f"FROM articles WHERE story_id IN ({marks}) OR id IN ({marks}) "
                    f"GROUP BY {_SID}",
                    [*chunk, *chunk],
                ):
                    found[r[0]] = (int(r[1]), int(r[2]), int(r[3] or 0))
        return found

    def story_articles(self, story_id: int) -> list[ArticleRow]:
        """The articles of a story, the lead first, then in the order they were stored."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {ROW_COLUMNS} FROM articles WHERE story_id = ? OR id = ? ORDER BY id",
                (story_id, story_id),
            ).fetchall()
        return [row_from(r) for r in rows]

    def story_count(self, list_filter: ListFilter | None = None) -> int:
        """Stories with at least one article the filter shows (the grouped list's length)."""
        return self.count(replace(list_filter or ListFilter(), stories=True))

    def unread_story_count(self) -> int:
        """Stories with an unread article: the unread count when stories are grouped."""
        return self.story_count(ListFilter(unread_only=True))

    def story_page(
        self, offset: int, limit: int, list_filter: ListFilter | None = None
    ) -> list[StoryRow]:
        """Stories with an article the filter shows, as `Store.page` orders articles (by the
        lead's date, newest first, undated last), one row each."""
        leads = self.page(offset, limit, replace(list_filter or ListFilter(), stories=True))
        counts = self.story_counts([row.id for row in leads])
        return [StoryRow(row, *counts.get(row.id, (1, 1, int(not row.read)))) for row in leads]

    def set_story_read(self, article_id: int, read: bool) -> int:
        """Mark every article of the article's story read (or unread); returns how many."""
        with self._lock, self._db:
            row = self._db.execute(
                f"SELECT {_SID} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                return 0
            return self._db.execute(
                "UPDATE articles SET read = ? WHERE (story_id = ? OR id = ?) AND read != ?",
                (int(read), row[0], row[0], int(read)),
            ).rowcount
