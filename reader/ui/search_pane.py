"""The search box, a shaped preview of the query, the result count, and recent searches."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Input, Static

from reader.history import SearchHistory
from reader.text.i18n import _, interface_line, interface_lines, interface_rtl, number
from reader.text.layout import fit_line
from reader.text.plural import counted
from reader.text.preview import caret_window
from reader.ui.state import IndexState


def placeholder_text() -> str:
    return _('words "a phrase" prefix* lang:ar · F1 help')


class SearchInput(Input):
    """Keeps the value logical (that is what is searched); ↑/↓ recall recent searches."""

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

    def __init__(self, history: SearchHistory, **kwargs: object) -> None:
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


class SearchPane(Vertical):
    """The status line follows the index state it is bound to; results and errors are
    shown with `show_status`."""

    index_state: reactive[IndexState] = reactive(IndexState, init=False)

    DEFAULT_CSS = """
    SearchPane { height: auto; }
    SearchPane > Input { border: tall $border-blurred; }
    SearchPane > Input:focus { border: tall $border; }
    SearchPane > #preview { height: 1; padding: 0 1; color: $text-muted; }
    SearchPane > #preview.rtl { text-align: right; }
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
            placeholder=interface_line(placeholder_text(), self.mode, self.harakat),
            id="query",
        )
        yield Static("", id="preview")
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

    def on_mount(self) -> None:
        # Moving the caret (Home, arrows) changes which part of a long query is previewed.
        self.watch(self.input, "selection", self._caret_moved, init=False)

    def _caret_moved(self) -> None:
        self.show_preview(self.input.value)

    def show_preview(self, value: str) -> None:
        """Show the query as it reads: shaped and in visual order when it holds RTL text.

        A query wider than the line is windowed around the caret, so what is being typed
        (or where the caret was moved) is what can be read."""
        preview = self.query_one("#preview", Static)
        width = max(1, preview.size.width or 40)
        has_rtl = any("\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc" for ch in value)
        if not value or not has_rtl or self.mode == "terminal":
            preview.update("")
            return
        search_input = self.input
        caret = search_input.cursor_position if search_input.value == value else len(value)
        line = caret_window(value, caret, width, mode=self.mode, harakat=self.harakat)
        preview.set_class(line.rtl, "rtl")
        preview.update(Text(line.text))  # Text, not a str: never parsed as markup

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
