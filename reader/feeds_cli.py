"""Subcommands for subscriptions: `feeds`, `opml` and `fetch`. Printing happens here only.

`register()` adds them to the main parser; every handler returns an exit code and reports
problems as one line on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from reader.models import Feed
from reader.store import Store
from reader.text.plural import counted

__all__ = ["register"]

OpenStore = Callable[[argparse.Namespace], Store]


class _Failure(Exception):
    """Reported as `newsreader: error: <message>` and exit status 1."""


def _error(message: str) -> int:
    print(f"newsreader: error: {message}", file=sys.stderr)
    return 1


def _guarded(
    handler: Callable[[argparse.Namespace, Store], int], open_store: OpenStore
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args, open_store(args))
        except _Failure as error:
            return _error(str(error))
        except OSError as error:  # unreadable/unwritable files: one line, no traceback
            where = f"{error.filename}: " if error.filename else ""
            return _error(f"{where}{error.strerror or error}")

    return run


def register(subparsers: argparse._SubParsersAction, open_store: OpenStore) -> None:
    """Add `feeds`, `opml` and `fetch` to the main command's subparsers."""
    feeds = subparsers.add_parser("feeds", help="manage feed subscriptions")
    feeds_sub = feeds.add_subparsers(title="feeds commands", metavar="COMMAND", required=True)

    p = feeds_sub.add_parser("add", help="subscribe to an RSS or Atom feed")
    p.add_argument("url", metavar="URL")
    p.add_argument("--title", help="name to show instead of the feed's own title")
    p.add_argument("--category", help='folder, "/" separates levels (e.g. "News/World")')
    p.set_defaults(func=_guarded(_feeds_add, open_store))

    p = feeds_sub.add_parser("list", help="print subscriptions")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=_guarded(_feeds_list, open_store))

    p = feeds_sub.add_parser("remove", help="unsubscribe (articles already fetched are kept)")
    p.add_argument("feed", metavar="URL|ID")
    p.set_defaults(func=_guarded(_feeds_remove, open_store))

    opml = subparsers.add_parser("opml", help="import or export subscriptions as OPML")
    opml_sub = opml.add_subparsers(title="opml commands", metavar="COMMAND", required=True)
    p = opml_sub.add_parser("import", help="subscribe to every feed in an OPML file")
    p.add_argument("file", metavar="FILE", help="OPML file ('-' reads stdin)")
    p.set_defaults(func=_guarded(_opml_import, open_store))
    p = opml_sub.add_parser("export", help="write subscriptions as OPML 2.0")
    p.add_argument("file", metavar="FILE", nargs="?", help="output file (default: stdout)")
    p.set_defaults(func=_guarded(_opml_export, open_store))

    p = subparsers.add_parser("fetch", help="refresh feeds (all when none is named)")
    p.add_argument("feeds", metavar="URL|ID", nargs="*")
    p.add_argument(
        "--no-full-text",
        action="store_true",
        help="do not fetch linked pages for summary-only entries",
    )
    p.add_argument("--workers", type=int, default=8, help="feeds fetched at once (default 8)")
    p.add_argument(
        "--timeout", type=float, default=20.0, help="connect and read timeout in seconds"
    )
    p.add_argument(
        "--full-text-seconds",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="time for fetching linked pages once the feeds are done (default 60, 0: no "
        "limit); pages not reached wait for the next fetch",
    )
    p.add_argument("--no-index", action="store_true", help="do not update the search index")
    p.set_defaults(func=_guarded(_fetch, open_store))


# -- feeds ------------------------------------------------------------------------------------
def _find_feed(store: Store, key: str) -> Feed:
    feeds = store.feeds()
    if key.isdigit():
        for feed in feeds:
            if feed.id == int(key):
                return feed
    for feed in feeds:
        if feed.url == key.strip():
            return feed
    raise _Failure(f"no subscription {key!r}; `newsreader feeds list` shows them")


def _feeds_add(args: argparse.Namespace, store: Store) -> int:
    from reader.sources.http import FetchError, check_url
    from reader.text.sanitize import clean_line

    try:
        url = check_url(args.url)
    except FetchError as error:
        raise _Failure(f"cannot subscribe to {args.url!r}: {error}") from None
    existing = {feed.url for feed in store.feeds()}
    title = clean_line(args.title) if args.title else None
    category = clean_line(args.category) if args.category else None
    feed = store.add_feed(url, title or None, category or None)
    verb = "already subscribed" if url in existing else "subscribed"
    print(f"{verb}: {feed.id} {feed.url}" + (f" ({feed.title})" if feed.title else ""))
    if url not in existing:
        print(f"run `newsreader fetch {feed.id}` to fetch it now")
    return 0


def _feeds_list(args: argparse.Namespace, store: Store) -> int:
    feeds = store.feeds()
    if args.json:
        for feed in feeds:
            record = {"id": feed.id, "url": feed.url, "title": feed.title}
            record["category"] = feed.category
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not feeds:
        print("no subscriptions; add one with `newsreader feeds add URL`", file=sys.stderr)
        return 0
    for feed in feeds:
        folder = f"[{feed.category}] " if feed.category else ""
        print(f"{feed.id:>5}  {folder}{feed.title or '(untitled)'}  {feed.url}")
    return 0


def _feeds_remove(args: argparse.Namespace, store: Store) -> int:
    feed = _find_feed(store, args.feed)
    store.remove_feed(feed.id)
    print(f"unsubscribed: {feed.id} {feed.url} (its articles stay in the library)")
    return 0


# -- opml -------------------------------------------------------------------------------------
def _opml_import(args: argparse.Namespace, store: Store) -> int:
    from reader.sources.opml import OpmlError, import_opml

    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        report = import_opml(store, data)
    except OpmlError as error:
        raise _Failure(f"{args.file}: {error}") from None
    for url, reason in report.skipped:
        print(f"newsreader: skipped {url}: {reason}", file=sys.stderr)
    print(
        f"subscribed to {counted(len(report.added), 'feed')}; "
        f"{len(report.existing)} already subscribed"
        + (f"; {len(report.skipped)} skipped" if report.skipped else "")
    )
    return 0


def _opml_export(args: argparse.Namespace, store: Store) -> int:
    from reader.sources.opml import export_opml

    feeds = store.feeds()
    text = export_opml(feeds)
    if args.file and args.file != "-":
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"wrote {counted(len(feeds), 'subscription')} to {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# -- fetch ------------------------------------------------------------------------------------
@contextmanager
def _cancel_on_interrupt() -> Iterator[threading.Event]:
    """First Ctrl-C asks the refresh to stop cleanly (queue saved); a second one aborts."""
    cancel = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\nnewsreader: stopping after the requests in flight…", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress_display() -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda event: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}", style="dim"),
        console=Console(stderr=True),
        transient=True,
        # The feeds' results are printed while the full-text bar runs: through the bar when
        # stdout is the terminal too (so they show above it), straight to a redirected stdout.
        redirect_stdout=sys.stdout.isatty(),
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(event: Any) -> None:
            if event.phase not in tasks:
                name = "Feeds" if event.phase == "feeds" else "Full text"
                tasks[event.phase] = bar.add_task(name, total=event.total or None, label="")
            from reader.text.sanitize import clean_line

            label = clean_line(event.label)[:50]
            bar.update(tasks[event.phase], completed=event.done, total=event.total, label=label)

        yield update


def _fetch(args: argparse.Namespace, store: Store) -> int:
    from reader.sources.http import FetchLimits
    from reader.sources.refresh import RefreshOptions, refresh_feeds

    if args.workers < 1:
        raise _Failure("--workers must be at least 1")
    if args.timeout <= 0:
        raise _Failure("--timeout must be positive")
    if args.full_text_seconds < 0:
        raise _Failure("--full-text-seconds must not be negative")
    if args.feeds:
        chosen = list(
            {feed.id: feed for feed in (_find_feed(store, k) for k in args.feeds)}.values()
        )
    else:
        chosen = store.feeds()
        if not chosen:
            raise _Failure(
                "no subscriptions; add one with `newsreader feeds add URL` "
                "or `newsreader opml import FILE`"
            )
    limits = FetchLimits()
    limits = replace(
        limits,
        connect_timeout=args.timeout,
        read_timeout=args.timeout,
        total_timeout=max(limits.total_timeout, 3 * args.timeout),
    )
    options = RefreshOptions(
        workers=args.workers,
        limits=limits,
        full_text=not args.no_full_text,
        full_text_seconds=args.full_text_seconds or None,
    )
    with _cancel_on_interrupt() as cancel, _progress_display() as show:
        # The feeds' results are printed as soon as they are in, before any linked page.
        report = refresh_feeds(
            store,
            chosen,
            options=options,
            on_progress=show,
            cancelled=cancel.is_set,
            on_feeds_done=_print_feeds,
        )
    _print_full_text(report)
    changed = report.added + report.updated + (report.full_text.fetched if report.full_text else 0)
    if changed and not args.no_index:
        _catch_up_index(args, store)
    return 1 if report.failed else 0


def _print_feeds(report: Any) -> None:
    from reader.text.sanitize import clean_line

    counts = {"ok": 0, "unchanged": 0, "failed": 0, "cancelled": 0}
    for result in report.results:
        counts[result.status] += 1
        label = clean_line(result.label)
        if result.status == "ok":
            detail = f"{result.added} new, {result.updated} updated"
            if result.full_text_queued:
                needs = "needs" if result.full_text_queued == 1 else "need"
                detail += f", {result.full_text_queued} {needs} full text"
            print(f"ok         {label}: {detail}")
        elif result.status == "unchanged":
            print(f"unchanged  {label} (not modified)")
        elif result.status == "cancelled":
            print(f"cancelled  {label}")
        else:
            print(f"failed     {label}: {clean_line(result.error or 'unknown error')}")
            error = clean_line(result.error or "unknown error")
            print(f"newsreader: {clean_line(result.feed.url)}: {error}", file=sys.stderr)
    summary = (
        f"{counted(len(report.results), 'feed')}: {counts['ok']} ok, "
        f"{counts['unchanged']} unchanged, "
        f"{counts['failed']} failed"
        + (f", {counts['cancelled']} cancelled" if counts["cancelled"] else "")
        + f"; {counted(report.added, 'new article')}, {report.updated} updated"
    )
    print(summary, flush=True)


def _print_full_text(report: Any) -> None:
    """E.g. `full text: 3 fetched, 2 failed; 5 pages waiting for a retry (the next in 1 hour)`."""
    line = report.full_text_summary
    if line:
        print(line)


def _catch_up_index(args: argparse.Namespace, store: Store) -> None:
    library = getattr(args, "library", None)
    session = getattr(args, "session", None)
    if library is None and session is None:
        return
    try:
        from reader.search.index import SearchIndex
    except ImportError:  # the search package is optional while it is being written
        return
    try:
        if session is not None:  # the CLI's session owns the index (and its lock)
            session.index.catch_up(store)
            return
        index = SearchIndex(library.index_dir)
        try:
            index.catch_up(store)
        finally:
            close = getattr(index, "close", None)
            if close is not None:
                close()
    except Exception as error:  # noqa: BLE001 - articles are stored; the index can catch up later
        print(
            f"newsreader: note: search index not updated ({error}); "
            "it catches up at the next search",
            file=sys.stderr,
        )
