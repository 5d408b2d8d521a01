"""Refreshing feeds over a real HTTP server on 127.0.0.1: each bad feed fails on its own."""

from __future__ import annotations

import functools
import gzip
import time
from http.server import BaseHTTPRequestHandler

import pytest

from reader.models import Feed
from reader.sources import refresh as refresh_module
from reader.sources.refresh import RefreshOptions, refresh_feeds
from reader.store import Store
from tests.feeds.conftest import FAST, FeedServer, Route, hanging, item, rss

OPTIONS = RefreshOptions(workers=8, limits=FAST, full_text=False)

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">'
        for i in range(1, 10)
    )
    + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    "<link>http://example.org/a</link></item></channel></rss>"
).encode()


def _redirect(target: str):
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


@functools.cache
def _bomb() -> bytes:
    # 100 MB of zeros compress to ~100 KB; the limit is 200 KB decompressed. Made once, up
    # front, so the server answers at once (the client's read timeout is 1 s).
    return gzip.compress(b"<" + b"\0" * 100_000_000, compresslevel=9)


def _gzip_bomb(request: BaseHTTPRequestHandler) -> None:
    body = _bomb()
    request.send_response(200)
    request.send_header("Content-Type", "application/rss+xml")
    request.send_header("Content-Encoding", "gzip")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def _subscribe(store: Store, server: FeedServer, paths: list[str]) -> dict[str, Feed]:
    return {path: store.add_feed(server.url(path)) for path in paths}


def _results(report) -> dict[str, object]:
    return {result.feed.url.rsplit("/", 1)[-1]: result for result in report.results}


def test_each_bad_feed_fails_alone_and_good_ones_succeed(server: FeedServer, store: Store):
    good = rss(item(1) + item(2), title="Good")
    _bomb()
    server.routes = {
        "/good": Route(good),
        "/good-gzip": Route(rss(item(3), title="Gzipped"), gzip=True),
        "/malformed": Route(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T'),
        "/html": Route(
            b"<!DOCTYPE html><html><head><title>Blog</title>"
            b'<link rel="alternate" type="application/rss+xml" href="/good"></head>'
            b"<body><p>Hello</p></body></html>",
            content_type="text/html",
        ),
        "/404": Route(b"no", status=404, content_type="text/plain"),
        "/410": Route(b"gone", status=410, content_type="text/plain"),
        "/500": Route(b"oops", status=500, content_type="text/plain"),
        "/loop-a": Route(handler=_redirect("/loop-b")),
        "/loop-b": Route(handler=_redirect("/loop-a")),
        "/hang": Route(handler=hanging(server)),
        "/huge": Route(rss(item("x", body="<p>" + "word " * 100_000 + "</p>"))),
        "/laughs": Route(LAUGHS),
        "/bomb": Route(handler=_gzip_bomb),
        "/to-file": Route(handler=_redirect("file:///etc/passwd")),
        "/empty": Route(b""),
    }
    _subscribe(store, server, list(server.routes))
    started = time.monotonic()
    report = refresh_feeds(store, options=OPTIONS)
    elapsed = time.monotonic() - started
    results = _results(report)

    assert results["good"].status == "ok" and results["good"].added == 2
    assert results["good-gzip"].status == "ok" and results["good-gzip"].added == 1
    expected_errors = {
        "malformed": "not an RSS or Atom feed",
        "html": "got a web page (HTML), not a feed; the page names a feed at "
        + server.url("/good"),
        "404": "HTTP 404",
        "410": "HTTP 410",
        "500": "HTTP 500",
        "loop-a": "redirect loop",
        "loop-b": "redirect loop",
        "hang": "timed out",
        "huge": "response larger than",
        "laughs": "declares XML entities",
        "bomb": "after decompression",
        "to-file": "redirect refused: only http:// and https:// URLs are allowed (file://)",
        "empty": "empty response",
    }
    for name, expected in expected_errors.items():
        result = results[name]
        assert result.status == "failed", (name, result)
        assert expected in (result.error or ""), (name, result.error)
        assert "\n" not in (result.error or "")
    assert len(report.failed) == len(expected_errors)
    assert store.count() == 3
    assert elapsed < 8  # the hanging server costs one read timeout, not the whole refresh


def test_conditional_get_second_fetch_is_304_without_parsing(
    server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch
):
    server.routes["/feed"] = Route(
        rss(item(1)), etag='"v1"', headers={"Last-Modified": "Mon, 06 Sep 2021 16:45:00 GMT"}
    )
    (feed,) = _subscribe(store, server, ["/feed"]).values()
    first = refresh_feeds(store, options=OPTIONS)
    assert first.results[0].status == "ok" and first.results[0].added == 1
    stored = store.feeds()[0]
    assert stored.etag == '"v1"'
    assert stored.last_modified == "Mon, 06 Sep 2021 16:45:00 GMT"
    assert stored.title == "Test Feed"  # taken from the feed when the user gave none

    calls = []
    original = refresh_module.parse_feed
    monkeypatch.setattr(
        refresh_module, "parse_feed", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    second = refresh_feeds(store, options=OPTIONS)
    assert second.results[0].status == "unchanged"
    assert calls == []  # no parsing
    hits = server.hits("/feed")
    assert [h.status for h in hits] == [200, 304]
    assert hits[1].headers["if-none-match"] == '"v1"'
    assert hits[1].headers["if-modified-since"] == "Mon, 06 Sep 2021 16:45:00 GMT"
    assert store.count() == 1


def test_updated_entry_keeps_read_and_starred(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(item(1, title="First title") + item(2)))
    _subscribe(store, server, ["/feed"])
    refresh_feeds(store, options=OPTIONS)
    rows = {store.get(r.id).guid: r.id for r in store.page(0, 10)}
    story = rows["urn:story:1"]
    store.set_read(story, True)
    store.set_starred(story, True)

    server.routes["/feed"] = Route(
        rss(
            item(1, title="Corrected title", body=f"<p>Updated. {'more words ' * 200}</p>")
            + item(2)
        )
    )
    report = refresh_feeds(store, options=OPTIONS)
    result = report.results[0]
    assert (result.added, result.updated) == (0, 1)
    assert result.ids == [story]
    article = store.get(story)
    assert article.title == "Corrected title"
    assert article.body.startswith("Updated.")
    assert article.read and article.starred
    assert store.count() == 2


def test_duplicate_guids_and_dedupe_by_link(server: FeedServer, store: Store):
    items = (
        item(1, title="One")
        + item(1, title="One again, same guid")
        + item("a", guid="", link="http://example.org/same")
        + item("b", guid="", link="http://example.org/same", title="Same link")
    )
    server.routes["/feed"] = Route(rss(items))
    _subscribe(store, server, ["/feed"])
    first = refresh_feeds(store, options=OPTIONS).results[0]
    assert first.status == "ok"
    assert first.added == 2 and first.updated == 0
    again = refresh_feeds(store, options=OPTIONS).results[0]
    assert (again.added, again.updated) == (0, 0)  # no flip-flopping between duplicates
    titles = sorted(store.get(r.id).title for r in store.page(0, 10))
    assert titles == ["One", "Story a"]


def test_same_short_guid_in_two_feeds_does_not_collide(server: FeedServer, store: Store):
    server.routes["/a"] = Route(rss(item(1, guid="1", title="Blog A post")))
    server.routes["/b"] = Route(rss(item(2, guid="1", title="Blog B post")))
    _subscribe(store, server, ["/a", "/b"])
    report = refresh_feeds(store, options=OPTIONS)
    assert [r.added for r in report.results] == [1, 1]
    assert store.count() == 2


def test_entries_without_title_link_or_date(server: FeedServer, store: Store):
    items = (
        "<item><description>Only a description, no title or link.</description></item>"
        "<item><title>Only a title</title></item>"
        "<item><link>http://example.org/only-link</link></item>"
        "<item></item>"
    )
    server.routes["/feed"] = Route(rss(items))
    _subscribe(store, server, ["/feed"])
    result = refresh_feeds(store, options=OPTIONS).results[0]
    assert result.status == "ok"
    articles = [store.get(r.id) for r in store.page(0, 10)]
    titles = sorted(a.title for a in articles)
    assert titles == ["(untitled)", "Only a description, no title or link.", "Only a title"]
    assert all(a.published is not None for a in articles)  # dated when first seen
    assert result.added == 3


def test_escape_sequences_and_markup_in_titles(server: FeedServer, store: Store):
    items = item(
        1,
        title="<b>Bold</b> \x1b[31mred\x1b[0m &amp; <script>alert(1)</script>done\x07",
        body="<p>Body with \x1b]0;evil title\x07 escape</p>" + "<p>word</p>" * 200,
    )
    server.routes["/feed"] = Route(rss(items, title="Feed \x1b[2J<i>name</i>"))
    _subscribe(store, server, ["/feed"])
    refresh_feeds(store, options=OPTIONS)
    article = store.get(store.page(0, 1)[0].id)
    assert article.title == "Bold red & done"
    assert "\x1b" not in article.body and "\x07" not in article.body
    assert article.body.startswith("Body with escape")
    assert store.feeds()[0].title == "Feed name"
    assert article.source == "Feed name"


def test_wrong_and_missing_encoding(server: FeedServer, store: Store):
    latin = rss(item(1, title="Café naïve")).decode().encode("latin-1")  # says utf-8
    arabic = (
        rss(item(2, title="مرحبا بالعالم", body="<p>" + "نص عربي طويل " * 100 + "</p>"))
        .decode()
        .replace(' encoding="utf-8"', "")
        .encode("cp1256")
    )
    server.routes["/latin"] = Route(latin, content_type="application/xml")
    server.routes["/arabic"] = Route(arabic, content_type="application/xml")
    _subscribe(store, server, ["/latin", "/arabic"])
    report = refresh_feeds(store, options=OPTIONS)
    assert [r.status for r in report.results] == ["ok", "ok"]
    by_guid = {store.get(r.id).guid: store.get(r.id) for r in store.page(0, 10)}
    assert by_guid["urn:story:1"].title == "Café naïve"
    assert by_guid["urn:story:2"].title == "مرحبا بالعالم"
    assert by_guid["urn:story:2"].language == "ar"


def test_tolerant_parser_keeps_text_of_broken_feeds(server: FeedServer, store: Store):
    broken = rss(
        "<item><title>Tom & Jerry&nbsp;&mdash; live</title><link>http://example.org/tj</link>"
        f"<description>{'words ' * 200}</description></item>"
    )
    server.routes["/feed"] = Route(broken)
    _subscribe(store, server, ["/feed"])
    result = refresh_feeds(store, options=OPTIONS).results[0]
    assert result.status == "ok" and result.parser == "feedparser"
    assert store.get(result.ids[0]).title == "Tom & Jerry — live"


def test_language_hints_and_detection(server: FeedServer, store: Store):
    arabic_body = "<p>" + "هذا نص عربي في خبر طويل " * 40 + "</p>"
    server.routes["/mislabelled"] = Route(
        rss(item(1, title="خبر", body=arabic_body), language="en-us")
    )
    server.routes["/french"] = Route(
        rss(
            item(2, title="Le monde", body="<p>" + "Le texte est ici " * 40 + "</p>"), language="fr"
        )
    )
    server.routes["/atom"] = Route(
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'
        b"<title>Atom</title><entry><title>Hello world</title><id>urn:atom:1</id>"
        b'<link href="http://example.org/atom/1"/><content type="html">&lt;p&gt;'
        + b"English text here. " * 60
        + b"&lt;/p&gt;</content></entry></feed>",
        content_type="application/atom+xml",
    )
    _subscribe(store, server, ["/mislabelled", "/french", "/atom"])
    refresh_feeds(store, options=OPTIONS)
    by_guid = {store.get(r.id).guid: store.get(r.id) for r in store.page(0, 10)}
    assert by_guid["urn:story:1"].language == "ar"  # the letters beat "en-us"
    assert by_guid["urn:story:2"].language == "fr"  # a Latin-script hint is kept
    assert by_guid["urn:atom:1"].language == "en"


def test_network_down_reports_one_line_per_feed_and_keeps_data(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(item(1)))
    _subscribe(store, server, ["/feed"])
    refresh_feeds(store, options=OPTIONS)
    (before,) = store.feeds()
    url = server.url("/feed")
    server.stop()  # nothing listens any more: connection refused
    store.add_feed(url.replace("/feed", "/other"))
    report = refresh_feeds(store, options=OPTIONS)
    assert [r.status for r in report.results] == ["failed", "failed"]
    for result in report.results:
        assert result.error == "connection refused"
    assert store.count() == 1
    assert [f for f in store.feeds() if f.id == before.id] == [before]


def test_progress_and_articles_callbacks_and_cancel(server: FeedServer, store: Store):
    for n in range(6):
        server.routes[f"/f{n}"] = Route(rss(item(f"{n}-1") + item(f"{n}-2")))
    _subscribe(store, server, [f"/f{n}" for n in range(6)])
    events, batches = [], []
    report = refresh_feeds(
        store, options=OPTIONS, on_progress=events.append, on_articles=batches.append
    )
    assert [e.done for e in events] == [1, 2, 3, 4, 5, 6]
    assert all(e.total == 6 and e.phase == "feeds" for e in events)
    assert sorted(i for batch in batches for i in batch) == sorted(
        i for r in report.results for i in r.ids
    )
    assert len(batches) == 6

    cancelled = refresh_feeds(store, options=OPTIONS, cancelled=lambda: True)
    assert {r.status for r in cancelled.results} == {"cancelled"}
    assert len(cancelled.results) == 6


def test_scheme_of_subscription_is_checked(store: Store):
    store.add_feed("file:///etc/passwd")
    report = refresh_feeds(store, options=OPTIONS)
    assert report.results[0].status == "failed"
    assert "only http:// and https://" in report.results[0].error


def test_a_link_respelled_by_the_feed_is_the_same_article(server: FeedServer, store: Store):
    """Entries without guid are known by their link, compared normalised (issue 8)."""
    server.routes["/feed"] = Route(
        rss(item("a", guid="", link="http://example.org/story/a?utm_source=rss&utm_medium=feed"))
    )
    _subscribe(store, server, ["/feed"])
    first = refresh_feeds(store, options=OPTIONS).results[0]
    assert first.added == 1
    (story,) = first.ids
    store.set_read(story, True)
    server.routes["/feed"] = Route(
        rss(item("a", guid="", link="https://example.org/story/a/#comments"))
    )
    again = refresh_feeds(store, options=OPTIONS).results[0]
    assert (again.status, again.added, again.updated) == ("ok", 0, 0)
    assert store.count() == 1
    article = store.get(story)
    assert article.read and article.url.endswith("?utm_source=rss&utm_medium=feed")
