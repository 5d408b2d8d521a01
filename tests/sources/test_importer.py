from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from reader.models import Article
from reader.sources.importer import (
    ImportFailure,
    ImportProgress,
    ImportReport,
    import_paths,
)
from reader.sources.seeds import seed_paths
from reader.store import Store
from reader.text.body import TRANSLATION_LINK_LABELS


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def story(n: int) -> str:
    return f"Story number {n}\n\nThe body of story {n}.\nIts second paragraph.\n"


def titles(store: Store) -> list[str]:
    return sorted(row.title for row in store.page(0, 1000))


def reasons(report: ImportReport) -> dict[str, str]:
    return {f.origin: f.reason for f in report.failures}


# -- folders --------------------------------------------------------------------------------
def test_directory_recursion(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "news"
    write(root / "a.txt", story(1))
    write(root / "sub" / "deeper" / "b.txt", story(2))
    write(root / "sub" / "c.json", json.dumps([{"title": "From JSON", "content": "x"}]))
    write(root / "sub" / "d.jsonl", '{"title": "From JSONL one"}\n{"title": "From JSONL two"}\n')
    write(root / "e.ndjson", '{"title": "From NDJSON"}\n')
    write(root / "notes.md", "# not imported")
    write(root / "image.png", b"\x89PNG\r\n\x1a\n")
    write(root / "README.txt", "About this collection\n\nNot an article.")
    write(root / ".hidden.txt", story(3))
    write(root / ".git" / "f.txt", story(4))
    report = import_paths(store, [root])
    assert report.ok, report.failures
    assert report.added == 6 and report.duplicates == 0
    assert report.skipped == 3  # notes.md, image.png, README.txt; hidden entries are invisible
    assert titles(store) == sorted(
        [
            "Story number 1",
            "Story number 2",
            "From JSON",
            "From JSONL one",
            "From JSONL two",
            "From NDJSON",
        ]
    )
    assert sorted(report.ids) == sorted(row.id for row in store.page(0, 100))


def test_directory_order_is_sorted(store: Store, tmp_path: Path) -> None:
    for name in ["c", "a", "b"]:
        write(tmp_path / "d" / f"{name}.txt", f"Title {name}\n\nBody {name}")
    seen: list[str] = []
    import_paths(store, [tmp_path / "d"], progress=lambda p: seen.append(p.current))
    assert [Path(s).name for s in seen if s] == ["a.txt", "b.txt", "c.txt"]
    report = import_paths(store, [tmp_path / "d"])
    assert report.duplicates == 3


def test_import_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "d" / "a.txt", story(1))
    write(
        tmp_path / "d" / "b.json", json.dumps([{"title": "J", "url": "http://x/1"}, {"title": "K"}])
    )
    first = import_paths(store, [tmp_path / "d"])
    assert (first.added, first.duplicates) == (3, 0)
    second = import_paths(store, [tmp_path / "d"])
    assert (second.added, second.duplicates, second.ids) == (0, 3, [])
    assert second.ok
    assert store.count() == 3


def test_duplicates_within_one_import(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", story(1))
    write(tmp_path / "copy" / "a.txt", story(1).replace("\n", "\r\n"))
    report = import_paths(store, [tmp_path])
    assert (report.added, report.duplicates) == (1, 1)


def test_lone_path_string_is_accepted(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", story(1))
    assert import_paths(store, str(path)).added == 1  # type: ignore[arg-type]


# -- failures -------------------------------------------------------------------------------
def test_failures_do_not_stop_the_import(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    write(root / "1-good.txt", story(1))
    write(root / "2-binary.txt", bytes(range(256)) * 8)
    write(root / "3-empty.txt", b"")
    write(root / "4-broken.json", "[{")
    write(root / "5-good.json", json.dumps([{"title": "Good"}, 7, {"title": "Also good"}]))
    write(root / "6-good.txt", story(6))
    missing = tmp_path / "nope.txt"
    explicit = write(tmp_path / "doc.pdf", b"%PDF-1.4")
    report = import_paths(store, [missing, root, explicit])
    assert report.added == 4
    assert not report.ok
    got = reasons(report)
    assert got[str(missing)] == "not found"
    assert "binary" in got[str(root / "2-binary.txt")]
    assert got[str(root / "3-empty.txt")] == "empty file"
    assert "invalid JSON" in got[str(root / "4-broken.json")]
    assert "not an object" in got[f"{root / '5-good.json'}#1"]
    assert "unsupported file type" in got[str(explicit)]
    assert len(report.failures) == 6
    assert all(isinstance(f, ImportFailure) for f in report.failures)
    assert store.count() == 4


def test_not_a_regular_file(store: Store, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    report = import_paths(store, [fifo])
    assert reasons(report) == {str(fifo): "not a regular file"}
    # inside a folder it is skipped without blocking on the pipe
    assert import_paths(store, [tmp_path]).skipped == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied(store: Store, tmp_path: Path) -> None:
    secret = write(tmp_path / "d" / "secret.txt", story(1))
    write(tmp_path / "d" / "open.txt", story(2))
    locked = write(tmp_path / "locked" / "x.txt", story(3)).parent
    secret.chmod(0)
    locked.chmod(0)
    try:
        report = import_paths(store, [tmp_path / "d", locked])
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    assert report.added == 1
    got = reasons(report)
    assert "Permission denied" in got[str(secret)]
    assert "Permission denied" in got[str(locked)]


def test_bad_article_data_only_fails_itself(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the store rejects one article's data, the rest of its batch is still stored.
    for n in range(5):
        write(tmp_path / f"{n}.txt", story(n))
    real = store.add_articles

    def picky(articles: list[Article], **kw: bool):  # type: ignore[no-untyped-def]
        if any(a.title == "Story number 2" for a in articles):
            raise ValueError("rejected")
        return real(articles, **kw)

    monkeypatch.setattr(store, "add_articles", picky)
    report = import_paths(store, [tmp_path], batch_size=10)
    assert report.added == 4
    assert reasons(report) == {str(tmp_path / "2.txt"): "cannot store: rejected"}


def test_escape_sequences_in_titles_are_stripped(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "\x1b[1;31mAlert\x1b[0m: \x1b]8;;http://evil\x07click\n\nBody\x1b[2J")
    write(
        tmp_path / "b.json",
        json.dumps([{"title": "\x1b[5mBlink\x1b[0m", "content": "c\x1b[H", "source": "\x1bcS"}]),
    )
    report = import_paths(store, [tmp_path])
    assert report.added == 2
    for article_id in report.ids:
        article = store.get(article_id)
        assert article is not None
        for value in (article.title, article.body, article.source or ""):
            assert "\x1b" not in value and "\x07" not in value
    assert titles(store) == ["Alert: click", "Blink"]


# -- zip archives ---------------------------------------------------------------------------
def make_zip(path: Path, members: dict[str, str | bytes], **kw: object) -> Path:
    with zipfile.ZipFile(path, "w", **kw) as archive:  # type: ignore[arg-type]
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_with_nested_files(store: Store, tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "corpus.zip",
        {
            "top.txt": story(1),
            "2015/07/day.json": json.dumps([{"title": "J1"}, "bad", {"title": "J2"}]),
            "2015/07/stream.jsonl": '{"title": "L1"}\n\n{oops\n{"title": "L2"}\n',
            "2015/notes.csv": "a,b",
            "__MACOSX/._top.txt": b"\x00\x05\x16\x07",
            "2015/.DS_Store": b"\x00\x00",
            "inner.zip": b"PK\x05\x06" + bytes(18),
            "README.txt": "About",
        },
    )
    report = import_paths(store, [archive])
    assert report.added == 5
    assert report.skipped == 3  # notes.csv, inner.zip, README.txt
    assert reasons(report) == {
        f"{archive}:2015/07/day.json#1": "record is not an object (it is a JSON string)",
        f"{archive}:2015/07/stream.jsonl#3": reasons(report)[f"{archive}:2015/07/stream.jsonl#3"],
    }
    assert "invalid JSON" in reasons(report)[f"{archive}:2015/07/stream.jsonl#3"]
    assert titles(store) == ["J1", "J2", "L1", "L2", "Story number 1"]


def test_corrupt_zip(store: Store, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.zip", b"PK\x03\x04 this is not really a zip")
    good = write(tmp_path / "good.txt", story(1))
    report = import_paths(store, [bad, good])
    assert report.added == 1
    assert "not a valid zip archive" in reasons(report)[str(bad)]


def test_truncated_zip_in_a_folder(store: Store, tmp_path: Path) -> None:
    whole = make_zip(tmp_path / "src.zip", {"a.txt": story(1)}).read_bytes()
    write(tmp_path / "d" / "cut.zip", whole[: len(whole) // 2])
    write(tmp_path / "d" / "ok.txt", story(2))
    report = import_paths(store, [tmp_path / "d"])
    assert report.added == 1
    assert str(tmp_path / "d" / "cut.zip") in reasons(report)


def test_damaged_member_fails_alone(store: Store, tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "damaged.zip",
        {"a.txt": story(1), "b.txt": "Title B\n\nUNIQUE-MARKER body", "c.txt": story(3)},
        compression=zipfile.ZIP_STORED,
    )
    data = path.read_bytes()
    path.write_bytes(data.replace(b"UNIQUE-MARKER", b"unique-marker"))  # CRC no longer matches
    report = import_paths(store, [path])
    assert report.added == 2
    assert "Bad CRC" in reasons(report)[f"{path}:b.txt"]


def test_zip_text_member_in_latin1(store: Store, tmp_path: Path) -> None:
    path = make_zip(tmp_path / "l.zip", {"x/s.txt": "Pounds\n\nA £5 fee.".encode("latin-1")})
    report = import_paths(store, [path])
    assert report.ok
    article = store.get(report.ids[0])
    assert article is not None and article.body == "A £5 fee."


# -- progress -------------------------------------------------------------------------------
def test_progress_counts_units_up_front(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", story(1))
    write(tmp_path / "b.txt", b"")
    make_zip(tmp_path / "c.zip", {"x.txt": story(2), "y/z.json": '[{"title": "Z"}]', "n.md": "-"})
    write(tmp_path / "skip.md", "-")
    events: list[ImportProgress] = []
    report = import_paths(store, [tmp_path], progress=events.append, batch_size=1)
    assert {e.total for e in events} == {4}  # a.txt, b.txt, c.zip:x.txt, c.zip:y/z.json
    assert [e.done for e in events] == sorted(e.done for e in events)
    last = events[-1]
    assert (last.done, last.current) == (4, "")
    assert (last.added, last.duplicates, last.failed) == (3, 0, 1)
    assert (report.added, len(report.failures), report.skipped) == (3, 1, 2)
    assert f"{tmp_path / 'c.zip'}:y/z.json" in [e.current for e in events]


def test_small_batches_store_everything(store: Store, tmp_path: Path) -> None:
    records = [{"title": f"T{n}", "content": f"B{n}"} for n in range(23)]
    write(tmp_path / "many.json", json.dumps(records))
    events: list[ImportProgress] = []
    report = import_paths(store, [tmp_path], batch_size=5, progress=events.append)
    assert report.added == 23 and store.count() == 23
    assert len(report.ids) == len(set(report.ids)) == 23
    assert [e.added for e in events if e.current][-1] >= 20  # counts grew during the file


def test_exception_from_progress_stops_but_keeps_stored_batches(
    store: Store, tmp_path: Path
) -> None:
    for n in range(6):
        write(tmp_path / f"{n}.txt", story(n))

    def cancel(progress: ImportProgress) -> None:
        if progress.done == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(store, [tmp_path], batch_size=2, progress=cancel)
    assert store.count() == 4
    assert import_paths(store, [tmp_path]).added == 2


# -- translation groups ---------------------------------------------------------------------
def test_editions_in_a_folder_are_linked(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "d" / "story.txt", "English title\n\nRead this story in EnglishNo.\nBody.")
    write(tmp_path / "d" / "story.ar.txt", "عنوان\n\nRead this story in Englishحذرت الولايات")
    write(tmp_path / "d" / "alone.txt", story(1))
    report = import_paths(store, [tmp_path / "d"])
    assert report.added == 3
    by_title = {store.get(i).title: store.get(i) for i in report.ids}  # type: ignore[union-attr]
    english, arabic = by_title["English title"], by_title["عنوان"]
    assert english.translation_group == arabic.translation_group
    assert english.translation_group is not None
    assert english.translation_group.startswith("file:")
    assert by_title["Story number 1"].translation_group is None
    assert (english.language, arabic.language) == ("en", "ar")
    assert arabic.body.split("\n")[0] in TRANSLATION_LINK_LABELS
    assert [r.id for r in store.translations(arabic.id)] == [english.id]  # type: ignore[arg-type]


def test_same_name_in_two_folders_are_different_stories(store: Store, tmp_path: Path) -> None:
    for folder in ("one", "two"):
        write(tmp_path / folder / "story.txt", f"Title {folder}\n\nBody")
        write(tmp_path / folder / "story.ar.txt", f"عنوان {folder}\n\nنص")
    report = import_paths(store, [tmp_path])
    groups = {store.get(i).translation_group for i in report.ids}  # type: ignore[union-attr]
    assert len(groups) == 2 and None not in groups


def test_editions_imported_separately_are_linked(store: Store, tmp_path: Path) -> None:
    english = write(tmp_path / "story.txt", "English title\n\nBody.")
    arabic = write(tmp_path / "story.ar.txt", "عنوان\n\nنص")
    first = import_paths(store, [english])
    second = import_paths(store, [arabic])
    group = store.get(first.ids[0]).translation_group  # type: ignore[union-attr]
    assert group is not None
    assert store.get(second.ids[0]).translation_group == group  # type: ignore[union-attr]


def test_editions_in_a_zip_are_linked(store: Store, tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "z.zip",
        {"a/s.txt": "Title\n\nBody", "a/s.ar.txt": "عنوان\n\nنص", "b/s.txt": "Other\n\nBody"},
    )
    report = import_paths(store, [path])
    articles = {store.get(i).title: store.get(i) for i in report.ids}  # type: ignore[union-attr]
    assert articles["Title"].translation_group == articles["عنوان"].translation_group
    assert articles["Title"].translation_group is not None
    assert articles["عنوان"].language == "ar"
    assert articles["Other"].translation_group is None


def test_bundled_seeds(store: Store) -> None:
    paths = seed_paths()
    assert paths, "seeds/ should be found in a development checkout"
    assert all(p.suffix in (".txt", ".json", ".jsonl") for p in paths)
    report = import_paths(store, paths)
    assert report.ok and report.added == len(paths)
    seeds = [store.get(i) for i in report.ids]
    english = next(a for a in seeds if a is not None and a.language == "en")
    assert english.body.split("\n")[0] in TRANSLATION_LINK_LABELS
    arabic_paths = [p for p in paths if p.name.endswith(".ar.txt")]
    if arabic_paths:
        translations = store.translations(english.id)  # type: ignore[arg-type]
        assert [t.language for t in translations] == ["ar"]


def test_unreadable_file_and_folder_simulated(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same paths as test_permission_denied, for runs as root (where chmod cannot deny).
    secret = write(tmp_path / "d" / "secret.txt", story(1))
    write(tmp_path / "d" / "open.txt", story(2))
    locked = write(tmp_path / "locked" / "x.txt", story(3)).parent
    real_read, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(self: Path) -> bytes:
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "scandir", scandir)
    report = import_paths(store, [tmp_path / "d", locked])
    assert report.added == 1
    assert reasons(report) == {
        str(secret): "cannot read: Permission denied",
        str(locked): "cannot read folder: Permission denied",
    }


def test_hostile_member_names_are_cleaned_in_failures(store: Store, tmp_path: Path) -> None:
    name = "\x1b]0;owned\x07evil\x1b[2J.txt"
    path = make_zip(tmp_path / "names.zip", {name: b"", "fine.txt": story(1)})
    events: list[ImportProgress] = []
    report = import_paths(store, [path], progress=events.append)
    assert report.added == 1
    (failure,) = report.failures
    assert failure.origin == f"{path}:evil.txt" and failure.reason == "empty file"
    assert all("\x1b" not in e.current and "\x07" not in e.current for e in events)


def test_seed_paths_prefers_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a wheel, pyproject force-includes seeds/ as reader/seeds.
    from reader.sources import seeds

    package = tmp_path / "site-packages" / "reader"
    write(package / "seeds" / "b.json", "[]")
    write(package / "seeds" / "a.txt", story(1))
    write(package / "seeds" / "a.ar.txt", story(1))
    write(package / "seeds" / ".hidden.txt", story(1))
    write(package / "seeds" / "__init__.py", "")
    monkeypatch.setattr(seeds.resources, "files", lambda name: package)
    assert [p.name for p in seed_paths()] == ["a.ar.txt", "a.txt", "b.json"]
