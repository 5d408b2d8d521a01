"""A picker that narrows the article list to one source (feed), with unread counts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.text.i18n import _, interface_line, interface_rtl, number
from reader.text.layout import fit_line

ALL_SOURCES = "\x00all"  # an id no real source can have (sources are cleaned text)


class SourcePicker(ModalScreen[str | None]):
    """Dismisses with a source name, ALL_SOURCES, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q", "cancel", "Close", id="sources.close", tooltip="close the source picker"
        ),
    ]
    DEFAULT_CSS = """
    SourcePicker { align: center middle; }
    SourcePicker > Vertical {
        width: 64; max-width: 95%; height: 80%; border: thick $primary; background: $surface;
    }
    SourcePicker Static { padding: 0 1; color: $text-muted; }
    SourcePicker OptionList { height: 1fr; }
    """

    def __init__(
        self, sources: list[tuple[str, int, int]], current: str | None, mode: str, harakat: str
    ) -> None:
        super().__init__()
        self.sources = sources
        self.current = current
        self.mode = mode
        self.harakat = harakat

    def compose(self) -> ComposeResult:
        total_unread = sum(unread for _name, _total, unread in self.sources)
        every = _("All sources  ({unread} unread)").format(unread=number(total_unread))
        options = [Option(Text(self._line(every)), id=ALL_SOURCES)]
        mirrored = interface_rtl()
        for name, total, unread in self.sources:
            label = fit_line(name, 40, mode=self.mode, harakat=self.harakat)
            row = " " * label.indent + label.text + " " * max(0, 40 - label.indent - label.width)
            counts = f"{number(unread):>6} / {number(total):<6}"
            line = f"{counts} {row}" if mirrored else f"{row} {counts}"  # the name first
            options.append(Option(Text(line), id=name))
        with Vertical():
            yield Static(
                self._line(_("Show one source · unread / total · Enter picks, Esc closes"))
            )
            yield OptionList(*options)

    def _line(self, text: str) -> str:
        return interface_line(text, self.mode, self.harakat)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current is not None:
            for index, (name, _, _) in enumerate(self.sources, start=1):
                if name == self.current:
                    picker.highlighted = index
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
