"""An article laid out for a width: the one layout the reading pane and `show` share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reader.models import Article
from reader.text.body import TRANSLATION_LINK_LABELS
from reader.text.i18n import N_, _, published_text
from reader.text.layout import base_direction, cell_width, fit_line, layout_text, to_logical

TITLE, META, LINK, BODY, BLANK = "title", "meta", "link", "body", "blank"
RELATED = "related"  # a related story's title: opens it (`ViewLine.target`)
RELATED_HEADING = N_("Related stories")
MAX_RELATED = 5


@dataclass(frozen=True, slots=True)
class ViewLine:
    """One screen line: `indent` blank cells, then visual-order `text`.

    `role` picks the style. `highlights` are [start, end) cell ranges within `text`.
    """

    text: str
    indent: int = 0
    role: str = BODY
    highlights: tuple[tuple[int, int], ...] = ()
    # Where the line comes from, so a selection can be copied as logical text: the
    # paragraph's logical text, its number, and the layout's logical-to-visual map.
    source: str = ""
    paragraph: int = -1
    start: int = 0
    columns: tuple[int, ...] = ()
    target: int = -1  # a RELATED line: which related story it opens

    def plain(self) -> str:
        return (" " * self.indent + self.text).rstrip()

    @property
    def shown(self) -> str:
        return " " * self.indent + self.text

    def char_cells(self) -> list[int]:
        """The cell column (within `text`) where each character of `text` starts."""
        cells, column = [], 0
        for char in self.text:
            cells.append(column)
            column += cell_width(char)
        return cells

    def logical_indices(self, first: int, last: int) -> list[int]:
        """Indices into `source` of the characters drawn by `shown[first:last]`."""
        cells = self.char_cells()
        chosen = {
            cells[i - self.indent]
            for i in range(max(first, self.indent), min(last, len(self.shown)))
        }
        return [self.start + k for k, column in enumerate(self.columns) if column in chosen]


@dataclass(frozen=True, slots=True)
class ArticleView:
    lines: tuple[ViewLine, ...]
    match_lines: tuple[int, ...]  # line numbers holding query matches, for n/N
    link_line: int | None  # the line that opens the translation, if any


META_SEPARATOR = " · "


def selected_text(view: ArticleView, spans: dict[int, tuple[int, int]]) -> str:
    """The logical text under a selection: `spans` maps line numbers to [first, last)
    character offsets of `ViewLine.shown` (last -1: to the end of the line).

    Screen lines are visual order and shaped; what is copied is the stored text, in
    reading order, with the spaces that wrapping removed put back.
    """
    parts: list[str] = []
    previous: tuple[int, int] | None = None  # (paragraph, last source index taken)
    for y in sorted(spans):
        line = view.lines[y]
        first, last = spans[y]
        last = len(line.shown) if last == -1 else last
        if line.paragraph < 0:  # no map (the metadata line): fold presentation forms
            piece = to_logical(line.shown[first:last].strip())
            if piece:
                parts.append(("\n" if parts else "") + piece)
            previous = None
            continue
        indices = line.logical_indices(first, last)
        if not indices:
            continue
        text = "".join(line.source[i] for i in indices)
        if previous is not None and previous[0] == line.paragraph:
            gap = line.source[previous[1] + 1 : indices[0]]
            text = (gap if gap.isspace() else "") + text
        elif parts:
            text = "\n" + text
        parts.append(text)
        previous = (line.paragraph, indices[-1])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """A related story as the reading pane lists it."""

    title: str
    language: str | None
    meta: tuple[str, ...]  # source, date, how many sources carry it


def related_section(
    items: tuple[RelatedItem, ...], width: int, *, mode: str = "app", harakat: str = "keep"
) -> tuple[ViewLine, ...]:
    """The "Related stories" lines under an article: per story its number (the key that
    opens it), its title on one line, and a metadata line. Each title keeps its own
    direction: an Arabic story under an English article is right-aligned, and so on."""
    if not items:
        return ()
    heading = fit_line(_(RELATED_HEADING), width, mode=mode, harakat=harakat).text
    lines = [ViewLine("", 0, BLANK), ViewLine(heading, 0, TITLE)]
    for target, item in enumerate(items[:MAX_RELATED]):
        number = str(target + 1)
        room = max(1, width - len(number) - 1)
        title = fit_line(item.title, room, language=item.language, mode=mode, harakat=harakat)
        rtl = title.rtl
        text = f"{title.text} {number}" if rtl else f"{number} {title.text}"
        indent = max(0, width - cell_width(text)) if rtl else 0
        lines.append(ViewLine(text, indent, RELATED, target=target))
        meta = meta_line(item.meta, room, rtl, mode, harakat)
        lines.append(ViewLine(meta.text, meta.indent + (0 if rtl else len(number) + 1), META))
    return tuple(lines)


def meta_parts(article: Article) -> tuple[str, ...]:
    parts = [p for p in (article.source, article.author) if p]
    parts.append(published_text(article.published))
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

    number = 0
    for paragraph in layout_text(title, width, language=language, mode=mode, harakat=harakat):
        for line in paragraph.lines:
            lines.append(
                ViewLine(
                    line.text,
                    line.indent,
                    TITLE,
                    (),
                    paragraph.text,
                    number,
                    line.start,
                    line.columns,
                )
            )
        number += 1
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
        number += 1
        for line in paragraph.lines:
            cells = tuple(line.spans_to_cells(local)) if local else ()
            if cells:
                match_lines.append(len(lines))
            lines.append(
                ViewLine(
                    line.text,
                    line.indent,
                    role,
                    cells,
                    paragraph.text,
                    number,
                    line.start,
                    line.columns,
                )
            )
    return ArticleView(tuple(lines), tuple(match_lines), link_line)
