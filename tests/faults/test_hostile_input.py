"""Hostile input through the real `newsreader import`: every case is bounded in time and memory
and gives one clear line in the import summary; nothing is written outside the library.

Bounds (checked on every case below, with the command run in a fresh child so its peak
resident memory can be read with getrusage(RUSAGE_CHILDREN)):

- TIME_BOUND: each import finishes within 20 s (a few seconds is usual);
- RSS_BOUND: peak resident memory at most 200 MB (the idle command takes about 40 MB),
  whatever the input claims or holds: a 10 GB zip member, a 200 MB line.

The limits that make this so are named constants in reader/sources/import_plan.py,
reader/sources/importer.py and reader/sources/jsonfile.py (see the README's Reliability section).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

from reader.sources.import_plan import (
    MAX_JSON_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
)
from reader.sources.importer import MAX_TITLE_CHARS
from reader.sources.jsonfile import MAX_LINE_BYTES
from tests.faults.conftest import Measured, cli, measured_cli

TIME_BOUND = 20.0  # seconds per import
RSS_BOUND = 200.0  # MB of peak resident memory per import

# What must never reach the store or the terminal: C0 (but \t \n), DEL, C1, bidi controls.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TERMINAL_BYTES = re.compile("[\x1b\x80-\x9f]")


def bounded_import(home: Path, *paths: Path, cwd: Path | None = None) -> Measured:
    result = measured_cli(home, "import", "--no-index", *map(str, paths), cwd=cwd)
    assert "Traceback" not in result.err, result.err
    assert result.seconds < TIME_BOUND, result.seconds
    assert result.peak_rss_mb < RSS_BOUND, result.peak_rss_mb
    return result


def failure_lines(result: Measured) -> list[str]:
    return [line for line in result.err_lines if line.startswith("failed: ")]


SEEDS = 2  # every library starts with the two bundled seed articles: ids 1 and 2


def rows(home: Path, sql: str = "SELECT title, body, author, source, url FROM articles") -> list:
    """The rows of the articles imported by the test (not the seeds)."""
    sql = sql.replace("FROM articles", f"FROM articles WHERE id > {SEEDS}")
    db = sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def titles(home: Path) -> set[str]:
    return {row[0] for row in rows(home, "SELECT title FROM articles")}


def _claim_size(path: Path, member: str, claimed: int) -> None:
    """Rewrite the central directory so `member` claims `claimed` bytes uncompressed (zip64
    extra field, as a 10 GB member has); its data stays what it was."""
    with zipfile.ZipFile(path, "a") as archive:
        info = archive.getinfo(member)
        info.file_size = claimed
        archive._didModify = True  # noqa: SLF001 - rewrite the central directory on close


# -- zip bombs and hostile archives ---------------------------------------------------------
def test_zip_members_over_size_or_ratio_are_refused_unread(tmp_path: Path) -> None:
    good = "A good story\nIts body is short and fine."
    # 10 GB claimed by one member: the archive as a whole is over MAX_ZIP_BYTES.
    huge = tmp_path / "claims-10GB.zip"
    with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.jsonl", b'{"title": "x"}\n' * 1000)
        archive.writestr("good.txt", good)
    _claim_size(huge, "big.jsonl", 10 * 1024**3)
    # 100 MB of JSON (a real member: 100 KB compressed), over MAX_JSON_BYTES.
    large = tmp_path / "large.zip"
    with zipfile.ZipFile(large, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.json", b"[" + b" " * (100 * 1024**2) + b"]")
    # 30 MB that compress 1000:1 in JSON Lines (no size limit of their own): the ratio.
    ratio = tmp_path / "ratio.zip"
    with zipfile.ZipFile(ratio, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.jsonl", b"\n" * (30 * 1024**2))
        archive.writestr("b.txt", "Second good story\nfine")
    # A member that lies small: claims 1 KB, inflates to 50 MB. zipfile stops at 1 KB.
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"Liar\n" + b"x" * (50 * 1024**2))
    _claim_size(liar, "a.txt", 1024)

    result = bounded_import(tmp_path / "lib", huge, large, ratio, liar)
    failed = failure_lines(result)
    assert len(failed) == 4, result.err
    assert failed[0].endswith(
        f"claims-10GB.zip: refused: unpacks to 10.0 GiB, more than the limit of "
        f"{MAX_ZIP_BYTES // 1024**3:.1f} GiB (a zip bomb?)"
    )
    assert "large.zip:a.json: refused: unpacks to 100.0 MiB, more than the limit of " in failed[1]
    assert "use JSON Lines" in failed[1]
    assert "ratio.zip:a.jsonl: refused: compressed 1,0" in failed[2]
    assert f"more than the limit of {MAX_ZIP_RATIO}:1 (a zip bomb?)" in failed[2]
    assert failed[3].endswith("liar.zip:a.txt: cannot read: Bad CRC-32 for file 'a.txt'")
    assert result.out.startswith("added 1, duplicates 0, failed 4")
    assert titles(tmp_path / "lib") == {"Second good story"}


def test_an_archive_of_too_many_members_is_refused_whole(tmp_path: Path) -> None:
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as archive:
        for n in range(MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"{n}.txt", b"")
    fine = tmp_path / "fine.zip"
    with zipfile.ZipFile(fine, "w") as archive:
        archive.writestr("story.txt", "A story in a small archive\nbody")
    result = bounded_import(tmp_path / "lib", many, fine)
    assert failure_lines(result) == [
        f"failed: {many}: refused: 100,001 members, more than the limit of 100,000"
    ]
    assert titles(tmp_path / "lib") == {"A story in a small archive"}


def test_unsafe_member_names_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    names = ["../../x.txt", "/etc/x.txt", "..\\..\\y.txt", "ok/../../z.txt", "C:/w.txt"]
    archive_path = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name in names:
            archive.writestr(name, f"Title of {name}\nbody of the trap")
        archive.writestr("safe/story.txt", "A safe story\nbody")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    before = {p for p in tmp_path.rglob("*")}
    assert not Path("/etc/x.txt").exists()

    result = bounded_import(tmp_path / "lib", archive_path, cwd=work)
    failed = failure_lines(result)
    assert len(failed) == len(names), result.err
    for name in names:
        assert (
            f"failed: {archive_path}:{name}: refused: unsafe name (absolute or with '..'); not read"
            in failed
        )
    assert titles(tmp_path / "lib") == {"A safe story"}
    written = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(tmp_path / "lib") for p in written), written
    assert not Path("/etc/x.txt").exists() and not Path("/etc/w.txt").exists()
    assert "trap" not in json.dumps(rows(tmp_path / "lib"))


# -- malformed JSON and text ---------------------------------------------------------------
def test_json_nested_100000_deep_is_one_line_each(tmp_path: Path) -> None:
    deep_array = tmp_path / "deep.json"
    deep_array.write_text("[" * 100_000 + "]" * 100_000)
    deep_object = tmp_path / "deep.jsonl"
    deep_object.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + '\n{"title": "After"}\n')
    result = bounded_import(tmp_path / "lib", deep_array, deep_object)
    assert failure_lines(result) == [
        f"failed: {deep_array}: invalid JSON: nested too deeply",
        f"failed: {deep_object}#1: invalid JSON: nested too deeply",
    ]
    assert titles(tmp_path / "lib") == {"After"}


def test_wrong_types_invalid_utf8_and_nul_bytes(tmp_path: Path) -> None:
    records = [
        {"title": 5, "content": [1, {"name": "two"}], "url": {"a": 1}, "author": None},
        {"title": None, "content": None},
        {"title": ["a", ["b"]], "content": {"name": {"name": "x"}}, "source": [None, 3.5]},
        3,
        None,
        "a string",
        [],
        {"title": True, "content": False, "date": {"x": []}, "language": 7, "guid": [1]},
        {"title": "NUL\u0000in the title", "content": "body\u0000with NUL", "author": "\u0000"},
    ]
    typed = tmp_path / "types.json"
    typed.write_text(json.dumps(records))
    number = tmp_path / "number.json"
    number.write_text("42")
    null = tmp_path / "null.json"
    null.write_text("null")
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes(b'[{"title": "caf\xe9 \xff"}]')
    not_utf8_lines = tmp_path / "latin1.jsonl"
    not_utf8_lines.write_bytes(b'{"title": "caf\xe9"}\n{"title": "Fine line"}\n')
    raw_nul = tmp_path / "nul.txt"
    raw_nul.write_bytes(b"Title\x00\x00\x00\nbody\x00")
    raw_nul_json = tmp_path / "nul.json"
    raw_nul_json.write_bytes(b'[{"title": "a\x00b"}]')
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)

    home = tmp_path / "lib"
    result = bounded_import(
        home, typed, number, null, not_utf8, not_utf8_lines, raw_nul, raw_nul_json, binary
    )
    failed = failure_lines(result)
    expected = [
        f"{typed}#1: record has no title, no content and no URL to name it by",
        f"{typed}#3: record is not an object (it is a JSON number)",
        f"{typed}#4: record is not an object (it is a JSON null)",
        f"{typed}#5: record is not an object (it is a JSON string)",
        f"{typed}#6: record is not an object (it is a JSON array)",
        f"{typed}#7: record has no title, no content and no URL to name it by",
        f"{number}: JSON must be an object or an array of objects, not a number",
        f"{null}: JSON must be an object or an array of objects, not a null",
        f"{not_utf8}: not UTF-8 JSON: invalid continuation byte at byte 15",
        f"{not_utf8_lines}#1: line is not UTF-8: invalid continuation byte",
        f"{raw_nul}: binary file, not text (it contains NUL bytes)",
        f"{raw_nul_json}: invalid JSON: Invalid control character at line 1 column 14",
        f"{binary}: binary file, not text (it contains NUL bytes)",
    ]
    assert failed == [f"failed: {line}" for line in expected], result.err
    assert result.out.startswith(f"added 4, duplicates 0, failed {len(expected)}")
    stored = rows(home)
    assert {row[0] for row in stored} == {"5", "a, b", "NULin the title", "Fine line"}
    assert not any(CONTROLS.search(str(field)) for row in stored for field in row if field)


def test_a_200_MB_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """One 200 MB line, as a .jsonl, .json and .txt file: refused each, never held whole
    (peak RSS far below the file's size), and the records after it still import."""
    line = tmp_path / "line.jsonl"
    chunk = b"a" * (1024 * 1024)
    with line.open("wb") as out:
        out.write(b'{"title": "huge", "content": "')
        for _ in range(200):
            out.write(chunk)
        out.write(b'"}\n{"title": "After the huge line", "content": "fine"}\n')
    size = line.stat().st_size
    as_json, as_text = tmp_path / "line.json", tmp_path / "line.txt"
    os.link(line, as_json)
    os.link(line, as_text)
    result = bounded_import(tmp_path / "lib", line, as_json, as_text)
    assert result.peak_rss_mb < 100, result.peak_rss_mb  # of a 200 MB input
    assert failure_lines(result) == [
        f"failed: {line}#1: refused: a line of {size - 52:,} bytes, more than the limit of "
        f"{MAX_LINE_BYTES:,}",
        f"failed: {as_json}: refused: 200.0 MiB, more than the limit of "
        f"{MAX_JSON_BYTES // 1024**2:.1f} MiB for a JSON document; use JSON Lines",
        f"failed: {as_text}: too large for an article ({size:,} bytes)",
    ]
    assert titles(tmp_path / "lib") == {"After the huge line"}


def test_a_1_MB_title_and_50000_paragraphs(tmp_path: Path) -> None:
    title = " ".join(f"word{n % 500}" for n in range(150_000))[: 1024 * 1024].strip()
    # Paragraph numbers repeat: 50,000 distinct numbers would time Whoosh writing 50,000
    # terms (about 10 s), not this input.
    paragraphs = "\n".join(f"Paragraph {n % 500} is about the floods." for n in range(50_000))
    source = tmp_path / "long.json"
    source.write_text(
        json.dumps(
            [
                {"title": title, "content": "A short body."},
                {"title": "Fifty thousand paragraphs", "content": paragraphs},
            ]
        )
    )
    home = tmp_path / "lib"
    result = bounded_import(home, source)
    assert result.code == 0, result.err
    assert result.out.startswith("added 2, duplicates 0, failed 0")
    assert result.err_lines == [
        f"newsreader: note: {source}: title of {len(title):,} characters cut to "
        f"{MAX_TITLE_CHARS:,}; the whole title begins the body"
    ]
    (cut, body), (_, long_body) = rows(home, "SELECT title, body FROM articles ORDER BY id")
    assert len(cut) <= MAX_TITLE_CHARS and cut.endswith("…")
    assert title.startswith(cut[:-1]) and body == title + "\nA short body."  # nothing lost
    assert long_body == paragraphs
    # Reading them back is bounded too (the index is built here: the slowest part).
    for argv in (["list"], ["show", "3"], ["show", "4"], ["search", "floods"]):
        shown = measured_cli(home, *argv)
        assert shown.code == 0, (argv, shown.err)
        assert shown.seconds < TIME_BOUND and shown.peak_rss_mb < RSS_BOUND, (argv, shown)


# -- controls and markup in every field --------------------------------------------------
HOSTILE = (
    "\u202eevil\u202c \u202a\u202b\u202d \u2066\u2067\u2068iso\u2069 "
    "\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 \x9b31mc1 \x9d0;title\x9c "
    "\x1b]52;c;ZXZpbA==\x07 \x07\x08\x7f "
    "[bold red]x[/] [link=http://evil]y[/link] [/]"
)


def test_controls_and_markup_in_every_field_are_clean_and_literal(tmp_path: Path) -> None:
    record = {
        "title": f"Hostile title {HOSTILE}",
        "content": f"Hostile body floods {HOSTILE}\nSecond {HOSTILE}",
        "author": f"Author {HOSTILE}",
        "source": f"Source {HOSTILE}",
        "url": f"http://example.org/{HOSTILE}",
    }
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps([record]))
    text = tmp_path / "hostile \x1b[31mname\x9b.txt"
    # Enough plain text that it is not taken for a binary file (more than 5% controls).
    filler = "Plain words around the trap. " * 30
    text.write_text(f"Text title {HOSTILE}\n{filler}\nText body {HOSTILE}\n{filler}")
    empty = tmp_path / "empty \x1b]8;;x\x07name.txt"  # no "/" in a file name
    empty.write_text("")
    home = tmp_path / "lib"
    result = bounded_import(home, source, text, empty)
    assert result.out.startswith("added 2, duplicates 0, failed 1")
    (failed,) = failure_lines(result)  # the file name is untrusted too
    assert failed.endswith(": empty file") and not TERMINAL_BYTES.search(failed)
    stored = rows(home)
    assert len(stored) == 2 and all(stored[0]) and stored[1][0] and stored[1][1]
    for row in stored:
        for value in filter(None, row):  # a text file has no author, source or url
            assert not CONTROLS.search(value), repr(value)
            assert "[bold red]x[/] [link=http://evil]y[/link] [/]" in value, value
    assert cli(home, "reindex").code == 0
    for argv in (["list"], ["show", "3"], ["show", "4"], ["search", "floods"]):
        shown = cli(home, *argv)
        assert shown.code == 0, (argv, shown.err)
        assert not TERMINAL_BYTES.search(shown.out + shown.err), (argv, shown.out)
        assert not CONTROLS.search(shown.out.replace("\n", "")), (argv, shown.out)
        assert "[bold red]x[/]" in shown.out, (argv, shown.out)


async def test_the_app_shows_imported_markup_literally(tmp_path: Path) -> None:
    """Pilot: the list row and the reading pane show `[bold red]` as written."""
    from reader.config import library_home
    from reader.session import Session
    from reader.sources.importer import import_paths
    from reader.ui.app import NewsReaderApp

    source = tmp_path / "hostile.json"
    source.write_text(
        json.dumps(
            [
                {
                    "title": "[bold red]x[/] \x1b[31mred\u202e [/]",
                    "content": "[link=http://evil]y[/link] \x9b31m body [/]",
                    "author": "[i]me[/i]",
                    "date": "2031-01-01",
                }
            ]
        )
    )
    session = Session(library_home())
    try:
        session.ensure_seeded()
        assert import_paths(session.store, [source]).added == 1
        session.sync_index()
        app = NewsReaderApp(session, index_in_background=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            row = "".join(s.text for s in app.main.articles.render_line(0))
            assert "[bold red]x[/] red [/]" in row, row
            await pilot.press("enter")
            shown = "\n".join(line.plain() for line in app.main.reader.view.lines)
            assert "[bold red]x[/] red [/]" in shown, shown
            assert "[link=http://evil]y[/link]  body [/]" in shown, shown
            assert not TERMINAL_BYTES.search(row + shown)
    finally:
        session.close()
