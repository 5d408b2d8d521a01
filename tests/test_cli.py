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
    monkeypatch.setattr(sys, "stdin", io.StringIO("Mosul\nالموصل\n\nnothingmatcheszzz\n"))
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
    assert json.loads(out)["total"] == 3
    code, out, err = cli(capsys, "search", "after:2017-02-06", "--json")
    assert code == 0, err
    titles = [hit["title"] for hit in json.loads(out)["hits"]]
    assert titles == [f"خبر رقم {n}" for n in range(10, 5, -1)]


def test_a_search_fault_is_one_plain_line_without_asking_for_a_rebuild(capsys, monkeypatch) -> None:
    import reader.search.index as index_module

    def fail_reading_columns(*_: object) -> list[object]:
        raise IndexError("list index out of range")  # how issue 8 showed itself

    cli(capsys, "reindex")
    monkeypatch.setattr(index_module, "_column_values", fail_reading_columns)
    code, out, err = cli(capsys, "search", "lang:en Mosul")
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "IndexError: list index out of range" in err
    assert "reindex" not in err and "will not help" in err
