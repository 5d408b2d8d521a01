"""The `?` (F1) screen: every key, and the search language."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Moving", ""),
    ("j / k, ↓ / ↑", "next / previous article, or scroll the reading pane"),
    ("g / G, Home / End", "top / bottom"),
    ("PgUp / PgDn", "page up / down"),
    ("Space", "page down in the reading pane"),
    ("Enter, click", "open the article (marks it read)"),
    ("Tab / Shift+Tab", "next / previous pane"),
    ("Articles", ""),
    ("r", "toggle read"),
    ("s", "toggle star"),
    ("u", "show unread only / all"),
    ("t", "open the other edition (translation), also by clicking its link line"),
    ("y", "copy the article's text (dragging the mouse selects part of it)"),
    ("f", "show one source (feed) only, with unread counts"),
    ("R", "refresh feeds in the background"),
    ("Search", ""),
    ("/", "go to the search box (search as you type)"),
    ("↑ / ↓ in the box", "recall recent searches"),
    ("Enter in the box", "go to the results"),
    ("n / N", "next / previous result; in the reading pane, next / previous match"),
    ("o", "sort results by relevance or by date"),
    ("Esc", "back: clear the search, leave a pane"),
    ("App", ""),
    ("? or F1", "this help (in the search box ? is typed: use F1)"),
    ("Ctrl+P", "command palette (rebuild index, toggles, themes)"),
    ("q", "quit"),
)


def help_text() -> Text:
    from reader.search.query import QUERY_HELP

    text = Text()
    for key, what in KEYS:
        if not what:
            text.append(f"\n{key}\n", style="bold underline")
        else:
            text.append(f"  {key:<18}", style="bold")
            text.append(f"{what}\n")
    text.append("\nSearch language\n", style="bold underline")
    text.append(QUERY_HELP.strip() + "\n")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
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
            yield Static(help_text())

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
