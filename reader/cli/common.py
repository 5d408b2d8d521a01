"""What every command shares: the one error type, messages on stderr, the progress display,
and bringing the search index in step."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from reader.config import Settings, resolve_bidi_mode
from reader.text.i18n import N_, _, interface_line, shown
from reader.text.plural import counted

if TYPE_CHECKING:
    from reader.session import IndexSync, Session


class CliError(Exception):
    """A failure to report as one line, `newsreader: error: <message>`, with exit status 1."""


def file_error(error: OSError) -> CliError:
    """A file that cannot be read or written, said as `<file>: <reason>`."""
    where = f"{error.filename}: " if error.filename else ""
    return CliError(f"{where}{error.strerror or error}")


# How messages are drawn on a terminal: (bidi mode, harakat), set by `run`.
_layout: tuple[str, str] = ("terminal", "keep")


def set_terminal_layout(settings: Settings) -> None:
    global _layout
    _layout = (resolve_bidi_mode(settings.bidi), settings.harakat)


def terminal_line(text: str, stream: TextIO) -> str:
    """`text` as a terminal shows it: in an Arabic interface on a terminal, laid out as the
    `bidi` setting says (shaped, in visual order); piped, logical text for scripts."""
    if not stream.isatty():
        return text
    return interface_line(text, *_layout)


def _stderr(line: str) -> None:
    print(terminal_line(line, sys.stderr), file=sys.stderr)


def say(message: str) -> None:
    """A line on stderr about one item (a query, a feed), the command going on."""
    _stderr(f"newsreader: {message}")


def note(message: str) -> None:
    """Something the user should know that is not a failure."""
    say(_("note: {message}").format(message=message))


def error_line(message: str) -> None:
    """A failure, on one line: `newsreader: error: …`."""
    say(_("error: {message}").format(message=" ".join(message.split())))


def failed_line(what: str, reason: str) -> None:
    """One item (a file, a feed) that failed while the command goes on."""
    _stderr(_("failed: {what}: {reason}").format(what=what, reason=reason))


# -- progress on stderr -------------------------------------------------------------------
_PHASES = {"feeds": N_("Feeds"), "full_text": N_("Full text")}


class ProgressDisplay:
    """Progress on stderr, drawn only when stderr is a terminal (else every call does
    nothing). Call it as `update(done, total)` for one count (indexing, importing), or give
    `event` a refresh's `Progress` events: one bar per phase, with what is being fetched."""

    def __init__(self, label: str, *, phases: bool, live: bool) -> None:
        self._label = label
        self._phases = phases
        self._live = live
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, done: int, total: int) -> None:
        self._step(self._label, done, total)

    def event(self, event: Any) -> None:
        phase = _PHASES.get(event.phase)
        self._step(_(phase) if phase else event.phase, event.done, event.total, event.label)

    def _step(self, task: str, done: int, total: int, label: str = "") -> None:
        if not self._live:
            return
        bar = self._bar or self._start()
        if task not in self._tasks:
            self._tasks[task] = bar.add_task(task, total=total or None, label="")
        if label:
            from reader.text.sanitize import clean_line

            label = clean_line(label)[:50]
        bar.update(self._tasks[task], completed=done, total=total or None, label=label)

    def _start(self) -> Any:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns: tuple[Any, ...]
        if self._phases:
            label = TextColumn("{task.fields[label]}", style="dim")
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), label)
        else:
            description = "[progress.description]{task.description}"
            columns = (description, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        self._bar = Progress(
            *columns,
            console=Console(stderr=True),
            transient=True,
            # What a command prints while the bar is up (a fetch's feed results) goes through
            # the bar when stdout is the terminal too, so it shows above it; straight to a
            # redirected stdout.
            redirect_stdout=sys.stdout.isatty(),
        )
        self._bar.start()
        return self._bar

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def progress(
    label: str | Callable[[], str] = "", *, phases: bool = False
) -> Iterator[ProgressDisplay]:
    """A `ProgressDisplay` for the time of the block; the bar appears with the first step
    and is gone afterwards. `label` names a count's bar (a callable is asked only when a
    bar can be drawn); `phases` lays the bar out for a refresh's events."""
    live = sys.stderr.isatty()
    if live and callable(label):
        label = label()
    display = ProgressDisplay(label if isinstance(label, str) else "", phases=phases, live=live)
    try:
        yield display
    finally:
        display.close()


# -- the search index ---------------------------------------------------------------------
def sync_index(session: Session, *, rebuild: bool = False) -> IndexSync:
    """`Session.sync_index` with a progress bar: the CLI's one way to bring the index in
    step. A locked index comes back as such; each command says what that means for it."""

    def label() -> str:
        if rebuild or session.index.status(session.store).needs_rebuild:
            return _("Rebuilding index")
        return _("Indexing")

    with progress(label) as update:
        synced = session.sync_index(update, rebuild=rebuild)
    if synced.repaired:
        from reader.text.sanitize import clean_line

        rebuilt = counted(
            synced.indexed,
            "the search index was rebuilt from the library ({count} article)",
            "the search index was rebuilt from the library ({count} articles)",
        )
        note(f"{rebuilt}: {clean_line(shown(synced.repaired))}")
    return synced
