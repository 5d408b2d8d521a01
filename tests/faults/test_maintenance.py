"""`newsreader doctor` and `newsreader backup`, on real libraries in subprocesses."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.faults.conftest import ARTICLES, assert_clean_error, cli, db_count, integrity

TOTAL = ARTICLES + 2


def test_doctor_on_a_healthy_library(library: Path) -> None:
    result = cli(library, "doctor")
    assert result.code == 0, result.out + result.err
    assert "quick_check and integrity_check passed" in result.out
    assert "write-ahead log checkpointed" in result.out
    assert f"search index in step ({TOTAL} articles)" in result.out
    assert result.out.rstrip().endswith("the library is healthy")


def test_doctor_rebuilds_a_damaged_index(library: Path) -> None:
    for toc in (library / "index").glob("*.toc"):
        toc.unlink()
    result = cli(library, "doctor")
    assert result.code == 0, result.out
    assert f"repaired search index rebuilt ({TOTAL} articles)" in result.out
    assert cli(library, "doctor").out.count("repaired") == 0


def test_doctor_removes_a_stale_lock_of_a_dead_process(library: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (library / "app.lock").write_text(str(dead.pid))
    result = cli(library, "doctor")
    assert result.code == 0, result.out
    assert f"removed the stale lock app.lock of process {dead.pid}" in result.out
    assert not (library / "app.lock").exists()


def test_doctor_leaves_a_held_lock(library: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,os,sys,time; f=open(sys.argv[1],'a+'); "
            "fcntl.flock(f, fcntl.LOCK_EX); f.write(str(os.getpid())); f.flush(); "
            "print('locked', flush=True); time.sleep(30)",
            str(library / "app.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = cli(library, "doctor")
        assert result.code == 0, result.out
        assert f"lock app.lock is held by a running newsreader (pid {holder.pid})" in result.out
        assert (library / "app.lock").exists()
    finally:
        holder.kill()
        holder.wait()


def test_doctor_salvages_a_truncated_database(library: Path) -> None:
    db = library / "library.sqlite3"
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size * 3 // 4)
    damaged = db.read_bytes()
    checked = cli(library, "doctor")
    assert checked.code == 1
    assert "broken   database" in checked.out and "doctor --salvage" in checked.out
    assert db.read_bytes() == damaged  # checking changes nothing
    repaired = cli(library, "doctor", "--salvage")
    assert repaired.code == 0, repaired.out + repaired.err
    assert "repaired database: salvaged" in repaired.out
    kept = list(library.glob("library.damaged-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # the damaged file is kept
    assert integrity(db) == "ok"
    salvaged = db_count(library)
    assert 0 < salvaged <= TOTAL
    found = cli(library, "search", "oil")
    assert found.code == 0 and not found.out.startswith("0 results"), found.out + found.err
    assert cli(library, "doctor").code == 0


def test_doctor_on_an_unreadable_first_page_says_restore(library: Path) -> None:
    db = library / "library.sqlite3"
    with open(db, "r+b") as handle:
        handle.write(b"\xff" * 4096)
    damaged = db.read_bytes()
    result = cli(library, "doctor", "--salvage")
    assert result.code == 1
    assert "nothing could be salvaged" in result.out and "restore a backup" in result.out
    assert db.read_bytes() == damaged


def test_backup_copies_consistently_and_refuses_to_overwrite(library: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    result = cli(library, "backup", str(target))
    assert result.code == 0, result.err
    assert result.out.startswith(f"backed up {TOTAL} articles to {target}")
    assert integrity(target) == "ok"
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == TOTAL
    copy.close()
    line = assert_clean_error(cli(library, "backup", str(target)))
    assert "already exists; add --force" in line
    assert cli(library, "backup", str(target), "--force").code == 0


def test_backup_while_another_process_writes(library: Path, tmp_path: Path) -> None:
    """A writer adds articles in small transactions while the backup runs: the copy is
    consistent (integrity ok) and holds a count the writer actually committed."""
    script = (
        "import sys,time; sys.path.insert(0, sys.argv[2]);"
        "from reader.store import Store; from reader.models import Article;"
        "s=Store(sys.argv[1]); print('ready', flush=True);"
        "[s.add_articles([Article(title=f'W{i}', body=f'written while backing up {i}')]) "
        "or time.sleep(0.002) for i in range(400)]; s.close()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(library / "library.sqlite3"), str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    counts = []
    for n in range(3):
        target = tmp_path / f"b{n}.sqlite3"
        result = cli(library, "backup", str(target))
        assert result.code == 0, result.err
        assert integrity(target) == "ok"
        copy = sqlite3.connect(target)
        counted = copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        copy.close()
        assert f"backed up {counted} articles" in result.out
        counts.append(counted)
        time.sleep(0.1)
    assert writer.wait(timeout=60) == 0
    assert TOTAL <= counts[0] <= counts[-1] <= TOTAL + 400
