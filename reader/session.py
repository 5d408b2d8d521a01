"""Opening a library: store, bundled seeds, search index and the single-instance lock.

Shared by the CLI and the app, so both do the same thing. No UI imports here.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from functools import cached_property
from typing import IO

from reader.config import Library, Settings, load_settings
from reader.store import Store

SEEDED_KEY = "seeded"


class Session:
    """Everything a command or the app needs, opened lazily."""

    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        self.library = library.ensure()
        self.settings = settings or load_settings(library)
        self._lock_handle: IO[str] | None = None

    @cached_property
    def store(self) -> Store:
        return Store(self.library.database)

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
        """Import the bundled articles into an empty library, once. Returns articles added."""
        if self.store.meta_get(SEEDED_KEY) or self.store.count() > 0:
            return 0
        from reader.sources.importer import import_paths, seed_paths

        report = import_paths(self.store, seed_paths())
        self.store.meta_set(SEEDED_KEY, "1")
        return report.added

    def catch_up_index(self, progress: Callable[[int, int], None] | None = None) -> int:
        return self.index.catch_up(self.store, progress=progress)

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
