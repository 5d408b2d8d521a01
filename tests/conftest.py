"""Shared fixtures: every test gets its own library home; time zone and locale are fixed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.delenv("NEWSREADER_BIDI", raising=False)
    monkeypatch.delenv("NEWSREADER_LANG", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("VTE_VERSION", raising=False)
    monkeypatch.delenv("MLTERM", raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSREADER_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    yield
    from reader.text.i18n import use_language

    use_language("en")  # a test that spoke Arabic leaves the interface as it found it


@pytest.fixture
def home() -> Path:
    return Path(os.environ["NEWSREADER_HOME"])


def corpora_or_skip() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return CORPORA
