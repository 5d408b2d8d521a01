"""The footer: the keys that apply to the focused pane, drawn as one line.

Textual's `Footer` is a widget per key, and it mounts them all again whenever the focus
moves (Enter, Escape, Tab, `/`), laying out the screen again: most of the cost of Enter
at 120x36. This footer is one widget: it redraws one line, and only when the keys shown
change. The keys, their order and their look are `Footer`'s; a click on a key presses it.
In an RTL interface it reads from the right: the first key at the right edge, each key to the
right of its description, the palette key at the left end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.widget import Widget

from reader.text.i18n import N_, _, interface_line, interface_rtl

# The description of Textual's own key in the footer (the command palette's), for the catalog.
TEXTUAL_DESCRIPTIONS = (N_("palette"),)

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class ShownKey:
    key: str  # what a click presses
    display: str  # how it is written, e.g. "^u"
    description: str
    enabled: bool  # False: shown dimmed (it does not apply here)


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--disabled { text-style: dim; }
    """

    def __init__(self, *, mode: str = "app", harakat: str = "keep", id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.harakat = harakat
        self.mirrored = interface_rtl()
        self.keys: tuple[ShownKey, ...] = ()  # in order, left to right
        self.palette_key: ShownKey | None = None  # shown at the right end
        self._drawn_at: list[tuple[int, int, ShownKey]] = []  # cells of each key, as drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys, palette_key = self._shown_keys(screen)
        if (keys, palette_key) != (self.keys, self.palette_key):
            self.keys, self.palette_key = keys, palette_key
            self.refresh()

    def _shown_keys(self, screen: Screen) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """As `Footer.compose` chooses them: the first shown binding of each action."""
        app = self.app
        by_action: dict[str, ShownKey] = {}
        active = screen.active_bindings
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in by_action:
                display = app.get_key_display(binding)
                by_action[binding.action] = ShownKey(
                    binding.key, display, binding.description, enabled
                )
        palette_key = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            display = app.get_key_display(binding)
            palette_key = ShownKey(binding.key, display, binding.description, enabled)
        return tuple(by_action.values()), palette_key

    def _label(self, key: ShownKey) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        if not key.enabled:
            dim = self.get_component_rich_style("key-footer--disabled", partial=True)
            key_style, description_style = key_style + dim, description_style + dim
        description = _(key.description) if key.description else ""
        if self.mirrored:
            shown = interface_line(description, self.mode, self.harakat)
            return Text.assemble(
                (f" {shown}" if shown else "", description_style),
                (f" {key.display} ", key_style),
            )
        return Text.assemble(
            (f" {key.display} ", key_style),
            (f"{description} " if description else "", description_style),
        )

    def render(self) -> Text:
        if self.mirrored:
            return self._render_mirrored()
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        drawn_at = []
        for key in self.keys:
            start = line.cell_len
            line.append_text(self._label(key))
            drawn_at.append((start, line.cell_len, key))
            line.append(" ")
        if self.palette_key is not None:
            palette = self._label(self.palette_key)
            room = self.size.width - palette.cell_len
            if line.cell_len <= room:
                line.append(" " * (room - line.cell_len))
                drawn_at.append((line.cell_len, line.cell_len + palette.cell_len, self.palette_key))
                line.append_text(palette)
        self._drawn_at = drawn_at
        return line

    def _render_mirrored(self) -> Text:
        """Keys from the right edge leftwards; those that do not fit are left out."""
        width = self.size.width
        labels: list[tuple[Text, ShownKey]] = []
        used = 0
        for key in self.keys:
            label = self._label(key)
            needed = label.cell_len + (1 if labels else 0)
            if used + needed > width:
                break
            labels.append((label, key))
            used += needed
        line = Text(no_wrap=True, overflow="crop", end="")
        drawn_at = []
        if self.palette_key is not None:
            palette = self._label(self.palette_key)
            if palette.cell_len + 1 + used <= width:
                drawn_at.append((0, palette.cell_len, self.palette_key))
                line.append_text(palette)
        line.append(" " * max(0, width - line.cell_len - used))
        for position, (label, key) in enumerate(reversed(labels)):
            if position:
                line.append(" ")
            start = line.cell_len
            line.append_text(label)
            drawn_at.append((start, line.cell_len, key))
        self._drawn_at = drawn_at
        return line

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it, as in Textual's Footer."""
        for start, end, key in self._drawn_at:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return
