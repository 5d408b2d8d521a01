"""What the workers tell the main screen. Messages flow up; the screen decides.

Every message is a plain dataclass, posted from a worker (`post_message` is thread-safe)
after checking the worker was not cancelled. The index messages come from the worker that
runs the indexer process (`newsreader index --progress json`) and reads its lines.
Handlers drop stale ones: an answer to a query no longer in the box, say. Tests and
benchmarks watch these messages through `App.run_test(message_hook=...)`. They do not
bubble: each is seen once, at the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from reader.session import IndexSync
    from reader.sources.refresh import Progress, RefreshReport


@dataclass(eq=False)
class SearchAnswered(Message, bubble=False):
    """The first page of results for `query`."""

    query: str
    results: Any  # reader.search.index.SearchResults


@dataclass(eq=False)
class SearchFailed(Message, bubble=False):
    """`query` could not be answered; `message` says why, for people.

    `damaged`: the index is missing or damaged, and rebuilding it would help."""

    query: str
    message: str
    damaged: bool = False


@dataclass(eq=False)
class IndexProgress(Message, bubble=False):
    """Indexing: `done` of `total` articles (total 0 while unknown). `committed`: how many
    articles the indexer has made searchable so far; when it grows, searches see more."""

    done: int
    total: int
    committed: int = 0


@dataclass(eq=False)
class IndexDone(Message, bubble=False):
    """The index is in step with the store (or another process holds it: `sync.locked`)."""

    sync: IndexSync


@dataclass(eq=False)
class FeedsProgress(Message, bubble=False):
    """A step of a feed refresh (feeds fetched, or full-text pages)."""

    progress: Progress


@dataclass(eq=False)
class ArticlesArrived(Message, bubble=False):
    """Articles were added or changed by a refresh: the list counts again."""

    ids: tuple[int, ...]


@dataclass(eq=False)
class FeedsStored(Message, bubble=False):
    """Every feed was fetched and stored; full text and indexing may still follow."""

    report: RefreshReport


@dataclass(eq=False)
class FeedsDone(Message, bubble=False):
    """The whole refresh is over: full text fetched, the index brought in step (`sync`,
    None when nothing changed or this window does not own the index)."""

    report: RefreshReport
    sync: IndexSync | None


@dataclass(eq=False)
class RelatedFound(Message, bubble=False):
    """Related stories of the article `article_id`: (article id, as the pane lists it)."""

    article_id: int
    related: tuple[tuple[int, Any], ...]  # Any: reader.text.article.RelatedItem
