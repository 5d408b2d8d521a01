"""The application layer: one library's store, seeds, search index and lock, and the
operations that the CLI and the app both perform on them.

Policy lives here once (how the index is brought in step, what opening an article does,
what a feed refresh is followed by), so the two front ends cannot drift apart. No UI
imports here; progress and results are reported through callbacks and return values.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Literal

from reader.config import Library, Settings, load_settings
from reader.models import Article, ArticleRow, Feed
from reader.store import Store
from reader.store.health import is_read_only_fs
from reader.text.i18n import N_, Message

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.search.related import RelatedStory
    from reader.search.stories import ClusterReport
    from reader.sources.importer import ImportProgress, ImportReport
    from reader.sources.refresh import Progress, RefreshOptions, RefreshReport

SEEDED_KEY = "seeded"  # "1": the seeds were added; "0": the library had articles already
INDEX_BUILT_KEY = "index_built"  # "1" once an index was built: its absence is then damage
NOT_BUILT = "the index has not been built yet"  # SearchIndex.status's reason for no index
READ_ONLY_NOTE = N_("the library is read-only, so the search index cannot be updated")
SEED_DETAILS_KEY = "seed_details"  # source and date given to seeds stored without them

CountProgress = Callable[[int, int], None]  # (done, total); total 0 while unknown


@dataclass(frozen=True, slots=True)
class IndexSync:
    """What `Session.sync_index` did.

    `action`: "in_step" (nothing to do), "caught_up", "rebuilt", or "locked" (another
    process is writing the index; `note` says so, and searches use the index as it is).
    `note` and `repaired` are Messages (English as strings, for `--progress json`) or "".
    """

    action: Literal["in_step", "caught_up", "rebuilt", "locked", "read_only"]
    indexed: int = 0
    note: str = ""
    # Set when the index was rebuilt because it was damaged or missing: what was wrong.
    repaired: str = ""

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> IndexSync:
        """The result `index --progress json` printed (its note in English), with the note
        shown in the interface's language again."""
        from reader.search.errors import LOCKED

        note = record.get("note", "")
        known = note in (READ_ONLY_NOTE, LOCKED)
        return cls(**{**record, "note": Message(note) if known else note})

    @property
    def locked(self) -> bool:
        """The index could not be written (another writer, or a read-only library): it is
        searched as it is."""
        return self.action in ("locked", "read_only")


@dataclass(frozen=True, slots=True)
class OpenedArticle:
    """An article as the reading pane shows it."""

    article: Article
    has_translation: bool


class Session:
    """Everything a command or the app needs, opened lazily."""

    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        self.library = library.ensure()
        self.seeds_added = 0
        self.settings = settings or load_settings(library)
        self._lock_handle: IO[str] | None = None

    @cached_property
    def store(self) -> Store:
        store = Store.open(self.library.database)
        if not store.read_only:
            self.seeds_added = _seed(store)
        return store

    @property
    def read_only(self) -> bool:
        """The library's database cannot be written (a read-only file or file system)."""
        return self.store.read_only or is_read_only_fs(self.library.home)

    @cached_property
    def index(self):  # -> SearchIndex; imported lazily to keep start-up light
        from reader.search.index import SearchIndex

        return SearchIndex(self.library.index_dir)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
        if "index" in self.__dict__:
            close = getattr(self.index, "close", None)
            if close:
                close()
        self.release_lock()

    # -- first launch ---------------------------------------------------------------------
    def ensure_seeded(self) -> int:
        """Opening the store seeds a new library; returns the articles that added."""
        self.store  # noqa: B018 - opening it is what seeds
        return self.seeds_added

    # -- the search index ----------------------------------------------------------------
    def sync_index(
        self,
        progress: CountProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
        rebuild: bool = False,
        *,
        warm: bool = False,
        on_commit: Callable[[int], None] | None = None,
    ) -> IndexSync:
        """Bring the index in step with the store: the one catch-up/rebuild/warm-up policy.

        Catches up what changed, rebuilds when the index is missing, damaged or of another
        version (or when `rebuild`), then, with `warm`, opens the searcher so the first
        search is fast. A locked index (another process writing) is not an error: the
        result says so and searching goes on with the index as it is. Anything else
        raises. `progress(done, total)` is called as articles are indexed, and
        `on_commit(n)` each time a batch is committed (n articles of this call searchable).
        A fresh index is built newest first, in batches searchable as they land.
        """
        from reader.search.index import IndexLockedError

        index: SearchIndex = self.index
        moved = self._clear_index_path()
        try:
            status = index.status(self.store)
            if status.in_step and not rebuild:
                result = IndexSync("in_step")
            elif self.read_only:
                return IndexSync(
                    "read_only",
                    note=Message(READ_ONLY_NOTE),
                )
            elif rebuild or status.needs_rebuild:
                repaired = moved or self._damage_reason(status.reason)
                indexed = index.rebuild(
                    self.store, progress, cancelled=cancelled, on_commit=on_commit
                )
                result = IndexSync("rebuilt", indexed, repaired="" if rebuild else repaired)
            else:
                indexed = index.catch_up(self.store, progress, cancelled, on_commit=on_commit)
                result = IndexSync("caught_up", indexed)
        except IndexLockedError as error:
            return IndexSync("locked", note=error.args[0] if error.args else str(error))
        except OSError:
            # A failed write (a full disk) leaves segment files no commit names; they
            # would hold their space for good. The index as last committed stays usable.
            from reader.search.storage import remove_unfinished

            remove_unfinished(self.library.index_dir)
            raise
        if result.action != "in_step" and self.store.meta_get(INDEX_BUILT_KEY) is None:
            self.store.meta_set(INDEX_BUILT_KEY, "1")
        if warm and not (cancelled and cancelled()):
            index.warm_up()
        return result

    def _clear_index_path(self) -> str:
        """Something that is not a folder where the index belongs (a file, a link to
        nothing) is moved aside, so the index can be rebuilt there. Returns what was done."""
        path = self.library.index_dir
        if path.is_dir() or not (path.exists() or path.is_symlink()) or self.read_only:
            return ""
        aside = path.with_name(f"index.not-a-folder.{os.getpid()}")
        os.replace(path, aside)
        return Message(
            N_("{path} was not a folder (moved aside to {aside})"), path=path, aside=aside.name
        )

    def _damage_reason(self, reason: str) -> str:
        """Why a rebuild repairs something, or "" when the index was simply never built."""
        if reason != NOT_BUILT:
            return reason
        if self.store.meta_get(INDEX_BUILT_KEY) is not None:
            return Message(N_("the index folder {path} was missing"), path=self.library.index_dir)
        return ""

    # -- importing and stories ------------------------------------------------------------
    def import_paths(
        self,
        paths: Sequence[str],
        progress: Callable[[ImportProgress], None] | None = None,
        *,
        stories: bool = True,
    ) -> tuple[ImportReport, ClusterReport | None]:
        """Import files and folders, then give the new articles their stories (see
        `assign_stories`). Returns the import report and what clustering did."""
        from reader.sources.importer import import_paths

        report = import_paths(self.store, paths, progress=progress)
        wanted = stories and self.settings.group_stories and not self.read_only
        clustered = self.assign_stories() if wanted else None
        return report, clustered

    def assign_stories(
        self,
        progress: CountProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ClusterReport:
        """Cluster every article not clustered yet into stories (new articles; after an
        upgrade, the whole library once). Cheap when there is nothing new."""
        from reader.search.stories import assign_stories

        return assign_stories(self.store, progress=progress, cancelled=cancelled)

    def rebuild_stories(self, progress: CountProgress | None = None) -> ClusterReport:
        """Forget every story and cluster the whole library again."""
        from reader.search.stories import rebuild_stories

        return rebuild_stories(self.store, progress=progress)

    def related(self, article_id: int, limit: int = 5) -> list[RelatedStory]:
        """Up to `limit` other stories on the article's subject, best first (the search
        index's key terms, weighted by recency), none of the article's own story."""
        return self.index.related(article_id, self.store, limit=limit)

    # -- articles -------------------------------------------------------------------------
    def open_article(self, article_id: int, *, mark_read: bool = True) -> OpenedArticle | None:
        """The article to read, marked read when asked; None when it no longer exists.
        With `group_stories` on, reading any article of a story marks the story read."""
        store = self.store
        article = store.get(article_id)
        if article is None:
            return None
        if mark_read and not article.read:
            if self.settings.group_stories:
                store.set_story_read(article_id, True)
            else:
                store.set_read(article_id, True)
            article = replace(article, read=True)
        return OpenedArticle(article, has_translation=bool(store.translations(article_id)))

    def toggle_read(self, article_id: int) -> Article | None:
        """Flip read/unread; returns the article as it now is (None when it is gone)."""
        return self._toggle(article_id, "read", self.store.set_read)

    def toggle_star(self, article_id: int) -> Article | None:
        """Flip starred; returns the article as it now is (None when it is gone)."""
        return self._toggle(article_id, "starred", self.store.set_starred)

    def _toggle(
        self, article_id: int, flag: str, set_flag: Callable[[int, bool], None]
    ) -> Article | None:
        article = self.store.get(article_id)
        if article is None:
            return None
        value = not getattr(article, flag)
        set_flag(article_id, value)
        return replace(article, **{flag: value})

    def other_edition(self, article_id: int) -> ArticleRow | None:
        """The same story in the other language, when the library has it."""
        others = self.store.translations(article_id)
        return others[0] if others else None

    # -- feeds ----------------------------------------------------------------------------
    def refresh_feeds(
        self,
        feeds: Iterable[Feed] | None = None,
        *,
        options: RefreshOptions | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_feeds_done: Callable[[RefreshReport], None] | None = None,
        on_articles: Callable[[Sequence[int]], None] | None = None,
        on_index_progress: CountProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
        index: bool = True,
    ) -> tuple[RefreshReport, IndexSync | None]:
        """Refresh feeds (all subscriptions when None), then, when anything changed and
        `index` is set, bring the search index in step. Returns the refresh report and
        what indexing did (None when it was not needed or not asked for)."""
        from reader.sources.refresh import refresh_feeds

        report = refresh_feeds(
            self.store,
            feeds,
            options=options,
            on_progress=on_progress,
            on_articles=on_articles,
            on_feeds_done=on_feeds_done,
            cancelled=cancelled,
        )
        changed = self.refresh_changed(report)
        grouping = self.settings.group_stories and not self.read_only
        if grouping and report.added and not (cancelled and cancelled()):
            self.assign_stories(cancelled=cancelled)  # new articles join their stories
        if not (index and changed) or (cancelled and cancelled()):
            return report, None
        return report, self.sync_index(on_index_progress, cancelled)

    @staticmethod
    def refresh_changed(report: RefreshReport) -> int:
        """Articles a refresh added or changed (what the index must catch up on)."""
        fetched = report.full_text.fetched if report.full_text else 0
        return report.added + report.updated + fetched

    # -- one app at a time ----------------------------------------------------------------
    def acquire_lock(self) -> bool:
        """True when this is the only running app; False when another holds the library."""
        handle = open(self.library.lock_file, "a+", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_handle = handle
        return True

    def release_lock(self) -> None:
        if self._lock_handle is not None:
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()
            self._lock_handle = None


def _seed(store: Store) -> int:
    """The bundled articles go into a library when it is created, whatever opens it first,
    and only then: seeds a user deleted do not come back. Returns the articles added."""
    added = 0
    seeded = store.meta_get(SEEDED_KEY)
    if seeded is None:
        if store.count() == 0:
            from reader.sources.seeds import import_seeds

            added = import_seeds(store).added
        store.meta_set(SEEDED_KEY, "1" if added else "0")
    elif store.meta_get(SEED_DETAILS_KEY) is None and seeded == "1":
        from reader.sources.seeds import fill_seed_details

        fill_seed_details(store)  # seeded by a version whose seeds had no source or date
    if store.meta_get(SEED_DETAILS_KEY) is None:
        store.meta_set(SEED_DETAILS_KEY, "1")
    return added
