"""The fetcher's limits, on a real server on 127.0.0.1."""

from __future__ import annotations

import time
import zlib
from dataclasses import replace
from http.server import BaseHTTPRequestHandler

import pytest

from reader.sources.http import Fetcher, FetchError, check_url
from tests.feeds.conftest import FAST, FeedServer, Route


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/feed", "javascript:alert(1)", "data:,x", "feed"],
)
def test_only_http_and_https(url: str):
    with pytest.raises(FetchError, match="only http:// and https://"):
        check_url(url)
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="only http"):
        fetcher.get(url)


def test_url_without_host():
    with pytest.raises(FetchError, match="no host"):
        check_url("http:///feed")


def _redirect_to(location: str):
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(307)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/"])
def test_redirect_to_other_scheme_is_refused(server: FeedServer, target: str):
    server.routes["/r"] = Route(handler=_redirect_to(target))
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="redirect refused") as info:
        fetcher.get(server.url("/r"))
    assert info.value.permanent


def test_redirects_are_followed_and_limited(server: FeedServer):
    for n in range(8):
        server.routes[f"/hop{n}"] = Route(handler=_redirect_to(f"/hop{n + 1}"))
    server.routes["/hop8"] = Route(b"<rss/>")
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError, match="too many redirects"):
            fetcher.get(server.url("/hop0"))
        response = fetcher.get(server.url("/hop4"))  # 4 hops: within the limit of 5
        assert response.body == b"<rss/>"
        assert response.url == server.url("/hop8")


def test_gzip_and_deflate_are_decoded(server: FeedServer):
    payload = b"<rss>" + b"x" * 5000 + b"</rss>"
    server.routes["/gz"] = Route(payload, gzip=True)
    raw_deflate = zlib.compressobj(wbits=-15)
    server.routes["/raw"] = Route(
        raw_deflate.compress(payload) + raw_deflate.flush(), headers={"Content-Encoding": "deflate"}
    )
    server.routes["/zlib"] = Route(zlib.compress(payload), headers={"Content-Encoding": "deflate"})
    with Fetcher(FAST) as fetcher:
        for path in ("/gz", "/raw", "/zlib"):
            assert fetcher.get(server.url(path)).body == payload, path
    assert server.seen[0].headers["accept-encoding"] == "gzip, deflate"


def test_size_limit_without_content_length(server: FeedServer):
    def chunked(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(100):  # 6.5 MB offered; the limit is 200 KB
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            request.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should

    server.routes["/big"] = Route(handler=chunked)
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="larger than"):
        fetcher.get(server.url("/big"))


def test_declared_size_over_limit_is_refused_before_reading(server: FeedServer):
    server.routes["/big"] = Route(b"x" * 300_000)
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match=r"larger than .*300000"):
        fetcher.get(server.url("/big"))


def test_slow_drip_hits_the_total_deadline(server: FeedServer):
    def drip(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "1000")
        request.end_headers()
        for _ in range(100):
            if server.stopping.wait(0.2):
                return
            try:
                request.wfile.write(b"x")
                request.wfile.flush()
            except OSError:
                return

    server.routes["/drip"] = Route(handler=drip)
    limits = replace(FAST, total_timeout=1.0)
    started = time.monotonic()
    with Fetcher(limits) as fetcher, pytest.raises(FetchError, match="timed out"):
        fetcher.get(server.url("/drip"))
    assert time.monotonic() - started < 2.5


def test_connections_are_reused(server: FeedServer):
    server.routes["/a"] = Route(b"a")
    ports = set()

    def remember(request: BaseHTTPRequestHandler) -> None:
        ports.add(request.client_address[1])
        request.send_response(200)
        request.send_header("Content-Length", "1")
        request.end_headers()
        request.wfile.write(b"b")

    server.routes["/b"] = Route(handler=remember)
    with Fetcher(FAST) as fetcher:
        for _ in range(5):
            assert fetcher.get(server.url("/b")).body == b"b"
    assert len(ports) == 1


def test_server_closing_a_kept_alive_connection_is_retried(server: FeedServer):
    calls = []

    def close_after(request: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        request.send_response(200)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")
        request.close_connection = True  # without saying "Connection: close"

    server.routes["/c"] = Route(handler=close_after)
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(server.url("/c")).body == b"ok"
        time.sleep(0.1)
        assert fetcher.get(server.url("/c")).body == b"ok"
    assert len(calls) == 2


def test_connection_refused_is_one_clear_line():
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("http://127.0.0.1:9/feed")  # discard port: nothing listens
    assert str(info.value) == "connection refused"


def test_not_modified(server: FeedServer):
    server.routes["/f"] = Route(b"<rss/>", etag='"abc"')
    with Fetcher(FAST) as fetcher:
        first = fetcher.get(server.url("/f"))
        assert first.status == 200 and first.etag == '"abc"'
        second = fetcher.get(server.url("/f"), etag=first.etag)
        assert second.not_modified and second.body == b""


def test_non_ascii_urls_are_escaped_on_the_wire(server: FeedServer):
    server.routes["/%D8%AE%D8%A8%D8%B1/1?q=%D8%A3"] = Route(b"arabic path")
    with Fetcher(FAST) as fetcher:
        response = fetcher.get(server.url("/خبر/1?q=أ"))
    assert response.body == b"arabic path"


def test_urls_with_control_characters_are_refused() -> None:
    import pytest

    from reader.sources.http import FetchError, check_url

    with pytest.raises(FetchError, match="control characters"):
        check_url("http://127.0.0.1/a\x1b]52;c;ZXZpbA==\x07b")
