"""The `?` (F1) screen: every key, from the bindings as the keymap made them, and the
search language. In an RTL interface it reads from the right: keys in a column on the
right, what they do to their left, every line laid out as article text is."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text.cells import cell_width
from reader.text.i18n import _, interface_line, interface_lines, interface_rtl
from reader.text.layout import fit_line
from reader.ui.keys import help_rows

KEY_CELLS = 18
# A row of the search language's help: an example, 3 or more spaces, what it does.
_HELP_ROW = re.compile(r"^  (\S.*?)(?:\s{3,}(\S.*))?$")


def search_help_blocks() -> list[tuple[str, str, str]]:
    """The search language's help (`QUERY_HELP`) as (kind, example, text) blocks, so the
    text can be translated whole: "paragraph" (its lines joined), "heading", "row"."""
    from reader.search.query import QUERY_HELP

    blocks: list[tuple[str, str, str]] = []
    lines = QUERY_HELP.strip().split("\n")
    paragraph: list[str] = []
    for number, line in enumerate(lines + [""]):
        if line and not line.startswith(" "):
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if not paragraph and following.startswith("  "):
                blocks.append(("heading", "", line.strip()))
            else:
                paragraph.append(line.strip())
            continue
        if paragraph:
            blocks.append(("paragraph", "", " ".join(paragraph)))
            paragraph = []
        if match := _HELP_ROW.match(line):
            blocks.append(("row", match.group(1), match.group(2) or ""))
    return blocks


def help_text(app: App[object], width: int = 80, mode: str = "app", harakat: str = "keep") -> Text:
    if interface_rtl():
        return _mirrored_help(app, width, mode, harakat)
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


def _mirrored_help(app: App[object], width: int, mode: str, harakat: str) -> Text:
    text = Text()

    def heading(title: str) -> None:
        line = interface_line(title, mode, harakat)
        text.append("\n" + " " * max(0, width - cell_width(line)))
        text.append(line + "\n", style="bold underline")

    def row(keys: str, what: str) -> None:
        # The keys on the right, in their own direction (j / ↓ as written, an Arabic example
        # shaped), what they do wrapped to their left.
        keys = fit_line(keys, max(1, cell_width(keys)), mode=mode, harakat=harakat).text
        room = max(1, width - max(KEY_CELLS, cell_width(keys) + 1) - 2)
        for number, line in enumerate(interface_lines(what, room, mode, harakat) or [""]):
            text.append(line + " " * max(0, room - cell_width(line)))
            shown = keys if number == 0 else ""
            text.append(" " * max(0, KEY_CELLS - cell_width(shown)) + shown, style="bold")
            text.append("  \n")

    def paragraph(what: str) -> None:
        for line in interface_lines(what, width, mode, harakat):
            text.append(line + "\n")

    for keys, what in help_rows(app):
        if what is None:
            heading(keys)
        else:
            row(keys, what)
    heading(_("Search language"))
    for kind, example, what in search_help_blocks():
        if kind == "heading":
            heading(_(what))
        elif kind == "paragraph":
            paragraph(_(what))
        else:
            row(example, _(what) if what else "")
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

    def __init__(self, mode: str = "app", harakat: str = "keep") -> None:
        super().__init__()
        self.mode = mode
        self.harakat = harakat

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self.app, self._text_width(), self.mode, self.harakat))

    def _text_width(self) -> int:
        """The cells inside the frame (as the CSS above makes it) and a scrollbar."""
        box = min(90, self.app.size.width * 95 // 100)
        return max(10, box - 2 - 4 - 2)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
