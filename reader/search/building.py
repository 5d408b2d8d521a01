"""Writing articles into the index in committed batches: a build (every article up to a
seq, newest first, resumable from a cursor) and a catch-up (what changed after the
recorded seq, in seq order). Each commit is recorded (see reader.search.storage), so a run
that is cancelled, fails or is killed loses at most its last batch.

`SearchIndex.rebuild` and `SearchIndex.catch_up` (reader.search.index) decide what to do
and hold the writer lock; an `IndexBuilder` does the writing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as wi

from reader.models import Article
from reader.search.analysis import clear_caches
from reader.search.codec import IndexCodec
from reader.search.errors import LOCKED, IndexLockedError
from reader.search.schema import article_document
from reader.search.storage import Build, read_meta, write_meta

if TYPE_CHECKING:
    from reader.store import Store

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
class Run:
    """One catch-up or rebuild: its callbacks, and counts shared by its phases."""

    progress: Callable[[int, int], None] | None
    cancelled: Callable[[], bool] | None
    on_commit: Callable[[int], None] | None
    procs: int
    timeout: float
    total: int | None = None  # for progress: every article this run may index
    base: int = 0  # articles a resumed build had committed before this run
    indexed: int = 0  # articles committed by this run


@contextlib.contextmanager
def clearing_term_caches() -> Iterator[None]:
    """An indexing run fills the analyzers' term caches with its rare words (up to ~10 MB),
    which nothing needs once it is over: empty them afterwards, however the run ended."""
    try:
        yield
    finally:
        clear_caches()


class IndexBuilder:
    """One run's writing into the index in `path`, opened by `open_index`. `lock` is the
    SearchIndex's: records are written under it, so searches never see a half-written one.
    The caller holds the writer lock (reader.search.storage.writer_lock)."""

    def __init__(
        self,
        path: Path,
        open_index: Callable[[], wi.FileIndex],
        lock: threading.RLock,
        store: Store,
        run: Run,
    ) -> None:
        self.path = path
        self._open = open_index
        self._lock = lock
        self.store = store
        self.run = run

    def build(self, *, start: bool) -> int:
        """Index the articles with seq up to the build's, newest first, from the recorded
        cursor; then record the build's seq as the index's, for the seq catch-up."""
        store, run = self.store, self.run
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

        done, finished = self._batches(ix, items, replace_first=replace_first, committed=committed)
        run.base += done
        if finished:
            with self._lock:
                write_meta(self.path, build.seq, ix.latest_generation())
        return done

    def index_changes(self) -> int:
        """Index what changed after the recorded seq, in seq order (replacing documents)."""
        store, run = self.store, self.run
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
            ix, store.iter_for_index(seq), replace_first=None, committed=committed
        )
        return done

    def _batches(
        self,
        ix: wi.FileIndex,
        items: Iterator[tuple[Any, Article]],
        *,
        replace_first: int | None,
        committed: Callable[[Any, int], None],
    ) -> tuple[int, bool]:
        """Add `items` ((marker, article)) in committed batches; after each commit,
        `committed(last marker, articles in the batch)` records it. `replace_first`: None
        to replace every document (a catch-up), else how many to replace before adding
        only (a build). Returns (articles indexed, whether `items` ran out)."""
        run = self.run
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
                writer = _writer(ix, big=big, procs=run.procs, timeout=run.timeout)
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


def _writer(ix: wi.FileIndex, *, big: bool, procs: int, timeout: float) -> Any:
    # Our lock is held, so a Whoosh lock conflict means a writer that ignores ours.
    if big and procs > 1:
        # Forks worker processes: see SearchIndex.rebuild about when that is safe.
        return ix.writer(
            procs=procs,
            limitmb=LIMIT_MB,
            multisegment=True,
            timeout=timeout,
            codec=IndexCodec(),
        )
    return ix.writer(limitmb=LIMIT_MB if big else 64, timeout=timeout, codec=IndexCodec())
