"""A real HTTP server on 127.0.0.1 (ephemeral port), started and stopped by the tests."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.sources.http import FetchLimits
from reader.store import Store

# Short limits so failure cases finish fast.
FAST = FetchLimits(
    connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, max_bytes=200_000, max_redirects=5
)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 when If-None-Match matches
    gzip: bool = False
    # Full control: called instead of the above; writes the whole response itself.
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                route = server.routes.get(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if route is None:
                    self._send(404, b"not found", "text/plain", {})
                    server.seen.append(Seen(self.path, headers, 404))
                    return
                if route.handler is not None:
                    server.seen.append(Seen(self.path, headers, 0))
                    route.handler(self)
                    return
                if route.etag and headers.get("if-none-match") == route.etag:
                    server.seen.append(Seen(self.path, headers, 304))
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                extra = dict(route.headers)
                if route.etag:
                    extra["ETag"] = route.etag
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    extra["Content-Encoding"] = "gzip"
                server.seen.append(Seen(self.path, headers, route.status))
                self._send(route.status, body, route.content_type, extra)

            def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early are part of the tests

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feed_server = FeedServer()
    try:
        yield feed_server
    finally:
        feed_server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store(tmp_path / "library.sqlite3")
    try:
        yield db
    finally:
        db.close()


def rss(items: str, *, title: str = "Test Feed", language: str | None = None) -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{lang}{items}</channel></rss>"
    ).encode()


LONG = " ".join(["This sentence makes the body long enough to count as a full article."] * 30)


def item(
    n: int | str,
    *,
    title: str | None = None,
    body: str | None = None,
    link: str | None = None,
    guid: str | None = None,
    date: str = "Mon, 06 Sep 2021 16:45:00 +0000",
) -> str:
    title = f"Story {n}" if title is None else title
    body = f"<p>{LONG}</p><p>Story {n} ends here.</p>" if body is None else body
    link = f"http://example.org/story/{n}" if link is None else link
    guid = f"urn:story:{n}" if guid is None else guid
    from html import escape

    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<guid isPermaLink='false'>{escape(guid)}</guid><pubDate>{date}</pubDate>"
        f"<description>{escape(body)}</description></item>"
    )


def hanging(server: FeedServer) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that accepts the request and never answers (until the server stops)."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        server.stopping.wait(30)

    return handler


def trickling(
    server: FeedServer, *, every: float = 0.1, content_type: str = "text/html"
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that sends one byte every `every` seconds, forever (until the server
    stops): each read gets something, so only a total deadline ends it."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", "1000000")
        request.end_headers()
        try:
            while not server.stopping.wait(every):
                request.wfile.write(b" ")
                request.wfile.flush()
        except OSError:
            pass  # the client gave up

    return handler
