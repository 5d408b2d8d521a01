"""Command line: `newsreader [command]`. Parses arguments, opens the library's session, runs
the command and turns failures into one line on stderr; the commands live in
`reader.cli.library` and `reader.cli.feeds`, the core does the work.

Without a command the app opens. The CLI does not import the UI (it sits below it): the
entry point, `reader.__main__`, hands `run` the function that opens the app.
"""

from __future__ import annotations

import argparse
import errno
import sqlite3
from collections.abc import Callable
from typing import Any

from reader import __version__
from reader.cli import feeds, library, maintenance
from reader.cli.argparse_words import speak_argparse
from reader.cli.common import CliError, error_line, say, set_terminal_layout
from reader.config import (
    BIDI_MODES,
    UI_LANGUAGES,
    ConfigError,
    library_home,
    load_settings,
    settings_language,
)
from reader.session import Session
from reader.store import StoreError
from reader.store.health import describe_database_error
from reader.text.i18n import _, shown, use_language

__all__ = ["AppLauncher", "CliError", "build_parser", "run"]

AppLauncher = Callable[[Session], int]  # opens the app on the session; returns the exit code


class _Parser(argparse.ArgumentParser):
    """Every command's parser takes the global options, so they work before the command
    (`newsreader --home X search q`) and after it (`newsreader search q --home X`). They
    default to SUPPRESS, so a command's parser never overwrites a value given before it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--home",
            default=argparse.SUPPRESS,
            help=_("library folder (default: $NEWSREADER_HOME or the platform's user data folder)"),
        )
        self.add_argument(
            "--bidi",
            choices=BIDI_MODES,
            default=argparse.SUPPRESS,
            help=_(
                "who lays out right-to-left text: "
                "app, terminal, or auto (default; also $NEWSREADER_BIDI)"
            ),
        )
        self.add_argument(
            "--lang",
            choices=UI_LANGUAGES,
            default=argparse.SUPPRESS,
            help=_(
                "the interface's language: en or ar (default: the locale's; also $NEWSREADER_LANG)"
            ),
        )


def build_parser() -> argparse.ArgumentParser:
    speak_argparse()
    parser = _Parser(
        prog="newsreader",
        description=_(
            "A terminal news reader for English and Arabic. Without a command, opens the app."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"newsreader {__version__}",
        help=_("show the program's version number and exit"),
    )
    parser.set_defaults(func=None)  # no command: the app
    sub = parser.add_subparsers(title=_("commands"), metavar="COMMAND")
    library.register(sub)
    feeds.register(sub)
    maintenance.register(sub)
    return parser


def run(argv: list[str], *, app: AppLauncher | None = None, session: Session | None = None) -> int:
    """Run one command line; returns the exit status (argparse exits itself on bad usage).

    Without a command, `app(session)` opens the app. `session`: run on this open session
    (its owner closes it) instead of opening the library that `--home` names.
    """
    _speak_early(argv, session)  # argparse's help and errors are in the interface's language
    parser = build_parser()
    args = parser.parse_args(argv)
    opened: Session | None = None
    database: Any = session.library.database if session is not None else "of the library"
    try:
        if session is None:
            home = library_home(getattr(args, "home", None))
            database = home.database
            settings = load_settings(home, getattr(args, "bidi", None), getattr(args, "lang", None))
        else:
            settings = session.settings
        use_language(settings.ui_language, settings.digits)  # before any message
        set_terminal_layout(settings)
        _check_usage(parser, args, app)
        if session is None:
            session = opened = Session(home, settings)
            if not getattr(args, "raw", False):  # doctor and backup work on damaged files
                session.ensure_seeded()  # a new library gets the bundled articles
        if args.func is None:
            assert app is not None
            return app(session)
        return args.func(args, session)
    except BaseException as error:
        status = _exit_status(error, database)
        if status is None:
            raise
        return status
    finally:
        if opened is not None:
            opened.close()


def _speak_early(argv: list[str], session: Session | None) -> None:
    """Take up the interface's language before the command line is parsed, so that `--help`
    and usage errors speak it. Best effort: what fails here is reported after parsing."""
    if session is not None:
        use_language(session.settings.ui_language, session.settings.digits)
        return
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    for option in ("--home", "--bidi", "--lang"):
        early.add_argument(option)
    try:
        known, _rest = early.parse_known_args(argv)
        home = library_home(known.home)
    except (argparse.ArgumentError, OSError, ValueError):
        return
    try:
        settings = load_settings(home, known.bidi, known.lang)
    except (ConfigError, OSError, ValueError):
        # A bad setting (in English here: the language was not known yet) is reported
        # after parsing, by the second load, in the language the settings choose.
        use_language(settings_language(home, known.lang))
        return
    use_language(settings.ui_language, settings.digits)


def _check_usage(
    parser: argparse.ArgumentParser, args: argparse.Namespace, app: AppLauncher | None
) -> None:
    if getattr(args, "width", None) is not None and args.width < 1:
        parser.error(_("--width must be at least 1"))
    if getattr(args, "limit", None) is not None and args.limit < 1:
        parser.error(_("--limit must be at least 1"))
    if args.func is None and app is None:
        parser.error(_("a command is needed here (the app opens from the `newsreader` command)"))


def _exit_status(error: BaseException, database: Any = "of the library") -> int | None:
    """The one place a failure becomes a message: `newsreader: error: …` on one line, and the
    exit status. None: not a failure we report (a bug, or an exit): it goes on up."""
    if isinstance(error, OverflowError):
        error_line(_("a number given is too large"))
        return 2
    if isinstance(error, KeyboardInterrupt):
        say(_("interrupted"))
        return 130
    if isinstance(error, BrokenPipeError):
        return 0
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        where = f" ({error.filename})" if error.filename else ""
        error_line(
            _(
                "the disk is full{where}; what was stored before is kept: "
                "free some space and try again"
            ).format(where=where)
        )
        return 1
    if isinstance(error, sqlite3.Error):
        # A database failure after opening (damage found by a query, a full disk, a
        # read-only file): said once, in words, with what to do.
        error_line(describe_database_error(error, database))
        return 1
    if not isinstance(error, CliError | ConfigError | StoreError | OSError):
        if not isinstance(error, Exception):
            return None
        from reader.search.index import SearchError  # index errors carry a clear message

        if not isinstance(error, SearchError):
            return None
    error_line(shown(error))
    return 1
