"""A fresh index is built newest first, in batches searchable as they land; a build that is
stopped (cancelled, killed, its record not written) resumes without losing or duplicating
articles; a lock left by a killed writer never blocks (issue 10)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import reader.search.building as building_module
from reader.models import Article
from reader.search.index import SearchIndex
from reader.store import Store

REPO = Path(__file__).resolve().parents[2]


def articles(count: int, *, undated_every: int = 7) -> list[Article]:
    start = datetime(2015, 1, 1, tzinfo=UTC)
    return [
        Article(
            guid=f"a{n}",
            title=f"Story {n}",
            body=f"Common words for every story, and its own marker m{n}.",
            source="Wire",
            language="en",
            published=None if n % undated_every == 0 else start + timedelta(minutes=n),
        )
        for n in range(count)
    ]


def newest_ids(store: Store, count: int) -> list[int]:
    return [row.id for row in store.page(0, count)]


def indexed_ids(index: SearchIndex) -> Counter[int]:
    ix = index._open()  # noqa: SLF001
    with ix.searcher() as searcher:
        return Counter(int(fields["id"]) for fields in searcher.all_stored_fields())


def _small_batches(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(building_module, "SMALL_CATCH_UP", 10)
    monkeypatch.setattr(building_module, "BIG_BATCH", size)
    monkeypatch.setattr(building_module, "BATCH_SECONDS", 1e9)


def test_a_stopped_build_answers_from_the_newest_articles_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_batches(monkeypatch, 1_000)
    store = Store(tmp_path / "library.sqlite3")
    store.add_articles(articles(3_000))
    index = SearchIndex(tmp_path / "index")
    commits: list[int] = []
    done = index.catch_up(store, cancelled=lambda: bool(commits), on_commit=commits.append)
    assert done == 1_000 and commits == [1_000]
    newest = set(newest_ids(store, 1_000))
    assert set(indexed_ids(index)) == newest
    results = index.search("common", store, limit=50)
    assert results.total == 1_000
    assert {hit.id for hit in results.hits} <= newest
    assert results.partial and results.partial_note == "searched 1,000 of 3,000 articles"
    # The undated articles come last: none is in the first thousand.
    assert all(store.get(i).published is not None for i in newest)
    # Resuming indexes the rest, once each, and the note goes.
    assert index.catch_up(store) == 2_000
    counts = indexed_ids(index)
    assert len(counts) == 3_000 and set(counts.values()) == {1}
    complete = index.search("common", store)
    assert complete.total == 3_000 and not complete.partial and complete.partial_note == ""
    assert index.status(store).in_step
    index.close()
    store.close()


def test_a_commit_whose_record_was_not_written_is_not_duplicated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between Whoosh's commit and the record written after it."""
    _small_batches(monkeypatch, 300)
    store = Store(tmp_path / "library.sqlite3")
    store.add_articles(articles(1_000))
    index = SearchIndex(tmp_path / "index")
    original = building_module.write_meta
    calls = 0

    def dies_on_the_third_commit(path, seq, generation, build=None):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1  # the first call records the build's start
        if calls == 4:
            raise KeyboardInterrupt("killed")
        return original(path, seq, generation, build)

    monkeypatch.setattr(building_module, "write_meta", dies_on_the_third_commit)
    with pytest.raises(KeyboardInterrupt):
        index.catch_up(store)
    monkeypatch.setattr(building_module, "write_meta", original)
    assert sum(indexed_ids(index).values()) == 900  # the record says 600
    # Changed meanwhile: comes back through the seq catch-up, still once.
    store.set_read(newest_ids(store, 1)[0], True)
    index.catch_up(store)
    counts = indexed_ids(index)
    assert len(counts) == 1_000 and set(counts.values()) == {1}
    assert index.status(store).in_step
    index.close()
    store.close()


def _index_process(home: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "--home", str(home), "index", "--progress", "json"]
        + list(extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def test_the_indexer_process_killed_mid_way_resumes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    store = Store(home / "library.sqlite3")
    store.add_articles(articles(6_000))
    store.meta_set("seeded", "0")
    total = store.count()
    store.close()
    # At a random point after the first commit; a batch holds at most BIG_BATCH articles,
    # so killing at once after the first commit always leaves work. A fast machine may
    # finish during a longer random wait: then the build is killed again, sooner.
    for delay in (random.uniform(0.0, 0.5), 0.0):
        first = _index_process(home, "--rebuild")
        assert first.stdout is not None
        committed = 0
        for line in first.stdout:
            record = json.loads(line)
            if "committed" in record:
                committed = record["committed"]
                break
        assert committed, "no batch was committed"
        time.sleep(delay)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        index = SearchIndex(home / "index")
        store = Store(home / "library.sqlite3")
        before = sum(indexed_ids(index).values())
        assert before >= committed
        if before < total:
            break
        index.close()
        store.close()
    assert before < total, "the build finished before the kill, even killed at once"
    second = _index_process(home)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["done"] >= committed  # it went on from the record, not from zero
    result = lines[-1]["result"]
    assert result["action"] == "caught_up"
    assert result["indexed"] <= total - committed
    counts = indexed_ids(index)
    assert sum(counts.values()) == total and set(counts.values()) == {1}
    assert set(counts) == set(newest_ids(store, total))
    assert index.status(store).in_step
    index.close()
    store.close()


@pytest.mark.parametrize("kind", ["ours", "whoosh"])
def test_a_lock_left_by_a_killed_writer_never_blocks(tmp_path: Path, kind: str) -> None:
    store = Store(tmp_path / "library.sqlite3")
    store.add_articles(articles(20))
    index = SearchIndex(tmp_path / "index")
    index.catch_up(store)
    store.add_articles([Article(title="After", body="Added after the kill.")])
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from reader.search.index import SearchIndex
        index = SearchIndex(Path({str(index.path)!r}))
        if {kind!r} == "ours":
            index._writer_lock(0).__enter__()
        else:
            writer = index._open().writer()
        print("locked", flush=True)
        sys.stdin.read()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert any(index.path.glob("*LOCK*")) or any(index.path.glob("*.lock"))  # files stay
    started = time.monotonic()
    assert index.catch_up(store, timeout=0) == 1  # ...and do not block
    assert time.monotonic() - started < 5
    index.close()
    store.close()
