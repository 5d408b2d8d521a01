"""Warm refresh when many linked pages keep failing (issue 8, item 8).

N summary-only feeds on 127.0.0.1 (a server in its own process, answering conditional GETs
with 304), each with K teaser items whose linked pages fail: HTTP 500 by default, or after
a delay (`--page-delay`), or by hanging until the client's read timeout (`--hang`).

Measured, each time with the full-text step on, as `newsreader fetch` runs it:
- cold: every feed new, every page attempted (and failing);
- warm: every feed answers 304, straight after; before per-page backoff every failing page
  was requested again here.
For each: seconds until the feeds' results were in (the last "feeds" progress event), seconds
in all, and page requests the server saw.

Usage: python benchmarks/bench_fulltext_failing.py [--feeds 300] [--items 5] [--page-delay 0]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def render_feed(number: int, items: int, base: str) -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Failing pages {number}</title><link>{base}/</link>"
    ]
    for index in range(items):
        out.append(
            f"<item><title>Story {number}-{index}</title>"
            f"<link>{base}/page/{number}/{index}</link>"
            f'<guid isPermaLink="false">fail-{number}-{index}</guid>'
            "<pubDate>Mon, 06 Sep 2021 16:45:00 +0000</pubDate>"
            f"<description>The council met on Tuesday. Read more</description></item>"
        )
    out.append("</channel></rss>")
    return "".join(out).encode()


def serve(feeds: int, items: int, delay: float, hang: bool, pages, port_out) -> None:  # noqa: ANN001
    bodies: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            if parts[0] == "feed" and parts[1] in bodies:
                etag = f'"{parts[1]}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = bodies[parts[1]]
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            with pages.get_lock():
                pages.value += 1
            if hang:
                time.sleep(3600)
            if delay:
                time.sleep(delay)
            body = b"<html><body>Internal error</body></html>"
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    httpd = Server(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    for number in range(feeds):
        bodies[str(number)] = render_feed(number, items, base)
    port_out.send(httpd.server_address[1])
    httpd.serve_forever(poll_interval=0.1)


def measure(store, options, pages) -> dict:  # noqa: ANN001
    from reader.sources.refresh import refresh_feeds

    before = pages.value
    feeds_done = [0.0]
    started = time.perf_counter()

    def progress(event) -> None:  # noqa: ANN001
        if event.phase == "feeds" and event.done == event.total:
            feeds_done[0] = time.perf_counter() - started

    report = refresh_feeds(store, options=options, on_progress=progress)
    total = time.perf_counter() - started
    return {
        "feeds_s": feeds_done[0],
        "total_s": total,
        "pages": pages.value - before,
        "unchanged": sum(r.status == "unchanged" for r in report.results),
        "full": report.full_text,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=5, help="teaser items per feed")
    parser.add_argument("--page-delay", type=float, default=0.0, help="seconds before the 500")
    parser.add_argument("--hang", action="store_true", help="pages never answer")
    parser.add_argument("--read-timeout", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    from reader.sources.http import FetchLimits
    from reader.sources.refresh import RefreshOptions
    from reader.store import Store

    pages = mp.Value("i", 0)
    receive, send = mp.Pipe(duplex=False)
    context = mp.get_context("fork")
    server = context.Process(
        target=serve,
        args=(args.feeds, args.items, args.page_delay, args.hang, pages, send),
        daemon=True,
    )
    server.start()
    port = receive.recv()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="bench-fulltext-"))
    limits = FetchLimits(
        connect_timeout=args.read_timeout,
        read_timeout=args.read_timeout,
        total_timeout=max(60.0, 3 * args.read_timeout),
    )
    options = RefreshOptions(workers=args.workers, limits=limits, full_text=True)
    try:
        store = Store(workdir / "library.sqlite3")
        for number in range(args.feeds):
            store.add_feed(f"{base}/feed/{number}")
        print(
            f"{args.feeds} feeds × {args.items} teasers; pages answer "
            + ("never" if args.hang else f"HTTP 500 after {args.page_delay:g} s")
        )
        for label in ("cold", "warm", "warm again"):
            run = measure(store, options, pages)
            full = run["full"]
            detail = ""
            if full is not None:
                detail = f"; full text: {full.fetched} fetched, {full.failed} failed"
                waiting = getattr(full, "waiting", None)
                if waiting is not None:
                    detail += f", {waiting} waiting for a retry"
            print(
                f"{label:>10}: feeds done in {run['feeds_s']:.2f} s, all done in "
                f"{run['total_s']:.2f} s, {run['pages']} page requests, "
                f"{run['unchanged']}/{args.feeds} feeds 304{detail}"
            )
        store.close()
    finally:
        server.terminate()
        server.join(5)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
