"""The queue of articles waiting for their full text: resumable, with backoff.

It survives restarts: the ids of articles still waiting, with the number of failed attempts
so far and the time of the next one, live in the store's meta table under `PENDING_KEY`
(JSON, checkpointed every few seconds; no table of its own). A failure backs the article
off: the next attempt comes 1 h later, then 4 h, 1 day, 2 days and 3 days; the sixth
failure, about a week after the first, gives up. `PendingQueue` is the one place the queue
is changed and written: the refresh adds teasers to it, the full-text fetch takes them off.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

from reader.store import Store

__all__ = [
    "BACKOFF",
    "HOUR",
    "MAX_ATTEMPTS",
    "PENDING_KEY",
    "Pending",
    "PendingQueue",
    "pending",
    "pending_state",
    "queue",
    "retry_delay",
    "waiting",
]

PENDING_KEY = "feeds.full_text_pending"
_SAVE_EVERY = 2.0  # seconds between checkpoints of the queue

HOUR = 3600.0
# Waits after the 1st, 2nd... failed attempt. The sixth attempt comes ~6 days after the first
# failure; when it fails too the article keeps its summary for good.
BACKOFF = (1 * HOUR, 4 * HOUR, 24 * HOUR, 48 * HOUR, 72 * HOUR)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass(slots=True)
class Pending:
    """One queued article: failed attempts so far, and when the next one may start."""

    attempts: int = 0
    next_at: float = 0.0  # Unix time (wall clock: it must survive restarts); 0: at once


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure (1-based)."""
    return BACKOFF[max(0, min(attempts, len(BACKOFF)) - 1)]


def pending_state(store: Store) -> dict[int, Pending]:
    """Article id → its place in the queue, for every article waiting for its full text.

    Stored as JSON `{"id": [attempts, next_at]}`; the older `{"id": attempts}` (no backoff
    yet) reads as due at once.
    """
    raw = store.meta_get(PENDING_KEY)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
        state: dict[int, Pending] = {}
        for key, value in data.items():
            if isinstance(value, list):
                state[int(key)] = Pending(int(value[0]), float(value[1]))
            else:
                state[int(key)] = Pending(int(value))
        return state
    except (ValueError, TypeError, AttributeError, IndexError):
        return {}  # a damaged queue only costs the retries


def pending(store: Store) -> dict[int, int]:
    """Article id → failed attempts so far, for every article waiting for its full text."""
    return {k: v.attempts for k, v in pending_state(store).items()}


def waiting(store: Store, now: float | None = None) -> int:
    """How many queued articles wait for a retry time still to come."""
    now = time.time() if now is None else now
    return sum(1 for entry in pending_state(store).values() if entry.next_at > now)


def queue(store: Store, ids: Iterable[int]) -> None:
    """Add articles to the queue (already queued ones keep their attempts and retry time)."""
    pending_queue = PendingQueue(store)
    pending_queue.add(ids)
    pending_queue.save()


class PendingQueue:
    """The queue in memory, written back every few seconds and on save().

    The one place the queue is changed and checkpointed, by the refresh (new teasers) and
    by the full-text fetch (done, failed, given up). Rewriting the JSON after every feed or
    page would cost O(feeds × queue) on a big first refresh; a crash between checkpoints
    costs at most the last few seconds' changes.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.items = pending_state(store)
        self._dirty = False
        self._saved = time.monotonic()

    def add(self, ids: Iterable[int]) -> None:
        for article_id in ids:
            self.items.setdefault(int(article_id), Pending())
            self._dirty = True
        self.checkpoint()

    def due(self, now: float) -> list[int]:
        """Ids whose next attempt may start at `now`, newest first."""
        return sorted((i for i, entry in self.items.items() if entry.next_at <= now), reverse=True)

    def later(self, now: float) -> list[float]:
        """Retry times still to come after `now`, one per article backing off."""
        return [entry.next_at for entry in self.items.values() if entry.next_at > now]

    def remove(self, article_id: int) -> None:
        """Done with an article: it got its full text, gave up, or is gone."""
        if self.items.pop(article_id, None) is not None:
            self._dirty = True

    def failed(self, article_id: int, *, allowed: int, now: float) -> bool:
        """Count a failed attempt; back off, or give up (True) after `allowed` attempts."""
        entry = self.items.setdefault(article_id, Pending())
        entry.attempts += 1
        self._dirty = True
        if entry.attempts >= allowed:
            del self.items[article_id]
            return True
        entry.next_at = now + retry_delay(entry.attempts)
        return False

    def checkpoint(self) -> None:
        if self._dirty and time.monotonic() - self._saved > _SAVE_EVERY:
            self.save()

    def save(self) -> None:
        self.store.meta_set(
            PENDING_KEY,
            json.dumps(
                {str(k): [v.attempts, round(v.next_at)] for k, v in sorted(self.items.items())},
                separators=(",", ":"),
            ),
        )
        self._dirty = False
        self._saved = time.monotonic()
