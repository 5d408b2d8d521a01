"""RSS and Atom feeds: parse the bytes, convert the entries to articles. No UI imports.

Parsing takes two roads, chosen by measurement (see `parse_feed`):

- A well-formed document goes to `fastfeedparser` (about 240 MB/s here, 70 times faster than
  `feedparser`).
- Anything else (unescaped `&`, HTML entities without a DTD, broken tags, a wrong encoding)
  goes to `feedparser`, whose tolerant parser recovers the text that fastfeedparser's
  libxml2 recovery silently drops ("Tom & Jerry" → "Tom  Jerry", "A&nbsp;B" → "A").

Before either sees the bytes, a document that declares XML entities is refused: feeds have no
use for them and they are how entity-expansion ("billion laughs") bombs work.

Nothing here touches the network or the store: fetching and storing are
`reader.sources.refresh`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from reader.models import Article, Feed
from reader.sources.dates import parse_date
from reader.sources.html import html_to_text, inline_text, without_links
from reader.text.i18n import _
from reader.text.language import choose_language
from reader.text.sanitize import clean_line

__all__ = [
    "ConvertedEntry",
    "FeedFormatError",
    "ParsedEntry",
    "ParsedFeed",
    "entries_to_articles",
    "needs_full_text",
    "parse_feed",
]

# A news story here averages ~280 words (both corpora); a "summary" is far shorter.
SUMMARY_MAX_WORDS = 120
# Teaser endings, looked for in the last few words only: "التفاصيل" (details) alone is an
# everyday word in Arabic news, so only the fixed "read more" phrases count.
_READ_MORE = re.compile(
    r"((read|continue|see|view)\s+(the\s+)?(more|full|rest|article|story|reading|original)"
    r"|\[(…|\.\.\.|&hellip;)\]|…|\.\.\."
    r"|(اقرأ|إقرأ|تابع)\s+(المزيد|أيضا|أيضاً|الخبر|القراءة|التفاصيل)"
    r"|للمزيد\s+من\s+التفاصيل)\W*$",
    re.IGNORECASE,
)
_FEED_ROOTS = frozenset(("rss", "RDF", "feed", "channel"))


class FeedFormatError(Exception):
    """The bytes are not a feed we can read; the message says what they are instead."""


# -- parsing ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One entry as the feed gives it (HTML not yet converted)."""

    guid: str | None = None
    url: str | None = None
    title: str = ""
    content: str | None = None  # the full content (content:encoded, Atom content)
    summary: str | None = None  # description / Atom summary
    content_is_html: bool = True
    author: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    entries: list[ParsedEntry]
    parser: str  # "fastfeedparser" or "feedparser" (the tolerant road)


_STRICT = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# Control characters XML 1.0 forbids, but ESC: deleting it alone would leave the rest of an
# escape sequence ("[31m") behind, so such feeds take the tolerant road and clean_text.
_XML_INVALID = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.DOTALL)
_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)
_ALTERNATE = re.compile(
    rb"""<link\b[^>]*type=["']application/(?:rss|atom)\+xml["'][^>]*>""", re.IGNORECASE
)
_HREF = re.compile(rb"""href=["']([^"']+)["']""", re.IGNORECASE)


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element, as ASCII-compatible bytes (UTF-16 folded)."""
    head = data[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 1 and 0 in head[:4]):
        try:
            encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"
            if head[:1] == b"\x00":
                encoding = "utf-16-be"
            head = head.decode(encoding, "ignore").encode("utf-8", "ignore")
        except LookupError:  # pragma: no cover - codecs always present
            pass
    # The prolog ends where the first element starts: "<" followed by a name character.
    match = re.search(rb"<[A-Za-z_]", head)
    return head[: match.start()] if match else head


def _declares_entities(data: bytes) -> bool:
    prolog = _prolog(data)
    return bool(_DOCTYPE.search(prolog) and _ENTITY_DECL.search(prolog))


def _to_utf8(data: bytes, charset: str | None) -> bytes | None:
    """Re-encode a document whose bytes do not match its declared encoding, or None."""
    candidates: list[str] = []
    declared = _DECL_ENCODING.match(data)
    if declared:
        candidates.append(declared.group(1).decode("ascii"))
    if charset:
        candidates.append(charset)
    candidates.append("utf-8")
    text: str | None = None
    for name in candidates:
        try:
            text = data.decode(name)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    if text is None:
        text = data.decode(_guess_legacy_encoding(data), "replace")
    text = text.lstrip("\ufeff")
    encoded = text.encode("utf-8")
    # The old declaration would now lie about the encoding.
    return _XML_DECL.sub(b'<?xml version="1.0" encoding="utf-8"?>', encoded, count=1)


# The letters of the cp1256 code page's Arabic block. A charset question, not a language
# one (that is `reader.text.language`): do the high bytes decode to Arabic letters there?
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _guess_legacy_encoding(data: bytes) -> str:
    """windows-1256 when the high bytes read as Arabic letters there, else windows-1252.

    The two legacy encodings our Arabic and English sources use. A general detector
    (charset-normalizer) guessed Mac-Roman and Baltic code pages for short feeds here.
    """
    high = sum(1 for byte in data[:200_000] if byte >= 0x80)
    if high:
        arabic = len(_ARABIC_LETTER.findall(data[:200_000].decode("cp1256", "replace")))
        if arabic / high > 0.5:
            return "cp1256"
    return "cp1252"


def _strict_root(data: bytes) -> Any | None:
    try:
        return etree.fromstring(data, _STRICT)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _not_a_feed(data: bytes, url: str) -> FeedFormatError:
    if _HTML_START.match(data[:4096]) or b"<html" in data[:2048].lower():
        message = _("got a web page (HTML), not a feed")
        for link in _ALTERNATE.findall(data[:200_000]):
            href = _HREF.search(link)
            if href:
                found = urljoin(url, href.group(1).decode("utf-8", "replace"))
                message = _("got a web page (HTML), not a feed; the page names a feed at {url}")
                message = message.format(url=clean_line(found)[:200])
                break
        return FeedFormatError(message)
    return FeedFormatError(_("not an RSS or Atom feed"))


def parse_feed(data: bytes, *, url: str = "", charset: str | None = None) -> ParsedFeed:
    """Parse RSS 0.9x/1.0/2.0, Atom (or JSON Feed) bytes. Raises FeedFormatError."""
    if not data.strip():
        raise FeedFormatError(_("empty response"))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _parse_json(data)
    if _declares_entities(data):
        raise FeedFormatError(
            _("refused: the document declares XML entities (an entity-expansion attack?)")
        )
    root = _strict_root(data)
    if root is None:
        repaired = _to_utf8(data, charset)
        if repaired is not None:
            # Control characters are not allowed in XML 1.0, yet common in real feeds (we
            # would strip them from the text anyway).
            repaired = _XML_INVALID.sub(b"", repaired)
        if repaired is not None and repaired != data:
            root = _strict_root(repaired)
            data = repaired if root is not None else data
    if root is not None:
        tag = etree.QName(root).localname if isinstance(root.tag, str) else ""
        if tag.lower() == "html":
            raise _not_a_feed(data, url)
        if tag not in _FEED_ROOTS:
            raise FeedFormatError(
                _("not an RSS or Atom feed (the document is <{tag}>)").format(tag=tag[:40])
            )
        try:
            return _from_fast(data, root)
        except (ValueError, etree.LxmlError):
            pass  # odd but well-formed: let the tolerant parser try
    return _parse_tolerant(data, url, charset)


def _feed_language(root: Any) -> str | None:
    lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        return lang
    for path in ("channel/language", "{*}channel/{*}language"):
        found = root.find(path)
        if found is not None and found.text:
            return found.text
    return None


def _no_fuzzy_dates(value: str) -> None:
    return None


def _from_fast(data: bytes, root: Any | None) -> ParsedFeed:
    import fastfeedparser  # imported lazily: the CLI's other commands do not need it
    import fastfeedparser.main

    # For a date it cannot read, and for the guid of every undated entry, fastfeedparser
    # falls back to `dateparser`: about 1 ms an entry (a feed of 100,000 undated items took
    # 106 s, holding the thread that stores the other feeds), and it guesses ("the 3rd of
    # May" became May 3 of this year). Our rule is to read unambiguous dates only
    # (reader.sources.dates), so that fallback is turned off; an undated entry is dated
    # when first seen.
    if getattr(fastfeedparser.main, "_slow_dateparser", None) is not _no_fuzzy_dates:
        fastfeedparser.main._slow_dateparser = _no_fuzzy_dates  # noqa: SLF001

    # Bytes, never str: given a str that starts with http, fastfeedparser would fetch it.
    parsed = fastfeedparser.parse(bytes(data))
    feed = parsed.get("feed") or {}
    entries = [
        _entry(
            raw,
            summary=raw.get("description") or None,
            published=parse_date(raw.get("published") or raw.get("updated")),
            language=None,
            plain=lambda kind: kind.lower() in ("text", "text/plain"),
        )
        for raw in parsed.get("entries") or []
    ]
    language = feed.get("language") or (_feed_language(root) if root is not None else None)
    return ParsedFeed(
        title=feed.get("title") or None,
        link=feed.get("link") or None,
        language=language,
        entries=entries,
        parser="fastfeedparser",
    )


def _entry(
    raw: Any,
    *,
    summary: str | None,
    published: datetime | None,
    language: str | None,
    plain: Callable[[str], bool],
) -> ParsedEntry:
    """One entry from either parser's dict. The content is the first one that is neither
    blank nor the summary again; `plain` tells from its type whether it is plain text (the
    two parsers name the types differently)."""
    content = None
    content_is_html = True
    for item in raw.get("content") or []:
        value = item.get("value") if isinstance(item, dict) else None
        if value and value.strip() and value != summary:
            content = value
            content_is_html = not plain(item.get("type") or "")
            break
    return ParsedEntry(
        guid=raw.get("id") or None,
        url=raw.get("link") or None,
        title=raw.get("title") or "",
        content=content,
        summary=summary,
        content_is_html=content_is_html,
        author=raw.get("author") or None,
        published=published,
        language=language,
    )


def _parse_json(data: bytes) -> ParsedFeed:
    try:
        return _from_fast(data, None)
    except (ValueError, TypeError):
        raise FeedFormatError(_("not an RSS, Atom or JSON feed")) from None


def _parse_tolerant(data: bytes, url: str, charset: str | None) -> ParsedFeed:
    import feedparser

    # No content-location: feedparser would resolve guids against it; links are resolved
    # by entries_to_articles, the same way for both roads.
    headers: dict[str, str] = {}
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    parsed = feedparser.parse(
        data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    if not parsed.get("version") and not parsed.entries:
        raise (
            _not_a_feed(data, url)
            if b"<" in data[:4096]
            else FeedFormatError(_("not an RSS or Atom feed (not XML)"))
        )
    if not parsed.get("version") and parsed.entries and _HTML_START.match(data[:4096]):
        raise _not_a_feed(data, url)
    entries = []
    for raw in parsed.entries:
        when = raw.get("published") or raw.get("updated")
        published = parse_date(when)
        struct = raw.get("published_parsed") or raw.get("updated_parsed")
        if published is None and struct:
            published = datetime(*struct[:6], tzinfo=UTC)
        detail = raw.get("title_detail") or {}
        entries.append(
            _entry(
                raw,
                summary=raw.get("summary") or None,
                published=published,
                language=detail.get("language") or None,
                plain=lambda kind: "plain" in kind,
            )
        )
    feed = parsed.feed
    return ParsedFeed(
        title=feed.get("title") or None,
        link=feed.get("link") or None,
        language=feed.get("language") or None,
        entries=entries,
        parser="feedparser",
    )


# -- entries → articles -------------------------------------------------------------------
def needs_full_text(
    text: str, *, has_content: bool, url: str | None, full_feed: bool = False
) -> bool:
    """Whether an entry carries only a summary worth replacing by the linked page's text.

    A teaser ("Read more", "[…]", a trailing ellipsis) always qualifies. Otherwise a short
    entry does, unless its feed carries whole stories (`full_feed`: the median entry is
    long), where a short entry is a short story, not a summary.
    """
    if not url:
        return False
    prose = without_links(text)
    words = len(prose.split())
    if words < 3 * SUMMARY_MAX_WORDS and _READ_MORE.search(prose[-120:]):
        return True
    if full_feed or (has_content and words >= 60):
        return False
    return words < SUMMARY_MAX_WORDS


_GLOBAL_ID = re.compile(r"^([a-z][a-z0-9+.-]*:|[0-9a-f]{8}-[0-9a-f]{4}-)", re.IGNORECASE)


def _guid(raw: str | None, feed_url: str) -> str | None:
    """A guid unique across feeds: "1", "2"... from two blogs must not collide."""
    if not raw:
        return None
    guid = clean_line(raw)[:2000]
    if not guid:
        return None
    return guid if _GLOBAL_ID.match(guid) else f"{feed_url}#{guid}"


def _entry_url(raw: str | None, base: str) -> str | None:
    if not raw:
        return None
    url = urljoin(base, clean_line(raw).replace(" ", "%20")) if base else clean_line(raw)
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def _text(markup: str | None, *, is_html: bool, base: str) -> str:
    if not markup:
        return ""
    if is_html:
        return html_to_text(markup, base_url=base or None)
    return "\n".join(line for line in (clean_line(x) for x in markup.splitlines()) if line)


@dataclass(frozen=True, slots=True)
class ConvertedEntry:
    article: Article
    summary_only: bool  # body is the summary for now: fetch the full text later


def entries_to_articles(
    parsed: ParsedFeed, feed: Feed, *, base_url: str | None = None, now: datetime | None = None
) -> list[ConvertedEntry]:
    """Articles for the entries, deduplicated within the feed (first occurrence wins)."""
    base = base_url or feed.url
    now = now or datetime.now(UTC)
    source = clean_line(feed.title or "") or inline_text(parsed.title or "")
    source = source or urlsplit(feed.url).hostname
    seen: set[str] = set()
    drafts: list[tuple[ParsedEntry, str | None, str | None, str, str, str]] = []
    for entry in parsed.entries:
        url = _entry_url(entry.url, base)
        guid = _guid(entry.guid, feed.url)
        key = guid or url
        if key is not None:
            if key in seen:
                continue  # a duplicate guid inside one feed would flip-flop the stored text
            seen.add(key)
        summary_text = _text(entry.summary, is_html=True, base=base)
        content_text = _text(entry.content, is_html=entry.content_is_html, base=base)
        body = content_text or summary_text
        title = inline_text(entry.title) if entry.title else ""
        if not title:
            first = body.split("\n", 1)[0]
            title = (first[:80] + "…") if len(first) > 80 else first
            title = title or "(untitled)"
        if not body and not url and title == "(untitled)":
            continue  # nothing at all to show
        drafts.append((entry, url, guid, title, summary_text, content_text))
    lengths = sorted(len((d[5] or d[4]).split()) for d in drafts)
    full_feed = bool(lengths) and lengths[len(lengths) // 2] >= SUMMARY_MAX_WORDS
    converted: list[ConvertedEntry] = []
    for entry, url, guid, title, summary_text, content_text in drafts:
        body = content_text or summary_text
        fetch = needs_full_text(body, has_content=bool(content_text), url=url, full_feed=full_feed)
        # A teaser's body shows it until the full text arrives, and `body == summary` tells
        # the full-text step that nothing better has arrived since. Otherwise the summary is
        # the feed's own, kept only beside a distinct full content.
        summary = body if fetch else (summary_text or None) if content_text else None
        language = choose_language(entry.language or parsed.language, f"{title}\n{body[:2000]}")
        converted.append(
            ConvertedEntry(
                Article(
                    title=title,
                    body=body,
                    guid=guid,
                    url=url,
                    author=clean_line(entry.author)[:200] if entry.author else None,
                    source=source,
                    language=language,
                    # Undated entries are dated when first seen, as other readers do, so
                    # they do not sink to the bottom of the list forever.
                    published=entry.published or now,
                    feed_id=feed.id,
                    summary=summary,
                ),
                summary_only=fetch,
            )
        )
    return converted
