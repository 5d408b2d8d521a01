"""The search box (drawn as the panes draw text: shaped, in visual order), the result count,
and recent searches."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Offset
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from reader.history import SearchHistory
from reader.text.caret import CaretLine, caret_line
from reader.text.i18n import _, interface_line, interface_lines, interface_rtl, number
from reader.text.layout import fit_line, glyph_cells
from reader.text.plural import counted
from reader.ui.cells import restyled_cells, styled_cells
from reader.ui.state import IndexState


def placeholder_text() -> str:
    return _('words "a phrase" prefix* lang:ar · F1 help')


class SearchInput(Input):
    """Keeps the value logical (that is what is searched) and draws it as every pane draws
    text: shaped, in visual order, right-aligned when it reads right to left (`mode` "app";
    "terminal" passes it through). The caret moves as drawn (`reader.text.caret`).
    ↑/↓ recall recent searches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up", "history(-1)", "Older search", id="search.older", tooltip="recall older searches"
        ),
        Binding(
            "down", "history(1)", "Newer search", id="search.newer", tooltip="recall newer searches"
        ),
        Binding(
            "escape",
            "screen.back",
            "Back",
            id="search.back",
            tooltip="clear the search; in an empty box, back to the articles",
        ),
    ]

    def __init__(
        self,
        history: SearchHistory,
        *,
        mode: str = "app",
        harakat: str = "keep",
        **kwargs: object,
    ) -> None:
        self.mode = mode  # set before Input's __init__, which may set the value
        self.harakat = harakat
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history = history
        self._position: int | None = None

    def action_history(self, step: int) -> None:
        entries = self.history.entries
        if not entries:
            return
        position = len(entries) if self._position is None else self._position
        position = max(0, min(len(entries), position + step))
        self._position = position
        self.value = entries[position] if position < len(entries) else ""
        self.cursor_position = len(self.value)

    def forget_position(self) -> None:
        self._position = None

    # -- drawing: Input draws the logical string; this draws the laid-out line -------------
    @property
    def caret_line(self) -> CaretLine:
        return caret_line(self.value, mode=self.mode, harakat=self.harakat)

    @property
    def line_indent(self) -> int:
        """Blank cells before the line: a short RTL query is drawn against the right edge."""
        if not self.value:
            return 0
        return self.caret_line.indent(self.scrollable_content_region.width)

    def _position_to_cell(self, position: int) -> int:
        return self.caret_line.carets[position]

    @property
    def _cursor_offset(self) -> int:
        return self._position_to_cell(self.cursor_position)

    @property
    def cursor_screen_offset(self) -> Offset:
        x, y, _width, _height = self.content_region
        return Offset(x + self.line_indent + self._cursor_offset - self.scroll_offset.x, y)

    @property
    def content_width(self) -> int:
        return self.caret_line.width if self.value else super().content_width

    def render_line(self, y: int) -> Strip:
        if y != 0 or not self.value:
            return super().render_line(y)
        line = self.caret_line
        style = self.rich_style
        # Blank cells carry only the background, as Textual's padding does: an SVG
        # screenshot then draws the text as a run of its own, not after leading spaces.
        blank = Style(bgcolor=style.bgcolor)
        selection: list[tuple[int, int]] = []
        if self.has_focus and not self.selection.is_empty:
            selection = [(a - line.lead, b - line.lead) for a, b in line.cells(*self.selection)]
        marked = style + self.get_component_rich_style("input--selection")
        before = self.line_indent + line.lead
        after = line.width - line.lead - line.line.width
        segments = [Segment(" " * before, blank)] if before else []
        segments += styled_cells(line.text, selection, style, marked)
        if after:
            segments.append(Segment(" " * after, blank))
        if self.has_focus and self._cursor_visible:
            cell = self.line_indent + line.carets[self.cursor_position]
            width = glyph_cells(" " * before + line.text).get(cell, 1)
            segments = restyled_cells(segments, cell, cell + width, self.cursor_style)
        visible = self.scrollable_content_region.width + 1  # as Input draws it
        scroll_x = self.scroll_offset.x
        return Strip(segments).crop(scroll_x, scroll_x + visible).extend_cell_length(visible, blank)

    @property
    def cursor_style(self) -> Style:
        return self.get_component_rich_style("input--cursor")

    def _cell_offset_to_index(self, offset: int) -> int:
        if not self.value:
            return 0
        cell = offset + self.scroll_offset.x - self.line_indent
        return self.caret_line.position_at(cell)

    # -- the caret moves as drawn; Home and End stay logical (Input's) ---------------------
    def action_cursor_left(self, select: bool = False) -> None:
        self._move_as_drawn(right=False, select=select)

    def action_cursor_right(self, select: bool = False) -> None:
        self._move_as_drawn(right=True, select=select)

    def _move_as_drawn(self, *, right: bool, select: bool) -> None:
        line = self.caret_line
        start, end = self.selection
        if select:
            self.selection = Selection(start, line.step(end, right))
        elif self.selection.is_empty:
            self.cursor_position = line.step(end, right)
        else:  # collapse the selection to its end on that side, as Input does
            self.cursor_position = line.outer(start, end, right)


class SearchPane(Vertical):
    """The status line follows the index state it is bound to; results and errors are
    shown with `show_status`."""

    index_state: reactive[IndexState] = reactive(IndexState, init=False)

    DEFAULT_CSS = """
    SearchPane { height: auto; }
    SearchPane > Input { border: tall $border-blurred; }
    SearchPane > Input:focus { border: tall $border; }
    SearchPane > #status {
        height: auto; min-height: 1; max-height: 4; padding: 0 1; color: $text-muted;
    }
    SearchPane > #status.error { color: $error; }
    """

    def __init__(
        self,
        history: SearchHistory,
        *,
        mode: str = "app",
        harakat: str = "keep",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.history = history
        self.mode = mode
        self.harakat = harakat

    def compose(self) -> ComposeResult:
        yield SearchInput(
            self.history,
            mode=self.mode,
            harakat=self.harakat,
            placeholder=interface_line(placeholder_text(), self.mode, self.harakat),
            id="query",
        )
        yield Static("", id="status")

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    def on_resize(self) -> None:
        if interface_rtl():  # right-aligned, cut at its logical end: its start stays in view
            box = self.input
            width = max(1, box.content_region.width - 1)
            line = fit_line(
                placeholder_text(), width, language="ar", mode=self.mode, harakat=self.harakat
            )
            box.placeholder = " " * line.indent + line.text

    def watch_index_state(self, old: IndexState, new: IndexState) -> None:
        if self.input.value.strip():
            return  # the search's own status (and its note on a partial index) stays
        if new.phase == "indexing":
            total = counted(new.total, "{count} article", "{count} articles", grouped=True)
            self.show_status(
                _("Indexing {done} of {total}…").format(done=number(new.done), total=total)
            )
        elif old.busy and not new.busy:
            self.show_status("")

    def show_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "error")
        if interface_rtl():  # laid out (shaped, visual order, right-aligned) in its width
            width = max(1, status.content_region.width or 40)
            message = "\n".join(interface_lines(message, width, self.mode, self.harakat))
        status.update(Text(message))
