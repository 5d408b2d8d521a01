"""OPML 2.0 subscription lists: import and export. No UI imports here.

Nested outlines are categories: a feed inside "News" → "World" gets the category
"News/World". Export writes the same nesting back, so export → import round-trips (a "/"
inside one folder's name comes back as one more level of nesting).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from reader.models import Feed
from reader.sources.http import FetchError, check_url
from reader.store import Store
from reader.text.i18n import _
from reader.text.sanitize import clean_line

__all__ = [
    "CATEGORY_SEPARATOR",
    "ImportReport",
    "OpmlError",
    "OpmlFeed",
    "export_opml",
    "import_opml",
    "parse_opml",
]

CATEGORY_SEPARATOR = "/"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
_RECOVER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


class OpmlError(Exception):
    """The file is not an OPML subscription list we can read."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None = None
    category: str | None = None


@dataclass(slots=True)
class ImportReport:
    added: list[Feed] = field(default_factory=list)
    existing: list[Feed] = field(default_factory=list)  # already subscribed (kept as they were)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Every feed outline (one with an xmlUrl), in document order. Raises OpmlError."""
    if not data.strip():
        raise OpmlError(_("the file is empty"))
    head = data[:65536]
    if _ENTITY_DECL.search(head) and b"<!DOCTYPE" in head.upper():
        raise OpmlError(_("refused: the file declares XML entities"))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        # Hand-edited OPML often has a bare "&" in a title: recover what libxml2 can.
        try:
            root = etree.fromstring(data, _RECOVER)
        except etree.XMLSyntaxError as error:
            raise OpmlError(_("not valid XML ({error})").format(error=error)) from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError(_("not an OPML file (the root element is not <opml>)"))
    body = next((child for child in root if _local(child) == "body"), None)
    if body is None:
        raise OpmlError(_("not an OPML file (no <body>)"))
    feeds: list[OpmlFeed] = []
    _walk(body, [], feeds)
    return feeds


def _local(element: Any) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def _attr(element: Any, name: str) -> str | None:
    # Attribute names vary in case between writers (xmlUrl, xmlurl, XMLURL).
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value
    return None


def _walk(element: Any, path: list[str], feeds: list[OpmlFeed]) -> None:
    for child in element:
        if _local(child) != "outline":
            continue
        label = clean_line(_attr(child, "title") or _attr(child, "text") or "")
        url = _attr(child, "xmlUrl")
        if url and url.strip():
            category = CATEGORY_SEPARATOR.join(path) or None
            url = url.strip()
            # Export labels an untitled feed with its URL: that is no title.
            feeds.append(OpmlFeed(url, label if label and label != url else None, category))
            _walk(child, path, feeds)  # rare, but some writers nest feeds under feeds
        else:
            parts = [p.strip() for p in label.split(CATEGORY_SEPARATOR) if p.strip()]
            _walk(child, path + parts if parts else path, feeds)


def import_opml(store: Store, data: bytes) -> ImportReport:
    """Subscribe to every feed in the file. Known URLs keep their title and category."""
    report = ImportReport()
    known = {feed.url: feed for feed in store.feeds()}
    for entry in parse_opml(data):
        try:
            url = check_url(entry.url)
        except FetchError as error:
            report.skipped.append((clean_line(entry.url)[:200], str(error)))
            continue
        if url in known:
            report.existing.append(known[url])
            continue
        feed = store.add_feed(url, entry.title, entry.category)
        known[url] = feed
        report.added.append(feed)
    return report


def export_opml(feeds: Iterable[Feed], *, title: str = "newsreader subscriptions") -> str:
    """An OPML 2.0 document with one folder outline per category level."""
    tree: dict[str, Any] = {"feeds": [], "folders": {}}
    for feed in feeds:
        node = tree
        for part in (feed.category or "").split(CATEGORY_SEPARATOR):
            if part.strip():
                node = node["folders"].setdefault(part.strip(), {"feeds": [], "folders": {}})
        node["feeds"].append(feed)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape(title)}</title>",
        f"    <dateCreated>{format_datetime(datetime.now(UTC))}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    _emit(tree, 2, lines)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _emit(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    for feed in node["feeds"]:
        label = feed.title or feed.url
        lines.append(
            f'{indent}<outline type="rss" text={quoteattr(label)} title={quoteattr(label)} '
            f"xmlUrl={quoteattr(feed.url)}/>"
        )
    for name, child in node["folders"].items():
        lines.append(f"{indent}<outline text={quoteattr(name)} title={quoteattr(name)}>")
        _emit(child, depth + 1, lines)
        lines.append(f"{indent}</outline>")


def _escape(text: str) -> str:
    return quoteattr(text)[1:-1]
