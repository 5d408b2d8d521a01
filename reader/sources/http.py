"""A small, defensive HTTP client for feeds and article pages. No UI imports here.

Built on `http.client` so every limit is ours to enforce:

- only http:// and https:// URLs, also for every redirect (never file://, ftp://, data:...);
- connect and read timeouts, plus a total deadline per request (slow-drip servers);
- a limited number of redirects, with loop detection;
- a maximum body size, enforced while streaming on the raw bytes *and* on the decompressed
  bytes (a gzip bomb is stopped after `max_bytes` of output, not after it fills memory);
- conditional GET (If-None-Match / If-Modified-Since), so unchanged feeds cost one 304;
- keep-alive connections pooled per host, and a per-host limit on concurrent requests so a
  refresh of many feeds on one site does not hammer it.

Every failure is a `FetchError` whose message is one short line meant for people.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from reader.text.i18n import N_, _, number, number_text

__all__ = [
    "ALLOWED_SCHEMES",
    "FetchError",
    "FetchLimits",
    "Fetcher",
    "Response",
    "check_url",
]

ALLOWED_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
_PATH_SAFE = "/%:@!$&'()*+,;=~"
_QUERY_SAFE = _PATH_SAFE + "?"
USER_AGENT = "newsreader-tui/0.1 (+terminal news reader)"
_CLOSED_EARLY = N_("connection closed before the response was complete")


class FetchError(Exception):
    """A fetch failed. `str(error)` is one line for people; `status` is the HTTP status if any."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str | None = None,
        permanent: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        # Retrying will not help: gone, not found, a refused scheme...
        self.permanent = status in (400, 401, 403, 404, 410) if permanent is None else permanent


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # per socket read: the longest silence we accept
    total_timeout: float = 60.0  # whole request, redirects included
    max_bytes: int = 20 * 1024 * 1024  # body, after decompression
    max_redirects: int = 5
    per_host: int = 4  # concurrent requests to one host
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int  # 200 (or another 2xx) or 304
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def check_url(url: str) -> str:
    """`url` stripped, if it is an absolute http(s) URL with a host; else FetchError."""
    url = url.strip()
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in url):
        raise FetchError(_("the URL contains spaces or control characters"), permanent=True)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        given = f"{scheme}://" if scheme else _("no scheme")
        raise FetchError(
            _("only http:// and https:// URLs are allowed ({scheme})").format(scheme=given),
            permanent=True,
        )
    if not parts.hostname:
        raise FetchError(_("URL has no host: {url}").format(url=url), permanent=True)
    return url


class _Decoder:
    """Content-Encoding decoder that never produces more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        encoding = encoding.strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._wbits: int | None = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            self._wbits = zlib.MAX_WBITS  # zlib-wrapped; raw deflate is tried on error
        elif encoding in ("", "identity"):
            self._wbits = None
        else:
            raise FetchError(
                _("unsupported Content-Encoding: {encoding}").format(encoding=encoding[:40])
            )
        self._inflater = zlib.decompressobj(self._wbits) if self._wbits is not None else None
        self._started = False

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                _("response larger than {size} (after decompression)").format(
                    size=_size(self.limit)
                )
            )
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                # max_length bounds the output of this call: a bomb cannot expand in one go.
                out = self._inflater.decompress(data, self.limit - self.size + 1)
            except zlib.error as error:
                if not self._started and self._wbits == zlib.MAX_WBITS:
                    # Some servers send raw deflate while saying "deflate".
                    self._wbits = -zlib.MAX_WBITS
                    self._inflater = zlib.decompressobj(self._wbits)
                    continue
                raise FetchError(
                    _("corrupt compressed response ({error})").format(error=error)
                ) from None
            self._started = True
            self._add(out)
            data = self._inflater.unconsumed_tail
            if not data and self._inflater.eof and self._inflater.unused_data:
                # Concatenated gzip members: start over on the rest.
                data = self._inflater.unused_data
                self._inflater = zlib.decompressobj(self._wbits)

    def finish(self) -> bytes:
        if self._inflater is not None:
            self._add(self._inflater.flush())
            if self._wbits == 16 + zlib.MAX_WBITS and not self._inflater.eof:
                raise FetchError(_("compressed response is truncated"))
        return b"".join(self.parts)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("{size} MiB").format(size=number_text(f"{n / (1024 * 1024):.0f}"))
    return _("{size} bytes").format(size=number(n, grouped=False))


_Key = tuple[str, str, int]


class Fetcher:
    """Thread-safe GETs with pooled keep-alive connections. Use one per refresh; close() it."""

    def __init__(self, limits: FetchLimits | None = None) -> None:
        self.limits = limits or FetchLimits()
        self._lock = threading.Lock()
        self._idle: dict[_Key, list[http.client.HTTPConnection]] = {}
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._ssl = ssl.create_default_context()
        self._closed = False

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()

    # -- connections ----------------------------------------------------------------------
    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = self._host_slots[host] = threading.BoundedSemaphore(self.limits.per_host)
            return slot

    def _checkout(self, key: _Key) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            conns = self._idle.get(key)
            if conns:
                return conns.pop(), True
        scheme, host, port = key
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(
                host, port, timeout=self.limits.connect_timeout, context=self._ssl
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.limits.connect_timeout)
        conn.connect()  # under the connect timeout...
        if conn.sock is not None:
            conn.sock.settimeout(self.limits.read_timeout)  # ...then reads get their own
        return conn, False

    def _checkin(self, key: _Key, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(key, []).append(conn)
                return
        conn.close()

    # -- requests -------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
        cancelled: Callable[[], bool] | None = None,
    ) -> Response:
        """GET `url`, following redirects. Raises FetchError on any failure or limit."""
        limits = self.limits
        deadline = time.monotonic() + limits.total_timeout
        current = check_url(url)
        seen = {current}
        for _hop in range(limits.max_redirects + 1):
            status, headers, body = self._request(
                current, etag, last_modified, accept, deadline, cancelled
            )
            if status in _REDIRECTS and "location" in headers:
                target = urljoin(current, headers["location"].strip())
                try:
                    target = check_url(target)
                except FetchError as error:
                    refused = _("redirect refused: {error} ({url})")
                    raise FetchError(
                        refused.format(error=error, url=target[:80]), permanent=True, url=current
                    ) from None
                if target in seen:
                    raise FetchError(
                        _("redirect loop at {url}").format(url=target[:100]), url=current
                    )
                seen.add(target)
                current = target
                continue
            if status == 304:
                return Response(current, status, b"", headers)
            if not 200 <= status < 300:
                reason = headers.get(":reason", "")
                raise FetchError(_status_message(status, reason), status=status, url=current)
            return Response(current, status, body, headers)
        raise FetchError(
            _("too many redirects (more than {limit})").format(limit=number(limits.max_redirects)),
            url=url,
        )

    def _request(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        deadline: float,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port or (443 if scheme == "https" else 80)
            # International names and paths (common on Arabic sites) go on the wire as IDNA
            # and percent-escapes; http.client accepts ASCII only.
            host = (parts.hostname or "").encode("idna").decode("ascii")
        except (ValueError, UnicodeError):
            raise FetchError(
                _("invalid host or port in {url}").format(url=url[:100]), permanent=True
            ) from None
        key = (scheme, host, port)
        path = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_QUERY_SAFE)
        request_headers = {
            "User-Agent": self.limits.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        queued = time.monotonic()
        with self._slot(host):
            # Waiting for our turn at a busy host is not the server's slowness.
            deadline += time.monotonic() - queued
            for attempt in (1, 2):
                reused = False
                try:
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    conn, reused = self._checkout(key)
                    try:
                        conn.request("GET", path, headers=request_headers)
                        response = conn.getresponse()
                        result = self._read(response, deadline, cancelled)
                    except BaseException:
                        conn.close()
                        raise
                    if response.will_close:
                        conn.close()
                    else:
                        self._checkin(key, conn)
                    return result
                except (
                    http.client.RemoteDisconnected,
                    BrokenPipeError,
                    ConnectionResetError,
                ) as error:
                    # A pooled keep-alive connection the server had already closed: retry
                    # once on a fresh one.
                    if reused and attempt == 1:
                        continue
                    raise FetchError(_network_message(error, self.limits), url=url) from None
                except FetchError:
                    raise
                except (OSError, http.client.HTTPException) as error:
                    raise FetchError(_network_message(error, self.limits), url=url) from None
        raise AssertionError("unreachable")

    def _read(
        self,
        response: http.client.HTTPResponse,
        deadline: float,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[int, dict[str, str], bytes]:
        limits = self.limits
        headers = {name.lower(): value for name, value in response.getheaders()}
        headers[":reason"] = response.reason or ""
        status = response.status
        if status in _REDIRECTS or status == 304 or not 200 <= status < 300:
            # We do not need this body. Read a little so the connection can be reused; a
            # bigger one is not worth draining, so drop the connection instead.
            with contextlib.suppress(OSError, http.client.HTTPException):
                response.read(_CHUNK)
            if not response.isclosed():
                _abandon(response)
            return status, headers, b""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            _abandon(response)
            raise FetchError(
                _("response larger than {size} ({declared})").format(
                    size=_size(limits.max_bytes), declared=_size(int(declared))
                )
            )
        decoder = _Decoder(headers.get("content-encoding", ""), limits.max_bytes)
        raw = 0
        while response.length != 0:  # 0: a Content-Length body fully read
            if cancelled is not None and cancelled():
                _abandon(response)
                raise FetchError("cancelled")
            if time.monotonic() > deadline:
                _abandon(response)
                raise FetchError(
                    _("timed out (no complete response in {seconds} s)").format(
                        seconds=number_text(f"{limits.total_timeout:g}")
                    )
                )
            chunk = response.read1(_CHUNK)  # at most one recv: the deadline stays checked
            if not chunk:
                if response.length:  # the server hung up early
                    _abandon(response)
                    raise FetchError(_(_CLOSED_EARLY))
                break
            raw += len(chunk)
            if raw > limits.max_bytes:
                _abandon(response)
                raise FetchError(
                    _("response larger than {size}").format(size=_size(limits.max_bytes))
                )
            try:
                decoder.feed(chunk)
            except FetchError:
                _abandon(response)
                raise
        body = decoder.finish()
        if not response.isclosed():
            response.close()  # fully read: the connection itself stays open for reuse
        return status, headers, body


def _abandon(response: http.client.HTTPResponse) -> None:
    """Stop reading: the connection is closed instead of being returned to the pool."""
    response.will_close = True
    response.close()


def _status_message(status: int, reason: str) -> str:
    text = f"HTTP {status}" + (f" {reason}" if reason else "")
    if status == 410:
        return _("{status} (the publisher removed it; consider removing the subscription)").format(
            status=text
        )
    return text


def _network_message(error: BaseException, limits: FetchLimits) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return _("timed out (connect {connect} s, read {read} s)").format(
            connect=number_text(f"{limits.connect_timeout:g}"),
            read=number_text(f"{limits.read_timeout:g}"),
        )
    if isinstance(error, socket.gaierror):
        return _("host not found (DNS lookup failed; is the network up?)")
    if isinstance(error, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("TLS certificate not valid ({error})").format(error=error.verify_message)
    if isinstance(error, ssl.SSLError):
        return _("TLS error ({error})").format(error=error.reason or error)
    if isinstance(error, http.client.RemoteDisconnected | ConnectionResetError):
        return _("connection closed by the server")
    if isinstance(error, http.client.IncompleteRead):
        return _(_CLOSED_EARLY)
    if isinstance(error, http.client.HTTPException):
        return _("invalid HTTP response ({error})").format(error=type(error).__name__)
    if isinstance(error, OSError) and error.strerror:
        return _("network error ({error})").format(error=error.strerror.lower())
    return _("network error ({error})").format(error=type(error).__name__)
