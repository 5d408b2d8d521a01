"""The reading pane: one article laid out by `reader.text.article`, drawn line by line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.models import Article
from reader.session import OpenedArticle
from reader.text.article import (
    BLANK,
    LINK,
    MAX_RELATED,
    META,
    RELATED,
    TITLE,
    ArticleView,
    RelatedItem,
    ViewLine,
    layout_article,
    related_section,
    selected_text,
)
from reader.text.i18n import _, interface_line
from reader.text.layout import cell_width
from reader.ui.cells import styled_cells

Matcher = Callable[[str], list[tuple[int, int]]]

MAX_MEASURE = 100  # cells: long lines are hard to read, even on a wide terminal
BIG_ARTICLE_CHARS = 200_000


class ReadingPane(ScrollView, can_focus=True):
    ALLOW_SELECT = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "scroll_down", "Down", show=False, id="reader.down", tooltip="scroll down"
        ),
        Binding("k,up", "scroll_up", "Up", show=False, id="reader.up", tooltip="scroll up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top", tooltip="top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom", tooltip="bottom"),
        Binding(
            "pagedown,space",
            "page_down",
            "Page down",
            show=False,
            id="reader.pagedown",
            tooltip="page down",
        ),
        Binding("pageup", "page_up", "Page up", show=False, id="reader.pageup", tooltip="page up"),
        Binding(
            "n",
            "next_match(1)",
            "Next match",
            id="reader.next_match",
            tooltip="next match of the search in the article",
        ),
        Binding(
            "N",
            "next_match(-1)",
            "Prev match",
            show=False,
            id="reader.prev_match",
            tooltip="previous match of the search in the article",
        ),
        # Shared ids with the screen's `t` and `y`: the keymap remaps both.
        Binding(
            "t",
            "translation",
            "Translation",
            id="app.translation",
            tooltip="open the other edition (translation); clicking its link line too",
        ),
        *(
            Binding(
                str(n),
                f"related({n - 1})",
                f"Related {n}",
                show=False,
                id=f"reader.related{n}",
                tooltip=f"open related story {n} (listed under the article)",
            )
            for n in range(1, MAX_RELATED + 1)
        ),
        Binding(
            "y",
            "copy",
            "Copy text",
            show=False,
            id="app.copy",
            tooltip="copy the article's text (dragging the mouse selects part of it)",
        ),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reading--title",
        "reading--meta",
        "reading--link",
        "reading--match",
        "reading--current-match",
    }
    DEFAULT_CSS = """
    ReadingPane { padding: 0 1; overflow-x: hidden; scrollbar-gutter: stable; }
    ReadingPane > .reading--title { text-style: bold; color: $text-primary; }
    ReadingPane > .reading--meta { color: $text-muted; }
    ReadingPane > .reading--link { color: $text-accent; text-style: underline; }
    ReadingPane > .reading--match { background: $warning 50%; }
    ReadingPane > .reading--current-match { background: $warning; color: $background; }
    """

    # Bound to the main screen's state: the article opened, the search's matcher.
    opened: reactive[OpenedArticle | None] = reactive(None, always_update=True, init=False)
    matcher: reactive[Matcher | None] = reactive(None, always_update=True, init=False)

    class OpenTranslation(Message):
        """The reader asked for the other edition of the open article."""

    @dataclass(eq=False)
    class OpenRelated(Message):
        """The reader asked for a related story (its number key, or a click on it)."""

        article_id: int

    @dataclass(eq=False)
    class LaidOut(Message):
        """A long article was laid out in the background."""

        article: Article
        view: ArticleView
        width: int

    def __init__(self, *, mode: str = "app", harakat: str = "keep", id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.harakat = harakat
        self._bindings_apply: tuple[bool, bool] | None = None  # (n, t) as last refreshed
        self.article: Article | None = None
        self.has_translation = False
        self.view = ArticleView((), (), None)
        self.current_match = -1
        self._match_spans: tuple[tuple[int, int], ...] = ()
        self._width = 0
        self.related: tuple[tuple[int, RelatedItem], ...] = ()  # (article id, as listed)

    # -- content --------------------------------------------------------------------------
    def watch_opened(self, opened: OpenedArticle | None) -> None:
        if opened is None:
            self.show(None)
        else:
            self.show(opened.article, has_translation=opened.has_translation)

    def watch_matcher(self) -> None:
        """Highlight a search query's matches in the article."""
        self._match_spans = self._find_matches()
        self.current_match = -1
        self._relayout()

    def show(self, article: Article | None, *, has_translation: bool = False) -> None:
        if article is None or self.article is None or article.id != self.article.id:
            self.related = ()  # found later, for this article (reader.ui.screens.related)
        self.article = article
        self.has_translation = has_translation
        self._match_spans = self._find_matches()
        self.current_match = -1
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    def _find_matches(self) -> tuple[tuple[int, int], ...]:
        if self.article is None or self.matcher is None:
            return ()
        return tuple(self.matcher(self.article.body))

    @property
    def text_width(self) -> int:
        return max(1, min(self.scrollable_content_region.width, MAX_MEASURE))

    def _relayout(self) -> None:
        self._width = self.text_width
        article = self.article
        if article is None:
            self._apply(None, ArticleView((), (), None))
        elif len(article.body) > BIG_ARTICLE_CHARS:
            # A huge article takes a moment to lay out: never make the keyboard wait for it.
            self._apply(
                article,
                ArticleView(
                    (
                        ViewLine(
                            interface_line(_("Laying out a long article…"), self.mode, self.harakat)
                        ),
                    ),
                    (),
                    None,
                ),
            )
            self._layout_in_background(article, self._width)
        else:
            self._apply(article, self._layout(article, self._width))

    def show_related(self, article_id: int, related: tuple[tuple[int, RelatedItem], ...]) -> None:
        """List the open article's related stories under it (ignored once another opened)."""
        if self.article is None or self.article.id != article_id or related == self.related:
            return
        self.related = related
        y = self.scroll_y
        self._relayout()  # the article's own layout is cached: only the section is new
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh_bindings()  # 1-5 apply now

    def _layout(self, article: Article, width: int) -> ArticleView:
        view = layout_article(
            article,
            width,
            mode=self.mode,
            harakat=self.harakat,
            has_translation=self.has_translation,
            match_spans=self._match_spans,
        )
        if not self.related:
            return view
        section = related_section(
            tuple(item for _, item in self.related), width, mode=self.mode, harakat=self.harakat
        )
        return ArticleView(view.lines + section, view.match_lines, view.link_line)

    @work(thread=True, exclusive=True, group="layout")
    def _layout_in_background(self, article: Article, width: int) -> None:
        view = self._layout(article, width)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LaidOut(article, view, width))

    def on_reading_pane_laid_out(self, event: LaidOut) -> None:
        event.stop()
        self._apply(event.article, event.view, event.width)

    def _apply(self, article: Article | None, view: ArticleView, width: int | None = None) -> None:
        if article is not self.article or (width is not None and width != self._width):
            return  # another article was opened, or the pane resized, meanwhile
        self.view = view
        self._set_virtual_size(Size(self._width, len(view.lines)))
        # `n` and `t` apply, or not, to what is shown now. Only when that changed: a
        # bindings refresh rebuilds the footer, which costs more than opening the article.
        applies = (bool(view.match_lines), self.has_translation)
        if applies != self._bindings_apply:
            self._bindings_apply = applies
            self.refresh_bindings()

    def _set_virtual_size(self, size: Size) -> None:
        """Setting `virtual_size` lays out the whole screen again (it is a layout reactive),
        which made every j/k repaint everything: about 60 ms at 120x36. The pane's own size
        does not depend on its content, so only a scrollbar appearing or going needs that."""
        if size == self.virtual_size:
            self.refresh()
            return
        scrollbar_shown = self.show_vertical_scrollbar
        self.set_reactive(ReadingPane.virtual_size, size)
        self._scroll_update(size)  # Textual's own update of the scrollbars for a new size
        self.refresh(layout=self.show_vertical_scrollbar != scrollbar_shown)

    def on_resize(self, event: events.Resize) -> None:
        if self.text_width != self._width:
            self._relayout()

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        # The rounded offset, as Textual uses it: it repaints only when that changes, and an
        # animated scroll ends on fractional offsets (flooring them showed a stale frame, one
        # line short of the end, after G/End/PgDn/j).
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self.view.lines):
            return Strip.blank(width, self.rich_style)
        line = self.view.lines[index]
        style = self.rich_style
        if line.role == TITLE:
            style += self._style("reading--title")
        elif line.role == META:
            style += self._style("reading--meta")
        elif line.role == LINK:
            style += self._style("reading--link") + Style(meta={"@click": "translation"})
        elif line.role == RELATED:
            click = Style(meta={"@click": f"related({line.target})"})
            style += self._style("reading--link") + click
        mark = style + self._style(
            "reading--current-match"
            if self.current_match >= 0 and self.view.match_lines[self.current_match] == index
            else "reading--match"
        )
        ranges = list(line.highlights)
        selected: list[tuple[int, int]] = []
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            selected = self._selected_cells(line, *span)
        segments = [Segment(" " * line.indent, self.rich_style)]
        if line.role != BLANK:
            if selected:
                style_of_selection = self.screen.get_component_rich_style("screen--selection")
                segments.extend(
                    styled_cells(line.text, selected, style, style + style_of_selection)
                )
            else:
                segments.extend(styled_cells(line.text, ranges, style, mark))
        strip = Strip(segments).adjust_cell_length(width, self.rich_style)
        return strip.apply_offsets(0, index)

    @staticmethod
    def _selected_cells(line: ViewLine, first: int, last: int) -> list[tuple[int, int]]:
        """Selection offsets (characters of `line.shown`) as cell ranges of `line.text`."""
        cells = line.char_cells()
        last = len(line.shown) if last == -1 else last
        chars = range(
            max(first, line.indent) - line.indent, min(last, len(line.shown)) - line.indent
        )
        return [(cells[i], cells[i] + max(1, cell_width(line.text[i]))) for i in chars]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Copy what is selected as the stored, logical text, not the shaped screen."""
        lines = self.view.lines
        if not lines:
            return None
        first_y = 0 if selection.start is None else selection.start.y
        last_y = len(lines) - 1 if selection.end is None else min(selection.end.y, len(lines) - 1)
        spans = {
            y: span
            for y in range(first_y, last_y + 1)
            if (span := selection.get_span(y)) is not None
        }
        return selected_text(self.view, spans), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: shown dimmed in the footer, and the key goes on to the screen (`n` then
        # moves to the next result).
        if action == "next_match" and not self.view.match_lines:
            return None
        if action == "translation" and not self.has_translation:
            return None
        if action == "related" and not (
            parameters and isinstance(parameters[0], int) and parameters[0] < len(self.related)
        ):
            return None
        return True

    def action_next_match(self, step: int) -> None:
        lines = self.view.match_lines
        if not lines:
            self.notify(_("No matches of the search in this article"), severity="warning")
            return
        self.current_match = (self.current_match + step) % len(lines)
        target = lines[self.current_match]
        self.scroll_to(y=max(0, target - self.size.height // 3), animate=False)
        self.refresh()

    def action_related(self, target: int) -> None:
        if 0 <= target < len(self.related):
            self.post_message(self.OpenRelated(self.related[target][0]))

    def action_translation(self) -> None:
        if self.has_translation:
            self.post_message(self.OpenTranslation())
        else:
            self.notify(_("This article has no other edition"), severity="warning")

    def action_copy(self) -> None:
        if self.article is not None:
            # The store holds logical text; presentation forms exist only on screen.
            self.app.copy_to_clipboard(f"{self.article.title}\n\n{self.article.body}")
            self.notify(_("Article text copied"))
