"""`feeds`, `opml` and `fetch` subcommands: handlers called with a parser built here."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest

from reader.cli import run as newsreader
from reader.config import library_home
from reader.session import Session
from reader.store import Store
from tests.conftest import REPO
from tests.feeds.conftest import FeedServer, Route, hanging, item, rss, trickling


def run(store: Store, *argv: str) -> int:
    """The command line on a session around the test's store (not seeded; its fixture
    closes it)."""
    session = Session(library_home())
    session.store = store
    try:
        return newsreader(list(argv), session=session)
    finally:
        del session.store
        session.close()


def test_feeds_add_list_remove(store: Store, capsys: pytest.CaptureFixture[str]):
    assert run(store, "feeds", "add", "http://example.org/feed.xml", "--title", "Ex\x1b[1m") == 0
    assert "subscribed: 1 http://example.org/feed.xml (Ex)" in capsys.readouterr().out
    assert run(store, "feeds", "add", "http://example.org/feed.xml") == 0
    assert "already subscribed" in capsys.readouterr().out
    assert run(store, "feeds", "add", "https://example.net/a", "--category", "News/World") == 0
    capsys.readouterr()
    assert run(store, "feeds", "list") == 0
    out = capsys.readouterr().out
    assert "1  Ex  http://example.org/feed.xml" in out
    assert "[News/World] (untitled)  https://example.net/a" in out
    assert run(store, "feeds", "remove", "1") == 0
    assert run(store, "feeds", "remove", "https://example.net/a") == 0
    assert store.feeds() == []


def test_feeds_errors_are_one_line(store: Store, capsys: pytest.CaptureFixture[str]):
    assert run(store, "feeds", "add", "file:///etc/passwd") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsreader: error: cannot subscribe")
    assert run(store, "feeds", "remove", "42") == 1
    assert "no subscription '42'" in capsys.readouterr().err
    assert run(store, "fetch") == 1
    assert "no subscriptions" in capsys.readouterr().err
    assert run(store, "opml", "import", "/nonexistent/file.opml") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No such file" in err


def test_opml_export_import(store: Store, tmp_path, capsys: pytest.CaptureFixture[str]):
    store.add_feed("http://example.org/a.xml", "A", "News/World")
    assert run(store, "opml", "export") == 0
    exported = capsys.readouterr().out
    assert 'xmlUrl="http://example.org/a.xml"' in exported
    path = tmp_path / "subs.opml"
    assert run(store, "opml", "export", str(path)) == 0
    other = Store(tmp_path / "other.sqlite3")
    try:
        assert run(other, "opml", "import", str(path)) == 0
        assert "subscribed to 1 feed;" in capsys.readouterr().out
        assert [(f.url, f.title, f.category) for f in other.feeds()] == [
            ("http://example.org/a.xml", "A", "News/World")
        ]
    finally:
        other.close()
    bad = tmp_path / "bad.opml"
    bad.write_bytes(b"<html/>")
    assert run(store, "opml", "import", str(bad)) == 1
    assert "not an OPML file" in capsys.readouterr().err


def test_fetch_summary_and_exit_code(
    server: FeedServer, store: Store, capsys: pytest.CaptureFixture[str]
):
    server.routes["/good"] = Route(rss(item(1) + item(2), title="Good"), etag='"1"')
    server.routes["/bad"] = Route(b"nope", status=404, content_type="text/plain")
    store.add_feed(server.url("/good"))
    bad = store.add_feed(server.url("/bad"))
    assert run(store, "fetch", "--timeout", "1") == 1
    captured = capsys.readouterr()
    assert "ok         Good: 2 new, 0 updated" in captured.out
    assert f"failed     {server.url('/bad')}: HTTP 404 Not Found" in captured.out
    assert "2 feeds: 1 ok, 0 unchanged, 1 failed; 2 new articles, 0 updated" in captured.out
    assert f"newsreader: {server.url('/bad')}: HTTP 404" in captured.err
    assert "Traceback" not in captured.err

    assert run(store, "fetch", server.url("/good")) == 0
    assert "unchanged  Good (not modified)" in capsys.readouterr().out
    assert run(store, "fetch", str(bad.id)) == 1
    assert run(store, "fetch", "http://not-subscribed.example/") == 1
    assert "no subscription" in capsys.readouterr().err


def test_fetch_counts_one_feed_and_one_article_in_the_singular(
    server: FeedServer, store: Store, capsys: pytest.CaptureFixture[str]
):
    server.routes["/one"] = Route(rss(item(1, body="Short."), title="One"))
    store.add_feed(server.url("/one"))
    assert run(store, "fetch", "--no-full-text") == 0
    out = capsys.readouterr().out
    assert "1 feed: 1 ok, 0 unchanged, 0 failed; 1 new article, 0 updated" in out
    server.routes["/two"] = Route(rss(item(2, body="Short."), title="Two"))
    store.add_feed(server.url("/two"))
    assert run(store, "fetch", "--no-full-text") == 0
    out = capsys.readouterr().out
    assert "ok         Two: 1 new, 0 updated, 1 needs full text" in out
    assert "2 feeds: 2 ok, 0 unchanged, 0 failed; 1 new article, 0 updated" in out


def test_fetch_through_the_real_entry_point(server: FeedServer, tmp_path):
    server.routes["/feed"] = Route(rss(item(1), title="Real"))
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home")}

    def newsreader(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader", *argv],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    added = newsreader("feeds", "add", server.url("/feed"))
    if "invalid choice: 'feeds'" in added.stderr:
        pytest.skip("reader/cli.py does not register the feeds commands yet")
    assert added.returncode == 0, added.stderr
    fetched = newsreader("fetch", "--no-full-text")
    assert fetched.returncode == 0, fetched.stderr
    assert "ok         Real: 1 new, 0 updated" in fetched.stdout
    assert "Traceback" not in fetched.stderr
    down = newsreader("fetch", "--timeout", "1")
    assert down.returncode == 0  # 304? no etag served: same entries, nothing new
    server.stop()
    offline = newsreader("fetch", "--timeout", "1")
    assert offline.returncode == 1
    assert "connection refused" in offline.stdout
    assert "Traceback" not in offline.stderr


class _Stamped(io.StringIO):
    """stdout that remembers when each line was written."""

    def __init__(self) -> None:
        super().__init__()
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line:
                self.lines.append((time.monotonic() - self.started, line))
        return super().write(text)

    def when(self, start: str) -> float:
        return next(t for t, line in self.lines if line.startswith(start))


def test_fetch_reports_feeds_before_failing_pages_and_backs_them_off(
    server: FeedServer, store: Store, monkeypatch: pytest.MonkeyPatch
):
    server.routes["/hang"] = Route(handler=hanging(server))
    server.routes["/trickle"] = Route(handler=trickling(server))
    server.routes["/error"] = Route(b"oops", status=500, content_type="text/html")
    teasers = "".join(
        item(n, body="<p>The council met. Read more…</p>", link=server.url(path))
        for n, path in enumerate(["/hang", "/trickle", "/error"])
    )
    server.routes["/feed"] = Route(rss(teasers + item(9), title="Slow pages"), etag='"1"')
    store.add_feed(server.url("/feed"))
    pages = ("/hang", "/trickle", "/error")

    out = _Stamped()
    monkeypatch.setattr(sys, "stdout", out)
    argv = ("fetch", "--timeout", "1", "--full-text-seconds", "3", "--no-index")
    assert run(store, *argv) == 0
    took = time.monotonic() - out.started
    text = out.getvalue()
    # The feed's result is printed at once, its articles stored, while the pages take the
    # whole full-text budget (the trickling one would go on for a minute).
    assert "ok         Slow pages: 4 new, 0 updated, 3 need full text" in text
    summary = out.when("1 feed: 1 ok")
    assert summary < 2.0, text
    assert out.when("full text:") > summary + 2.0
    assert took < 3.0 + 1.0 + 3.0, took  # budget + read timeout + slack
    assert store.count() == 4
    assert "full text: 0 fetched, 3 failed; 3 pages waiting for a retry (the next in 1 hour)" in (
        text
    )
    assert [len(server.hits(p)) for p in pages] == [1, 1, 1]

    # At once again: the feed answers 304 and no failing page is asked for.
    out = _Stamped()
    monkeypatch.setattr(sys, "stdout", out)
    assert run(store, *argv) == 0
    assert time.monotonic() - out.started < 2.0
    assert "unchanged  Slow pages (not modified)" in out.getvalue()
    assert "full text: 0 fetched; 3 pages waiting for a retry" in out.getvalue()
    assert [len(server.hits(p)) for p in pages] == [1, 1, 1]

    # An hour later two pages are given up for good (410), one backs off 4 h more: the
    # count follows, in the singular at 1.
    from reader.sources.refresh import RefreshOptions, refresh_feeds
    from tests.feeds.conftest import FAST

    server.routes["/hang"] = Route(b"gone", status=410, content_type="text/plain")
    server.routes["/trickle"] = Route(b"gone", status=410, content_type="text/plain")
    refresh_feeds(store, options=RefreshOptions(limits=FAST), now=time.time() + 3601)
    assert [len(server.hits(p)) for p in pages] == [2, 2, 2]
    out = _Stamped()
    monkeypatch.setattr(sys, "stdout", out)
    assert run(store, *argv) == 0
    assert "full text: 0 fetched; 1 page waiting for a retry (the next in 5 hours)" in (
        out.getvalue()
    )
