"""`python -m reader` and the `newsreader` console script.

The entry point sits above every layer: it runs the command line and, when no command is
given, hands it the app to open (the CLI itself does not import the UI)."""

from __future__ import annotations

import sys

from reader.session import Session


def main(argv: list[str] | None = None) -> int:
    from reader.cli import run

    return run(sys.argv[1:] if argv is None else argv, app=_open_app)


def _open_app(session: Session) -> int:
    from reader.ui.app import run_app

    return run_app(session)


if __name__ == "__main__":
    sys.exit(main())
