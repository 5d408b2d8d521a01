"""The Whoosh full-text index: built from the store, kept in step with it, searched.

The store is the truth; the index can always be rebuilt from it. The other modules of
reader.search hold the parts: `schema` (what is indexed), `storage` (the directory: the
record of how far the index has caught up, the writer lock, opening without mmap),
`doctable` (article ids, languages and dates by document number), `hits` (a page of
results read from the store), `query`, `analysis`, `scoring` and `snippets`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as wi

from reader.models import Article, Hit
from reader.search.analysis import clear_caches
from reader.search.collect import collect, filter_sets
from reader.search.doctable import DocTable
from reader.search.errors import (
    LOCKED,
    IndexCorruptError,
    IndexLockedError,
    IndexNotReadyError,
    SearchError,
    SearchFailedError,
    is_damage,
)
from reader.search.hits import build_hits
from reader.search.query import QueryError, parse_query
from reader.search.schema import SCHEMA_VERSION, article_document, build_schema
from reader.search.scoring import FastBM25F
from reader.search.snippets import Matcher
from reader.search.storage import (
    LOCK_FILE,
    META_FILE,
    WHOOSH_LOCK,
    Build,
    Meta,
    create_index,
    open_index,
    read_meta,
    write_meta,
    writer_lock,
)

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

# Batching, measured on the 33k-article index (2 cores, shared): updating 50 / 500 / 2,000
# articles takes 0.2+0.2 / 0.7+1.0 / 2.3+2.9 s (add + commit with merge=False). Small
# catch-ups commit once; big ones every BIG_BATCH articles (about 7 s a commit, 380-430
# articles/s overall, 12% faster than one huge commit), so a crash or cancel loses little.
SMALL_CATCH_UP = 1_000
BIG_BATCH = 2_000
# ...or fewer: a big run commits its first batch after BATCH_SECONDS, the next after twice
# that, and so on, so a new library is searchable within seconds without many small
# segments (each commit costs, and each segment slows searches a little).
BATCH_SECONDS = 2.0
LIMIT_MB = 256
MAX_SEGMENTS = 8  # above this, a catch-up lets Whoosh merge small segments


@dataclass(slots=True)
class _Run:
    """One catch-up or rebuild: its callbacks, and counts shared by its phases."""

    progress: Callable[[int, int], None] | None
    cancelled: Callable[[], bool] | None
    on_commit: Callable[[int], None] | None
    procs: int
    timeout: float
    total: int | None = None  # for progress: every article this run may index
    base: int = 0  # articles a resumed build had committed before this run
    indexed: int = 0  # articles committed by this run


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the index compares with the store."""

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
        return f"searched {self.searched:,} of {self.library:,} articles"


@contextlib.contextmanager
def _clearing_term_caches() -> Iterator[None]:
    """An indexing run fills the analyzers' term caches with its rare words (up to ~10 MB),
    which nothing needs once it is over: empty them afterwards, however the run ended."""
    try:
        yield
    finally:
        clear_caches()


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
            return meta, None, "the index has not been built yet"
        if meta is None:
            return None, None, "the index record is missing or damaged"
        if not meta.current:
            return meta, None, "the index was built by another version of newsreader"
        try:
            self._close()
            ix = self._open()
            generation = ix.latest_generation()
        except Exception as error:  # EmptyIndexError, unpickling, I/O: all mean rebuild
            self._ix = None
            return meta, None, f"the index cannot be opened ({type(error).__name__}: {error})"
        if generation < meta.generation:
            return meta, None, "the index is older than its record (interrupted write?)"
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
                reason = f"the index cannot be read ({type(error).__name__}: {error})"
        if not reason and meta is not None:
            store_seq = store.max_seq()
            if max(meta.seq, meta.build.seq if meta.build else 0) > store_seq:
                reason = "the index is ahead of the library (was the library replaced?)"
            elif (
                meta.build is None
                and meta.seq == store_seq
                and doc_count != (store_count := store.count())
            ):
                reason = f"the index holds {doc_count} articles, the library {store_count}"
        return meta, (None if reason else ix), reason, doc_count

    def status(self, store: Store) -> IndexStatus:
        """Compare the index with the store (cheap: reads the record and the index TOC)."""
        with self._lock:
            meta, _, reason, doc_count = self._assess(store)
            store_seq, store_count = store.max_seq(), store.count()
            indexed = meta.seq if meta is not None and not reason else 0
            needs_rebuild = bool(reason)
            building = meta is not None and meta.build is not None
            in_step = not needs_rebuild and not building and indexed == store_seq
            if not reason and not in_step:
                if meta is not None and meta.build is not None:
                    behind = max(0, store_count - doc_count)
                    reason = f"{behind} article(s) to index (building the index, newest first)"
                else:
                    behind = store.count_changed_since(indexed)
                    reason = f"{behind} article(s) to index"
            return IndexStatus(
                in_step=in_step,
                indexed_seq=indexed,
                store_seq=store_seq,
                doc_count=doc_count,
                store_count=store_count,
                needs_rebuild=needs_rebuild,
                reason=reason or "up to date",
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
        with self._writer_lock(timeout), _clearing_term_caches():
            self._wipe()
            run = _Run(progress, cancelled, on_commit, procs, timeout)
            return self._build(store, run, start=True) + self._index_changes(store, run)

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
        with self._writer_lock(timeout), _clearing_term_caches():
            with self._lock:
                meta, ix, reason, _ = self._assess(store)
            run = _Run(progress, cancelled, on_commit, procs, timeout)
            if reason or meta is None or ix is None:
                self._wipe()
                start = True
            elif meta.build is not None:
                start = False  # resume the build after its cursor
            elif meta.seq == 0 and ix.doc_count_all() == 0:
                start = True
            else:
                return self._index_changes(store, run)
            return self._build(store, run, start=start) + self._index_changes(store, run)

    def _build(self, store: Store, run: _Run, *, start: bool) -> int:
        """Index the articles with seq up to the build's, newest first, from the recorded
        cursor; then record the build's seq as the index's, for the seq catch-up."""
        ix = self._open()
        meta = read_meta(self.path)
        if start or meta is None or meta.build is None:
            build = Build(store.max_seq())
            with self._lock:
                write_meta(self.path, 0, ix.latest_generation(), build)
        else:
            build = meta.build
        total = store.count_upto_seq(build.seq) + store.count_changed_since(build.seq)
        run.total, run.base = total, build.done
        if run.progress:
            run.progress(build.done, total)
        # A kill between a Whoosh commit and the record written after it leaves articles
        # in the index past the recorded cursor: they are the next ones in this order, so
        # replace (not add) that many, with a margin for articles that left the build.
        unrecorded = max(0, ix.doc_count() - build.done) if not start else 0
        replace_first = unrecorded * 2 + 100 if unrecorded else 0
        items = (
            ((published, article_id), article)
            for published, article_id, article in store.iter_newest_for_index(
                build.seq, build.cursor
            )
        )

        def committed(marker: Any, done: int) -> None:
            nonlocal build
            published, article_id = marker
            build = replace(build, published=published, id=article_id, done=build.done + done)
            with self._lock:
                write_meta(self.path, 0, ix.latest_generation(), build)

        done, finished = self._batches(
            ix, items, run, replace_first=replace_first, committed=committed
        )
        run.base += done
        if finished:
            with self._lock:
                write_meta(self.path, build.seq, ix.latest_generation())
        return done

    def _index_changes(self, store: Store, run: _Run) -> int:
        """Index what changed after the recorded seq, in seq order (replacing documents)."""
        if run.cancelled and run.cancelled():
            return 0
        meta = read_meta(self.path)
        if meta is None or meta.build is not None:
            return 0  # a build was stopped: the next catch-up resumes it
        seq = meta.seq
        behind = store.count_changed_since(seq)
        if run.total is None:
            run.total, run.base = behind, 0
            if run.progress:
                run.progress(0, behind)
        if behind == 0:
            return 0
        ix = self._open()

        def committed(marker: Any, done: int) -> None:
            with self._lock:
                write_meta(self.path, marker, ix.latest_generation())

        done, _ = self._batches(
            ix, store.iter_for_index(seq), run, replace_first=None, committed=committed
        )
        return done

    def _batches(
        self,
        ix: wi.FileIndex,
        items: Iterator[tuple[Any, Article]],
        run: _Run,
        *,
        replace_first: int | None,
        committed: Callable[[Any, int], None],
    ) -> tuple[int, bool]:
        """Add `items` ((marker, article)) in committed batches; after each commit,
        `committed(last marker, articles in the batch)` records it. `replace_first`: None
        to replace every document (a catch-up), else how many to replace before adding
        only (a build). Returns (articles indexed, whether `items` ran out)."""
        total = run.total or 0
        big = total > SMALL_CATCH_UP
        done = 0
        carried: tuple[Any, Article] | None = None
        exhausted = False
        seconds = BATCH_SECONDS
        while not exhausted:
            if run.cancelled and run.cancelled():
                break
            try:
                writer = self._writer(ix, big=big, procs=run.procs, timeout=run.timeout)
            except wi.LockError:
                raise IndexLockedError(LOCKED) from None
            marker: Any = None
            batch: set[int] = set()
            started = time.monotonic()
            try:
                while True:
                    if carried is not None:
                        item, carried = carried, None
                    else:
                        item = next(items, None)
                        if item is None:
                            exhausted = True
                            break
                    item_marker, article = item
                    article_id = int(article.id or 0)
                    if article_id in batch:
                        # Changed again while we index: Whoosh cannot replace a document
                        # of the same uncommitted batch, so commit first.
                        carried = item
                        break
                    document = article_document(article)
                    position = done + len(batch)
                    if replace_first is not None and position >= replace_first:
                        writer.add_document(**document)  # a build: no delete lookup needed
                    else:
                        writer.update_document(**document)
                    batch.add(article_id)
                    marker = item_marker
                    count = len(batch)
                    if run.progress and count % 100 == 0:
                        shown = run.base + done + count
                        run.progress(shown, max(total, shown))
                    if big and (
                        count >= BIG_BATCH
                        or (count % 50 == 0 and time.monotonic() - started >= seconds)
                    ):
                        break
                    if run.cancelled and count % 50 == 0 and run.cancelled():
                        break
            except BaseException:
                writer.cancel()
                raise
            if not batch:
                writer.cancel()
                break
            seconds *= 2  # the first batch is searchable soon; later ones are bigger
            merge = len(ix._segments()) > MAX_SEGMENTS  # noqa: SLF001
            writer.commit(merge=merge)
            done += len(batch)
            committed(marker, len(batch))
            run.indexed += len(batch)
            if run.on_commit:
                run.on_commit(run.indexed)
            if run.progress:
                shown = run.base + done
                run.progress(shown, max(total, shown))
        return done, exhausted

    def _writer(self, ix: wi.FileIndex, *, big: bool, procs: int, timeout: float) -> Any:
        # Our lock is held, so a Whoosh lock conflict means a writer that ignores ours.
        if big and procs > 1:
            # Forks worker processes: see SearchIndex.rebuild about when that is safe.
            return ix.writer(procs=procs, limitmb=LIMIT_MB, multisegment=True, timeout=timeout)
        return ix.writer(limitmb=LIMIT_MB if big else 64, timeout=timeout)

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
            self._damage = f"the index cannot be read ({what})"
            return IndexCorruptError(
                f"the search index cannot be read ({what}); run `newsreader reindex` to rebuild it"
            )
        return SearchFailedError(
            f"unexpected error while searching ({what}): a fault in newsreader, not damage "
            "to the index, so rebuilding the index will not help; please report it with "
            "the query"
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
