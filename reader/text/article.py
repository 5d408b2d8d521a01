"""An article laid out for a width: the one layout the reading pane and `show` share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reader.models import Article
from reader.text.layout import base_direction, cell_width, fit_line, layout_text

TITLE, META, LINK, BODY, BLANK = "title", "meta", "link", "body", "blank"


@dataclass(frozen=True, slots=True)
class ViewLine:
    """One screen line: `indent` blank cells, then visual-order `text`.

    `role` picks the style. `highlights` are [start, end) cell ranges within `text`.
    """

    text: str
    indent: int = 0
    role: str = BODY
    highlights: tuple[tuple[int, int], ...] = ()

    def plain(self) -> str:
        return (" " * self.indent + self.text).rstrip()


@dataclass(frozen=True, slots=True)
class ArticleView:
    lines: tuple[ViewLine, ...]
    match_lines: tuple[int, ...]  # line numbers holding query matches, for n/N
    link_line: int | None  # the line that opens the translation, if any


META_SEPARATOR = " · "


def meta_parts(article: Article) -> tuple[str, ...]:
    parts = [p for p in (article.source, article.author) if p]
    parts.append(article.published.isoformat() if article.published else "undated")
    return tuple(parts)


def meta_line(parts: tuple[str, ...], width: int, rtl: bool, mode: str, harakat: str) -> ViewLine:
    """Source, author and date, each laid out on its own so that bidi never mixes them up
    (an Arabic author beside an ISO date would otherwise swap their digits around)."""
    if mode == "terminal":
        text = META_SEPARATOR.join(parts)
        return ViewLine(fit_line(text, width, mode=mode, harakat=harakat).text)
    pieces = [fit_line(p, max(1, cell_width(p)), mode=mode, harakat=harakat).text for p in parts]
    text = META_SEPARATOR.join(reversed(pieces) if rtl else pieces)
    if cell_width(text) > width:
        text = fit_line(text, width, mode="terminal").text  # already visual: just cut it
    return ViewLine(text, max(0, width - cell_width(text)) if rtl else 0, META)


def is_translation_label(paragraph: str) -> bool:
    from reader.sources.text import TRANSLATION_LINK_LABELS

    return paragraph.strip() in TRANSLATION_LINK_LABELS


def layout_article(
    article: Article,
    width: int,
    *,
    mode: str = "app",
    harakat: str = "keep",
    has_translation: bool = False,
    match_spans: tuple[tuple[int, int], ...] = (),
) -> ArticleView:
    """Title, a metadata line, then paragraphs separated by blank lines.

    `match_spans` are logical [start, end) offsets into `article.body` to highlight.
    """
    return _layout(
        article.title,
        meta_parts(article),
        article.body,
        article.language,
        max(1, width),
        mode,
        harakat,
        has_translation,
        match_spans,
    )


@lru_cache(maxsize=64)
def _layout(
    title: str,
    meta: tuple[str, ...],
    body: str,
    language: str | None,
    width: int,
    mode: str,
    harakat: str,
    has_translation: bool,
    match_spans: tuple[tuple[int, int], ...],
) -> ArticleView:
    lines: list[ViewLine] = []
    match_lines: list[int] = []
    link_line: int | None = None

    def add(text: str, role: str, language_hint: str | None) -> None:
        for paragraph in layout_text(
            text, width, language=language_hint, mode=mode, harakat=harakat
        ):
            for line in paragraph.lines:
                lines.append(ViewLine(line.text, line.indent, role))

    add(title, TITLE, language)
    lines.append(meta_line(meta, width, base_direction(title, language), mode, harakat))
    for paragraph in layout_text(body, width, language=language, mode=mode, harakat=harakat):
        if not paragraph.lines:
            continue
        lines.append(ViewLine("", 0, BLANK))
        role = BODY
        if has_translation and link_line is None and is_translation_label(paragraph.text):
            role = LINK
            link_line = len(lines)
        first, last = paragraph.offset, paragraph.offset + len(paragraph.text)
        local = tuple(
            (max(start, first) - first, min(end, last) - first)
            for start, end in match_spans
            if start < last and end > first
        )
        for line in paragraph.lines:
            cells = tuple(line.spans_to_cells(local)) if local else ()
            if cells:
                match_lines.append(len(lines))
            lines.append(ViewLine(line.text, line.indent, role, cells))
    return ArticleView(tuple(lines), tuple(match_lines), link_line)
