"""Subscriptions: `feeds`, `opml` and `fetch`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from reader.cli.common import CliError, ProgressDisplay, file_error, note, progress, say
from reader.models import Feed
from reader.session import Session
from reader.store import Store
from reader.text.i18n import _, ngettext, number, shown
from reader.text.plural import counted

if TYPE_CHECKING:
    from reader.sources.refresh import RefreshOptions, RefreshReport


def register(sub: argparse._SubParsersAction) -> None:
    """Add `feeds`, `opml` and `fetch` to the main command's subparsers."""
    feeds = sub.add_parser("feeds", help=_("manage feed subscriptions"))
    feeds_sub = feeds.add_subparsers(title=_("feeds commands"), metavar="COMMAND", required=True)

    p = feeds_sub.add_parser("add", help=_("subscribe to an RSS or Atom feed"))
    p.add_argument("url", metavar="URL")
    p.add_argument("--title", help=_("name to show instead of the feed's own title"))
    p.add_argument("--category", help=_('folder, "/" separates levels (e.g. "News/World")'))
    p.set_defaults(func=cmd_feeds_add)

    p = feeds_sub.add_parser("list", help=_("print subscriptions"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.set_defaults(func=cmd_feeds_list)

    p = feeds_sub.add_parser("remove", help=_("unsubscribe (articles already fetched are kept)"))
    p.add_argument("feed", metavar="URL|ID")
    p.set_defaults(func=cmd_feeds_remove)

    opml = sub.add_parser("opml", help=_("import or export subscriptions as OPML"))
    opml_sub = opml.add_subparsers(title=_("opml commands"), metavar="COMMAND", required=True)
    p = opml_sub.add_parser("import", help=_("subscribe to every feed in an OPML file"))
    p.add_argument("file", metavar="FILE", help=_("OPML file ('-' reads stdin)"))
    p.set_defaults(func=cmd_opml_import)
    p = opml_sub.add_parser("export", help=_("write subscriptions as OPML 2.0"))
    p.add_argument("file", metavar="FILE", nargs="?", help=_("output file (default: stdout)"))
    p.set_defaults(func=cmd_opml_export)

    p = sub.add_parser("fetch", help=_("refresh feeds (all when none is named)"))
    p.add_argument("feeds", metavar="URL|ID", nargs="*")
    p.add_argument(
        "--no-full-text",
        action="store_true",
        help=_("do not fetch linked pages for summary-only entries"),
    )
    p.add_argument("--workers", type=int, default=8, help=_("feeds fetched at once (default 8)"))
    p.add_argument(
        "--timeout", type=float, default=20.0, help=_("connect and read timeout in seconds")
    )
    p.add_argument(
        "--full-text-seconds",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help=_(
            "time for fetching linked pages once the feeds are done (default 60, 0: no "
            "limit); pages not reached wait for the next fetch"
        ),
    )
    p.add_argument("--no-index", action="store_true", help=_("do not update the search index"))
    p.set_defaults(func=cmd_fetch)


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
    raise CliError(
        _("no subscription {key}; `newsreader feeds list` shows them").format(key=repr(key))
    )


def cmd_feeds_add(args: argparse.Namespace, session: Session) -> int:
    from reader.sources.http import FetchError, check_url
    from reader.text.sanitize import clean_line

    store = session.store
    try:
        url = check_url(args.url)
    except FetchError as error:
        raise CliError(
            _("cannot subscribe to {url}: {error}").format(url=repr(args.url), error=error)
        ) from None
    existing = {feed.url for feed in store.feeds()}
    title = clean_line(args.title) if args.title else None
    category = clean_line(args.category) if args.category else None
    feed = store.add_feed(url, title or None, category or None)
    verb = _("already subscribed") if url in existing else _("subscribed")
    print(f"{verb}: {feed.id} {feed.url}" + (f" ({feed.title})" if feed.title else ""))
    if url not in existing:
        print(_("run `newsreader fetch {id}` to fetch it now").format(id=feed.id))
    return 0


def cmd_feeds_list(args: argparse.Namespace, session: Session) -> int:
    feeds = session.store.feeds()
    if args.json:
        for feed in feeds:
            record = {"id": feed.id, "url": feed.url, "title": feed.title}
            record["category"] = feed.category
            print(json.dumps(record, ensure_ascii=False))
        return 0
    if not feeds:
        print(_("no subscriptions; add one with `newsreader feeds add URL`"), file=sys.stderr)
        return 0
    for feed in feeds:
        folder = f"[{feed.category}] " if feed.category else ""
        print(f"{feed.id:>5}  {folder}{feed.title or _('(untitled)')}  {feed.url}")
    return 0


def cmd_feeds_remove(args: argparse.Namespace, session: Session) -> int:
    feed = _find_feed(session.store, args.feed)
    session.store.remove_feed(feed.id)
    print(
        _("unsubscribed: {id} {url} (its articles stay in the library)").format(
            id=feed.id, url=feed.url
        )
    )
    return 0


# -- opml -------------------------------------------------------------------------------------
def cmd_opml_import(args: argparse.Namespace, session: Session) -> int:
    from reader.sources.opml import OpmlError, import_opml

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise file_error(error) from None
    try:
        report = import_opml(session.store, data)
    except OpmlError as error:
        raise CliError(f"{args.file}: {error}") from None
    for url, reason in report.skipped:
        say(_("skipped {url}: {reason}").format(url=url, reason=reason))
    subscribed = counted(
        len(report.added), "subscribed to {count} feed", "subscribed to {count} feeds"
    )
    existing = number(len(report.existing), grouped=False)
    summary = _("{subscribed}; {existing} already subscribed").format(
        subscribed=subscribed, existing=existing
    )
    if report.skipped:
        summary += _("; {skipped} skipped").format(
            skipped=number(len(report.skipped), grouped=False)
        )
    print(summary)
    return 0


def cmd_opml_export(args: argparse.Namespace, session: Session) -> int:
    from reader.sources.opml import export_opml

    feeds = session.store.feeds()
    text = export_opml(feeds)
    if args.file and args.file != "-":
        try:
            Path(args.file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise file_error(error) from None
        wrote = ngettext(
            "wrote {count} subscription to {file}",
            "wrote {count} subscriptions to {file}",
            len(feeds),
        )
        print(
            wrote.format(count=number(len(feeds), grouped=False), file=args.file), file=sys.stderr
        )
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
        print("\n" + _("newsreader: stopping after the requests in flight…"), file=sys.stderr)

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def _fetch_options(args: argparse.Namespace) -> RefreshOptions:
    from reader.sources.http import FetchLimits
    from reader.sources.refresh import RefreshOptions

    if args.workers < 1:
        raise CliError(_("--workers must be at least 1"))
    if args.timeout <= 0:
        raise CliError(_("--timeout must be positive"))
    if args.full_text_seconds < 0:
        raise CliError(_("--full-text-seconds must not be negative"))
    limits = FetchLimits()
    limits = replace(
        limits,
        connect_timeout=args.timeout,
        read_timeout=args.timeout,
        total_timeout=max(limits.total_timeout, 3 * args.timeout),
    )
    return RefreshOptions(
        workers=args.workers,
        limits=limits,
        full_text=not args.no_full_text,
        full_text_seconds=args.full_text_seconds or None,
    )


def cmd_fetch(args: argparse.Namespace, session: Session) -> int:
    options = _fetch_options(args)
    store = session.store
    if args.feeds:
        chosen = list(
            {feed.id: feed for feed in (_find_feed(store, k) for k in args.feeds)}.values()
        )
    else:
        chosen = store.feeds()
        if not chosen:
            raise CliError(
                _(
                    "no subscriptions; add one with `newsreader feeds add URL` "
                    "or `newsreader opml import FILE`"
                )
            )
    with _cancel_on_interrupt() as cancel, progress(phases=True) as show:
        report, not_indexed = _refresh(session, chosen, options, show, cancel, not args.no_index)
    _print_full_text(report)
    if not_indexed:
        note(
            _("search index not updated ({reason}); it catches up at the next search").format(
                reason=not_indexed
            )
        )
    return 1 if report.failed else 0


def _refresh(
    session: Session,
    chosen: list[Feed],
    options: RefreshOptions,
    show: ProgressDisplay,
    cancel: threading.Event,
    index: bool,
) -> tuple[RefreshReport, str]:
    """Refresh, then index what changed. Returns the report and, when the index could not
    be brought in step, why: the articles are stored all the same, and the index catches
    up later, so that is not a failure of the fetch."""
    feeds_done: list[RefreshReport] = []

    def on_feeds_done(report: RefreshReport) -> None:
        feeds_done.append(report)
        _print_feeds(report)  # as soon as the feeds are in, before any linked page

    try:
        report, synced = session.refresh_feeds(
            chosen,
            options=options,
            on_progress=show.event,
            on_feeds_done=on_feeds_done,
            cancelled=cancel.is_set,
            index=index,
        )
    except Exception as error:
        # Indexing comes last: after the feeds and, when it runs, the full-text step.
        indexing = feeds_done and (feeds_done[0].full_text is not None or not options.full_text)
        if not indexing:
            raise
        return feeds_done[0], shown(error)
    return report, shown(synced.note) if synced is not None and synced.locked else ""


def _print_feeds(report: Any) -> None:
    from reader.text.sanitize import clean_line

    counts = {"ok": 0, "unchanged": 0, "failed": 0, "cancelled": 0}
    # Translators: a fetch's verdict on each feed, printed in a column before the feed.
    words = {
        "ok": _("ok"),
        "unchanged": _("unchanged"),
        "cancelled": _("cancelled"),
        "failed": _("failed"),
    }
    width = max(len(word) for word in words.values()) + 2
    for result in report.results:
        counts[result.status] += 1
        label = clean_line(result.label)
        status = words.get(result.status, words["failed"]).ljust(width)
        if result.status == "ok":
            print(f"{status}{label}: {_feed_detail(result)}")
        elif result.status == "unchanged":
            print(status + _("{feed} (not modified)").format(feed=label))
        elif result.status == "cancelled":
            print(f"{status}{label}")
        else:
            error = clean_line(result.error or _("unknown error"))
            print(f"{status}{label}: {error}")
            say(f"{clean_line(result.feed.url)}: {error}")
    summary = _("{feeds}: {ok} ok, {unchanged} unchanged, {failed} failed").format(
        feeds=counted(len(report.results), "{count} feed", "{count} feeds"),
        ok=number(counts["ok"], grouped=False),
        unchanged=number(counts["unchanged"], grouped=False),
        failed=number(counts["failed"], grouped=False),
    )
    if counts["cancelled"]:
        summary += _(", {cancelled} cancelled").format(
            cancelled=number(counts["cancelled"], grouped=False)
        )
    summary += _("; {new}, {updated} updated").format(
        new=counted(report.added, "{count} new article", "{count} new articles"),
        updated=number(report.updated, grouped=False),
    )
    print(summary, flush=True)


def _feed_detail(result: Any) -> str:
    """What a fetch brought from one feed: "3 new, 1 updated, 2 need full text"."""
    detail = _("{added} new, {updated} updated").format(
        added=number(result.added, grouped=False), updated=number(result.updated, grouped=False)
    )
    if result.full_text_queued:
        detail += _(", {needs}").format(
            needs=counted(
                result.full_text_queued, "{count} needs full text", "{count} need full text"
            )
        )
    if result.skipped:
        detail += _(", only the first {read} of {entries} entries read").format(
            read=number(result.entries - result.skipped), entries=number(result.entries)
        )
    return detail


def _print_full_text(report: Any) -> None:
    """E.g. `full text: 3 fetched, 2 failed; 5 pages waiting for a retry (the next in 1 hour)`."""
    line = report.full_text_summary
    if line:
        print(line)
