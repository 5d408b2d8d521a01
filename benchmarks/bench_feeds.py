"""Feed refresh benchmark: our fetcher against newsboat, on the shared corpora.

Both corpora (../shared/corpora: BBC English and SaudiNewsNet Arabic) are split into ~300
RSS feeds of ~110 items, served from 127.0.0.1 by a threaded server in its own process (so
it does not compete with the client for the GIL) that answers conditional GETs with 304.
Half the feeds carry full bodies (alternately in <description> and <content:encoded>); the
other half are summary-only, with each item linking to an article page wrapped in
navigation, related-story teasers and a footer.

Measured, in one run:
- cold refresh of every feed into an empty temporary store (feeds only, no full text);
- full-text fetch of the summary-only entries (reported separately), with the extraction's
  paragraph recall and precision against the corpus text;
- warm refresh (every feed answers 304);
- `newsboat -x reload` on the same URLs, cold and warm, with its default settings and with
  as many reload threads as our workers.

Usage: python benchmarks/bench_feeds.py [--items 110] [--feeds N] [--full-text-limit N]
Goals: cold ≤ newsboat's cold; warm < 2 s.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import html
import json
import multiprocessing as mp
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    paragraphs: list[str]
    language: str
    published: datetime


# -- corpora ------------------------------------------------------------------------------
def load_stories() -> list[Story]:
    stories: list[Story] = []
    base = datetime(2005, 1, 1, tzinfo=UTC)
    for n, path in enumerate(sorted(glob.glob(str(CORPORA / "bbc" / "*" / "*.txt")))):
        raw = Path(path).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # bbc/sport/199.txt
        lines = [line.strip() for line in text.strip().split("\n")]
        paragraphs = [line for line in lines[1:] if line]
        if lines and paragraphs:
            stories.append(Story(lines[0], paragraphs, "en", base + timedelta(hours=n)))
    for archive in sorted(glob.glob(str(CORPORA / "saudinewsnet" / "*.zip"))):
        with zipfile.ZipFile(archive) as zipped:
            for name in zipped.namelist():
                for record in json.loads(zipped.read(name)):
                    paragraphs = [p.strip() for p in record["content"].split("\n") if p.strip()]
                    if not paragraphs:
                        continue
                    try:
                        when = datetime.strptime(record["date_extracted"], "%Y-%m-%d %H:%M:%S")
                    except (ValueError, TypeError):
                        when = base
                    title = record["title"].strip() or paragraphs[0][:60]
                    stories.append(Story(title, paragraphs, "ar", when.replace(tzinfo=UTC)))
    return stories


# -- documents ----------------------------------------------------------------------------
def teaser(story: Story) -> str:
    words = story.paragraphs[0].split()
    return " ".join(words[:40]) + (" …" if len(words) > 40 else "") + " Read more"


def render_feed(number: int, stories: list[Story], base_url: str) -> bytes:
    """Feed `number`: even ones carry full bodies, odd ones only teasers."""
    summary_only = number % 2 == 1
    in_content = number % 4 == 0
    language = stories[0].language
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Bench feed {number}</title><link>{base_url}/</link>"
        f"<language>{language}</language><description>Benchmark feed</description>"
    ]
    for index, story in enumerate(stories):
        link = f"{base_url}/page/{number}/{index}"
        body = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
        if summary_only:
            extra = f"<description>{html.escape(teaser(story))}</description>"
        elif in_content:
            extra = (
                f"<description>{html.escape(teaser(story))}</description>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            )
        else:
            extra = f"<description>{html.escape(body)}</description>"
        out.append(
            f"<item><title>{html.escape(story.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">bench-{number}-{index}</guid>'
            f"<pubDate>{format_datetime(story.published)}</pubDate>{extra}</item>"
        )
    out.append("</channel></rss>")
    return "".join(out).encode()


def render_page(story: Story, others: list[Story]) -> bytes:
    escape = html.escape
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(15))
    related = "".join(
        f'<div class="teaser"><h3><a href="/x/{i}">{escape(o.title)}</a></h3>'
        f"<p>{escape(o.paragraphs[0][:200])}</p></div>"
        for i, o in enumerate(others)
    )
    comments = "".join(
        f'<div class="comment"><p class="who">user{i}</p><p>{escape(o.paragraphs[-1][:300])}</p>'
        "</div>"
        for i, o in enumerate(others[:3])
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    direction = ' dir="rtl"' if story.language == "ar" else ""
    return (
        f'<!DOCTYPE html><html lang="{story.language}"{direction}><head><meta charset="utf-8">'
        f"<title>{escape(story.title)} - News</title><style>body{{font:14px sans-serif}}"
        "</style><script>var analytics={id:1};</script></head><body>"
        '<div id="cookie">We use cookies to improve your experience. '
        '<a href="/privacy">Learn more</a></div>'
        f"<header><nav><ul>{nav}</ul></nav></header>"
        '<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/news">News</a></div>'
        f"<main><article><h1>{escape(story.title)}</h1>"
        '<p class="byline">By Staff Reporter</p>'
        '<div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div>'
        f'{body}<img src="/pixel.gif" width="1" height="1"></article>'
        f"<aside><h2>Related stories</h2>{related}</aside>"
        f'<section class="comments"><h2>Comments</h2>{comments}</section></main>'
        '<footer><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a>'
        "</li><li>Copyright 2005 News Corp. All rights reserved.</li></ul></footer>"
        "<script>track();</script></body></html>"
    ).encode()


# -- the server (its own process) ---------------------------------------------------------
def serve(groups: list[list[Story]], port_out: mp.connection.Connection) -> None:
    feeds: dict[str, tuple[bytes, str]] = {}
    counts = {"200": 0, "304": 0, "page": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            if parts[0] == "feed" and len(parts) == 2 and parts[1] in feeds:
                body, etag = feeds[parts[1]]
                if self.headers.get("If-None-Match") == etag:
                    counts["304"] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                counts["200"] += 1
                self._send(body, "application/rss+xml; charset=utf-8", {"ETag": etag})
                return
            if parts[0] == "page" and len(parts) == 3:
                group = groups[int(parts[1])]
                story = group[int(parts[2])]
                others = [group[(int(parts[2]) + k) % len(group)] for k in (1, 2, 3, 4)]
                counts["page"] += 1
                self._send(render_page(story, others), "text/html; charset=utf-8", {})
                return
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, body: bytes, kind: str, extra: dict[str, str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request: object, client_address: object) -> None:
            pass

    httpd = Server(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    for number, group in enumerate(groups):
        body = render_feed(number, group, base)
        feeds[str(number)] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
    port_out.send((httpd.server_address[1], sum(len(b) for b, _ in feeds.values())))
    httpd.serve_forever(poll_interval=0.1)


# -- measurements -------------------------------------------------------------------------
def run_ours(urls: list[str], workdir: Path, workers: int, full_text_limit: int | None) -> dict:
    from reader.sources.fulltext import fetch_full_texts
    from reader.sources.fulltext_queue import pending
    from reader.sources.http import Fetcher, FetchLimits
    from reader.sources.refresh import RefreshOptions, refresh_feeds
    from reader.store import Store

    store = Store(workdir / "ours.sqlite3")
    for url in urls:
        store.add_feed(url)
    options = RefreshOptions(workers=workers, limits=FetchLimits(), full_text=False)
    started = time.perf_counter()
    cold = refresh_feeds(store, options=options)
    cold_s = time.perf_counter() - started
    failures = [r for r in cold.results if r.failed]
    queued = len(pending(store))

    started = time.perf_counter()
    with Fetcher() as fetcher:
        full = fetch_full_texts(store, fetcher=fetcher, workers=workers, limit=full_text_limit)
    full_s = time.perf_counter() - started

    started = time.perf_counter()
    # Feeds only, like the cold run (the full-text queue may be non-empty with a limit).
    warm = refresh_feeds(store, options=RefreshOptions(workers=workers, full_text=False))
    warm_s = time.perf_counter() - started
    result = {
        "cold_s": cold_s,
        "warm_s": warm_s,
        "full_s": full_s,
        "articles": store.count(),
        "added": cold.added,
        "failed": [(r.feed.url, r.error) for r in failures],
        "unchanged_warm": sum(r.status == "unchanged" for r in warm.results),
        "queued": queued,
        "full_fetched": full.fetched,
        "full_failed": full.failed + full.gave_up,
        "parsers": sorted({r.parser or "-" for r in cold.results}),
        "store": store,
    }
    return result


def full_text_quality(store, groups: list[list[Story]], base: str, sample: int = 400) -> dict:
    """Paragraph recall and precision of extracted bodies against the corpus."""
    recall = precision = 0.0
    checked = 0
    rows = store.page(0, 10**9)
    for row in rows:
        article = store.get(row.id)
        if article is None or not article.url or "/page/" not in article.url:
            continue
        if article.body == article.summary:
            continue
        number, index = article.url.split("/page/")[1].split("/")[:2]
        story = groups[int(number)][int(index)]
        prose = article.body.split("\nLinks:\n", 1)[0]
        lines = [line for line in prose.split("\n") if line.strip()]
        truth = {" ".join(p.split()) for p in story.paragraphs}
        found = sum(1 for p in truth if p in lines)
        recall += found / max(1, len(truth))
        precision += sum(1 for line in lines if line in truth) / max(1, len(lines))
        checked += 1
        if checked >= sample:
            break
    return {
        "pages": checked,
        "recall": recall / max(1, checked),
        "precision": precision / max(1, checked),
    }


def run_newsboat(urls: list[str], workdir: Path, threads: int | None) -> dict:
    name = f"newsboat-{threads or 'default'}"
    url_file = workdir / f"{name}.urls"
    url_file.write_text("\n".join(urls) + "\n")
    config = workdir / f"{name}.config"
    config.write_text(f"reload-threads {threads}\n" if threads else "")
    cache = workdir / f"{name}.db"
    env = {**os.environ, "HOME": str(workdir)}
    command = ["newsboat", "-x", "reload", "-u", str(url_file), "-c", str(cache), "-C", str(config)]
    times = []
    for _ in ("cold", "warm"):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"newsboat failed: {done.stderr.strip()[:300]}")
    with sqlite3.connect(cache) as db:
        items = db.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0]
    return {"cold_s": times[0], "warm_s": times[1], "items": items}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=110, help="items per feed")
    parser.add_argument("--feeds", type=int, default=None, help="use only the first N feeds")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--full-text-limit", type=int, default=None, help="pages to fetch (default: all)"
    )
    parser.add_argument("--no-newsboat", action="store_true")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: {CORPORA} is not present", file=sys.stderr)
        return 0

    started = time.perf_counter()
    stories = load_stories()
    groups = [stories[i : i + args.items] for i in range(0, len(stories), args.items)]
    if args.feeds:
        groups = groups[: args.feeds]
    print(
        f"corpora: {len(stories)} stories → {len(groups)} feeds of ≤{args.items} items "
        f"({time.perf_counter() - started:.1f} s to load)"
    )

    receive, send = mp.Pipe(duplex=False)
    server = mp.get_context("fork").Process(target=serve, args=(groups, send), daemon=True)
    server.start()
    port, feed_bytes = receive.recv()
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/feed/{n}" for n in range(len(groups))]
    print(f"server: {base}, {len(urls)} feeds, {feed_bytes / 1e6:.1f} MB of RSS")
    workdir = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    try:
        ours = run_ours(urls, workdir, args.workers, args.full_text_limit)
        quality = full_text_quality(ours["store"], groups, base)
        ours["store"].close()
        items = sum(len(g) for g in groups)
        print()
        print(
            f"ours: cold refresh {ours['cold_s']:.2f} s ({items / ours['cold_s']:.0f} items/s, "
            f"{feed_bytes / 1e6 / ours['cold_s']:.1f} MB/s); {ours['added']} articles added, "
            f"{len(ours['failed'])} feeds failed; parsers used: {', '.join(ours['parsers'])}"
        )
        for url, error in ours["failed"][:5]:
            print(f"  failed: {url}: {error}")
        print(
            f"ours: warm refresh {ours['warm_s']:.2f} s "
            f"({ours['unchanged_warm']}/{len(urls)} feeds answered 304)"
        )
        rate = ours["full_fetched"] / ours["full_s"] if ours["full_s"] else 0.0
        print(
            f"ours: full text {ours['full_s']:.1f} s for {ours['full_fetched']} pages "
            f"({rate:.0f} pages/s), {ours['full_failed']} failed, {ours['queued']} were queued"
        )
        print(
            f"      extraction vs corpus ({quality['pages']} pages): paragraph recall "
            f"{quality['recall']:.3f}, precision {quality['precision']:.3f}"
        )
        goals = [f"warm < 2 s: {'met' if ours['warm_s'] < 2 else 'NOT met'}"]
        if not args.no_newsboat and shutil.which("newsboat"):
            print()
            for threads in (None, args.workers):
                boat = run_newsboat(urls, workdir, threads)
                label = f"reload-threads {threads}" if threads else "default settings"
                print(
                    f"newsboat ({label}): cold {boat['cold_s']:.2f} s, warm "
                    f"{boat['warm_s']:.2f} s, {boat['items']} items"
                )
                print(
                    f"  ratio ours/newsboat, feeds only: cold "
                    f"{ours['cold_s'] / boat['cold_s']:.2f}, warm "
                    f"{ours['warm_s'] / boat['warm_s']:.2f}"
                )
                met = "met" if ours["cold_s"] <= boat["cold_s"] else "NOT met"
                goals.append(f"cold ≤ newsboat ({label}): {met}")
        elif not args.no_newsboat:
            print("newsboat is not installed: no comparison")
        print()
        print("goals: " + "; ".join(goals))
    finally:
        server.terminate()
        server.join(5)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
