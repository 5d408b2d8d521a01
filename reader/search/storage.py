"""The index directory on disk: opening and creating Whoosh's files, the record beside them,
and the lock that lets one writer at a time in.

A small JSON record (`newsreader-index.json`) beside Whoosh's files holds the schema version
and the store `seq` the index has caught up to. It is written, with fsync, after every
commit, and only after the index files themselves are fsynced (Whoosh does not fsync its
table of contents), so after a crash the record never claims more than the index holds.

While a fresh index is being built (newest articles first, so a new library is searchable
within seconds), the record also holds `build`: the store seq when the build started (the
build indexes the articles with seq up to it), the cursor of the last committed article in
newest-first order (`published` as stored, `id`), and how many articles are committed
(`done`). A killed build resumes after the cursor. When the build is complete, `seq`
becomes the build's seq and `build` goes; a seq catch-up then indexes what changed meanwhile.

The writer lock is an `flock` on a lock file (Whoosh's FileLock): the kernel releases it
when its process dies, however it dies, so a lock file left behind never blocks anyone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from whoosh import fields as wf
from whoosh import index as wi
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import FileLock

from reader.search.analysis import ANALYZER_VERSION
from reader.search.errors import LOCKED, IndexLockedError
from reader.search.schema import SCHEMA_VERSION

__all__ = [
    "LOCK_FILE",
    "META_FILE",
    "WHOOSH_LOCK",
    "Build",
    "Meta",
    "create_index",
    "open_index",
    "read_meta",
    "remove_unfinished",
    "write_meta",
    "writer_lock",
]

META_FILE = "newsreader-index.json"
LOCK_FILE = "newsreader-writer.lock"
WHOOSH_LOCK = "MAIN_WRITELOCK"  # Whoosh's writer lock file for the default index name


@dataclass(frozen=True, slots=True)
class Build:
    """A fresh build in progress: articles with seq <= `seq`, newest first; the last one
    committed is (`published`, `id`) (both None before the first commit); `done` committed."""

    seq: int
    published: str | None = None
    id: int | None = None
    done: int = 0

    @property
    def cursor(self) -> tuple[str | None, int] | None:
        return None if self.id is None else (self.published, self.id)


@dataclass(slots=True)
class Meta:
    schema_version: int = 0
    analyzer_version: int = 0
    seq: int = 0
    generation: int = -1
    build: Build | None = None

    @property
    def current(self) -> bool:
        return self.schema_version == SCHEMA_VERSION and self.analyzer_version == ANALYZER_VERSION


def read_meta(path: Path) -> Meta | None:
    """The record of the index in `path`; None when missing or damaged."""
    try:
        data = json.loads((path / META_FILE).read_text("utf-8"))
        build = data.get("build")
        return Meta(
            int(data["schema_version"]),
            int(data["analyzer_version"]),
            int(data["seq"]),
            int(data["generation"]),
            None
            if build is None
            else Build(
                int(build["seq"]),
                None if build["published"] is None else str(build["published"]),
                None if build["id"] is None else int(build["id"]),
                int(build["done"]),
            ),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_meta(path: Path, seq: int, generation: int, build: Build | None = None) -> None:
    """Record that the index in `path` holds the store up to `seq` (and, during a fresh
    build, the articles up to `build`'s cursor), durably."""
    # Make Whoosh's new files durable first, then the record that points past them.
    for entry in path.iterdir():
        if entry.is_file() and entry.name != LOCK_FILE:
            _fsync(entry)
    _fsync(path)
    data = {
        "schema_version": SCHEMA_VERSION,
        "analyzer_version": ANALYZER_VERSION,
        "seq": seq,
        "generation": generation,
        "build": None
        if build is None
        else {"seq": build.seq, "published": build.published, "id": build.id, "done": build.done},
        "written": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    tmp = path / (META_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path / META_FILE)
    _fsync(path)


# Whoosh's default storage maps each compound segment file and, when a searcher opens it,
# copies every sub-file out of the map into a BytesIO (BufferFile): about 160 MB of heap for
# a 33k-article index, most of the app's memory. Without mmap, sub-files are read with seek
# and read on the segment's one file object: the app needs ~75 MB instead of ~400, opening
# a searcher takes milliseconds, and queries cost the same. Indexes written either way read
# either way. The sub-files of a segment share that file object and its position, so a
# searcher must never be used by two threads at once: SearchIndex keeps every use of its
# searcher under its lock.
def _storage(path: Path) -> FileStorage:
    return FileStorage(str(path), supports_mmap=False)


def open_index(path: Path, schema: wf.Schema) -> wi.FileIndex:
    """Open the index in `path` with `schema` (the pickled one is never needed)."""
    return _storage(path).open_index(schema=schema)


def create_index(path: Path, schema: wf.Schema) -> wi.FileIndex:
    """Delete the index in `path` and create an empty one. Raises IndexLockedError when a
    Whoosh writer (one that does not know our lock) holds Whoosh's own lock."""
    storage = _storage(path)
    whoosh_lock = storage.lock(WHOOSH_LOCK)
    if not whoosh_lock.acquire(blocking=False):
        raise IndexLockedError(LOCKED)
    try:
        for entry in path.iterdir():
            if entry.name in (LOCK_FILE, WHOOSH_LOCK):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        ix = storage.create_index(schema)
        write_meta(path, 0, ix.latest_generation())
    finally:
        whoosh_lock.release()
    return ix


@contextlib.contextmanager
def writer_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the writer lock of the index in `path`, waiting up to `timeout` seconds for it
    (IndexLockedError otherwise)."""
    path.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path / LOCK_FILE))
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise IndexLockedError(LOCKED)
        time.sleep(0.1)
    try:
        yield
    finally:
        lock.release()


def remove_unfinished(path: Path) -> int:
    """Delete the files of writes that never committed (a commit that failed, on a full
    disk for one): segment files no table of contents names and Whoosh's temporary folder.
    They would otherwise hold their disk space for good. Only while holding the writer lock
    (another writer's files in progress are not ours to delete); does nothing when the
    lock is taken. Returns the number of entries removed."""
    if not path.is_dir():
        return 0
    try:
        with writer_lock(path, 0.0):
            storage = _storage(path)
            try:
                generation = wi.TOC._latest_generation(storage, wi._DEF_INDEX_NAME)  # noqa: SLF001
                toc = wi.TOC.read(storage, wi._DEF_INDEX_NAME, generation)  # noqa: SLF001
            except Exception:  # no readable TOC: the next rebuild wipes the folder anyway
                return 0
            before = set(os.listdir(path))
            wi.clean_files(storage, wi._DEF_INDEX_NAME, generation, toc.segments)  # noqa: SLF001
            temporary = path / f"{wi._DEF_INDEX_NAME}.tmp"  # noqa: SLF001
            if temporary.is_dir():
                shutil.rmtree(temporary, ignore_errors=True)
            return len(before - set(os.listdir(path)))
    except IndexLockedError:
        return 0
