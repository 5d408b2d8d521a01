"""The Whoosh full-text index: built from the store, kept in step with it, searched.

The store is the truth; the index can always be rebuilt from it. The other modules of
reader.search hold the parts: `schema` (what is indexed), `storage` (the directory: the
record of how far the index has caught up, the writer lock, opening without mmap),
`building` (writing articles in committed batches, for a rebuild or a catch-up),
`doctable` (article ids, languages and dates by document number), `hits` (a page of
results read from the store), `query`, `analysis`, `scoring` and `snippets`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as wi

from reader.models import Hit
from reader.search.building import IndexBuilder, Run, clearing_term_caches
from reader.search.collect import collect, filter_sets
from reader.search.doctable import DocTable
from reader.search.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexNotReadyError,
    SearchError,
    SearchFailedError,
    is_damage,
)
from reader.search.hits import build_hits
from reader.search.query import QueryError, parse_query
from reader.search.schema import SCHEMA_VERSION, build_schema
from reader.search.scoring import FastBM25F
from reader.search.snippets import Matcher
from reader.search.storage import (
    LOCK_FILE,
    META_FILE,
    WHOOSH_LOCK,
    Meta,
    create_index,
    open_index,
    read_meta,
    writer_lock,
)
from reader.text.i18n import N_, Message, ngettext, number

if TYPE_CHECKING:
    from reader.search.related import RelatedStory
    from reader.store import Store

__all__ = [
    "LOCK_FILE",
    "META_FILE",
    "SCHEMA_VERSION",
    "WHOOSH_LOCK",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexNotReadyError",
    "IndexStatus",
    "QueryError",
    "SearchError",
    "SearchFailedError",
    "SearchIndex",
    "SearchResults",
    "build_schema",
]

SORTS = ("relevance", "date")


_UNREADABLE = N_("the index cannot be read ({what})")


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the index compares with the store. `reason` is a Message: English as a string
    (`stats --json`), in the interface's language as `.shown`."""

    in_step: bool
    indexed_seq: int
    store_seq: int
    doc_count: int
    store_count: int
    needs_rebuild: bool
    reason: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of hits. `total` counts every matching article; `sort` is the order used."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    sort: str = "relevance"
    searched: int = 0  # articles in the index searched
    library: int = 0  # articles in the library

    @property
    def partial(self) -> bool:
        """The index holds fewer articles than the library (still being built)."""
        return self.searched < self.library

    @property
    def partial_note(self) -> str:
        """e.g. "searched 16,200 of 100,000 articles"; empty when the index is complete."""
        if not self.partial:
            return ""
        searched = ngettext(
            "searched {searched} of {count} article",
            "searched {searched} of {count} articles",
            self.library,
        )
        return searched.format(searched=number(self.searched), count=number(self.library))


class SearchIndex:
    """The index in one directory. Searching is thread-safe (serialised); one writer at a
    time across processes, guarded by a lock file (IndexLockedError otherwise)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.schema = build_schema()
        self._ix: wi.FileIndex | None = None
        self._searcher: Any = None
        self._doctable: DocTable | None = None
        # Set when a search finds damage that opening the index does not reveal, so the
        # next catch-up rebuilds instead of declaring the index in step.
        self._damage: str = ""
        # Serialises every use of the searcher (and of the document table). Required, not
        # only tidy: without mmap (see reader.search.storage) the sub-files of a segment
        # share one file object and its seek position, so two threads reading through the
        # same searcher at once would read each other's bytes.
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------------
    def _open(self) -> wi.FileIndex:
        """Open with the current schema (the pickled one is never needed)."""
        if self._ix is None:
            self._ix = open_index(self.path, self.schema)
        return self._ix

    def _close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                with contextlib.suppress(Exception):
                    self._searcher.close()
            self._searcher = None
            self._doctable = None
            self._ix = None

    def close(self) -> None:
        self._close()

    def _check(self) -> tuple[Meta | None, wi.FileIndex | None, str]:
        """(meta, index, reason): reason is non-empty when a rebuild is needed."""
        meta = read_meta(self.path)
        if not self.path.is_dir() or (meta is None and not any(self.path.glob("*.toc"))):
            return meta, None, Message(N_("the index has not been built yet"))
        if meta is None:
            return None, None, Message(N_("the index record is missing or damaged"))
        if not meta.current:
            return meta, None, Message(N_("the index was built by another version of newsreader"))
        try:
            self._close()
            ix = self._open()
            generation = ix.latest_generation()
        except Exception as error:  # EmptyIndexError, unpickling, I/O: all mean rebuild
            self._ix = None
            opened = N_("the index cannot be opened ({error})")
            return meta, None, Message(opened, error=f"{type(error).__name__}: {error}")
        if generation < meta.generation:
            return (
                meta,
                None,
                Message(N_("the index is older than its record (interrupted write?)")),
            )
        if self._damage:
            return meta, None, self._damage
        return meta, ix, ""

    def _assess(self, store: Store) -> tuple[Meta | None, wi.FileIndex | None, str, int]:
        """(meta, index, reason, doc_count) against the store; reason non-empty = rebuild."""
        meta, ix, reason = self._check()
        doc_count = 0
        if ix is not None:
            try:
                doc_count = ix.doc_count()
            except Exception as error:
                reason = Message(_UNREADABLE, what=f"{type(error).__name__}: {error}")
        if not reason and meta is not None:
            store_seq = store.max_seq()
            if max(meta.seq, meta.build.seq if meta.build else 0) > store_seq:
                reason = Message(
                    N_("the index is ahead of the library (was the library replaced?)")
                )
            elif (
                meta.build is None
                and meta.seq == store_seq
                and doc_count != (store_count := store.count())
            ):
                reason = Message(
                    N_("the index holds {indexed} articles, the library {count}"),
                    indexed=doc_count,
                    count=store_count,
                )
        return meta, (None if reason else ix), reason, doc_count

    def status(self, store: Store) -> IndexStatus:
        """Compare the index with the store (cheap: reads the record and the index TOC)."""
        with self._lock:
            meta, _ix, reason, doc_count = self._assess(store)
            store_seq, store_count = store.max_seq(), store.count()
            indexed = meta.seq if meta is not None and not reason else 0
            needs_rebuild = bool(reason)
            building = meta is not None and meta.build is not None
            in_step = not needs_rebuild and not building and indexed == store_seq
            if not reason and not in_step:
                if meta is not None and meta.build is not None:
                    behind = max(0, store_count - doc_count)
                    reason = Message(
                        N_("{count} article(s) to index (building the index, newest first)"),
                        count=behind,
                    )
                else:
                    behind = store.count_changed_since(indexed)
                    reason = Message(N_("{count} article(s) to index"), count=behind)
            return IndexStatus(
                in_step=in_step,
                indexed_seq=indexed,
                store_seq=store_seq,
                doc_count=doc_count,
                store_count=store_count,
                needs_rebuild=needs_rebuild,
                reason=reason or Message(N_("up to date")),
            )

    # -- writing ---------------------------------------------------------------------------
    def _writer_lock(self, timeout: float) -> contextlib.AbstractContextManager[None]:
        return writer_lock(self.path, timeout)

    def _wipe(self) -> wi.FileIndex:
        with self._lock:  # searches wait (briefly) rather than see half-deleted files
            return self._wipe_locked()

    def _wipe_locked(self) -> wi.FileIndex:
        self._close()
        ix = create_index(self.path, self.schema)
        self._damage = ""
        self._ix = ix
        return ix

    def rebuild(
        self,
        store: Store,
        progress: Callable[[int, int], None] | None = None,
        *,
        cancelled: Callable[[], bool] | None = None,
        timeout: float = 0.0,
        procs: int = 1,
        on_commit: Callable[[int], None] | None = None,
    ) -> int:
        """Clear the index and index every article, newest first, committing in batches
        (searchable as each lands). Returns the number indexed.

        `procs=2` uses Whoosh's multiprocessing writer for big batches: on 33k articles
        489 against 441 articles/s (1.1-1.3x over runs), a 20% bigger index with more
        segments and slightly slower queries. It forks, which is only safe in a process
        with no other busy threads (the CLI's reindex, not the app), hence off by default.
        """
        with self._writer_lock(timeout), clearing_term_caches():
            self._wipe()
            builder = self._builder(store, Run(progress, cancelled, on_commit, procs, timeout))
            return builder.build(start=True) + builder.index_changes()

    def catch_up(
        self,
        store: Store,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        *,
        timeout: float = 0.0,
        procs: int = 1,
        on_commit: Callable[[int], None] | None = None,
    ) -> int:
        """Index what changed in the store since the last commit (rebuilding when the
        index is missing, damaged or from another version; resuming a build that was
        stopped). Resumable: progress is recorded after every commit. Returns the number
        of articles indexed. `on_commit(n)`: n articles of this call are now searchable."""
        with self._writer_lock(timeout), clearing_term_caches():
            with self._lock:
                meta, ix, reason, _count = self._assess(store)
            builder = self._builder(store, Run(progress, cancelled, on_commit, procs, timeout))
            if reason or meta is None or ix is None:
                self._wipe()
                start = True
            elif meta.build is not None:
                start = False  # resume the build after its cursor
            elif meta.seq == 0 and ix.doc_count_all() == 0:
                start = True
            else:
                return builder.index_changes()
            return builder.build(start=start) + builder.index_changes()

    def _builder(self, store: Store, run: Run) -> IndexBuilder:
        """Writes one run's batches into this index (see reader.search.building)."""
        return IndexBuilder(self.path, self._open, self._lock, store, run)

    # -- searching -------------------------------------------------------------------------
    def _get_searcher(self) -> Any:
        meta = read_meta(self.path)
        if not self.path.is_dir() or meta is None:
            raise IndexNotReadyError(
                "the search index has not been built yet; it builds in the background "
                "(or run `newsreader reindex`)"
            )
        if not meta.current:
            raise IndexNotReadyError(
                "the search index was built by another version of newsreader and must be "
                "rebuilt; it rebuilds in the background (or run `newsreader reindex`)"
            )
        try:
            if self._searcher is None:
                self._searcher = self._open().searcher(weighting=FastBM25F())
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
        except Exception as error:
            self._close()
            raise IndexCorruptError(
                f"the search index cannot be opened ({type(error).__name__}: {error}); "
                "run `newsreader reindex` to rebuild it"
            ) from error
        return self._searcher

    def warm_up(self) -> None:
        """Open the searcher and its filter table now, so the first keystroke is not slow.
        Problems are left for the search that follows to report."""
        with contextlib.suppress(SearchError):
            try:
                self._table(self._get_searcher())
            except SearchError:
                raise
            except Exception as error:
                raise self._read_failure(error) from error

    def _read_failure(self, error: Exception) -> SearchError:
        """The error to report for an unexpected exception while reading the index. Damage
        is remembered, so that the next catch-up rebuilds the index."""
        self._close()
        what = f"{type(error).__name__}: {error}"
        if is_damage(error):
            self._damage = Message(_UNREADABLE, what=what)
            return IndexCorruptError(
                Message(
                    N_(
                        "the search index cannot be read ({what}); "
                        "run `newsreader reindex` to rebuild it"
                    ),
                    what=what,
                )
            )
        return SearchFailedError(
            Message(
                N_(
                    "unexpected error while searching ({what}): a fault in newsreader, not "
                    "damage to the index, so rebuilding the index will not help; please "
                    "report it with the query"
                ),
                what=what,
            )
        )

    def _table(self, searcher: Any) -> DocTable:
        reader = searcher.reader()
        generation = reader.generation()
        if self._doctable is None or self._doctable.generation != generation:
            self._doctable = DocTable.build(reader, generation)
        return self._doctable

    def search(
        self,
        query: str,
        store: Store,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
    ) -> SearchResults:
        """Run a query (see reader.search.query) and return one page of hits with snippets.

        Runs in the caller's thread; the UI calls it from a worker. Raises QueryError,
        IndexNotReadyError, IndexCorruptError (rebuilding helps) or SearchFailedError (a
        bug; rebuilding does not help). Queries without words (only filters) are sorted by
        date; hits sorted by date have score 0.
        """
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}, not {sort!r}")
        parsed = parse_query(query)
        limit = max(1, limit)
        offset = max(0, offset)
        effective = sort if parsed.has_text else "date"
        with self._lock:
            searcher = self._get_searcher()
            try:
                searched = searcher.doc_count()
                table = self._table(searcher)
                allow, deny = (
                    filter_sets(parsed, table, store) if parsed.has_filters else (None, set())
                )
                if parsed.query is None:
                    # Only filters: no scoring needed, walk the date order.
                    total, page = table.newest(allow, deny, offset, limit)
                else:
                    total, page = collect(
                        searcher, table, parsed, allow, deny, offset, limit, effective
                    )
            except (QueryError, SearchError):
                raise
            except Exception as error:
                raise self._read_failure(error) from error
        hits = build_hits(page, parsed.highlight, store, sort=effective)
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            sort=effective,
            searched=searched,
            library=store.count(),
        )

    def related(self, article_id: int, store: Store, limit: int = 5) -> list[RelatedStory]:
        """Other stories on the article's subject (reader.search.related)."""
        from reader.search.related import find_related

        return find_related(self, article_id, store, limit)

    def matcher(self, query: str) -> Callable[[str], list[tuple[int, int]]]:
        """A function giving the [start, end) spans of the query's matches in any text
        (same normalisation and stemming as the index). Raises QueryError."""
        return Matcher(parse_query(query).highlight).spans
