"""The Whoosh full-text index: built from the store, kept in step with it, searched.

The store is the truth; the index can always be rebuilt from it. A small JSON record
(`newsreader-index.json`) beside Whoosh's files holds the schema version and the store
`seq` the index has caught up to. It is written, with fsync, after every commit, and only
after the index files themselves are fsynced (Whoosh does not fsync its table of
contents), so after a crash the record never claims more than the index holds.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import pickle
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import collectors
from whoosh import fields as wf
from whoosh import index as wi
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import FileFormatError
from whoosh.sorting import FieldFacet
from whoosh.util.filelock import FileLock

from reader.models import Article, Hit
from reader.search.analysis import (
    ANALYZER_VERSION,
    FIELD_BREAK,
    BilingualAnalyzer,
    PlainAnalyzer,
)
from reader.search.query import ParsedQuery, QueryError, parse_query
from reader.search.scoring import FastBM25F
from reader.search.snippets import Matcher, make_snippet
from reader.store import ListFilter

if TYPE_CHECKING:
    from reader.store import Store

# Bump when the schema or the meaning of a field changes: existing indexes are rebuilt.
SCHEMA_VERSION = 1
META_FILE = "newsreader-index.json"
LOCK_FILE = "newsreader-writer.lock"
WHOOSH_LOCK = "MAIN_WRITELOCK"  # Whoosh's writer lock file for the default index name
_LOCKED = (
    "the search index is being updated by another program: another newsreader is "
    "indexing; try again when it finishes"
)
SORTS = ("relevance", "date")

# What reading damaged Whoosh files raises, measured by overwriting, zeroing and truncating
# segment files at random: EOFError, UnpicklingError, struct.error, zlib.error, ValueError
# ("negative seek value", UnicodeDecodeError), FileFormatError, and a bare Exception
# ("Block tag error"). OSError covers missing or unreadable files.
_DAMAGE = (
    OSError,
    EOFError,
    ValueError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    FileFormatError,
)


def _is_damage(error: Exception) -> bool:
    return isinstance(error, _DAMAGE) or type(error) is Exception


# Batching, measured on the 33k-article index (2 cores, shared): updating 50 / 500 / 2,000
# articles takes 0.2+0.2 / 0.7+1.0 / 2.3+2.9 s (add + commit with merge=False). Small
# catch-ups commit once; big ones every BIG_BATCH articles (about 7 s a commit, 380-430
# articles/s overall, 12% faster than one huge commit), so a crash or cancel loses little.
SMALL_CATCH_UP = 1_000
BIG_BATCH = 5_000
LIMIT_MB = 256
MAX_SEGMENTS = 8  # above this, a catch-up lets Whoosh merge small segments


class SearchError(Exception):
    """Base class for search errors; messages are meant for the user."""


class IndexLockedError(SearchError):
    """Another process (or thread) is writing the index."""


class IndexCorruptError(SearchError):
    """The index exists but cannot be opened or read: rebuilding it from the store helps."""


class SearchFailedError(SearchError):
    """An unexpected failure that is not damage to the index: rebuilding will not help."""


class IndexNotReadyError(SearchError):
    """There is no usable index yet (never built, or built by another version)."""


__all__ = [
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


def build_schema() -> wf.Schema:
    """The index fields.

    `content` holds title and body together, title words weighing TITLE_WEIGHT (3): that
    is BM25F as Robertson et al. define it (weighted term frequencies, one saturation),
    and one posting list per word instead of a title/body union is what keeps common
    words fast (measured in benchmarks/bench_search.py). `title` alone serves title:.
    `id`, `lang` and `published` are columns too, for filters and the date sort.
    """
    text = BilingualAnalyzer()
    return wf.Schema(
        id=wf.NUMERIC(
            int, bits=64, signed=False, stored=True, unique=True, shift_step=0, sortable=True
        ),
        title=wf.TEXT(analyzer=text, phrase=True),
        content=wf.TEXT(analyzer=text, phrase=True),
        source=wf.TEXT(analyzer=PlainAnalyzer(), phrase=True),
        author=wf.TEXT(analyzer=text, phrase=True),
        lang=wf.ID(sortable=True),
        # Seconds since 1970 UTC; undated articles get no term and sort last (default 0).
        published=wf.NUMERIC(int, bits=64, signed=True, sortable=True, default=0, shift_step=8),
    )


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


@dataclass(slots=True)
class _Meta:
    schema_version: int = 0
    analyzer_version: int = 0
    seq: int = 0
    generation: int = -1

    @property
    def current(self) -> bool:
        return self.schema_version == SCHEMA_VERSION and self.analyzer_version == ANALYZER_VERSION


@dataclass(slots=True)
class _DocTable:
    """Per index generation: article ids, languages and dates by document number, read
    from Whoosh's columns (~60 ms for 33k documents), for filters and filter-only lists."""

    generation: int
    ids: list[int]
    docnum_of: dict[int, int]
    langs: dict[str, set[int]]
    by_date: list[tuple[int, int]]  # (published, docnum), newest first, undated last
    neg_dates: list[int]  # -published for by_date, ascending, for bisect

    @classmethod
    def build(cls, reader: Any, generation: int) -> _DocTable:
        ids = _column_values(reader, "id")
        dates = _column_values(reader, "published")
        langs_col = _column_values(reader, "lang")
        deleted = reader.is_deleted if reader.has_deletions() else None
        docnum_of: dict[int, int] = {}
        langs: dict[str, set[int]] = {}
        by_date: list[tuple[int, int]] = []
        for docnum, article_id in enumerate(ids):
            if deleted is not None and deleted(docnum):
                continue
            docnum_of[article_id] = docnum
            lang = langs_col[docnum]
            if lang:
                langs.setdefault(lang, set()).add(docnum)
            by_date.append((dates[docnum], docnum))
        # Undated documents read as the column minimum, so they sort last.
        by_date.sort(reverse=True)
        return cls(generation, ids, docnum_of, langs, by_date, [-p for p, _ in by_date])

    def docnums(self, article_ids: set[int]) -> set[int]:
        get = self.docnum_of.get
        return {d for d in map(get, article_ids) if d is not None}

    def published_between(self, since: int | None, until: int | None) -> set[int]:
        # by_date is descending; undated documents (column minimum) never qualify.
        keys = self.neg_dates
        lo = bisect.bisect_left(keys, -until + 1) if until is not None else 0
        hi = bisect.bisect_right(keys, -since) if since is not None else len(keys)
        return {d for p, d in self.by_date[lo:hi] if p != _UNDATED}

    def newest(
        self, allow: set[int] | None, deny: set[int], offset: int, limit: int
    ) -> tuple[int, list[tuple[int, float]]]:
        if allow is None:
            total = len(self.by_date) - len(deny)
            wanted = (d for _, d in self.by_date if d not in deny)
        else:
            docs = allow - deny
            total = len(docs)
            wanted = (d for _, d in self.by_date if d in docs)
        page: list[tuple[int, float]] = []
        for i, docnum in enumerate(wanted):
            if i >= offset + limit:
                break
            if i >= offset:
                page.append((self.ids[docnum], 0.0))
        return total, page


_UNDATED = -(2**63)  # how the `published` column reads back its default


def _column_values(reader: Any, fieldname: str) -> list[Any]:
    """One value per document number of `fieldname`'s column, defaults included.

    A segment where no document has a value for the field has no column file at all.
    Whoosh's MultiReader.column_reader skips such segments, so its values no longer line
    up with document numbers. A segment's own reader fills in the default instead.
    """
    values: list[Any] = []
    for segment, offset in reader.leaf_readers():
        assert offset == len(values), "Whoosh numbers documents segment after segment"
        values.extend(segment.column_reader(fieldname))
    return values


def _language(article: Article) -> str | None:
    if article.language:
        return article.language.lower().split("-")[0]
    # Unknown: guess from the letters of the title and the start of the body.
    sample = (article.title + " " + article.body[:500])[:600]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return None
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff")
    return "ar" if arabic * 3 >= len(letters) else "en"


def _document(article: Article) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": int(article.id or 0),
        "title": article.title,
        "content": article.title + FIELD_BREAK + article.body,
    }
    if article.source:
        doc["source"] = article.source
    if article.author:
        doc["author"] = article.author
    lang = _language(article)
    if lang:
        doc["lang"] = lang
    if article.published is not None:
        doc["published"] = int(article.published.timestamp())
    return doc


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SearchIndex:
    """The index in one directory. Searching is thread-safe (serialised); one writer at a
    time across processes, guarded by a lock file (IndexLockedError otherwise)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.schema = build_schema()
        self._ix: wi.FileIndex | None = None
        self._searcher: Any = None
        self._doctable: _DocTable | None = None
        # Set when a search finds damage that opening the index does not reveal, so the
        # next catch-up rebuilds instead of declaring the index in step.
        self._damage: str = ""
        self._lock = threading.RLock()

    # -- metadata --------------------------------------------------------------------------
    def _read_meta(self) -> _Meta | None:
        try:
            data = json.loads((self.path / META_FILE).read_text("utf-8"))
            return _Meta(
                int(data["schema_version"]),
                int(data["analyzer_version"]),
                int(data["seq"]),
                int(data["generation"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_meta(self, seq: int, generation: int) -> None:
        # Make Whoosh's new files durable first, then the record that points past them.
        for entry in self.path.iterdir():
            if entry.is_file() and entry.name != LOCK_FILE:
                with contextlib.suppress(OSError):
                    fd = os.open(entry, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
        _fsync_dir(self.path)
        data = {
            "schema_version": SCHEMA_VERSION,
            "analyzer_version": ANALYZER_VERSION,
            "seq": seq,
            "generation": generation,
            "written": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        tmp = self.path / (META_FILE + ".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path / META_FILE)
        _fsync_dir(self.path)

    # -- opening ---------------------------------------------------------------------------
    def _open(self) -> wi.FileIndex:
        """Open with the current schema (the pickled one is never needed)."""
        if self._ix is None:
            self._ix = wi.open_dir(str(self.path), schema=self.schema)
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

    def _check(self) -> tuple[_Meta | None, wi.FileIndex | None, str]:
        """(meta, index, reason): reason is non-empty when a rebuild is needed."""
        meta = self._read_meta()
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

    def _assess(self, store: Store) -> tuple[_Meta | None, wi.FileIndex | None, str, int]:
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
            if meta.seq > store_seq:
                reason = "the index is ahead of the library (was the library replaced?)"
            elif meta.seq == store_seq and doc_count != (store_count := store.count()):
                reason = f"the index holds {doc_count} articles, the library {store_count}"
        return meta, (None if reason else ix), reason, doc_count

    def status(self, store: Store) -> IndexStatus:
        """Compare the index with the store (cheap: reads the record and the index TOC)."""
        with self._lock:
            meta, _, reason, doc_count = self._assess(store)
            store_seq, store_count = store.max_seq(), store.count()
            indexed = meta.seq if meta is not None and not reason else 0
            needs_rebuild = bool(reason)
            in_step = not needs_rebuild and indexed == store_seq
            if not reason and not in_step:
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
    @contextlib.contextmanager
    def _writer_lock(self, timeout: float) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path / LOCK_FILE))
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexLockedError(_LOCKED)
            time.sleep(0.1)
        try:
            yield
        finally:
            lock.release()

    def _wipe(self) -> wi.FileIndex:
        with self._lock:  # searches wait (briefly) rather than see half-deleted files
            return self._wipe_locked()

    def _wipe_locked(self) -> wi.FileIndex:
        self._close()
        # Respect Whoosh's own lock too: a writer that does not know ours may be running.
        whoosh_lock = FileStorage(str(self.path)).lock(WHOOSH_LOCK)
        if not whoosh_lock.acquire(blocking=False):
            raise IndexLockedError(_LOCKED)
        try:
            for entry in self.path.iterdir():
                if entry.name in (LOCK_FILE, WHOOSH_LOCK):
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
            ix = wi.create_in(str(self.path), self.schema)
            self._write_meta(0, ix.latest_generation())
            self._damage = ""
        finally:
            whoosh_lock.release()
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
    ) -> int:
        """Clear the index and index every article. Returns the number indexed.

        `procs=2` uses Whoosh's multiprocessing writer for big batches: on 33k articles
        489 against 441 articles/s (1.1-1.3x over runs), a 20% bigger index with more
        segments and slightly slower queries. It forks, which is only safe in a process
        with no other busy threads (the CLI's reindex, not the app), hence off by default.
        """
        with self._writer_lock(timeout):
            self._wipe()
            return self._index_changes(
                store, progress, cancelled, fresh=True, procs=procs, timeout=timeout
            )

    def catch_up(
        self,
        store: Store,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        *,
        timeout: float = 0.0,
        procs: int = 1,
    ) -> int:
        """Index what changed in the store since the last commit (rebuilding when the
        index is missing, damaged or from another version). Resumable: progress is
        recorded after every commit. Returns the number of articles indexed."""
        with self._writer_lock(timeout):
            with self._lock:
                meta, ix, reason, _ = self._assess(store)
            if reason or meta is None or ix is None:
                self._wipe()
                return self._index_changes(
                    store, progress, cancelled, fresh=True, procs=procs, timeout=timeout
                )
            fresh = meta.seq == 0 and ix.doc_count_all() == 0
            return self._index_changes(
                store, progress, cancelled, fresh=fresh, procs=procs, timeout=timeout
            )

    def _index_changes(
        self,
        store: Store,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        *,
        fresh: bool,
        procs: int,
        timeout: float,
    ) -> int:
        meta = self._read_meta()
        seq = meta.seq if meta else 0
        total = store.count_changed_since(seq)
        if progress:
            progress(0, total)
        if total == 0:
            return 0
        ix = self._open()
        big = total > SMALL_CATCH_UP
        done = 0
        changes = store.iter_for_index(seq)
        carried: tuple[int, Article] | None = None
        committed: set[int] = set()  # ids committed by this call (fresh index only)
        exhausted = False
        while not exhausted:
            if cancelled and cancelled():
                break
            try:
                writer = self._writer(ix, big=big, procs=procs, timeout=timeout)
            except wi.LockError:
                raise IndexLockedError(_LOCKED) from None
            batch_seq = seq
            batch: set[int] = set()
            try:
                while True:
                    if carried is not None:
                        item, carried = carried, None
                    else:
                        item = next(changes, None)
                        if item is None:
                            exhausted = True
                            break
                    item_seq, article = item
                    article_id = int(article.id or 0)
                    if article_id in batch:
                        # Changed again while we index: Whoosh cannot replace a document
                        # of the same uncommitted batch, so commit first.
                        carried = item
                        break
                    document = _document(article)
                    if fresh and article_id not in committed:
                        writer.add_document(**document)  # no delete lookup needed
                    else:
                        writer.update_document(**document)
                    batch.add(article_id)
                    batch_seq = item_seq
                    if progress and len(batch) % 100 == 0:
                        progress(done + len(batch), max(total, done + len(batch)))
                    if big and len(batch) >= BIG_BATCH:
                        break
                    if cancelled and len(batch) % 50 == 0 and cancelled():
                        break
            except BaseException:
                writer.cancel()
                raise
            if not batch:
                writer.cancel()
                break
            merge = big or len(ix._segments()) > MAX_SEGMENTS  # noqa: SLF001
            writer.commit(merge=merge)
            seq = batch_seq
            done += len(batch)
            if fresh:
                committed |= batch
            with self._lock:
                self._write_meta(seq, ix.latest_generation())
            if progress:
                progress(done, max(total, done))
        return done

    def _writer(self, ix: wi.FileIndex, *, big: bool, procs: int, timeout: float) -> Any:
        # Our lock is held, so a Whoosh lock conflict means a writer that ignores ours.
        if big and procs > 1:
            # Forks worker processes: see SearchIndex.rebuild about when that is safe.
            return ix.writer(procs=procs, limitmb=LIMIT_MB, multisegment=True, timeout=timeout)
        return ix.writer(limitmb=LIMIT_MB if big else 64, timeout=timeout)

    # -- searching -------------------------------------------------------------------------
    def _get_searcher(self) -> Any:
        meta = self._read_meta()
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
        if _is_damage(error):
            self._damage = f"the index cannot be read ({what})"
            return IndexCorruptError(
                f"the search index cannot be read ({what}); run `newsreader reindex` to rebuild it"
            )
        return SearchFailedError(
            f"unexpected error while searching ({what}): a fault in newsreader, not damage "
            "to the index, so rebuilding the index will not help; please report it with "
            "the query"
        )

    def _table(self, searcher: Any) -> _DocTable:
        reader = searcher.reader()
        generation = reader.generation()
        if self._doctable is None or self._doctable.generation != generation:
            self._doctable = _DocTable.build(reader, generation)
        return self._doctable

    def _filter_sets(
        self, parsed: ParsedQuery, searcher: Any, store: Store
    ) -> tuple[set[int] | None, set[int]]:
        """(allow, deny) document-number sets for the top-level filters."""
        table = self._table(searcher)
        allow: set[int] | None = None
        deny: set[int] = set()

        def narrow(docs: set[int]) -> None:
            nonlocal allow
            allow = docs if allow is None else allow & docs

        for lang, include in parsed.langs:
            docs = table.langs.get(lang, set())
            if include:
                narrow(docs)
            else:
                deny |= docs
        if parsed.since is not None or parsed.until is not None:
            narrow(table.published_between(parsed.since, parsed.until))
        total = store.count()
        for flag, value in parsed.flags:
            # Read/starred state lives in the store: fetch whichever side is smaller.
            on = store.count(ListFilter(unread_only=True) if flag == "read" else None)
            if flag == "read":
                true_count = total - on
            else:
                true_count = store.count(ListFilter(starred_only=True))
            wanted_count = true_count if value else total - true_count
            if wanted_count <= total - wanted_count:
                narrow(table.docnums(store.ids_with_flag(flag, value)))
            else:
                deny |= table.docnums(store.ids_with_flag(flag, not value))
        return allow, deny

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
                allow, deny = (None, set())
                if parsed.has_filters:
                    allow, deny = self._filter_sets(parsed, searcher, store)
                if parsed.query is None:
                    # Only filters: no scoring needed, walk the date order.
                    total, page = self._table(searcher).newest(allow, deny, offset, limit)
                else:
                    total, page = self._run(searcher, parsed, allow, deny, offset, limit, effective)
            except (QueryError, SearchError):
                raise
            except Exception as error:
                raise self._read_failure(error) from error
        hits = self._hits(page, parsed.highlight, store, sort=effective)
        return SearchResults(query=query, total=total, hits=hits, sort=effective)

    def _run(
        self,
        searcher: Any,
        parsed: ParsedQuery,
        allow: set[int] | None,
        deny: set[int],
        offset: int,
        limit: int,
        sort: str,
    ) -> tuple[int, list[tuple[int, float]]]:
        # An exact total needs every match visited. Whoosh's TopCollector prunes twice:
        # block-max skipping (usequality) and replacing matchers that can no longer beat
        # the N-th score (replace=10 by default; it even drops OR branches), and then
        # reports a total that is too small (measured: 457 instead of 2,211 for an OR of
        # two terms). Both are off here, so the one scoring pass also counts; the block-max
        # search plus Whoosh's second counting pass was slower on our query set.
        collector: Any
        if sort == "date":
            collector = collectors.SortingCollector(
                FieldFacet("published", reverse=True), limit=offset + limit
            )
        else:
            collector = collectors.TopCollector(offset + limit, usequality=False, replace=0)
        if allow is not None or deny:
            collector = collectors.FilterCollector(collector, allow, deny or None)
        searcher.search_with_collector(parsed.query, collector)
        results = collector.results()
        total = len(results)
        page = [
            (searcher.stored_fields(docnum)["id"], score if sort == "relevance" else 0.0)
            for score, docnum in results.top_n[offset : offset + limit]
        ]
        return total, page

    def _hits(
        self, page: list[tuple[int, float]], highlight: Any, store: Store, *, sort: str
    ) -> list[Hit]:
        rows = store.rows_by_ids([i for i, _ in page])
        match = Matcher(highlight)
        hits: list[Hit] = []
        for article_id, score in page:
            row = rows.get(article_id)
            if row is None:
                continue  # gone from the store: the index will be rebuilt
            article = store.get(article_id)
            body = article.body if article is not None else ""
            hits.append(
                Hit(
                    id=article_id,
                    score=float(score or 0.0) if sort == "relevance" else 0.0,
                    title=row.title,
                    source=row.source,
                    language=row.language,
                    published=row.published,
                    snippet=make_snippet(body, row.title, match),
                )
            )
        return hits

    def matcher(self, query: str) -> Callable[[str], list[tuple[int, int]]]:
        """A function giving the [start, end) spans of the query's matches in any text
        (same normalisation and stemming as the index). Raises QueryError."""
        return Matcher(parse_query(query).highlight).spans
