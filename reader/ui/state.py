"""State the main screen owns and its widgets are bound to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class IndexState:
    """Where the search index stands in this window.

    "idle": nothing running. "checking": a worker is seeing whether the index is in step
    (and warming it up). "indexing": articles are being indexed, `done` of `total` (total 0
    while unknown). "locked": another newsreader process is writing it.
    """

    phase: Literal["idle", "checking", "indexing", "locked"] = "idle"
    done: int = 0
    total: int = 0

    @property
    def busy(self) -> bool:
        return self.phase in ("checking", "indexing")


@dataclass(frozen=True, slots=True)
class Activity:
    """Something with a progress bar: `done` of `total` (0: not known yet)."""

    done: int
    total: int
