"""Bindings are the one source of truth for keys.

The help screen, the command palette's texts and the `[keymap]` setting all start from the
widgets' `BINDINGS`: each binding has an id, the keymap remaps ids to keys (Textual's
`App.set_keymap`), and what is shown is what the keymap made of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import App
from textual.binding import Binding

from reader.config import ConfigError
from reader.text.i18n import _

# Textual's own keys, which have no binding id (so they cannot be remapped) but belong in
# the help: (keys, what they do).
TEXTUAL_KEYS = (
    ("Tab / Shift+Tab", "next / previous pane"),
    ("Enter in the box", "go to the results"),
    ("Ctrl+P", "command palette (rebuild index, toggles, themes)"),
)


Sections = list[tuple[str, list[Binding]]]  # (help heading, its bindings), in help order


def sections_of(app: App[object]) -> Sections:
    """The app's bindings grouped as the help shows them (`NewsReaderApp.binding_sections`;
    asked of the app so that this module needs none of the widgets)."""
    return app.binding_sections()  # type: ignore[attr-defined]


def binding_ids(sections: Sections) -> set[str]:
    return {b.id for _, group in sections for b in group if b.id}


def check_keymap(keymap: Mapping[str, str], sections: Sections) -> None:
    """Unknown binding ids in the `[keymap]` setting are a ConfigError naming them."""
    known = binding_ids(sections)
    for binding_id in keymap:
        if binding_id not in known:
            raise ConfigError(
                f"settings.toml [keymap]: no key has the id {binding_id!r}; "
                f"ids are: {', '.join(sorted(known))}"
            )


def key_displays(app: App[object], binding: Binding) -> list[str]:
    """How the keys of `binding` are shown, after the app's keymap."""
    keys = app._keymap.get(binding.id or "") if binding.id else None  # noqa: SLF001
    if keys is not None:
        binding = Binding(keys, binding.action, binding.description)  # no key_display
    elif binding.key_display:
        return [binding.key_display]
    shown: list[str] = []
    for key in binding.key.split(","):
        display = app.get_key_display(Binding(key.strip(), binding.action))
        if display not in shown:
            shown.append(display)
    return shown


def key_display(app: App[object], binding_id: str) -> str:
    """The keys of the binding `binding_id`, for a text such as "Sort results (o)"."""
    for _title, group in sections_of(app):
        for binding in group:
            if binding.id == binding_id:
                return ", ".join(key_displays(app, binding))
    raise KeyError(binding_id)


def help_rows(app: App[object]) -> Iterable[tuple[str, str | None]]:
    """(title, None) for a heading, then (keys, what they do) for each binding once, in the
    interface's language."""
    seen: set[str] = set()
    for title, group in sections_of(app):
        yield _(title), None
        for binding in group:
            what = binding.tooltip or binding.description
            ident = binding.id or binding.action
            if ident in seen or not what:
                continue
            seen.add(ident)
            yield " / ".join(key_displays(app, binding)), _(what)
    yield _("Also"), None
    for keys, what in TEXTUAL_KEYS:
        yield _(keys), _(what)
