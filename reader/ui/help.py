"""The `?` (F1) screen: every key, from the bindings as the keymap made them, and the
search language."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.keys import help_rows


def help_text(app: App[object]) -> Text:
    from reader.search.query import QUERY_HELP

    text = Text()
    for keys, what in help_rows(app):
        if what is None:
            text.append(f"\n{keys}\n", style="bold underline")
        else:
            text.append(f"  {keys:<18}", style="bold")
            text.append(f"{what}\n")
    text.append("\nSearch language\n", style="bold underline")
    text.append(QUERY_HELP.strip() + "\n")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark,f1",
            "dismiss",
            "Close",
            id="help.close",
            tooltip="close the help",
        ),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 95%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 2;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self.app))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
