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

SEEDED_KEY = "seeded"  # "1": the seeds were added; "0": the library had articles already
SEED_DETAILS_KEY = "seed_details"  # source and date given to seeds stored without them


class Session:
    """Everything a command or the app needs, opened lazily."""

    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        self.library = library.ensure()
        self.seeds_added = 0
        self.settings = settings or load_settings(library)
        self._lock_handle: IO[str] | None = None

    @cached_property
    def store(self) -> Store:
        store = Store(self.library.database)
        self.seeds_added = _seed(store)
        return store

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


def _seed(store: Store) -> int:
    """The bundled articles go into a library when it is created, whatever opens it first,
    and only then: seeds a user deleted do not come back. Returns the articles added."""
    added = 0
    seeded = store.meta_get(SEEDED_KEY)
    if seeded is None:
        if store.count() == 0:
            from reader.sources.importer import import_seeds

            added = import_seeds(store).added
        store.meta_set(SEEDED_KEY, "1" if added else "0")
    elif store.meta_get(SEED_DETAILS_KEY) is None and seeded == "1":
        from reader.sources.importer import fill_seed_details

        fill_seed_details(store)  # seeded by a version whose seeds had no source or date
    if store.meta_get(SEED_DETAILS_KEY) is None:
        store.meta_set(SEED_DETAILS_KEY, "1")
    return added
