"""Full text for summary-only entries: fetched from the linked page, retried when it fails."""

from __future__ import annotations

import time
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from reader.sources.feeds import needs_full_text
from reader.sources.fulltext import FullTextReport, describe, extract_article, waiting_text
from reader.sources.fulltext_queue import (
    BACKOFF,
    HOUR,
    MAX_ATTEMPTS,
    PENDING_KEY,
    Pending,
    pending,
    pending_state,
)
from reader.sources.refresh import RefreshOptions, refresh_feeds
from reader.store import Store
from tests.feeds.conftest import FAST, FeedServer, Route, hanging, item, rss, trickling

OPTIONS = RefreshOptions(workers=4, limits=FAST, full_text=True, full_text_workers=2)

STORY = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Officials said the plan would fund schools, roads and two new libraries.",
    "Critics argued that the spending was too high for a city of its size.",
    "The mayor is expected to sign the budget into law later this week.",
]
ARABIC_STORY = [
    "وافق مجلس المدينة على الميزانية الجديدة يوم الثلاثاء بعد نقاش طويل.",
    "وقال مسؤولون إن الخطة ستمول المدارس والطرق ومكتبتين جديدتين.",
    "ورأى منتقدون أن الإنفاق مرتفع جدا بالنسبة لمدينة بهذا الحجم.",
]


def page(title: str, paragraphs: list[str], *, lang: str = "en", dir_: str = "") -> bytes:
    nav = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(12))
    teasers = "".join(
        f'<div class="teaser"><h3><a href="/other/{n}">Other story {n}</a></h3>'
        f"<p>A teaser for another story number {n}.</p></div>"
        for n in range(4)
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    direction = f' dir="{dir_}"' if dir_ else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"{direction}><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><script>track('x')</script><style>p{{}}</style></head>"
        f"<body><header><nav><ul>{nav}</ul></nav></header><main><article>"
        f"<h1>{escape(title)}</h1><p class='byline'>By A Reporter</p>{body}"
        f'<p>Read the <a href="/report.pdf">full report</a>.</p>'
        f"</article><aside><h2>Related</h2>{teasers}</aside></main>"
        f"<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer></body></html>"
    ).encode()


def teaser_item(n: int, server: FeedServer, path: str) -> str:
    return item(
        n,
        title=f"Budget story {n}",
        body="<p>The council approved the budget. Read more…</p>",
        link=server.url(path),
    )


def test_heuristic():
    assert needs_full_text("Short teaser.", has_content=False, url="http://x/1")
    assert not needs_full_text("Short teaser.", has_content=False, url=None)
    long = "word " * 400
    assert not needs_full_text(long, has_content=False, url="http://x/1")
    assert needs_full_text("word " * 200 + "Continue reading", has_content=False, url="http://x")
    assert needs_full_text("كلمة " * 50 + "اقرأ المزيد", has_content=False, url="http://x/1")


def test_extract_article_keeps_story_drops_boilerplate():
    text, hint = extract_article(page("Budget", STORY), url="http://example.org/a")
    lines = text.split("\n")
    for paragraph in STORY:
        assert paragraph in lines
    assert "Section 3" not in text and "Copyright" not in text and "track(" not in text
    assert "Other story" not in text
    assert hint == "en"
    assert "full report [1]" in text and "[1] http://example.org/report.pdf" in lines


def test_summary_only_entries_get_full_text(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(
        rss(teaser_item(1, server, "/story/1") + teaser_item(2, server, "/story/2")), etag='"f"'
    )
    server.routes["/story/1"] = Route(page("Budget story 1", STORY), content_type="text/html")
    server.routes["/story/2"] = Route(
        page("Budget story 2", ARABIC_STORY, lang="", dir_="rtl"), content_type="text/html"
    )
    store.add_feed(server.url("/feed"))
    seen: list[int] = []
    report = refresh_feeds(store, options=OPTIONS, on_articles=seen.extend)
    feed_result = report.results[0]
    assert feed_result.added == 2 and feed_result.full_text_queued == 2
    assert report.full_text.fetched == 2 and report.full_text.remaining == 0
    articles = {a.guid: a for a in (store.get(i) for i in feed_result.ids)}
    english, arabic = articles["urn:story:1"], articles["urn:story:2"]
    assert english.summary.startswith("The council approved the budget. Read more…")
    assert all(p in english.body.split("\n") for p in STORY)
    assert "Section 3" not in english.body
    assert not english.body.startswith("Budget story 1")  # the title is not repeated
    assert english.language == "en"
    assert all(p in arabic.body.split("\n") for p in ARABIC_STORY)
    assert arabic.language == "ar"
    assert set(feed_result.ids) <= set(seen)  # the app hears about both steps
    assert pending(store) == {}

    # The feed changes nothing, but is served again (no etag match): the teaser must not
    # overwrite the full text.
    server.routes["/feed"].etag = None
    again = refresh_feeds(store, options=OPTIONS)
    assert (again.results[0].added, again.results[0].updated) == (0, 0)
    assert all(p in store.get(english.id).body for p in STORY)


def test_failed_full_text_is_retried_once_its_backoff_has_passed(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/story/1")), etag='"f"')
    server.routes["/story/1"] = Route(b"busy", status=503, content_type="text/plain")
    store.add_feed(server.url("/feed"))
    t0 = 1_700_000_000.0
    first = refresh_feeds(store, options=OPTIONS, now=t0)
    assert first.full_text.fetched == 0 and first.full_text.failed == 1
    (article_id,) = first.results[0].ids
    article = store.get(article_id)
    assert article.body == article.summary  # readable meanwhile
    assert pending(store) == {article_id: 1}
    assert pending_state(store)[article_id].next_at == t0 + HOUR
    assert "HTTP 503" in first.full_text.errors[0][2]
    assert (first.full_text.waiting, first.full_text.next_retry) == (1, t0 + HOUR)

    server.routes["/story/1"] = Route(page("Budget story 1", STORY), content_type="text/html")
    early = refresh_feeds(store, options=OPTIONS, now=t0 + HOUR - 60)
    assert early.full_text.fetched == early.full_text.failed == 0
    assert early.full_text.waiting == 1
    assert len(server.hits("/story/1")) == 1  # not asked again before its time
    second = refresh_feeds(store, options=OPTIONS, now=t0 + HOUR)
    assert second.results[0].status == "unchanged"
    assert second.full_text.fetched == 1
    assert all(p in store.get(article_id).body for p in STORY)
    assert pending(store) == {}


def test_gives_up_after_max_attempts_and_keeps_summary(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/missing")), etag='"f"')
    store.add_feed(server.url("/feed"))
    options = RefreshOptions(limits=FAST, full_text_max_attempts=2)
    t0 = 1_700_000_000.0
    first = refresh_feeds(store, options=options, now=t0)
    assert first.full_text.failed == 1 and first.full_text.gave_up == 0
    second = refresh_feeds(store, options=options, now=t0 + 2 * HOUR)
    assert second.full_text.gave_up == 1 and second.full_text.remaining == 0
    article = store.get(first.results[0].ids[0])
    assert article.body == article.summary
    third = refresh_feeds(store, options=options, now=t0 + 30 * 24 * HOUR)
    assert third.full_text.fetched == third.full_text.failed == 0
    assert [s.path for s in server.seen].count("/missing") == 2


def test_page_redirecting_to_file_is_refused(server: FeedServer, store: Store):
    def to_file(request) -> None:
        request.send_response(301)
        request.send_header("Location", "file:///etc/passwd")
        request.send_header("Content-Length", "0")
        request.end_headers()

    server.routes["/feed"] = Route(
        rss(
            teaser_item(1, server, "/story/1")
            + item(2, body="<p>Teaser</p>", link="file:///etc/passwd")
        )
    )
    server.routes["/story/1"] = Route(handler=to_file)
    store.add_feed(server.url("/feed"))
    report = refresh_feeds(store, options=OPTIONS)
    assert report.results[0].added == 2
    assert report.results[0].full_text_queued == 1  # the file:// link is no link at all
    assert report.full_text.gave_up == 1
    assert "redirect refused" in report.full_text.errors[0][2]
    stored = {store.get(i).guid: store.get(i) for i in report.results[0].ids}
    assert stored["urn:story:2"].url is None
    assert "root:" not in stored["urn:story:1"].body


def test_full_text_can_be_turned_off(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/story/1")))
    store.add_feed(server.url("/feed"))
    report = refresh_feeds(store, options=RefreshOptions(limits=FAST, full_text=False))
    assert report.full_text is None
    assert server.hits("/story/1") == []
    assert len(pending(store)) == 1  # still queued for a later refresh


# -- pages that keep failing ----------------------------------------------------------------
T0 = 1_700_000_000.0  # a fixed "now" (Unix time): retry times are tested without sleeping


def test_backoff_schedule_gives_up_after_about_a_week(
    server: FeedServer, store: Store, tmp_path: Path
):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/busy")), etag='"f"')
    server.routes["/busy"] = Route(b"busy", status=503, content_type="text/plain")
    store.add_feed(server.url("/feed"))
    first = refresh_feeds(store, options=OPTIONS, now=T0)
    (article_id,) = first.results[0].ids
    now = T0
    for attempt, delay in enumerate(BACKOFF, 1):
        assert pending_state(store) == {article_id: Pending(attempt, now + delay)}
        now += delay
        early = refresh_feeds(store, options=OPTIONS, now=now - 1)
        assert early.full_text.waiting == 1 and early.full_text.errors == []
        assert len(server.hits("/busy")) == attempt
        report = refresh_feeds(store, options=OPTIONS, now=now)
        assert len(server.hits("/busy")) == attempt + 1
    assert report.full_text.gave_up == 1 and report.full_text.remaining == 0
    assert pending_state(store) == {}
    assert len(server.hits("/busy")) == MAX_ATTEMPTS
    assert 6 * 24 * HOUR <= now - T0 <= 7 * 24 * HOUR  # given up about a week after
    refresh_feeds(store, options=OPTIONS, now=now + 30 * 24 * HOUR)
    assert len(server.hits("/busy")) == MAX_ATTEMPTS
    article = store.get(article_id)
    assert article.body == article.summary


def test_retry_times_survive_a_restart(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/busy")), etag='"f"')
    server.routes["/busy"] = Route(b"busy", status=500, content_type="text/plain")
    store.add_feed(server.url("/feed"))
    (article_id,) = refresh_feeds(store, options=OPTIONS, now=T0).results[0].ids
    again = Store(store.path)
    try:
        assert pending_state(again) == {article_id: Pending(1, T0 + HOUR)}
        assert refresh_feeds(again, options=OPTIONS, now=T0 + 60).full_text.waiting == 1
    finally:
        again.close()
    assert len(server.hits("/busy")) == 1


def test_final_answers_give_up_sooner(server: FeedServer, store: Store):
    paths = ["/gone", "/missing", "/pdf", "/busy"]
    server.routes["/feed"] = Route(
        rss("".join(teaser_item(n, server, path) for n, path in enumerate(paths))), etag='"f"'
    )
    server.routes["/gone"] = Route(b"gone", status=410, content_type="text/plain")
    server.routes["/pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    server.routes["/busy"] = Route(b"busy", status=503, content_type="text/plain")
    store.add_feed(server.url("/feed"))  # /missing: the test server's 404
    first = refresh_feeds(store, options=OPTIONS, now=T0)
    assert (first.full_text.gave_up, first.full_text.failed) == (2, 2)  # 410 and the PDF
    second = refresh_feeds(store, options=OPTIONS, now=T0 + HOUR)
    assert (second.full_text.gave_up, second.full_text.failed) == (1, 1)  # 404: one retry
    refresh_feeds(store, options=OPTIONS, now=T0 + 30 * 24 * HOUR)
    assert {p: len(server.hits(p)) for p in paths} == {
        "/gone": 1,
        "/pdf": 1,
        "/missing": 2,
        "/busy": 3,
    }


def test_queue_written_before_backoff_reads_as_due(store: Store):
    store.meta_set(PENDING_KEY, '{"5": 2, "7": 0}')
    assert pending_state(store) == {5: Pending(2, 0.0), 7: Pending(0, 0.0)}
    assert pending(store) == {5: 2, 7: 0}
    store.meta_set(PENDING_KEY, '{"5": [2]}')
    assert pending_state(store) == {}  # damaged: only the retries are lost


def test_slow_and_failing_pages_never_hold_up_the_feeds(server: FeedServer, store: Store):
    """Feeds are stored and reported before any page; pages stop at the time budget."""
    paths = {"/hang": hanging(server), "/trickle": trickling(server)}
    for path, handler in paths.items():
        server.routes[path] = Route(handler=handler)
    server.routes["/error"] = Route(b"oops", status=500, content_type="text/html")
    items = "".join(
        teaser_item(n, server, path) for n, path in enumerate(["/hang", "/trickle", "/error"])
    )
    server.routes["/feed"] = Route(rss(items + item(9)), etag='"f"')
    store.add_feed(server.url("/feed"))
    # Only the time budget bounds the trickling page: its own total timeout is far away.
    limits = FAST.__class__(connect_timeout=1.0, read_timeout=1.0, total_timeout=60.0)
    options = RefreshOptions(limits=limits, full_text_workers=4, full_text_seconds=2.0)
    feeds_done: list[tuple[float, int, int]] = []
    started = time.monotonic()

    def on_feeds_done(report) -> None:
        feeds_done.append((time.monotonic() - started, report.added, store.count()))

    report = refresh_feeds(store, options=options, now=T0, on_feeds_done=on_feeds_done)
    took = time.monotonic() - started
    # The feed (4 articles) was stored and reported at once, long before the pages gave up.
    assert len(feeds_done) == 1
    seconds, added, stored = feeds_done[0]
    assert (added, stored) == (4, 4)
    assert seconds < 1.5, seconds
    assert 1.9 < took < 2.0 + 1.0 + 2.0, took  # budget + read timeout + slack
    full = report.full_text
    assert (full.fetched, full.failed, full.waiting) == (0, 3, 3)
    reasons = {url.rsplit("/", 1)[1]: why for _, url, why in full.errors}
    assert "timed out" in reasons["hang"] and "HTTP 500" in reasons["error"]
    assert reasons["trickle"] == "too slow (not complete within 2 s)"
    assert {p: len(server.hits(p)) for p in ("/hang", "/trickle", "/error")} == {
        "/hang": 1,
        "/trickle": 1,
        "/error": 1,
    }

    # An immediate second refresh asks nothing of the failing page server, and is quick.
    started = time.monotonic()
    again = refresh_feeds(store, options=options, now=T0 + 5)
    assert time.monotonic() - started < 1.5
    assert again.results[0].status == "unchanged"
    assert (again.full_text.failed, again.full_text.waiting) == (0, 3)
    assert {p: len(server.hits(p)) for p in ("/hang", "/trickle", "/error")} == {
        "/hang": 1,
        "/trickle": 1,
        "/error": 1,
    }

    # Once the backoff has passed they are tried again; one has recovered meanwhile.
    server.routes["/error"] = Route(page("Budget story 2", STORY), content_type="text/html")
    later = refresh_feeds(store, options=options, now=T0 + HOUR)
    assert later.full_text.fetched == 1 and later.full_text.failed == 2
    assert {p: len(server.hits(p)) for p in ("/hang", "/trickle", "/error")} == {
        "/hang": 2,
        "/trickle": 2,
        "/error": 2,
    }
    assert {e.attempts for e in pending_state(store).values()} == {2}


def test_time_budget_leaves_pages_not_reached_for_the_next_fetch(server: FeedServer, store: Store):
    """Pages cut short by the budget, having had little of it, keep their place unpunished."""

    def slow_then_fine(request: BaseHTTPRequestHandler) -> None:
        time.sleep(0.3)  # each page takes well under half the budget
        body = page("Budget story", STORY)
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    items = "".join(teaser_item(n, server, f"/slow/{n}") for n in range(6))
    server.routes["/feed"] = Route(rss(items), etag='"f"')
    for n in range(6):
        server.routes[f"/slow/{n}"] = Route(handler=slow_then_fine)
    store.add_feed(server.url("/feed"))
    options = RefreshOptions(limits=FAST, full_text_workers=1, full_text_seconds=1.0)
    report = refresh_feeds(store, options=options, now=T0)
    full = report.full_text
    assert full.fetched >= 1 and full.failed == 0 and full.gave_up == 0
    assert full.deferred == 6 - full.fetched and full.out_of_time
    assert "left for the next fetch (time limit reached)" in describe(full, now=T0)
    rest = refresh_feeds(store, options=replace_budget(options, None), now=T0 + 1)
    assert rest.full_text.fetched == 6 - full.fetched and rest.full_text.remaining == 0


def replace_budget(options: RefreshOptions, seconds: float | None) -> RefreshOptions:
    from dataclasses import replace

    return replace(options, full_text_seconds=seconds)


def test_waiting_pages_are_counted_in_words():
    assert waiting_text(0) == ""
    assert waiting_text(1) == "1 page waiting for a retry"
    assert waiting_text(2) == "2 pages waiting for a retry"
    assert waiting_text(1, T0 + HOUR - 20, now=T0) == (
        "1 page waiting for a retry (the next in 1 hour)"
    )
    assert waiting_text(3, T0 + 60, now=T0).endswith("(the next in 1 minute)")
    assert waiting_text(3, T0 + 4 * HOUR, now=T0).endswith("(the next in 4 hours)")
    assert waiting_text(1, T0 + 48 * HOUR, now=T0).endswith("(the next in 2 days)")
    report = FullTextReport(fetched=1, failed=1, remaining=1, waiting=1, next_retry=T0 + HOUR)
    assert describe(report, now=T0) == (
        "full text: 1 fetched, 1 failed; 1 page waiting for a retry (the next in 1 hour)"
    )
    assert describe(FullTextReport()) == ""
