"""The Textual app: what is app-wide (themes, the palette, help, the keymap, the terminal's
bidi mode). The reading itself is the main screen's (`reader.ui.screens.main`)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen

from reader.config import resolve_bidi_mode, vte_explicit_mode
from reader.session import Session
from reader.text.i18n import N_, _, interface_line, interface_lines, interface_rtl, use_language
from reader.ui.help import HelpScreen
from reader.ui.keys import Sections, check_keymap, key_display
from reader.ui.reading_pane import ReadingPane
from reader.ui.rowlist import RowList
from reader.ui.screens.main import MainScreen
from reader.ui.search_pane import SearchInput
from reader.ui.sources import SourcePicker


class NewsReaderApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    # The footer shows the keys every pane needs (the focused pane adds its own); `?` (or
    # F1, which also works from the search box) lists every key.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            tooltip="this help (in the search box ? is typed: use F1)",
        ),
        Binding("f1", "help", "Help", key_display="F1", id="app.help_f1", tooltip="this help"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="quit"),
    ]

    def __init__(self, session: Session, *, index_in_background: bool = True) -> None:
        super().__init__()
        self.session = session
        settings = session.settings
        use_language(settings.ui_language, settings.digits)
        self.mode = resolve_bidi_mode(settings.bidi)
        keymap = dict(session.settings.keymap)
        check_keymap(
            keymap, self.binding_sections()
        )  # unknown ids: a ConfigError naming them, before the app runs
        self.set_keymap(keymap)
        self.main = MainScreen(session, index_in_background=index_in_background)

    @classmethod
    def binding_sections(cls) -> Sections:
        """Every binding of the app, grouped as the help shows them (first listed wins)."""
        groups = [
            ("Lists", RowList.BINDINGS),
            ("Reading pane", ReadingPane.BINDINGS),
            ("Search box", SearchInput.BINDINGS),
            ("Everywhere", [*MainScreen.BINDINGS, *cls.BINDINGS]),
            ("Dialogs", [*HelpScreen.BINDINGS, *SourcePicker.BINDINGS]),
        ]
        return [(title, [b for b in group if isinstance(b, Binding)]) for title, group in groups]

    def get_default_screen(self) -> Screen:
        return self.main

    def on_ready(self) -> None:
        # After the first frame. What starting made (modules, widgets, caches) lives as long
        # as the app, yet every full collection scanned it again: 50-60 ms, a key press's
        # frame, every few dozen keys. Frozen, it is left out of collections.
        gc.collect()
        gc.freeze()

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        """Notifications quote feed titles and server errors: never read them as markup.
        In an RTL interface they are laid out as article text is, in the toast's width."""
        kwargs.setdefault("markup", False)
        if interface_rtl():
            harakat = self.session.settings.harakat
            width = max(10, min(60, self.size.width // 2) - 4)  # Toast: 60, at most 50%
            message = "\n".join(interface_lines(message, width, self.mode, harakat))
            if kwargs.get("title"):
                kwargs["title"] = interface_line(kwargs["title"], self.mode, harakat)
        super().notify(message, **kwargs)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: in an RTL interface the subtitle (already laid out) reads after the
        title, so to its left."""
        if not interface_rtl() or not sub_title:
            return super().format_title(title, sub_title)
        return Content.assemble(Content(sub_title).stylize("dim"), (" — ", "dim"), title)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.mode, self.session.settings.harakat))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        main = self.main
        harakat = self.session.settings.harakat
        for command in super().get_system_commands(screen):  # Textual's own, translated
            yield command._replace(
                title=interface_line(_(command.title), self.mode, harakat),
                help=interface_line(_(command.help), self.mode, harakat),
            )
        # (title, what it does, the binding whose keys it names, the action)
        commands = [
            (_("Help"), _("Keys and the search language ({keys})"), "app.help", self.action_help),
            (
                _("Toggle unread only"),
                _("Show only unread articles ({keys})"),
                "app.unread",
                main.action_toggle_unread_only,
            ),
            (
                _("Toggle result order"),
                _("Sort results by relevance or date ({keys})"),
                "app.sort",
                main.action_toggle_sort,
            ),
            (_("Rebuild search index"), _("Reindex every article"), None, main.action_reindex),
            (
                _("Refresh feeds"),
                _("Fetch every subscription ({keys})"),
                "app.refresh",
                main.action_refresh_feeds,
            ),
            (
                _("Pick a source"),
                _("Show one source's articles ({keys})"),
                "app.sources",
                main.action_pick_source,
            ),
        ]
        for title, help, binding_id, callback in commands:
            if binding_id is not None:
                help = help.format(keys=key_display(self, binding_id))
            # Drawn as the interface's other strings are (shaped, visual order in Arabic).
            yield SystemCommand(
                interface_line(title, self.mode, harakat),
                interface_line(help, self.mode, harakat),
                callback,
            )


# Textual's own palette commands (App.get_system_commands), for the catalog: the app looks
# their titles and help up as they come.
TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


def run_app(session: Session) -> int:
    """Run the app; on VTE terminals switch to explicit bidi and always switch back."""
    app = NewsReaderApp(session)  # a bad keymap is a ConfigError before the terminal changes
    explicit = vte_explicit_mode(session.settings.bidi)
    if explicit:
        sys.__stdout__.write("\x1b[8l")
        sys.__stdout__.flush()
    try:
        return app.run() or 0
    finally:
        if explicit:
            sys.__stdout__.write("\x1b[8h")
            sys.__stdout__.flush()
