"""HTML from feeds and web pages → plain text for the reading pane. No UI imports here.

The result has one paragraph (or heading, or list item) per line, lines separated by "\\n".
List items start with "• ". Links become numbered references: "text [1]", and a "Links:"
section at the end lists "[1] url". Scripts, styles, frames, forms and tracking pixels are
dropped; so is any markup we do not understand (its text is kept). Everything is run through
`clean_line`, so escape sequences and control characters in untrusted HTML never reach the
terminal.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from reader.text.sanitize import clean_line, clean_text

__all__ = ["LINKS_HEADING", "html_to_text", "inline_text", "looks_like_html", "without_links"]

LINKS_HEADING = "Links:"  # the line that starts the numbered links at the end

# Content we never show: code, styling, embedded documents and widgets.
_SKIP = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "noscript",
        "template",
        "svg",
        "math",
        "object",
        "applet",
        "canvas",
        "audio",
        "video",
        "select",
        "button",
        "textarea",
        "head",
        "title",
    ]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Tags that end the current line. Anything else is inline.
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "figure",
        "figcaption",
        "hr",
        "address",
        "details",
        "summary",
        "fieldset",
        "legend",
        "form",
        "center",
        "body",
        "html",
    ]
)
_CELLS = frozenset(("td", "th"))
_TRACKER = re.compile(
    r"pixel|beacon|track|/~r/|/~ff/|feedburner|doubleclick|stats\.wordpress|analytics|"
    r"gravatar\.com/avatar|/1x1\.|spacer\.gif|blank\.gif",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[A-Za-z!/?]")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_FILENAME = re.compile(r"^[\w.-]+\.(jpe?g|png|gif|webp|svg|avif)$", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True when `text` contains a tag or an entity (so it must be decoded as HTML)."""
    return bool(_TAG.search(text) or _ENTITY.search(text))


def inline_text(markup: str) -> str:
    """One line of text from a fragment that may hold markup (a title): tags dropped."""
    if not looks_like_html(markup):
        return clean_line(markup)
    parser = _TextParser(base_url=None, keep_links=False)
    parser.feed(markup)
    parser.close()
    return clean_line(" ".join(parser.lines()))


def html_to_text(markup: str, *, base_url: str | None = None, links: bool = True) -> str:
    """Readable text of an HTML document or fragment (see the module doc for the shape)."""
    if not markup:
        return ""
    parser = _TextParser(base_url=base_url, keep_links=links)
    parser.feed(markup)
    parser.close()
    lines = parser.lines()
    if parser.links:
        lines.append(LINKS_HEADING)
        lines.extend(f"[{n}] {url}" for n, url in enumerate(parser.links, 1))
    return "\n".join(lines)


def without_links(text: str) -> str:
    """`text` (from `html_to_text`) without its links section: the prose, for measuring."""
    return text.split(f"\n{LINKS_HEADING}\n", 1)[0]


def _is_tracker(attrs: dict[str, str | None]) -> bool:
    width, height = attrs.get("width") or "", attrs.get("height") or ""
    if width.strip().rstrip("px") in ("0", "1") or height.strip().rstrip("px") in ("0", "1"):
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "width:1px" in style:
        return True
    return bool(_TRACKER.search(attrs.get("src") or ""))


class _TextParser(HTMLParser):
    def __init__(self, *, base_url: str | None, keep_links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.keep_links = keep_links
        self.links: list[str] = []
        self._link_numbers: dict[str, int] = {}
        self._lines: list[str] = []
        self._parts: list[str] = []  # the line being built
        self._prefix = ""  # "• " for a list item, until its first text
        self._skip: list[str] = []  # open tags whose content we drop
        self._pre = 0
        self._anchors: list[tuple[str | None, int]] = []  # (url, text length at start)
        self._cell = False

    # -- building lines -------------------------------------------------------------------
    def _flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        self._cell = False
        if self._pre:
            for raw in text.split("\n"):
                # Code keeps its indentation (tabs become spaces: no control characters).
                line = clean_text(raw.replace("\t", "    ")).rstrip()
                if line.strip():
                    self._lines.append(self._prefix + line)
        else:
            line = clean_line(text)
            if line:
                self._lines.append(self._prefix + line)
        if text.strip():
            self._prefix = ""

    def _text_length(self) -> int:
        return sum(len(part) for part in self._parts)

    def lines(self) -> list[str]:
        self._flush()
        return self._lines

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag in _SKIP and tag not in _VOID:
                self._skip.append(tag)
            return
        if tag in _SKIP:
            self._skip.append(tag)
            return
        if tag in _BLOCK or tag == "br":
            self._flush()
            if tag == "li":
                self._prefix = "• "
            elif tag == "pre":
                self._pre += 1
            return
        if tag in _CELLS:
            if self._cell:
                self._parts.append(" | ")
            self._cell = True
            return
        if tag == "a" and self.keep_links:
            self._anchors.append((self._link_target(dict(attrs).get("href")), self._text_length()))
            return
        if tag == "img":
            attributes = dict(attrs)
            alt = _WS.sub(" ", attributes.get("alt") or "").strip()
            if alt and not _is_tracker(attributes) and not _FILENAME.match(alt):
                self._parts.append(f" [image: {alt[:200]}] ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or tag == "br":
            self.handle_starttag(tag, attrs)
        # A self-closed non-void tag (<div/>, <p/>) opens and closes nothing we track.
        elif tag in _BLOCK and not self._skip:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            elif tag in self._skip:  # a missing close tag inside: unwind to the match
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK:
            self._flush()
            if tag == "pre" and self._pre:
                self._pre -= 1
            elif tag == "li":
                self._prefix = ""
            return
        if tag == "a" and self.keep_links and self._anchors:
            url, start = self._anchors.pop()
            if url and self._text_length() > start and "".join(self._parts)[start:].strip():
                self._parts.append(f" [{self._number(url)}]")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._parts.append(data)  # whitespace is collapsed per line, in _flush

    # -- links ----------------------------------------------------------------------------
    def _link_target(self, href: str | None) -> str | None:
        if not href:
            return None
        href = href.strip()
        if href.startswith("#"):
            return None
        url = urljoin(self.base_url, href) if self.base_url else href
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https", "mailto"):
            return None  # javascript:, data:, relative without a base...
        return clean_line(url).replace(" ", "%20")

    def _number(self, url: str) -> int:
        number = self._link_numbers.get(url)
        if number is None:
            self.links.append(url)
            number = self._link_numbers[url] = len(self.links)
        return number
