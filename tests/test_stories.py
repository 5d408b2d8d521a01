"""Stories: near-identical articles from several sources grouped into one, incrementally,
stored in the library (issue 12), and the `related` and `stories` commands."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.cli import run
from reader.config import ConfigError, Library, load_settings
from reader.models import Article
from reader.search.stories import assign_stories, rebuild_stories
from reader.session import Session
from reader.store import ListFilter, Store
from reader.store.schema import MIGRATIONS, SCHEMA_VERSION

_VOCABULARY = (
    "minister council economy budget oil price market school hospital rain storm league "
    "match player coach festival museum airport contract company profit bank loan water "
    "road bridge police court election vote summit treaty border army ship port city "
    "village farm harvest energy solar grid railway tunnel library science research"
)
_WORDS = _VOCABULARY.split()
WHEN = datetime(2015, 8, 1, 9, tzinfo=UTC)


def _story(seed: int, words: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) + str(rng.randrange(50)) for _ in range(words))


def _edited(text: str, changes: int = 3) -> str:
    """A copy with a few words changed and an agency line in front, as papers reprint."""
    words = text.split()
    for i in range(changes):
        words[10 + i * 30] = "changed"
    return "Riyadh (SPA) " + " ".join(words)


def _article(title: str, body: str, source: str, url: str, days: float = 0) -> Article:
    return Article(
        title=title, body=body, source=source, url=url, published=WHEN + timedelta(days=days)
    )


def summit_and_storm() -> list[Article]:
    """Three copies of one story from two sources (the first its lead), and another story."""
    body = _story(8)
    return [
        _article("Summit opens", body, "okaz", "http://a.example/s", 1),
        _article("Summit", _edited(body), "alriyadh", "http://b.example/s", 1.1),
        _article("Summit begins", _edited(body, 4), "alriyadh", "http://c.example/s", 1.2),
        _article("Storm", _story(9), "alwatan", "http://d.example/w", 2),
    ]


def _stored(tmp_path: Path) -> Store:
    return Store(tmp_path / "library.sqlite3")


def test_near_identical_bodies_from_two_sources_are_one_story(tmp_path: Path) -> None:
    store = _stored(tmp_path)
    body = _story(1)
    added = store.add_articles(
        [
            _article("Oil deal signed", body, "okaz", "http://a.example/1"),
            _article("Deal on oil", _edited(body), "alriyadh", "http://b.example/1", 0.2),
            _article("Something else", _story(2), "alriyadh", "http://b.example/2", 0.3),
        ]
    )
    first, copy, other = added.ids
    report = assign_stories(store)
    assert report.clustered == 3 and report.joined == 1
    assert store.story_id_of(first) == store.story_id_of(copy) == first
    assert store.story_id_of(other) == other
    assert [r.id for r in store.story_articles(first)] == [first, copy]


def test_different_stories_and_short_or_distant_texts_stay_apart(tmp_path: Path) -> None:
    store = _stored(tmp_path)
    body = _story(3)
    ids = store.add_articles(
        [
            _article("A", _story(4), "okaz", "http://a.example/4"),
            _article("B", _story(5), "okaz", "http://a.example/5"),
            _article("Short", "Cartoon of the day", "okaz", "http://a.example/6"),
            _article("Short", "Cartoon of the day", "alwatan", "http://c.example/6"),
            # The same text a week later: a template used again, not the same story.
            _article("Bulletin", body, "was", "http://d.example/1"),
            _article("Bulletin", _edited(body), "alyaum", "http://e.example/1", 7),
        ]
    ).ids
    report = assign_stories(store)
    assert report.joined == 0 and report.short == 2
    assert len({store.story_id_of(i) for i in ids}) == len(ids)


def test_incremental_import_joins_existing_stories(tmp_path: Path) -> None:
    session = _grouping_session(Library(tmp_path / "home"))
    session.assign_stories()  # the bundled articles a new library starts with
    body = _story(6)
    first = tmp_path / "first.json"
    first.write_text(
        json.dumps(
            [
                {
                    "title": "Budget",
                    "content": body,
                    "source": "okaz",
                    "url": "http://a.example/b",
                    "date": "2015-08-01 10:00:00",
                }
            ]
        ),
        encoding="utf-8",
    )
    report, clustered = session.import_paths([str(first)])
    assert report.added == 1 and clustered is not None and clustered.clustered == 1
    (lead,) = report.ids
    second = tmp_path / "second.json"
    second.write_text(
        json.dumps(
            [
                {
                    "title": "Budget passed",
                    "content": _edited(body),
                    "source": "alyaum",
                    "url": "http://b.example/b",
                    "date": "2015-08-01 18:00:00",
                },
                {
                    "title": "Rain",
                    "content": _story(7),
                    "source": "alyaum",
                    "url": "http://b.example/r",
                    "date": "2015-08-01 18:00:00",
                },
            ]
        ),
        encoding="utf-8",
    )
    report, clustered = session.import_paths([str(second)])
    assert clustered is not None and clustered.clustered == 2  # the new articles only
    copy, rain = report.ids
    store = session.store
    assert store.story_id_of(copy) == lead and store.story_id_of(rain) == rain
    # One signature per clustered article, its bands indexed for the next import.
    signatures = store._db.execute(
        "SELECT COUNT(*) FROM story_signatures WHERE article_id IN (?, ?, ?)", (lead, copy, rain)
    ).fetchone()[0]
    assert signatures == 3
    session.close()


def test_story_list_counts_and_reading_marks_the_story_read(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.sqlite3")
    store.meta_set("seeded", "0")  # no bundled articles
    store.close()
    session = _grouping_session(Library(tmp_path))
    store = session.store
    lead, copy, third, alone = store.add_articles(summit_and_storm()).ids
    rebuild_stories(store)
    assert store.count() == 4 and store.story_count() == 2
    page = store.story_page(0, 10)
    assert [(r.story_id, r.articles, r.sources, r.unread) for r in page] == [
        (alone, 1, 1, 1),
        (lead, 3, 2, 3),
    ]
    assert store.unread_story_count() == 2
    assert store.story_count(ListFilter(source="alriyadh")) == 1
    opened = session.open_article(copy)
    assert opened is not None and opened.article.read
    assert store.unread_story_count() == 1
    assert all(r.read for r in store.story_articles(lead))
    assert not store.get(alone).read
    session.close()


def _grouping_session(library: Library) -> Session:
    library.ensure()
    library.settings_file.write_text("group_stories = true\n", encoding="utf-8")
    return Session(library)


def test_group_stories_setting(tmp_path: Path) -> None:
    library = Library(tmp_path)
    assert load_settings(library).group_stories is False  # off until the list shows stories
    library.settings_file.write_text("group_stories = true\n", encoding="utf-8")
    assert load_settings(library).group_stories is True
    library.settings_file.write_text('group_stories = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(library)


def test_migrating_an_older_library_then_clustering_it(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    db = sqlite3.connect(path)
    for version in (1, 2, 3):
        db.executescript(MIGRATIONS[version])
    body = _story(10)
    for i, (source, text) in enumerate([("okaz", body), ("alyaum", _edited(body))], 1):
        db.execute(
            "INSERT INTO articles (id, guid, url, url_key, content_hash, title, source, "
            "published, body, seq) VALUES (?, NULL, ?, ?, ?, 'T', ?, ?, ?, ?)",
            (
                i,
                f"http://x{i}.example/",
                f"x{i}.example",
                f"h{i}",
                source,
                "2015-08-01T10:00:00+00:00",
                text,
                i,
            ),
        )
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    store = Store(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert store.count_unclustered() == 2  # backfilled by the next import or `stories`
    assert store.story_count() == 2  # unclustered articles are stories of their own
    assign_stories(store)
    assert store.story_id_of(2) == 1 and store.count_unclustered() == 0


def test_related_and_stories_commands(capsys, tmp_path: Path) -> None:
    articles = [
        {
            "title": "Central bank raises interest rates",
            "source": "okaz",
            "url": f"http://a.example/{i}",
            "date": f"2015-08-0{i + 1} 10:00:00",
            "content": f"The central bank raised interest rates again {i}. " + _story(20 + i, 60),
        }
        for i in range(4)
    ]
    articles.append(
        {
            "title": "البنك المركزي يرفع أسعار الفائدة",
            "source": "alyaum",
            "url": "http://b.example/ar",
            "date": "2015-08-02 10:00:00",
            "content": "رفع البنك المركزي أسعار الفائدة مرة أخرى. " * 20,
        }
    )
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")
    assert run(["import", str(path)]) == 0
    assert run(["stories", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    counts = json.loads(lines[-1])
    # Grouping is off by default, so the import left clustering to this command.
    assert counts["clustered"] == counts["articles"] and counts["stories"] == counts["articles"]
    assert run(["list", "--json", "--limit", "100"]) == 0
    ids = {
        json.loads(line)["title"]: json.loads(line)["id"]
        for line in capsys.readouterr().out.splitlines()
    }
    first = ids["Central bank raises interest rates"]
    assert run(["related", str(first), "--json", "--limit", "2"]) == 0
    related = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 1 <= len(related) <= 2
    assert set(related[0]) == {
        "id",
        "story_id",
        "title",
        "source",
        "language",
        "published",
        "score",
        "articles",
    }
    assert all(r["id"] != first for r in related)
    assert related[0]["title"] == "Central bank raises interest rates"
    assert run(["related", str(ids["البنك المركزي يرفع أسعار الفائدة"])]) == 0
    assert run(["related", "999999"]) == 1
    assert "no article with id 999999" in capsys.readouterr().err


def test_imports_do_not_cluster_while_grouping_is_off(tmp_path: Path) -> None:
    session = Session(Library(tmp_path))
    path = tmp_path / "one.txt"
    path.write_text("Budget\n\n" + _story(3), encoding="utf-8")
    report, clustered = session.import_paths([str(path)])
    assert report.added == 1 and clustered is None
    unclustered = session.store._db.execute(  # noqa: SLF001 - what the import left
        "SELECT COUNT(*) FROM articles WHERE story_id IS NULL"
    ).fetchone()[0]
    assert unclustered == session.store.count()
    session.close()


def test_list_stories_prints_one_line_per_story(capsys, tmp_path: Path) -> None:
    body = _story(8)
    articles = [
        {"title": "Summit opens", "source": "okaz", "url": "http://a.example/s",
         "date": "2015-08-01 10:00:00", "content": body},
        {"title": "Summit", "source": "alriyadh", "url": "http://b.example/s",
         "date": "2015-08-01 11:00:00", "content": _edited(body)},
        {"title": "Storm", "source": "alwatan", "url": "http://d.example/w",
         "date": "2015-08-02 10:00:00", "content": _story(9)},
    ]  # fmt: skip
    path = tmp_path / "summit.json"
    path.write_text(json.dumps(articles), encoding="utf-8")
    assert run(["import", str(path)]) == 0
    assert run(["stories"]) == 0
    capsys.readouterr()
    assert run(["list", "--stories", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    stories = {line["title"]: line for line in lines if line["source"] in {"okaz", "alwatan"}}
    assert stories["Summit opens"]["story_articles"] == 2
    assert stories["Summit opens"]["story_sources"] == 2
    assert stories["Storm"]["story_articles"] == 1
    assert not any(line["title"] == "Summit" for line in lines)  # shown once, under its lead
    assert run(["list", "--stories"]) == 0
    summit = next(line for line in capsys.readouterr().out.splitlines() if "Summit opens" in line)
    assert summit.endswith("[okaz] +1")
