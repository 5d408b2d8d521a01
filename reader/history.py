"""Recent searches, for recall in the search box. No UI imports here."""

from __future__ import annotations

import contextlib
from pathlib import Path

HISTORY_SIZE = 100


class SearchHistory:
    """Recent searches, newest last, kept in a small text file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: list[str] = []
        if path is not None and path.exists():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            self.entries = [line for line in lines if line.strip()][-HISTORY_SIZE:]

    def add(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.entries:
            self.entries.remove(query)
        self.entries.append(query)
        del self.entries[:-HISTORY_SIZE]
        if self.path is not None:
            # History is a convenience: never fail a search over it.
            with contextlib.suppress(OSError):
                self.path.write_text("\n".join(self.entries) + "\n", encoding="utf-8")
