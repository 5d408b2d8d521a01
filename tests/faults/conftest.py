"""Fault tests drive the real command line in subprocesses: `python -m reader --home DIR ...`.

A library of 60 articles is built once per session and copied for each test, so every test
damages its own copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.feeds.conftest import server, store  # noqa: F401 - the feed tests' fixtures, for the hostile feeds

ARTICLES = 60  # plus the two bundled seed articles


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def cli(home: Path, *argv: str, timeout: float = 120, stdin: str | None = None) -> Result:
    """Run the real command line in a subprocess (no terminal: no progress bars)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSREADER_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        input=stdin,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@dataclass
class Measured(Result):
    seconds: float
    peak_rss_mb: float  # the command's peak resident memory


_MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
print(json.dumps([done.returncode, done.stdout, done.stderr, seconds, peak]))
"""


def measured_cli(home: Path, *argv: str, timeout: float = 120, cwd: Path | None = None) -> Measured:
    """`cli`, run by a fresh child that reports the command's peak RSS (RUSAGE_CHILDREN of a
    process whose only child is the command) and its wall time."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSREADER_HOME": str(home)}
    command = [sys.executable, "-m", "reader", "--home", str(home), *argv]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
        check=True,
    )
    code, out, err, seconds, peak = json.loads(done.stdout)
    return Measured(code, out, err, seconds, peak)


def assert_clean_error(result: Result, *, code: int = 1, prefix: str = "newsreader: error:") -> str:
    """Exactly one line on stderr, starting with `prefix`, no traceback; returns it."""
    assert "Traceback" not in result.err, result.err
    lines = result.err_lines
    assert len(lines) == 1, result.err
    assert lines[0].startswith(prefix), result.err
    assert result.code == code, (result.code, result.err)
    return lines[0]


def article_records(n: int, tag: str = "") -> list[dict[str, str]]:
    topics = ["oil prices", "election results", "football final", "central bank", "floods"]
    return [
        {
            "title": f"Report {tag}{i}: {topics[i % len(topics)]}",
            "content": f"Body of report {tag}{i} about {topics[i % len(topics)]}. "
            + "Analysts said the outlook was uncertain. " * 20,
            "url": f"http://example.org/{tag}{i}",
            "source": "wire",
            "date": f"2021-0{1 + i % 9}-1{i % 10}T10:00:00Z",
        }
        for i in range(n)
    ]


def write_json(path: Path, records: object) -> Path:
    path.write_text(json.dumps(records), "utf-8")
    return path


def db_count(home: Path, *, immutable: bool = False) -> int:
    flag = "&immutable=1" if immutable else ""
    db = sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro{flag}", uri=True)
    try:
        return int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


@pytest.fixture(scope="session")
def built_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("faults") / "library"
    source = write_json(base.parent / "articles.json", article_records(ARTICLES))
    result = cli(base, "import", str(source))
    assert result.code == 0, result.err
    assert "added 60" in result.out
    return base


@pytest.fixture
def library(built_library: Path, tmp_path: Path) -> Path:
    home = tmp_path / "lib"
    shutil.copytree(built_library, home)
    return home


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    """A fresh tmpfs of `size` (needs root and mount permission; skips otherwise)."""
    where = Path("/tmp") / f"newsreader-tmpfs-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        with contextlib.suppress(OSError):
            where.rmdir()


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
