"""Refreshing subscriptions: fetch every feed, store its entries, then fetch full texts.

`refresh_feeds` is the entry point for the CLI and the app: it fetches in a bounded thread
pool, stores on the calling thread, and reports through callbacks, never by printing. The app
runs it in a worker thread and shows new articles as `on_articles` reports them. Parsing and
conversion are `reader.sources.feeds`'s job; the full text is `reader.sources.fulltext`'s.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Literal

from reader.models import Feed
from reader.sources.feeds import ConvertedEntry, FeedFormatError, entries_to_articles, parse_feed
from reader.sources.fulltext import FullTextReport, describe, fetch_full_texts
from reader.sources.fulltext_queue import MAX_ATTEMPTS, PendingQueue
from reader.sources.html import inline_text
from reader.sources.http import Fetcher, FetchError, FetchLimits
from reader.store import Store
from reader.text.i18n import _

__all__ = [
    "FEED_ACCEPT",
    "FeedResult",
    "Progress",
    "RefreshOptions",
    "RefreshReport",
    "refresh_feeds",
]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)

Status = Literal["ok", "unchanged", "failed", "cancelled"]


MAX_ENTRIES_PER_FEED = 5_000  # read per refresh; real feeds carry tens to hundreds


@dataclass(slots=True)
class FeedResult:
    """What one refresh did to one feed."""

    feed: Feed
    status: Status = "ok"
    added: int = 0
    updated: int = 0
    entries: int = 0  # entries in the document (0 when unchanged)
    error: str | None = None
    url: str | None = None  # after redirects
    parser: str | None = None
    ids: list[int] = field(default_factory=list)  # added or updated articles
    full_text_queued: int = 0
    seconds: float = 0.0
    skipped: int = 0  # entries past MAX_ENTRIES_PER_FEED, not read

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def label(self) -> str:
        return self.feed.title or self.feed.url


@dataclass(frozen=True, slots=True)
class Progress:
    """A step of a refresh, for progress bars. `phase` is "feeds" or "full_text"."""

    phase: Literal["feeds", "full_text"]
    done: int
    total: int
    label: str = ""
    result: FeedResult | None = None


@dataclass(frozen=True, slots=True)
class RefreshOptions:
    workers: int = 8  # concurrent feeds; per-host concurrency is limits.per_host
    limits: FetchLimits = field(default_factory=FetchLimits)
    full_text: bool = True
    full_text_workers: int = 4
    # Failed pages back off (1 h, 4 h, 1 day...; see fulltext_queue.BACKOFF); after this many
    # attempts, about a week, an article keeps its summary for good.
    full_text_max_attempts: int = MAX_ATTEMPTS
    full_text_limit: int | None = None  # at most this many pages per refresh (None: all)
    # Seconds the full-text step may take, after the feeds are done (None: no bound). Pages
    # not reached wait for the next refresh, without penalty.
    full_text_seconds: float | None = 60.0


@dataclass(slots=True)
class RefreshReport:
    results: list[FeedResult] = field(default_factory=list)
    full_text: FullTextReport | None = None  # when the full-text step ran

    @property
    def failed(self) -> list[FeedResult]:
        return [r for r in self.results if r.failed]

    @property
    def added(self) -> int:
        return sum(r.added for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.results)

    @property
    def full_text_summary(self) -> str:
        """The full-text step in one line ("" when it did not run or had nothing to do)."""
        return describe(self.full_text) if self.full_text is not None else ""


@dataclass(slots=True)
class _Fetched:
    """The worker's part: network and parsing, no store access."""

    feed: Feed
    not_modified: bool = False
    converted: list[ConvertedEntry] = field(default_factory=list)
    parsed_title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    url: str | None = None
    parser: str | None = None
    entries: int = 0
    skipped: int = 0
    error: str | None = None
    started: float = 0.0
    body: bytes = b""
    charset: str | None = None


def _download(fetcher: Fetcher, feed: Feed, cancelled: Callable[[], bool] | None) -> _Fetched:
    """The pool's part: network only, so the GIL stays free for parsing and storing."""
    work = _Fetched(feed, started=time.monotonic())
    try:
        if cancelled is not None and cancelled():
            raise FetchError("cancelled")
        response = fetcher.get(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            accept=FEED_ACCEPT,
            cancelled=cancelled,
        )
        work.url = response.url
        work.etag = response.etag
        work.last_modified = response.last_modified
        work.not_modified = response.not_modified
        work.body = response.body
        work.charset = response.charset
    except FetchError as error:
        work.error = str(error)
    except Exception as error:  # noqa: BLE001 - one odd feed must not stop the others
        work.error = _unexpected(error)
    return work


def _unexpected(error: Exception) -> str:
    return _("unexpected error: {error}").format(
        error=f"{type(error).__name__}: {str(error)[:200]}"
    )


def _digest(work: _Fetched) -> None:
    """Parse and convert a downloaded feed (not for a 304: that costs no parsing)."""
    if work.error is not None or work.not_modified:
        return
    try:
        url = work.url or work.feed.url
        parsed = parse_feed(work.body, url=url, charset=work.charset)
        work.parser = parsed.parser
        work.entries = len(parsed.entries)
        work.parsed_title = inline_text(parsed.title) if parsed.title else None
        if not parsed.entries and parsed.title is None:
            raise FeedFormatError(_("not an RSS or Atom feed (no title, no entries)"))
        if len(parsed.entries) > MAX_ENTRIES_PER_FEED:
            # Feeds list their newest entries first; a flood past this would hold up the
            # storing of every other feed (stores run one after another).
            work.skipped = len(parsed.entries) - MAX_ENTRIES_PER_FEED
            parsed = replace(parsed, entries=parsed.entries[:MAX_ENTRIES_PER_FEED])
        work.converted = entries_to_articles(parsed, work.feed, base_url=url)
    except FeedFormatError as error:
        work.error = str(error)
    except Exception as error:  # noqa: BLE001 - one odd feed must not stop the others
        work.error = _unexpected(error)
    finally:
        work.body = b""  # parsed: free the memory


def _store_one(store: Store, work: _Fetched, queue: PendingQueue) -> FeedResult:
    feed = work.feed
    result = FeedResult(
        feed, url=work.url, parser=work.parser, entries=work.entries, skipped=work.skipped
    )
    result.seconds = time.monotonic() - work.started
    if work.error is not None:
        result.status = "cancelled" if work.error == "cancelled" else "failed"
        result.error = work.error
        return result
    if work.not_modified:
        result.status = "unchanged"
        return result
    full = [c.article for c in work.converted if not c.summary_only]
    teasers = [c.article for c in work.converted if c.summary_only]
    if full:
        added = store.add_articles(full, update=True)
        result.added += added.added
        result.updated += added.updated
        result.ids.extend(added.ids)
    if teasers:
        # Never update teasers in place: that would put the summary back over a full text
        # fetched earlier. New ones get queued for their full text.
        added = store.add_articles(teasers, update=False)
        result.added += added.added
        result.ids.extend(added.ids)
        result.full_text_queued = len(added.ids)
        queue.add(added.ids)
    # The validators are saved only after the articles: a crash in between costs a refetch,
    # never a lost entry.
    title = feed.title or work.parsed_title
    changed = replace(feed, title=title, etag=work.etag, last_modified=work.last_modified)
    if changed != feed:
        store.update_feed(changed)
        result.feed = changed
    return result


def refresh_feeds(
    store: Store,
    feeds: Iterable[Feed] | None = None,
    *,
    options: RefreshOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_articles: Callable[[Sequence[int]], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_feeds_done: Callable[[RefreshReport], None] | None = None,
    now: float | None = None,
) -> RefreshReport:
    """Fetch `feeds` (all subscriptions when None), store new and changed entries.

    Network and parsing run in a bounded pool; every store write and every callback happens
    on the calling thread, so an app can call this from one worker thread and forward the
    callbacks to its UI. `on_articles` receives the ids of articles added or changed, feed by
    feed, as they are stored. `cancelled` is polled; once it returns True no new feed starts
    and the remaining ones are reported as "cancelled".

    Full text never holds the feeds up: it starts only once every feed is stored and
    `on_feeds_done` has received the report (its `results` final, `full_text` still None).
    Then, unless options.full_text is False, the full text of summary-only entries that are
    due (new ones, and earlier failures whose backoff has passed at `now`, Unix time,
    default the clock) is fetched, within options.full_text_seconds.
    """
    options = options or RefreshOptions()
    chosen = list(store.feeds() if feeds is None else feeds)
    report = RefreshReport()
    queue = PendingQueue(store)
    with Fetcher(options.limits) as fetcher:
        try:
            if chosen:
                _refresh_each(
                    store,
                    fetcher,
                    chosen,
                    options,
                    queue,
                    report,
                    on_progress,
                    on_articles,
                    cancelled,
                )
        finally:
            queue.save()  # even on an error: stored teasers must stay queued
        order = {feed.id: n for n, feed in enumerate(chosen)}
        report.results.sort(key=lambda r: order.get(r.feed.id, 0))
        if on_feeds_done is not None:
            on_feeds_done(report)
        if options.full_text and not (cancelled is not None and cancelled()):
            report.full_text = fetch_full_texts(
                store,
                fetcher=fetcher,
                workers=options.full_text_workers,
                max_attempts=options.full_text_max_attempts,
                limit=options.full_text_limit,
                budget=options.full_text_seconds,
                now=now,
                on_page=_full_text_progress(on_progress),
                on_articles=on_articles,
                cancelled=cancelled,
            )
    return report


def _full_text_progress(
    on_progress: Callable[[Progress], None] | None,
) -> Callable[[int, int, str], None] | None:
    """The full-text step's (done, total, url) reports, as this module's `Progress`."""
    if on_progress is None:
        return None
    return lambda done, total, url: on_progress(Progress("full_text", done, total, url))


def _refresh_each(
    store: Store,
    fetcher: Fetcher,
    chosen: list[Feed],
    options: RefreshOptions,
    queue: PendingQueue,
    report: RefreshReport,
    on_progress: Callable[[Progress], None] | None,
    on_articles: Callable[[Sequence[int]], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    total = len(chosen)
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, total))) as pool:
        futures: dict[Future[_Fetched], Feed] = {
            pool.submit(_download, fetcher, feed, cancelled): feed for feed in chosen
        }
        for done, future in enumerate(as_completed(futures), 1):
            if future.cancelled():
                result = FeedResult(futures[future], "cancelled", error="cancelled")
            else:
                # Parsing here, not in the pool: one thread holding the GIL for parsing and
                # storing beats a convoy of threads contending for it (measured: -15%).
                work = future.result()
                _digest(work)
                result = _store_one(store, work, queue)
            report.results.append(result)
            if result.ids and on_articles is not None:
                on_articles(list(result.ids))
            if on_progress is not None:
                on_progress(Progress("feeds", done, total, result.label, result))
            if cancelled is not None and cancelled():
                for other in futures:
                    other.cancel()
