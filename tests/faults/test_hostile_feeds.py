"""Hostile feed servers (a real HTTP server on 127.0.0.1): a feed never blocks the others,
and a whole refresh finishes within its stated bound.

The bound of one refresh, from its limits (reader/sources/http.py FetchLimits and
RefreshOptions): every feed of a wave (up to `workers` feeds) takes at most
`total_timeout` plus one blocking socket operation (`max(connect_timeout, read_timeout)`),
then parsing and storing; the full-text step takes at most `full_text_seconds` plus one
`read_timeout`. With the CLI defaults (60 s total, 20 s reads, 60 s of full text) one wave
is bounded by 80 s + 80 s; these tests use 3 s total, 2 s reads and 2 s of full text, so
5 s + 4 s, plus the time to parse and store (tens of seconds for 100,000 entries: see the
last test).

Covered elsewhere, not repeated here: redirects to other schemes and redirect limits
(tests/feeds/test_http.py), gzip bombs and bodies over the size limit (test_http.py), a page
redirecting to file:// (tests/feeds/test_fulltext.py), slow and hanging pages against the
full-text budget (test_fulltext.py), escape sequences and markup in feed titles
(tests/feeds/test_refresh.py).
"""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler

from reader.sources.http import FetchLimits
from reader.sources.refresh import MAX_ENTRIES_PER_FEED, Progress, RefreshOptions, refresh_feeds
from reader.store import Store
from tests.feeds.conftest import FeedServer, Route, item, rss, trickling

# Reads may wait 2 s, so the one-byte-a-second trickle meets the total deadline, not them.
LIMITS = FetchLimits(connect_timeout=1.0, read_timeout=2.0, total_timeout=3.0)
OPTIONS = RefreshOptions(limits=LIMITS, full_text_seconds=2.0)
FEEDS_BOUND = LIMITS.total_timeout + max(LIMITS.connect_timeout, LIMITS.read_timeout)
FULL_TEXT_BOUND = 2.0 + LIMITS.read_timeout
PROMPT = 1.5  # seconds: a good feed is stored within this, whatever the others do


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nobody serves it


def redirect_to(location: str):
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


def huge_page(request: BaseHTTPRequestHandler) -> None:
    """A 50 MB page, chunked (no Content-Length to refuse it by)."""
    request.send_response(200)
    request.send_header("Content-Type", "text/html")
    request.send_header("Transfer-Encoding", "chunked")
    request.end_headers()
    chunk = b"<p>" + b"words " * 10_000 + b"</p>"
    try:
        for _ in range(50 * 1024 * 1024 // len(chunk)):
            request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        request.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the client hung up at its limit, as it should


class Clock:
    """When each feed was stored, seconds after the refresh started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stored: dict[str, float] = {}

    def __call__(self, progress: Progress) -> None:
        if progress.phase == "feeds" and progress.result is not None:
            self.stored[progress.result.feed.url] = time.monotonic() - self.started


def test_hostile_feeds_fail_alone_and_the_refresh_stays_bounded(
    server: FeedServer, store: Store
) -> None:
    server.routes["/good"] = Route(rss(item(1) + item(2), title="Good"))
    server.routes["/to-file"] = Route(handler=redirect_to("file:///etc/passwd"))
    server.routes["/to-nowhere"] = Route(
        handler=redirect_to(f"http://127.0.0.1:{unused_port()}/feed")
    )
    server.routes["/trickle"] = Route(
        handler=trickling(server, every=1.0, content_type="application/rss+xml")
    )
    # A teaser whose linked page is 50 MB: the page is cut at max_bytes (20 MiB).
    server.routes["/teaser"] = Route(
        rss(item(3, body="<p>Teaser only. Read more…</p>", link=server.url("/huge")))
    )
    server.routes["/huge"] = Route(handler=huge_page)
    for path in ("/trickle", "/to-file", "/to-nowhere", "/good", "/teaser"):
        store.add_feed(server.url(path))

    clock = Clock()
    report = refresh_feeds(store, options=OPTIONS, on_progress=clock)
    took = time.monotonic() - clock.started

    by_path = {r.feed.url.rsplit("/", 1)[1]: r for r in report.results}
    assert by_path["good"].added == 2 and by_path["teaser"].added == 1
    assert clock.stored[server.url("/good")] < PROMPT, clock.stored  # not held up
    assert clock.stored[server.url("/teaser")] < PROMPT, clock.stored
    assert by_path["to-file"].error.startswith(
        "redirect refused: only http:// and https:// URLs are allowed (file://)"
    )
    assert by_path["to-nowhere"].error == "connection refused"
    assert by_path["trickle"].error == "timed out (no complete response in 3 s)"
    assert clock.stored[server.url("/trickle")] < FEEDS_BOUND + 0.5
    full = report.full_text
    assert full.failed == 1 and "response larger than 20 MiB" in full.errors[0][2]
    (teaser,) = (store.get(i) for i in by_path["teaser"].ids)
    assert teaser.body == "Teaser only. Read more…"  # keeps its summary
    assert store.count() == 3
    assert took < FEEDS_BOUND + FULL_TEXT_BOUND + 1.0, took


def test_a_feed_of_100000_items_does_not_hold_up_the_others(server: FeedServer, store: Store):
    """13 MB, 100,000 items: the first MAX_ENTRIES_PER_FEED (feeds list the newest first)
    are stored, the rest are counted as skipped, so the flood costs its parse (about 10 s
    on two busy cores) and not the half minute that converting and storing 100,000 took.
    Bound asserted: 30 s. The small feed beside it is stored too."""
    items = "".join(
        f"<item><title>Item {n}</title><link>http://example.org/{n}</link>"
        f"<guid>urn:item:{n}</guid><description>Short item {n}.</description></item>"
        for n in range(100_000)
    )
    body = rss(items, title="Flood")
    assert len(body) < LIMITS.max_bytes
    server.routes["/flood"] = Route(body)
    server.routes["/small"] = Route(rss(item(1), title="Small"))
    store.add_feed(server.url("/flood"))
    store.add_feed(server.url("/small"))
    clock = Clock()
    report = refresh_feeds(store, options=OPTIONS, on_progress=clock)
    took = time.monotonic() - clock.started
    flood, small = report.results
    kept = MAX_ENTRIES_PER_FEED
    assert (flood.status, flood.entries, flood.added) == ("ok", 100_000, kept)
    assert flood.skipped == 100_000 - kept
    assert store.get(flood.ids[0]).title == "Item 0"  # the first (newest) ones are kept
    assert small.added == 1
    assert store.count() == kept + 1
    assert took < 30, took
