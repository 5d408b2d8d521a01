"""Full text for summary-only entries: fetched from the linked page, retried when it fails."""

from __future__ import annotations

from html import escape

from reader.sources.feeds import RefreshOptions, needs_full_text, refresh_feeds
from reader.sources.fulltext import extract_article, pending
from reader.store import Store
from tests.feeds.conftest import FAST, FeedServer, Route, item, rss

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


def test_failed_full_text_is_retried_at_next_refresh(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/story/1")), etag='"f"')
    server.routes["/story/1"] = Route(b"busy", status=503, content_type="text/plain")
    store.add_feed(server.url("/feed"))
    first = refresh_feeds(store, options=OPTIONS)
    assert first.full_text.fetched == 0 and first.full_text.failed == 1
    (article_id,) = first.results[0].ids
    article = store.get(article_id)
    assert article.body == article.summary  # readable meanwhile
    assert pending(store) == {article_id: 1}
    assert "HTTP 503" in first.full_text.errors[0][2]

    server.routes["/story/1"] = Route(page("Budget story 1", STORY), content_type="text/html")
    second = refresh_feeds(store, options=OPTIONS)
    assert second.results[0].status == "unchanged"
    assert second.full_text.fetched == 1
    assert all(p in store.get(article_id).body for p in STORY)
    assert pending(store) == {}


def test_gives_up_after_max_attempts_and_keeps_summary(server: FeedServer, store: Store):
    server.routes["/feed"] = Route(rss(teaser_item(1, server, "/missing")), etag='"f"')
    store.add_feed(server.url("/feed"))
    options = RefreshOptions(limits=FAST, full_text_max_attempts=2)
    first = refresh_feeds(store, options=options)
    assert first.full_text.failed == 1 and first.full_text.gave_up == 0
    second = refresh_feeds(store, options=options)
    assert second.full_text.gave_up == 1 and second.full_text.remaining == 0
    article = store.get(first.results[0].ids[0])
    assert article.body == article.summary
    third = refresh_feeds(store, options=options)
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
