"""Full text for summary-only feed entries: fetch the linked page, extract the story.

Extraction uses trafilatura, chosen by measurement on article pages wrapped in navigation,
related-story teasers, comments and footers (300 pages, English and Arabic): trafilatura kept
99.4% of the story paragraphs with 99.1% precision at ~335 pages/s; readability-lxml kept
100% but only 75% of what it returned was story; jusText 94% / 51%.

The queue is resumable and survives restarts: the ids of articles still waiting, with the
number of attempts so far, live in the store's meta table under `PENDING_KEY`. A failure
leaves the article queued for the next refresh, until `max_attempts`; the article keeps
its summary as its body meanwhile (and for good, after that). No UI imports here.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from configparser import ConfigParser
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import charset_normalizer

from reader.models import Article
from reader.sources.html import html_to_text
from reader.sources.http import Fetcher, FetchError, FetchLimits
from reader.store import Store
from reader.text.sanitize import clean_line

if TYPE_CHECKING:
    from reader.sources.feeds import Progress

__all__ = [
    "PENDING_KEY",
    "FullTextReport",
    "extract_article",
    "fetch_full_texts",
    "pending",
    "queue",
]

PENDING_KEY = "feeds.full_text_pending"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_SAVE_EVERY = 2.0  # seconds between checkpoints of the queue
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(lang|dir)\s*=\s*["']?([A-Za-z_-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# trafilatura and its helpers log page-level warnings; they are not ours to print.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


# -- the queue ------------------------------------------------------------------------------
def pending(store: Store) -> dict[int, int]:
    """Article id → failed attempts so far, for every article waiting for its full text."""
    raw = store.meta_get(PENDING_KEY)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
        return {int(k): int(v) for k, v in data.items()}
    except (ValueError, TypeError, AttributeError):
        return {}  # a damaged queue only costs the retries


def _save(store: Store, queue_: dict[int, int]) -> None:
    store.meta_set(PENDING_KEY, json.dumps({str(k): v for k, v in sorted(queue_.items())}))


def queue(store: Store, ids: Iterable[int]) -> None:
    """Add articles to the queue (already queued ones keep their attempt count)."""
    pending_queue = PendingQueue(store)
    pending_queue.add(ids)
    pending_queue.save()


class PendingQueue:
    """The queue in memory, written back every few seconds and on save().

    Rewriting the JSON after every feed would cost O(feeds × queue) on a big first refresh;
    a crash between checkpoints costs at most the full text of the last few feeds' entries.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.items = pending(store)
        self._dirty = False
        self._saved = time.monotonic()

    def add(self, ids: Iterable[int]) -> None:
        for article_id in ids:
            self.items.setdefault(int(article_id), 0)
            self._dirty = True
        self.checkpoint()

    def checkpoint(self) -> None:
        if self._dirty and time.monotonic() - self._saved > _SAVE_EVERY:
            self.save()

    def save(self) -> None:
        _save(self.store, self.items)
        self._dirty = False
        self._saved = time.monotonic()


# -- extraction -----------------------------------------------------------------------------
def _decode(body: bytes, charset: str | None) -> str:
    names = [charset] if charset else []
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        names.append(meta.group(1).decode("ascii"))
    names.append("utf-8")
    for name in names:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    return body.decode(best.encoding if best and best.encoding else "cp1252", "replace")


def page_language_hint(html: str) -> str | None:
    """The page's declared language: `<html lang>`, or Arabic for `dir="rtl"` alone."""
    tag = _HTML_TAG.search(html[:20_000])
    if not tag:
        return None
    attrs = {k.lower(): v for k, v in _ATTR.findall(tag.group(0))}
    if attrs.get("lang"):
        return attrs["lang"]
    return "ar" if attrs.get("dir", "").lower() == "rtl" else None


_CONFIG: ConfigParser | None = None


def _trafilatura_config() -> ConfigParser:
    global _CONFIG
    if _CONFIG is None:
        from trafilatura.settings import use_config

        config = use_config()
        # Below this many characters trafilatura falls back to a "baseline" that returns
        # the whole page as one paragraph; short news briefs deserve their structure.
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
        _CONFIG = config
    return _CONFIG


def extract_article(
    body: bytes | str, *, url: str, charset: str | None = None
) -> tuple[str, str | None]:
    """(text, language hint) of the story in a web page; text is "" when none is found."""
    import trafilatura  # lazily: it takes a while to import

    html = body if isinstance(body, str) else _decode(body, charset)
    hint = page_language_hint(html)
    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="html",
        include_links=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        config=_trafilatura_config(),
    )
    if not extracted:
        return "", hint
    return html_to_text(extracted, base_url=url), hint


def _without_title(text: str, title: str) -> str:
    """The reading pane shows the title already; drop it when the page repeats it first."""
    first, _, rest = text.partition("\n")
    if clean_line(first).casefold() == clean_line(title).casefold():
        return rest
    return text


# -- fetching -------------------------------------------------------------------------------
@dataclass(slots=True)
class FullTextReport:
    fetched: int = 0  # articles that got their full text
    failed: int = 0  # failed this time, queued again
    gave_up: int = 0  # failed max_attempts times: keep the summary
    remaining: int = 0  # still queued after this run
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (id, url, reason)
    seconds: float = 0.0


@dataclass(slots=True)
class _Page:
    article: Article
    text: str = ""
    hint: str | None = None
    error: str | None = None
    permanent: bool = False


def _fetch_page(fetcher: Fetcher, article: Article, cancelled: Callable[[], bool] | None) -> _Page:
    page = _Page(article)
    assert article.url is not None
    try:
        response = fetcher.get(article.url, accept=PAGE_ACCEPT, cancelled=cancelled)
        kind = response.content_type
        if kind and "html" not in kind and not kind.startswith("text/"):
            page.error = f"not a web page ({kind[:60]})"
            page.permanent = True
            return page
        text, page.hint = extract_article(response.body, url=response.url, charset=response.charset)
        page.text = _without_title(text, article.title)
        if not page.text.strip():
            page.error = "no article text found on the page"
    except FetchError as error:
        page.error = str(error)
        # A 404 may be a page not published yet: only "gone" and refusals are final.
        page.permanent = error.status == 410 or (error.permanent and error.status is None)
    except Exception as error:  # noqa: BLE001 - one odd page must not stop the others
        page.error = f"extraction failed: {type(error).__name__}: {str(error)[:160]}"
    return page


def _store_page(store: Store, page: _Page) -> list[int]:
    from reader.sources.feeds import choose_language

    article = page.article
    assert article.id is not None
    language = choose_language(page.hint or article.language, f"{article.title}\n{page.text}")
    prose_len = len(page.text.split("\nLinks:\n", 1)[0])
    summary_len = len((article.summary or "").split("\nLinks:\n", 1)[0])
    if prose_len < summary_len:
        return []  # the page holds less than the feed's summary: keep the summary
    if article.guid:
        # Keyed by its unique guid, this updates the row in place (read/starred kept) and
        # also records the page's language.
        store.add_articles([replace(article, body=page.text, language=language)], update=True)
    else:
        store.replace_body(article.id, page.text)
    return [article.id]


def fetch_full_texts(
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    limits: FetchLimits | None = None,
    workers: int = 4,
    max_attempts: int = 5,
    limit: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_articles: Callable[[Sequence[int]], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FullTextReport:
    """Fetch the full text of queued articles (newest first), storing each as it arrives.

    Bounded: at most `workers` pages in flight (and the fetcher's per-host limit). Resumable:
    the queue is checkpointed every few seconds and at the end, so an interrupted run loses
    nothing but the pages in flight.
    """
    from reader.sources.feeds import Progress

    started = time.monotonic()
    report = FullTextReport()
    queued = pending(store)
    order = sorted(queued, reverse=True)  # newest ids first
    if limit is not None:
        order = order[:limit]
    total = len(order)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(limits)
    last_save = time.monotonic()
    done = 0
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            in_flight: set[Future[_Page]] = set()
            ids = iter(order)
            exhausted = False
            while True:
                while not exhausted and len(in_flight) < workers * 2:
                    if cancelled is not None and cancelled():
                        exhausted = True
                        break
                    article_id = next(ids, None)
                    if article_id is None:
                        exhausted = True
                        break
                    article = store.get(article_id)
                    if (
                        article is None
                        or not article.url
                        or article.summary is None
                        or article.body != article.summary
                    ):
                        queued.pop(article_id, None)  # gone, or it has its full text already
                        done += 1
                        continue
                    in_flight.add(pool.submit(_fetch_page, fetcher, article, cancelled))
                if not in_flight:
                    break
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    page = future.result()
                    article_id = page.article.id or 0
                    done += 1
                    if page.error is None:
                        changed = _store_page(store, page)
                        queued.pop(article_id, None)
                        report.fetched += 1
                        if changed and on_articles is not None:
                            on_articles(changed)
                    elif page.error == "cancelled":
                        pass
                    else:
                        attempts = queued.get(article_id, 0) + 1
                        report.errors.append((article_id, page.article.url or "", page.error))
                        if attempts >= max_attempts or page.permanent:
                            queued.pop(article_id, None)
                            report.gave_up += 1
                        else:
                            queued[article_id] = attempts
                            report.failed += 1
                    if on_progress is not None:
                        label = page.article.url or ""
                        on_progress(Progress("full_text", done, total, label))
                if time.monotonic() - last_save > _SAVE_EVERY:
                    _save(store, queued)
                    last_save = time.monotonic()
    finally:
        _save(store, queued)
        if own_fetcher:
            fetcher.close()
    report.remaining = len(queued)
    report.seconds = time.monotonic() - started
    return report
