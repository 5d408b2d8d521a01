"""Keeping the index in step with the store: status, catch-up, rebuilds, locks, damage."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.searching import Searcher

import reader.search.building as building_module
import reader.search.doctable as doctable_module
import reader.search.storage as storage_module
from reader.models import Article
from reader.search.index import (
    META_FILE,
    IndexCorruptError,
    IndexLockedError,
    IndexNotReadyError,
    SearchFailedError,
    SearchIndex,
)
from reader.store import Store
from tests.conftest import REPO
from tests.search.conftest import ARTICLES


def hit_ids(index: SearchIndex, store: Store, query: str) -> set[int]:
    return {h.id for h in index.search(query, store, limit=100).hits}


def test_fresh_index_needs_building(tmp_path: Path, store: Store) -> None:
    index = SearchIndex(tmp_path / "index")
    status = index.status(store)
    assert not status.in_step
    assert status.needs_rebuild
    assert status.store_count == len(ARTICLES)
    assert "not been built" in status.reason
    with pytest.raises(IndexNotReadyError, match="reindex"):
        index.search("oil", store)


def test_catch_up_brings_the_index_in_step(tmp_path: Path, store: Store) -> None:
    index = SearchIndex(tmp_path / "index")
    seen: list[tuple[int, int]] = []
    assert index.catch_up(store, progress=lambda d, t: seen.append((d, t))) == len(ARTICLES)
    assert seen[0] == (0, len(ARTICLES))
    assert seen[-1] == (len(ARTICLES), len(ARTICLES))
    status = index.status(store)
    assert status.in_step and not status.needs_rebuild
    assert status.doc_count == status.store_count == len(ARTICLES)
    assert status.indexed_seq == status.store_seq == store.max_seq()
    assert index.catch_up(store) == 0  # nothing more to do


def test_indexing_runs_leave_the_term_caches_empty(tmp_path: Path, store: Store) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(store)
    assert not index.schema["content"].analyzer.cache()
    index.search("oil", store)  # searching fills them again
    index.rebuild(store)
    assert not index.schema["content"].analyzer.cache()
    assert not index.schema["source"].analyzer.cache()


def test_added_articles_put_the_index_behind_until_caught_up(
    index: SearchIndex, store: Store
) -> None:
    store.add_articles([Article(title="Zebra crossing", body="A zebra crossed the road.")])
    status = index.status(store)
    assert not status.in_step
    assert not status.needs_rebuild
    assert status.indexed_seq == status.store_seq - 1
    assert "1 article" in status.reason
    assert hit_ids(index, store, "zebra") == set()
    assert index.catch_up(store) == 1
    assert index.status(store).in_step
    assert len(hit_ids(index, store, "zebra")) == 1


def test_updated_article_is_replaced_not_duplicated(
    index: SearchIndex, store: Store, ids: dict[str, int]
) -> None:
    oil = next(a for a in ARTICLES if a.guid == "oil")
    store.add_articles([replace(oil, body="Copper prices rose sharply.")], update=True)
    assert not index.status(store).in_step
    assert index.catch_up(store) == 1
    status = index.status(store)
    assert status.in_step and status.doc_count == len(ARTICLES)
    assert hit_ids(index, store, "copper") == {ids["oil"]}
    assert ids["oil"] not in hit_ids(index, store, "monday")


def test_schema_version_change_rebuilds(
    index: SearchIndex, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "SCHEMA_VERSION", storage_module.SCHEMA_VERSION + 1)
    status = index.status(store)
    assert status.needs_rebuild and "version" in status.reason
    with pytest.raises(IndexNotReadyError, match="version"):
        index.search("oil", store)
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step
    meta = json.loads((index.path / META_FILE).read_text())
    assert meta["schema_version"] == storage_module.SCHEMA_VERSION
    assert hit_ids(index, store, "oil")


def test_missing_table_of_contents_is_detected_and_rebuilt(
    index: SearchIndex, store: Store, ids: dict[str, int]
) -> None:
    tocs = list(index.path.glob("_MAIN_*.toc"))
    assert tocs
    for toc in tocs:
        toc.unlink()
    index.close()
    status = index.status(store)
    assert status.needs_rebuild and "cannot be opened" in status.reason
    with pytest.raises(IndexCorruptError, match="newsreader reindex"):
        index.search("oil", store)
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step
    assert hit_ids(index, store, "oil") == {ids["oil"]}


def test_garbage_segment_files_are_detected(index: SearchIndex, store: Store) -> None:
    for toc in index.path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not a table of contents")
    index.close()
    assert index.status(store).needs_rebuild
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step


def test_damaged_record_rebuilds(index: SearchIndex, store: Store) -> None:
    (index.path / META_FILE).write_text("{broken")
    status = index.status(store)
    assert status.needs_rebuild and "record" in status.reason
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step


def test_record_newer_than_index_rebuilds(index: SearchIndex, store: Store) -> None:
    meta_path = index.path / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["generation"] += 5  # as if the last commits never reached the disk
    meta_path.write_text(json.dumps(meta))
    assert "older than its record" in index.status(store).reason
    assert index.catch_up(store) == len(ARTICLES)


def test_replaced_library_rebuilds(index: SearchIndex, tmp_path: Path) -> None:
    other = Store(tmp_path / "other.sqlite3")
    other.add_articles(ARTICLES[:2])
    status = index.status(other)
    assert status.needs_rebuild and "ahead" in status.reason
    assert index.catch_up(other) == 2
    assert index.status(other).in_step
    other.close()


def test_rebuild_clears_and_reindexes(index: SearchIndex, store: Store) -> None:
    (index.path / "stray-file").write_text("x")
    seen: list[tuple[int, int]] = []
    assert index.rebuild(store, progress=lambda d, t: seen.append((d, t))) == len(ARTICLES)
    assert not (index.path / "stray-file").exists()
    assert seen[-1] == (len(ARTICLES), len(ARTICLES))
    assert index.status(store).in_step


def test_cancelled_catch_up_resumes_where_it_stopped(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches so the ten fixture articles take several commits.
    monkeypatch.setattr(building_module, "SMALL_CATCH_UP", 2)
    monkeypatch.setattr(building_module, "BIG_BATCH", 3)
    index = SearchIndex(tmp_path / "index")
    commits: list[int] = []

    def progress(done: int, total: int) -> None:
        commits.append(done)

    done = index.catch_up(store, progress, cancelled=lambda: len(commits) >= 2)
    assert done == 3
    status = index.status(store)
    assert not status.in_step and not status.needs_rebuild
    # A fresh build goes newest first: the record holds its cursor, not a seq.
    assert status.indexed_seq == 0 and status.doc_count == 3
    assert "building" in status.reason
    assert index.catch_up(store) == len(ARTICLES) - 3
    status = index.status(store)
    assert status.in_step and status.doc_count == len(ARTICLES)


def test_interrupted_catch_up_keeps_committed_batches(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(building_module, "SMALL_CATCH_UP", 2)
    monkeypatch.setattr(building_module, "BIG_BATCH", 4)
    index = SearchIndex(tmp_path / "index")
    original = building_module.article_document
    calls = 0

    def failing(article: Article) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise RuntimeError("power cut")
        return original(article)

    monkeypatch.setattr(building_module, "article_document", failing)
    with pytest.raises(RuntimeError):
        index.catch_up(store)
    assert index.status(store).doc_count == 4
    monkeypatch.setattr(building_module, "article_document", original)
    assert index.catch_up(store) == len(ARTICLES) - 4
    assert index.status(store).in_step


def _hold_lock_in_subprocess(path: Path, kind: str) -> subprocess.Popen[str]:
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from reader.search.index import SearchIndex
        index = SearchIndex(Path({str(path)!r}))
        if {kind!r} == "ours":
            ctx = index._writer_lock(0)
            ctx.__enter__()
        else:
            writer = index._open().writer()
        print("locked", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.parametrize("kind", ["ours", "whoosh"])
def test_second_writer_gets_a_clear_error(
    index: SearchIndex, store: Store, kind: str, ids: dict[str, int]
) -> None:
    store.add_articles([Article(title="Locked out", body="Nobody can write now.")])
    proc = _hold_lock_in_subprocess(index.path, kind)
    try:
        with pytest.raises(IndexLockedError, match="another newsreader is indexing"):
            index.catch_up(store)
        with pytest.raises(IndexLockedError):
            index.rebuild(store)
        # Reading still works while another process writes.
        assert hit_ids(index, store, "oil") == {ids["oil"]}
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)
    assert index.catch_up(store) == 1
    assert index.status(store).in_step


def test_writer_waits_for_the_lock_when_asked(index: SearchIndex, store: Store) -> None:
    store.add_articles([Article(title="Patience", body="Waiting for the lock.")])
    proc = _hold_lock_in_subprocess(index.path, "ours")
    assert proc.stdin is not None
    timer = threading.Timer(0.3, proc.stdin.close)
    timer.start()
    try:
        assert index.catch_up(store, timeout=10) == 1
    finally:
        timer.join()
        proc.wait(timeout=10)


def test_search_during_catch_up_does_not_crash(tmp_path: Path, store: Store) -> None:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(store)
    more = [
        Article(title=f"Extra oil story {i}", body=f"Oil report number {i}.") for i in range(60)
    ]
    store.add_articles(more)
    errors: list[BaseException] = []
    done = threading.Event()

    def search_loop() -> None:
        try:
            while not done.is_set():
                index.search("oil", store)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        index.catch_up(store)
    finally:
        done.set()
        thread.join()
    assert not errors
    assert index.search("oil", store).total == 61


def test_multiprocess_writer_builds_the_same_index(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(building_module, "SMALL_CATCH_UP", 2)
    index = SearchIndex(tmp_path / "index")
    assert index.rebuild(store, procs=2) == len(ARTICLES)
    status = index.status(store)
    assert status.in_step and status.doc_count == len(ARTICLES)
    single = SearchIndex(tmp_path / "single")
    single.rebuild(store)
    for query in ("oil", "الحكومة", "run", '"interest rates"', "lang:ar"):
        assert hit_ids(index, store, query) == hit_ids(single, store, query), query


def test_article_changed_while_indexing_is_not_duplicated(
    tmp_path: Path, store: Store, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex(tmp_path / "index")
    gas = next(a for a in ARTICLES if a.guid == "gas")
    original = building_module.article_document
    seen: list[int | None] = []

    def document(article: Article) -> dict[str, object]:
        seen.append(article.id)
        if len(seen) == 1:
            # The store has already handed out this page of rows; the change gives gas a
            # new seq, so it comes back later in the same run, old text first.
            store.add_articles([replace(gas, body="Hydrogen supplies instead.")], update=True)
        return original(article)

    monkeypatch.setattr(building_module, "article_document", document)
    assert index.rebuild(store) == len(ARTICLES) + 1
    assert seen.count(ids["gas"]) == 2
    status = index.status(store)
    assert status.in_step and status.doc_count == len(ARTICLES)
    assert hit_ids(index, store, "hydrogen") == {ids["gas"]}
    assert hit_ids(index, store, "worries") == {ids["gas"]}  # the title is unchanged
    assert hit_ids(index, store, "short") == set()  # the old body is gone


def test_document_count_mismatch_rebuilds(index: SearchIndex, store: Store) -> None:
    writer = index._open().writer()
    writer.delete_by_term("id", 1)
    writer.commit()
    meta_path = index.path / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["generation"] = index._open().latest_generation()
    meta_path.write_text(json.dumps(meta))
    status = index.status(store)
    assert status.needs_rebuild and "holds 9 articles" in status.reason
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step


def _fail_reading_columns(*_: object) -> list[object]:
    # How issue 8 showed itself: a fault in our reading of Whoosh's columns.
    raise IndexError("list index out of range")


def test_a_fault_that_is_not_damage_does_not_ask_for_a_rebuild(
    index: SearchIndex, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctable_module, "_column_values", _fail_reading_columns)
    with pytest.raises(SearchFailedError) as failure:
        index.search("lang:en gas", store)
    message = str(failure.value)
    assert "IndexError: list index out of range" in message
    assert "reindex" not in message and "will not help" in message
    assert index.status(store).in_step  # nothing to rebuild


def test_damage_found_while_reading_makes_the_next_catch_up_rebuild(
    index: SearchIndex, store: Store, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Whoosh raises on a damaged posting block; opening the index still works.
    def damaged(*_: object) -> None:
        raise zlib.error("Error -3 while decompressing data: incorrect data check")

    with monkeypatch.context() as patch:
        patch.setattr(Searcher, "search_with_collector", damaged)
        with pytest.raises(IndexCorruptError, match="newsreader reindex"):
            index.search("oil", store)
    status = index.status(store)
    assert status.needs_rebuild and "incorrect data check" in status.reason
    assert index.catch_up(store) == len(ARTICLES)
    assert index.status(store).in_step
    assert hit_ids(index, store, "oil") == {ids["oil"]}
