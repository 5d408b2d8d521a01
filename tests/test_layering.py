"""The core must work without a UI: importing it must not import Textual."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

CORE_MODULES = [
    "reader.config",
    "reader.models",
    "reader.store",
    "reader.store.index_reads",
    "reader.session",
    "reader.history",
    "reader.cli",
    "reader.cli.common",
    "reader.cli.library",
    "reader.cli.feeds",
    "reader.sources.importer",
    "reader.sources.import_plan",
    "reader.sources.seeds",
    "reader.sources.text",
    "reader.sources.jsonfile",
    "reader.sources.dates",
    "reader.text.language",
    "reader.sources.feeds",
    "reader.sources.http",
    "reader.sources.html",
    "reader.sources.opml",
    "reader.sources.fulltext",
    "reader.sources.fulltext_queue",
    "reader.sources.refresh",
    "reader.text.body",
    "reader.search.analysis",
    "reader.search.arabic",
    "reader.search.building",
    "reader.search.collect",
    "reader.search.doctable",
    "reader.search.errors",
    "reader.search.hits",
    "reader.search.index",
    "reader.search.query",
    "reader.search.query_syntax",
    "reader.search.schema",
    "reader.search.storage",
    "reader.text.sanitize",
    "reader.text.units",
    "reader.text.layout",
    "reader.text.caret",
    "reader.text.article",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(' '.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_ui_does_import_textual() -> None:
    """The check above can fail: the UI package really does pull Textual in."""
    code = "import sys, reader.ui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
