"""Importing into a library on a small tmpfs (20 MB) until the disk is full: a clear error,
what was stored before intact, and a library that works again once space is freed."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.faults.conftest import assert_clean_error, cli, db_count, integrity, tmpfs

PARTS = 30
PER_PART = 300  # about 0.6 MB of JSON each; with the index, the 20 MB disk fills by the 10th


def _parts(folder: Path) -> list[Path]:
    rng = random.Random(11)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(5000)
    ]
    paths = []
    for part in range(PARTS):
        records = [
            {
                "title": f"Part {part} article {i} " + " ".join(rng.sample(words, 5)),
                "content": " ".join(rng.choices(words, k=300)),
                "url": f"http://example.org/{part}/{i}",
            }
            for i in range(PER_PART)
        ]
        path = folder / f"part{part}.json"
        path.write_text(json.dumps(records), "utf-8")
        paths.append(path)
    return paths


def test_import_until_the_disk_is_full(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    with tmpfs("20m") as mount:
        home = mount / "lib"
        ballast = mount / "ballast"  # what the user deletes to free space
        ballast.write_bytes(bytes(6 * 1024 * 1024))
        counts: list[int] = []
        full_at = None
        for n, part in enumerate(parts):
            result = cli(home, "import", str(part))
            assert "Traceback" not in result.err, result.err
            if result.code != 0:
                line = assert_clean_error(result)
                assert "full" in line, line
                full_at = n
                break
            counts.append(db_count(home))
        assert full_at is not None, "the disk never filled"
        assert counts, "the first part should fit"
        # What was stored before is intact: the same count, a sound file.
        assert db_count(home) >= counts[-1]
        assert integrity(home / "library.sqlite3") == "ok"
        # The full disk keeps the library readable.
        listed = cli(home, "list", "--limit", "3")
        assert listed.code == 0 and len(listed.out.splitlines()) == 3, listed.err
        # Free space (what the user would do), then import again: it succeeds and the
        # index catches up.
        ballast.unlink()
        stored = db_count(home)
        again = cli(home, "import", str(parts[full_at]))
        assert again.code == 0, again.err
        assert "Traceback" not in again.err
        assert integrity(home / "library.sqlite3") == "ok"
        assert db_count(home) == (full_at + 1) * PER_PART + 2
        assert db_count(home) >= stored
        stats = json.loads(cli(home, "stats", "--json").out)
        assert stats["index_in_step"] is True and stats["index_documents"] == db_count(home)
        found = cli(home, "search", f"title:part AND {full_at}")
        assert found.code == 0, found.err
