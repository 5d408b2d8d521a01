"""Fixtures for the importer tests: a real store in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.store import Store

REPO = Path(__file__).resolve().parents[2]
# Beside the checkout; $NEWSREADER_CORPORA points elsewhere (a git worktree, for example).
CORPORA = Path(os.environ.get("NEWSREADER_CORPORA") or REPO.parent / "shared" / "corpora")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: imports whole corpora (several seconds)")


@pytest.fixture
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    # Outside tmp_path, so tests can import the whole of tmp_path.
    db = Store(tmp_path_factory.mktemp("library") / "lib.sqlite3")
    yield db
    db.close()
