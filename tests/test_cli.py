"""The command line contract, run in-process (and once as a real subprocess)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from reader.cli import run
from reader.config import library_home
from reader.session import Session
from reader.text.layout import cell_width
from tests.conftest import REPO


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_articles(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "floods.txt").write_text(
        "Floods close roads\n\nHeavy rain flooded the valley roads on Monday.\n", "utf-8"
    )
    records = [
        {
            "title": "الحكومة تعلن ميزانية جديدة",
            "content": "أعلنت الحكومة اليوم ميزانية جديدة (للعام 2016) بزيادة 5%.",
            "date_extracted": "2015-07-21 10:00:00",
            "source": "okaz",
            "url": "http://example.org/1",
        },
        {
            "title": "Running club grows",
            "content": "The runners met again; running is popular.",
            "date": "Tue, 21 Jul 2015 08:00:00 +0000",
            "source": "wire",
        },
    ]
    (folder / "news.json").write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return folder


def test_version_and_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["--version"])
    assert exit_info.value.code == 0
    assert "newsreader 0.1.0" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        run(["--help"])
    out = capsys.readouterr().out
    for command in ("import", "list", "search", "show", "reindex", "stats", "feeds", "fetch"):
        assert command in out


def test_first_run_lists_the_seeds(capsys) -> None:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {row["language"] for row in rows} == {"en", "ar"}
    assert set(rows[0]) >= {"id", "title", "source", "language", "published"}


def test_import_search_show(capsys, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in")
    code, out, err = cli(capsys, "import", str(folder))
    assert code == 0, err
    assert "added 3, duplicates 0, failed 0" in out
    code, out, _ = cli(capsys, "import", str(folder))
    assert "added 0, duplicates 3, failed 0" in out
    assert "kept once: 1 same link, 2 same title and text" in out

    code, out, _ = cli(capsys, "list", "--json", "--limit", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in rows] == ["الحكومة تعلن ميزانية جديدة", "Running club grows"]
    assert rows[0]["published"] == "2015-07-21T10:00:00+00:00"
    assert rows[1]["published"] == "2015-07-21T08:00:00+00:00"

    code, out, _ = cli(capsys, "search", "run", "--json")
    result = json.loads(out)
    assert result["query"] == "run" and result["total"] == 1
    hit = result["hits"][0]
    assert hit["title"] == "Running club grows"
    assert set(hit) >= {"id", "title", "source", "published", "score", "snippet"}

    code, out, _ = cli(capsys, "show", str(hit["id"]), "--width", "30")
    assert code == 0
    assert out.splitlines()[0] == "Running club grows"


def test_search_reads_queries_from_stdin(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Mosul\nالموصل\nnothingmatcheszzz\n"))
    code, out, _ = cli(capsys, "search", "-", "--json")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in results] == ["Mosul", "الموصل", "nothingmatcheszzz"]
    assert [r["total"] for r in results] == [1, 1, 0]


def test_bad_query_is_reported_and_the_batch_goes_on(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('"unclosed\nMosul\n'))
    code, out, _ = cli(capsys, "search", "-", "--json")
    assert code == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["error"] and first["hits"] == []
    assert second["total"] == 1


def test_show_lays_out_rtl_paragraphs_right_aligned(capsys) -> None:
    _, out, _ = cli(capsys, "list", "--json")
    arabic = next(json.loads(x)["id"] for x in out.splitlines() if '"ar"' in x)
    code, out, _ = cli(capsys, "show", str(arabic), "--width", "50")
    assert code == 0
    lines = out.splitlines()
    assert all(cell_width(line) <= 50 for line in lines)
    arabic_lines = [line for line in lines if any("\ufe70" <= c <= "\ufeff" for c in line)]
    assert len(arabic_lines) > 20
    # right-aligned: every full Arabic line ends at the right edge
    assert sum(cell_width(line) >= 48 for line in arabic_lines) > len(arabic_lines) // 2
    # shaped: presentation forms, which fold back to the logical letters
    assert "العراق" in unicodedata.normalize("NFKC", out) or "قارعلا" in unicodedata.normalize(
        "NFKC", out
    )


def test_errors_are_one_line_without_traceback(capsys, tmp_path: Path) -> None:
    code, out, err = cli(capsys, "show", "99999")
    assert code == 1
    assert err.count("\n") == 1 and "no article with id 99999" in err
    code, out, err = cli(capsys, "import", str(tmp_path / "missing.txt"))
    assert code == 1
    assert "missing.txt" in err and "Traceback" not in err


def test_stats_and_reindex(capsys) -> None:
    code, out, _ = cli(capsys, "stats", "--json")
    stats = json.loads(out)
    assert stats["articles"] == 2
    code, out, _ = cli(capsys, "reindex")
    assert code == 0 and "indexed 2 articles" in out
    code, out, _ = cli(capsys, "stats", "--json")
    assert json.loads(out)["index_in_step"] is True


def test_damaged_index_is_rebuilt_from_the_store(capsys) -> None:
    cli(capsys, "reindex")
    index_dir = library_home().index_dir
    for toc in index_dir.glob("*.toc"):
        toc.unlink()
    code, out, err = cli(capsys, "search", "Mosul", "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == 1


def test_locked_index_is_a_clear_error(capsys) -> None:
    cli(capsys, "reindex")
    session = Session(library_home())
    ix = session.index._open()
    writer = ix.writer()
    try:
        code, out, err = cli(capsys, "reindex")
        assert code == 1
        assert "another newsreader" in err.lower()
        assert "Traceback" not in err
    finally:
        writer.cancel()
        session.close()


def test_second_app_instance_does_not_get_the_lock() -> None:
    first = Session(library_home())
    second = Session(library_home())
    try:
        assert first.acquire_lock()
        assert not second.acquire_lock()
        first.release_lock()
        assert second.acquire_lock()
    finally:
        first.close()
        second.close()


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "search", "Hellfire", "--json", "--limit", "1"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["total"] == 2  # the Arabic edition names the missile in Latin letters too
    assert len(record["hits"]) == 1


# -- issue 8 --------------------------------------------------------------------------------
def newsreader(home: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real entry point in a child process, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *argv],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def seed_rows(home: Path) -> list[dict]:
    from reader.store import Store

    store = Store(home / "library.sqlite3")
    try:
        rows = store.page(0, 100)
    finally:
        store.close()
    return [
        {"title": r.title, "language": r.language}
        for r in rows
        if r.title.startswith(("U.S. Warns Iraqi Militants", "الولايات المتحدة تحذر"))
    ]


@pytest.mark.parametrize(
    "first",
    [
        ("import", "news.jsonl"),
        ("fetch",),  # fails (no subscriptions) but the library is created all the same
        ("feeds", "add", "http://example.org/feed.xml"),
        ("reindex",),
    ],
    ids=lambda argv: argv[0] + (argv[1] if argv[0] == "feeds" else ""),
)
def test_seeds_come_with_the_library_whatever_the_first_command(tmp_path: Path, first) -> None:
    (tmp_path / "news.jsonl").write_text(
        json.dumps({"title": "Valley floods", "content": "Rain closed the roads."}) + "\n", "utf-8"
    )
    home = tmp_path / "home"
    argv = [str(tmp_path / a) if a.endswith(".jsonl") else a for a in first]
    result = newsreader(home, *argv)
    assert "Traceback" not in result.stderr
    assert sorted(r["language"] for r in seed_rows(home)) == ["ar", "en"]


def test_first_import_then_search_finds_the_seeds_too(capsys, tmp_path: Path) -> None:
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text(json.dumps({"title": "Valley floods", "content": "Rain."}) + "\n", "utf-8")
    code, out, err = cli(capsys, "import", str(jsonl))
    assert code == 0, err
    code, out, _ = cli(capsys, "search", "Mosul", "--json")
    assert json.loads(out)["total"] == 1
    code, out, _ = cli(capsys, "list", "--json")
    assert len(out.splitlines()) == 3


def test_deleted_seeds_do_not_come_back(capsys, home: Path) -> None:
    import sqlite3

    cli(capsys, "list")
    with sqlite3.connect(home / "library.sqlite3") as db:
        db.execute("DELETE FROM articles")
    db.close()
    for argv in (("list", "--json"), ("import", str(REPO / "README.md"))):
        cli(capsys, *argv)
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0 and out == ""


def test_seeds_have_their_source_and_date(capsys, tmp_path: Path) -> None:
    records = [
        {"title": "Later news", "content": "Later.", "date": "2015-01-01", "source": "wire"},
        {"title": "Earlier news", "content": "Earlier.", "date": "2013-01-01", "source": "wire"},
    ]
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    cli(capsys, "import", str(jsonl))
    code, out, _ = cli(capsys, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in rows] == ["wire", "Naharnet", "Naharnet", "wire"]
    assert [r["published"][:10] for r in rows[1:3]] == ["2014-06-10", "2014-06-10"]
    # the index has them too: by source, and by date
    code, out, _ = cli(
        capsys, "search", "source:naharnet before:2014-06-11 after:2014-06-10", "--json"
    )
    assert json.loads(out)["total"] == 2


def test_the_english_seed_is_a_verbatim_copy() -> None:
    from tests.conftest import SHARED

    original = SHARED / "seeds" / "000_ad6f1816400a3225.txt"
    if not original.is_file():
        pytest.skip("../shared/seeds is not present")
    assert (REPO / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_a_library_seeded_undated_gets_the_seed_dates(capsys, home: Path) -> None:
    """Libraries seeded before the seeds had a source and date: filled in once, indexed."""
    from reader.sources.importer import import_paths
    from reader.sources.seeds import seed_paths
    from reader.store import Store

    store = Store(home / "library.sqlite3")
    import_paths(store, seed_paths(), source=None)  # what earlier versions stored
    for row in store.page(0, 10):
        assert row.published is None
    store.meta_set("seeded", "1")
    store.close()
    cli(capsys, "reindex")
    code, out, _ = cli(capsys, "search", "source:naharnet", "--json")
    assert json.loads(out)["total"] == 2
    code, out, _ = cli(capsys, "list", "--json")
    assert {json.loads(line)["published"][:10] for line in out.splitlines()} == {"2014-06-10"}


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_before_or_after_the_command(tmp_path: Path, where: str) -> None:
    home = tmp_path / where
    options = ["--home", str(home), "--bidi", "terminal"]
    argv = [*options, "search", "Mosul", "--json"]
    if where == "after":
        argv = ["search", "Mosul", "--json", *options]
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_HOME"}
    env["NEWSREADER_HOME"] = str(tmp_path / "not-this-one")
    result = subprocess.run(
        [sys.executable, "-m", "reader", *argv],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 1
    assert (home / "library.sqlite3").exists()
    assert not (tmp_path / "not-this-one").exists()


def test_bidi_after_the_command_is_used(capsys, tmp_path: Path) -> None:
    _, out, _ = cli(capsys, "list", "--json")
    arabic = next(json.loads(x)["id"] for x in out.splitlines() if '"ar"' in x)
    _, logical, _ = cli(capsys, "show", str(arabic), "--width", "60", "--bidi", "terminal")
    _, shaped, _ = cli(capsys, "show", str(arabic), "--width", "60", "--bidi", "app")
    assert "الولايات المتحدة" in logical
    assert "الولايات المتحدة" not in shaped
    _, before, _ = cli(capsys, "--bidi", "terminal", "show", str(arabic), "--width", "60")
    assert before == logical
    other = tmp_path / "other"
    code, _, err = cli(capsys, "feeds", "list", "--json", "--home", str(other))  # nested
    assert code == 0, err
    assert (other / "library.sqlite3").exists()


def test_search_stdin_answers_every_line_blank_ones_too(capsys, monkeypatch) -> None:
    lines = ["Mosul", "", "   ", '"unclosed', "nothingmatcheszzz"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = cli(capsys, "search", "-", "--json")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in results] == lines
    assert [bool(r.get("error")) for r in results] == [False, True, True, True, False]
    assert results[1]["total"] == 0 and results[1]["hits"] == []
    assert code == 1  # some queries failed


def test_counts_are_singular_or_plural(capsys, tmp_path: Path) -> None:
    code, out, _ = cli(capsys, "search", "Hellfire")
    assert out.splitlines()[0] == "2 results for 'Hellfire'"
    code, out, _ = cli(capsys, "search", "Naharnet OR Mosul lang:en")
    assert out.splitlines()[0].startswith("1 result for ")
    code, out, _ = cli(capsys, "search", "nothingmatcheszzz")
    assert out.splitlines()[0] == "0 results for 'nothingmatcheszzz'"
    code, out, _ = cli(capsys, "reindex")
    assert out == "indexed 2 articles\n"
    opml = tmp_path / "one.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" text="A" xmlUrl="http://example.org/a.xml"/></body></opml>',
        "utf-8",
    )
    code, out, err = cli(capsys, "opml", "import", str(opml))
    assert out == "subscribed to 1 feed; 0 already subscribed\n", err
    code, out, err = cli(capsys, "opml", "export", str(tmp_path / "out.opml"))
    assert err == f"wrote 1 subscription to {tmp_path / 'out.opml'}\n"


def test_list_on_a_terminal_lays_out_arabic_as_show_does(tmp_path: Path) -> None:
    import pty
    import select

    home = tmp_path / "home"
    piped = newsreader(home, "list")
    arabic = next(line for line in piped.stdout.splitlines() if "الولايات" in line)
    assert "الولايات المتحدة تحذر" in arabic  # logical order when piped, for scripts

    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_HOME"}
    child = subprocess.Popen(
        [sys.executable, "-m", "reader", "--home", str(home), "list"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    child.wait(timeout=60)
    os.close(controller)
    shown = b"".join(chunks).decode("utf-8")
    line = next(x for x in shown.splitlines() if any("\u0600" <= c <= "\ufeff" for c in x))
    assert "الولايات" not in line  # not logical: shaped and in visual order, as `show` draws
    assert "قارعلا" in unicodedata.normalize("NFKC", line)  # العراق, letters right to left


def test_import_reports_republished_copies_as_duplicates(capsys, tmp_path: Path) -> None:
    body = "أعلنت وزارة التجارة بلوغ القيمة الإجمالية لمشروعات البيع على الخارطة. " * 3
    record = {"source": "almadina", "title": "مشروعات البيع", "content": body}
    records = [
        {**record, "url": "http://www.al-madina.com/node/623657/x.html"},
        {**record, "url": "http://www.al-madina.com/node/623657/x.html?weekly"},
        {**record, "url": "https://www.al-madina.com/node/623657/x.html?utm_source=tw"},
    ]
    path = tmp_path / "day.json"
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    code, out, err = cli(capsys, "import", "--no-index", str(path))
    assert code == 0, err
    assert "added 1, duplicates 2, failed 0" in out
    assert "kept once: 1 same link, 1 same title and text" in out


def test_filters_on_dated_and_undated_imports(capsys, tmp_path: Path) -> None:
    # Issue 8: dated JSON Lines, then undated text files, each import its own segment.
    lines = [
        json.dumps(
            {
                "title": f"خبر رقم {n}",
                "content": f"قال الوزير إن الخبر رقم {n} مهم.",
                "date_extracted": f"2017-02-{n:02d} 10:00:00",
                "source": "okaz",
            },
            ensure_ascii=False,
        )
        for n in range(1, 11)
    ]
    (tmp_path / "ant.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    undated = tmp_path / "bbc" / "politics"
    undated.mkdir(parents=True)
    for n in range(3):
        (undated / f"{n:03d}.txt").write_text(
            f"Minister speaks {n}\n\nThe minister spoke about plan {n}.\n", "utf-8"
        )
    assert cli(capsys, "import", str(tmp_path / "ant.jsonl"))[0] == 0
    assert cli(capsys, "import", str(tmp_path / "bbc"))[0] == 0

    code, out, err = cli(capsys, "search", "lang:en minister", "--json")
    assert code == 0, err
    titles = {hit["title"] for hit in json.loads(out)["hits"]}
    # The three undated files, and the bundled English seed (it names a prime minister).
    assert {f"Minister speaks {n}" for n in range(3)} < titles and len(titles) == 4
    code, out, err = cli(capsys, "search", "after:2017-02-06", "--json")
    assert code == 0, err
    titles = [hit["title"] for hit in json.loads(out)["hits"]]
    assert titles == [f"خبر رقم {n}" for n in range(10, 5, -1)]


def test_a_search_fault_is_one_plain_line_without_asking_for_a_rebuild(capsys, monkeypatch) -> None:
    import reader.search.doctable as doctable_module

    def fail_reading_columns(*_: object) -> list[object]:
        raise IndexError("list index out of range")  # how issue 8 showed itself

    cli(capsys, "reindex")
    monkeypatch.setattr(doctable_module, "_column_values", fail_reading_columns)
    code, out, err = cli(capsys, "search", "lang:en Mosul")
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "IndexError: list index out of range" in err
    assert "reindex" not in err and "will not help" in err
