from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.models import Article
from reader.store import SCHEMA_VERSION, ListFilter, Store, StoreError


def make(n: int, **kw: object) -> Article:
    base = datetime(2015, 7, 21, tzinfo=UTC)
    defaults: dict[str, object] = {
        "title": f"Title {n}",
        "body": f"Body {n}\nSecond paragraph {n}",
        "published": base + timedelta(hours=n),
        "source": "wire",
    }
    defaults.update(kw)
    return Article(**defaults)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "lib.sqlite3")


def test_schema_version_and_wal(store: Store, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "lib.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_text_under_two_urls_is_two_articles(store: Store) -> None:
    """Dedupe is by guid, else by url; only articles with neither fall back to the text."""
    result = store.add_articles([make(1, url="http://x/a"), make(1, url="http://x/a?weekly")])
    assert (result.added, result.duplicates) == (2, 0)


def test_dedupe_by_guid_url_and_hash(store: Store) -> None:
    first = store.add_articles([make(1, guid="g1"), make(2, url="http://x/2"), make(3)])
    assert (first.added, first.duplicates) == (3, 0)
    again = store.add_articles(
        [
            make(9, guid="g1"),  # same guid, other text
            make(8, url="http://x/2"),  # same url
            make(3),  # same title and body
        ]
    )
    assert (again.added, again.duplicates) == (0, 3)
    assert store.count() == 3


def test_update_keeps_read_and_star(store: Store) -> None:
    (article_id,) = store.add_articles([make(1, guid="g")]).ids
    store.set_read(article_id, True)
    store.set_starred(article_id, True)
    seq_before = store.max_seq()
    result = store.add_articles([make(1, guid="g", body="Corrected body")], update=True)
    assert result.updated == 1
    article = store.get(article_id)
    assert article is not None
    assert article.body == "Corrected body"
    assert article.read and article.starred
    assert store.max_seq() > seq_before
    assert [a.body for _, a in store.iter_for_index(seq_before)] == ["Corrected body"]


def test_pages_are_newest_first_and_filtered(store: Store) -> None:
    store.add_articles([make(n) for n in range(10)] + [make(99, published=None)])
    rows = store.page(0, 4)
    assert [r.title for r in rows] == ["Title 9", "Title 8", "Title 7", "Title 6"]
    assert store.page(10, 5)[0].title == "Title 99"  # undated last
    store.set_read(rows[0].id, True)
    store.set_starred(rows[1].id, True)
    assert store.count(ListFilter(unread_only=True)) == 10
    assert [r.title for r in store.page(0, 5, ListFilter(starred_only=True))] == ["Title 8"]
    assert store.position(rows[2].id) == 2
    assert store.position(rows[0].id, ListFilter(unread_only=True)) is None
    assert store.position(store.page(10, 1)[0].id) == 10


def test_published_is_stored_in_utc(store: Store) -> None:
    from datetime import timezone

    riyadh = timezone(timedelta(hours=3))
    (article_id,) = store.add_articles(
        [make(1, published=datetime(2015, 8, 1, 12, tzinfo=riyadh))]
    ).ids
    article = store.get(article_id)
    assert article is not None and article.published is not None
    assert article.published.isoformat() == "2015-08-01T09:00:00+00:00"


def test_translations(store: Store) -> None:
    ids = store.add_articles([make(1, language="en"), make(2, language="ar"), make(3)]).ids
    store.set_translation_group(ids[:2], "story")
    assert [r.id for r in store.translations(ids[0])] == [ids[1]]
    assert [r.id for r in store.translations(ids[1])] == [ids[0]]
    assert store.translations(ids[2]) == []


def test_flags_and_stats(store: Store) -> None:
    ids = store.add_articles([make(n, language="ar" if n % 2 else "en") for n in range(4)]).ids
    store.set_read(ids[0], True)
    assert store.ids_with_flag("read") == {ids[0]}
    assert store.ids_with_flag("read", False) == set(ids[1:])
    assert store.stats() == {"articles": 4, "unread": 3, "starred": 0, "arabic": 2, "english": 2}


def test_a_damaged_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the library database"):
        Store(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer newsreader"):
        Store(path)


def test_feeds(store: Store) -> None:
    feed = store.add_feed("http://127.0.0.1/feed.xml", "Feed", "World")
    assert store.add_feed("http://127.0.0.1/feed.xml").id == feed.id
    assert [f.title for f in store.feeds()] == ["Feed"]
    assert store.remove_feed(feed.id)
    assert store.feeds() == []


def test_untrusted_text_is_cleaned_at_the_door(store: Store) -> None:
    (article_id,) = store.add_articles(
        [
            Article(
                title="\x1b[31mRed\x1b[0m title\nsplit",
                body="Copy \x1b]52;c;ZXZpbA==\x07me\r\nnext\x07",
                author="\x1b[2Jwiper",
            )
        ]
    ).ids
    article = store.get(article_id)
    assert article is not None
    assert article.title == "Red title split"
    assert article.body == "Copy me\nnext"
    assert article.author == "wiper"
    store.replace_body(article_id, "full \x1bP1$r\x1b\\text")
    assert store.get(article_id).body == "full text"
