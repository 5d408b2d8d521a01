"""A virtual list over any number of rows, drawn with the Line API.

Rows are fetched a page at a time through `fetch_rows`, so 100,000 articles cost what the
visible page costs. Subclasses say how to fetch and how to draw one row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.text.i18n import date_cells, interface_line, interface_rtl, short_date
from reader.text.layout import fit_line

Row = TypeVar("Row")

CACHED_PAGES = 32


class RowList(ScrollView, Generic[Row], can_focus=True):
    """Base class. `row_count` rows of `row_height` lines each; one row has the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down",
            "cursor_down",
            "Down",
            show=False,
            id="list.down",
            tooltip="next article or result",
        ),
        Binding(
            "k,up",
            "cursor_up",
            "Up",
            show=False,
            id="list.up",
            tooltip="previous article or result",
        ),
        Binding("g,home", "first", "Top", show=False, id="list.top", tooltip="top"),
        Binding("G,end", "last", "Bottom", show=False, id="list.bottom", tooltip="bottom"),
        Binding(
            "pagedown", "page(1)", "Page down", show=False, id="list.pagedown", tooltip="page down"
        ),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.pageup", tooltip="page up"),
        Binding(
            "enter",
            "select",
            "Open",
            id="list.open",
            tooltip="open the article (marks it read); clicking a row does too",
        ),
        # The screen's keys for the row under the cursor, shown in the footer while a list
        # has focus (the footer cannot hold every key: `?` lists the rest). They share the
        # screen's ids, so the keymap remaps both.
        Binding("r", "screen.toggle_read", "Read", id="app.read", tooltip="toggle read"),
        Binding("s", "screen.toggle_star", "Star", id="app.star", tooltip="toggle star"),
        Binding(
            "u",
            "screen.toggle_unread_only",
            "Unread only",
            id="app.unread",
            tooltip="show unread only / all",
        ),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rowlist--cursor",
        "rowlist--dim",
        "rowlist--unread",
        "rowlist--mark",
        "rowlist--highlight",
    }
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; scrollbar-gutter: stable; }
    RowList > .rowlist--cursor { background: $block-cursor-blurred-background; }
    RowList:focus > .rowlist--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    RowList > .rowlist--dim { color: $text-muted; }
    RowList > .rowlist--unread { text-style: bold; }
    RowList > .rowlist--mark { color: $accent; }
    RowList > .rowlist--highlight { background: $warning 60%; color: $text; }
    """
    row_height: ClassVar[int] = 1
    page_size: ClassVar[int] = 100  # rows fetched at a time
    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList[Any], row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    class Selected(Message):
        def __init__(self, row_list: RowList[Any], row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    def __init__(self, *, mode: str = "app", harakat: str = "keep", id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.harakat = harakat
        # In an RTL interface the columns run right to left: marks and title on the right.
        self.mirrored = interface_rtl()
        self.date_cells = date_cells()
        self.row_count = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._strips: OrderedDict[tuple[int, int, bool], list[Strip]] = OrderedDict()

    # -- for subclasses -------------------------------------------------------------------
    def fetch_rows(self, offset: int, limit: int) -> list[Row] | None:
        """Rows [offset, offset+limit); None while they are not available yet."""
        raise NotImplementedError

    def render_row(self, row: Row | None, width: int, selected: bool) -> list[Strip]:
        """`row_height` strips of `width` cells for one row (`row` None: still loading)."""
        raise NotImplementedError

    # -- data -----------------------------------------------------------------------------
    def reset(self, row_count: int, cursor: int = 0, first_page: list[Row] | None = None) -> None:
        """New contents: forget cached rows and strips (`first_page` is already known)."""
        self.row_count = row_count
        self._pages.clear()
        self._strips.clear()
        if first_page is not None:
            self._pages[0] = first_page
        self.virtual_size = Size(self.size.width, row_count * self.row_height)
        self.set_reactive(RowList.cursor, max(0, min(cursor, row_count - 1)))
        self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        if row_count:
            self.post_message(self.Highlighted(self, self.row_at(self.cursor)))

    def replace_row(self, matches: Callable[[Row], bool], fresh: Row) -> None:
        """Put `fresh` in place of the cached row that `matches`, and redraw."""
        for page in self._pages.values():
            for slot, row in enumerate(page):
                if matches(row):
                    page[slot] = fresh
        self._strips.clear()
        self.refresh()

    def row_at(self, index: int) -> Row | None:
        if not 0 <= index < self.row_count:
            return None
        page_no, slot = divmod(index, self.page_size)
        page = self._pages.get(page_no)
        if page is None:
            fetched = self.fetch_rows(page_no * self.page_size, self.page_size)
            if fetched is None:
                return None
            page = fetched
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[slot] if slot < len(page) else None

    @property
    def current(self) -> Row | None:
        return self.row_at(self.cursor)

    # -- drawing --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self.row_count * self.row_height)

    def render_line(self, y: int) -> Strip:
        # The rounded offset, as Textual uses it (see ReadingPane.render_line): a scrollbar
        # drag leaves fractional offsets, and flooring them drew the list a line too high.
        index, line = divmod(self.scroll_offset.y + y, self.row_height)
        width = self.scrollable_content_region.width
        if index >= self.row_count or width <= 0:
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        key = (index, width, selected)
        strips = self._strips.get(key)
        if strips is None:
            strips = self.render_row(self.row_at(index), width, selected)
            self._strips[key] = strips
            while len(self._strips) > 512:
                self._strips.popitem(last=False)
        return strips[line] if line < len(strips) else Strip.blank(width)

    def style_for(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def column(self, text: str, cells: int, language: str | None = None) -> str:
        """`text` laid out in a column of `cells` cells: shaped, reordered, aligned, cut."""
        line = fit_line(text, cells, language=language, mode=self.mode, harakat=self.harakat)
        return " " * line.indent + line.text + " " * max(0, cells - line.indent - line.width)

    def date_column(self, value: datetime | None) -> str:
        """The date column: the day as the interface writes it, right-aligned."""
        return interface_line(short_date(value), self.mode, self.harakat).rjust(self.date_cells)

    def fit(self, segments: list[Segment], width: int, style: Style) -> Strip:
        """A strip of exactly `width` cells, `style` under everything."""
        strip = Strip(segments).adjust_cell_length(width)
        return strip.apply_style(self.rich_style + style)

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()
        if self.row_count:  # show what the cursor is on as soon as the list is entered
            self.post_message(self.Highlighted(self, self.current))

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    # -- cursor ---------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        for index in (old, new):
            self.refresh_lines(index * self.row_height, self.row_height)
        self._scroll_cursor_into_view()
        if self.row_count:
            self.post_message(self.Highlighted(self, self.row_at(new)))

    def _scroll_cursor_into_view(self) -> None:
        region = Region(0, self.cursor * self.row_height, self.size.width, self.row_height)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def move_to(self, index: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(index, self.row_count - 1))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.row_count - 1)

    def action_page(self, direction: int) -> None:
        rows_per_page = max(1, self.size.height // self.row_height)
        self.move_to(self.cursor + direction * rows_per_page)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        index = (self.scroll_offset.y + event.y) // self.row_height
        if 0 <= index < self.row_count:
            self.focus()
            self.move_to(index)
            self.action_select()
