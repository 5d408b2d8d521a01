"""Damaged index and database files: one clear line, no traceback, the index rebuilt by
itself, and nothing else damaged further."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.faults.conftest import (
    ARTICLES,
    assert_clean_error,
    cli,
    db_count,
    integrity,
    remount_read_only,
    tmpfs,
)

TOTAL = ARTICLES + 2  # with the seeds


def _segment(home: Path) -> Path:
    segments = sorted((home / "index").glob("*.seg"))
    assert segments, list((home / "index").iterdir())
    return segments[0]


def _flip_bits(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(64, len(data), 97):
        data[i] ^= 0x10
    path.write_bytes(data)


def _damage_index(home: Path, case: str) -> None:
    index = home / "index"
    if case == "missing toc":
        for toc in index.glob("_MAIN_*.toc"):
            toc.unlink()
    elif case == "truncated segment":
        with open(_segment(home), "r+b") as handle:
            handle.truncate(100)
    elif case == "bit-flipped segment":
        _flip_bits(_segment(home))
    elif case == "index deleted":
        shutil.rmtree(index)
    elif case == "index is a file":
        shutil.rmtree(index)
        index.write_text("not an index")
    elif case == "missing meta record":
        (index / "newsreader-index.json").unlink()
    else:
        raise AssertionError(case)


INDEX_CASES = [
    "missing toc",
    "truncated segment",
    "bit-flipped segment",
    "index deleted",
    "index is a file",
    "missing meta record",
]


@pytest.mark.parametrize("case", INDEX_CASES)
def test_damaged_index_is_rebuilt_with_a_note(library: Path, case: str) -> None:
    before = (library / "library.sqlite3").read_bytes()
    _damage_index(library, case)
    result = cli(library, "search", "oil")
    assert "Traceback" not in result.err, result.err
    assert result.code == 0, result.err
    note = assert_clean_error(
        result, code=0, prefix="newsreader: note: the search index was rebuilt"
    )
    assert f"({TOTAL} articles)" in note
    assert "results for 'oil'" in result.out and not result.out.startswith("0 results")
    # Rebuilt: the next search is silent and finds the same.
    again = cli(library, "search", "oil")
    assert again.code == 0 and again.err == "" and again.out == result.out
    stats = cli(library, "stats", "--json")
    assert '"index_in_step": true' in stats.out
    # The database was not touched beyond what opening it writes (no article changed).
    assert db_count(library) == TOTAL
    assert integrity(library / "library.sqlite3") == "ok"
    assert len(before) > 0
    if case == "index is a file":
        aside = [p for p in library.iterdir() if p.name.startswith("index.not-a-folder")]
        assert len(aside) == 1 and aside[0].read_text() == "not an index"  # kept, not deleted


def test_damage_found_only_at_search_time_is_repaired(library: Path) -> None:
    """A segment damaged in a way that opening does not notice: the search that reads it
    rebuilds the index and answers."""
    segment = _segment(library)
    data = bytearray(segment.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = bytes(2000)  # zero a stretch of postings
    segment.write_bytes(data)
    for query in ("oil", "election", "bank", "floods"):
        result = cli(library, "search", query)
        assert "Traceback" not in result.err, result.err
        assert result.code == 0, result.err
        assert not result.out.startswith("0 results"), result.out
    assert db_count(library) == TOTAL


def _assert_database_error(result, *words: str) -> str:
    line = assert_clean_error(result)
    for word in words:
        assert word in line, line
    return line


def test_truncated_database(library: Path) -> None:
    db = library / "library.sqlite3"
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        handle.truncate(size // 2)
    kept = db.read_bytes()
    for argv in (["list"], ["search", "oil"], ["show", "3"], ["import", str(db)]):
        result = cli(library, *argv)
        _assert_database_error(result, "damaged", "newsreader doctor")
    assert db.read_bytes() == kept  # nothing wrote to it
    assert (library / "index").is_dir()  # the index was left alone


def test_garbage_in_the_first_page(library: Path) -> None:
    db = library / "library.sqlite3"
    with open(db, "r+b") as handle:
        handle.write(b"GARBAGE!" * 300)
    kept = db.read_bytes()
    for argv in (["list"], ["search", "oil"], ["stats"]):
        _assert_database_error(cli(library, *argv), "damaged", "not a database")
    assert db.read_bytes() == kept


def test_read_only_database_file(library: Path, tmp_path: Path) -> None:
    """Root ignores permission bits, so the file is made read-only for real: a read-only
    bind mount of the file itself (the folder stays writable)."""
    db = library / "library.sqlite3"
    bound = subprocess.run(["mount", "--bind", str(db), str(db)], capture_output=True, check=False)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bound.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(db), str(db)], check=True)
        listed = cli(library, "list", "--limit", "3")
        assert listed.code == 0 and listed.err == "" and len(listed.out.splitlines()) == 3
        found = cli(library, "search", "oil")
        assert found.code == 0 and "results for 'oil'" in found.out
        new = tmp_path / "new.txt"
        new.write_text("A new story\n\nIt cannot be stored.\n", "utf-8")
        _assert_database_error(cli(library, "import", str(new)), "read-only")
    finally:
        subprocess.run(["umount", str(db)], check=False)
    assert db_count(library) == TOTAL
    assert integrity(db) == "ok"


def test_library_on_a_read_only_file_system(library: Path) -> None:
    with tmpfs("64m") as mount:
        home = mount / "lib"
        shutil.copytree(library, home)
        remount_read_only(mount)
        listed = cli(home, "list", "--limit", "5")
        assert listed.code == 0, listed.err
        assert len(listed.out.splitlines()) == 5 and listed.err == ""
        found = cli(home, "search", "election")
        assert found.code == 0, found.err
        assert "results for 'election'" in found.out and found.err == ""
        new = library / "never-stored.txt"
        new.write_text("A new story\n\nIt cannot be stored.\n", "utf-8")
        imported = cli(home, "import", str(new))
        line = assert_clean_error(imported)
        assert "read-only" in line, line
        assert "read-only" in assert_clean_error(cli(home, "reindex"))
        doctor = cli(home, "doctor")
        assert "read-only file system" in doctor.out and "Traceback" not in doctor.err
        assert doctor.code == 0, doctor.out
        assert db_count(home, immutable=True) == TOTAL
