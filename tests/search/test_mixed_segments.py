"""Filters and date order on an index whose segments lack some columns.

Whoosh writes a column into a segment only when one of its documents has a value for it,
so a batch of undated articles (the BBC set), or of articles without a language, makes a
segment with no `published` or `lang` column. Each catch-up below commits one small batch,
which is one segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.models import Article
from reader.search.index import SearchIndex
from reader.store import Store


def _day(day: int) -> datetime:
    return datetime(2017, 2, day, 9, tzinfo=UTC)


# One list per segment, in commit order. Keys are guids.
SEGMENTS: list[list[Article]] = [
    [  # dated, with authors and a language
        Article(
            guid="ar-minister",
            title="وزير الصحة يزور جدة",
            body="زار وزير الصحة جدة.",
            source="okaz",
            author="واس",
            language="ar",
            published=_day(5),
        ),
        Article(
            guid="ar-budget",
            title="الميزانية الجديدة",
            body="أعلنت الحكومة الميزانية.",
            source="sabq",
            author="واس",
            language="ar",
            published=_day(7),
        ),
    ],
    [  # undated, no authors, English
        Article(
            guid="en-minister",
            title="Minister resigns",
            body="The minister resigned.",
            source="bbc",
            language="en",
        ),
        Article(
            guid="en-rain",
            title="Rain in the valley",
            body="Heavy rain fell all day.",
            source="bbc",
            language="en",
        ),
    ],
    [  # undated, no authors, no language (no letters where the language is guessed)
        Article(
            guid="figures",
            title="2017 / 02",
            # 2,200 characters of figures: more than the language detector samples.
            body="1,204 / 3,377 / 9,010 " * 100 + "\nThe minister's figures.",
            source="bbc",
        ),
    ],
    [  # dated and authored again, after the segments without those columns
        Article(
            guid="en-budget",
            title="Minister presents budget",
            body="The finance minister presented the budget.",
            source="wire",
            author="Jane Smith",
            language="en",
            published=_day(8),
        ),
    ],
]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[Store, SearchIndex]]:
    store = Store(tmp_path / "library.sqlite3")
    index = SearchIndex(tmp_path / "index")
    for batch in SEGMENTS:
        store.add_articles(batch)
        index.catch_up(store)
    yield store, index
    index.close()
    store.close()


def find(library: tuple[Store, SearchIndex], query: str, **kwargs: object) -> list[str]:
    """Guids of every hit, in result order."""
    store, index = library
    results = index.search(query, store, limit=100, **kwargs)
    guids = []
    for hit in results.hits:
        article = store.get(hit.id)
        assert article is not None
        guids.append(article.guid)
    assert results.total == len(guids), query
    return guids


def test_the_fixture_has_segments_without_columns(library: tuple[Store, SearchIndex]) -> None:
    _, index = library
    with index._open().reader() as reader:  # noqa: SLF001
        segments = [leaf for leaf, _ in reader.leaf_readers()]
        assert len(segments) == len(SEGMENTS)
        assert [s.has_column("published") for s in segments] == [True, False, False, True]
        assert [bool(s.has_column("lang")) for s in segments] == [True, True, False, True]


def test_columns_read_in_one_go_equal_whoosh_reading_each_value(
    library: tuple[Store, SearchIndex],
) -> None:
    """The document table reads a segment's column at once (reader.search.doctable); it
    must give what Whoosh's readers give value by value, defaults and all, including a
    deleted document and segments without the column."""
    from reader.search.doctable import _column_values

    store, index = library
    store.replace_body(1, "A new body: the index replaces the document, deleting the old.")
    index.catch_up(store)
    with index._open().reader() as reader:  # noqa: SLF001
        assert reader.has_deletions()
        for field in ("id", "published", "lang"):
            one_by_one = [v for leaf, _ in reader.leaf_readers() for v in leaf.column_reader(field)]
            assert list(_column_values(reader, field)) == one_by_one, field
            assert len(one_by_one) == reader.doc_count_all()


def test_language_filter(library: tuple[Store, SearchIndex]) -> None:
    assert set(find(library, "lang:en minister")) == {"en-minister", "en-budget"}
    assert set(find(library, "lang:ar")) == {"ar-minister", "ar-budget"}
    assert set(find(library, "-lang:en")) == {"ar-minister", "ar-budget", "figures"}
    assert set(find(library, "-lang:ar minister")) == {"en-minister", "en-budget", "figures"}


def test_date_filters(library: tuple[Store, SearchIndex]) -> None:
    assert set(find(library, "after:2017-02-06")) == {"ar-budget", "en-budget"}
    assert set(find(library, "before:2017-02-06")) == {"ar-minister"}
    assert set(find(library, "minister after:2017-02-01")) == {"en-budget"}
    # Undated articles never match a date filter, negated or not (see QUERY_HELP).
    assert set(find(library, "-after:2017-02-06")) == {"ar-minister"}


def test_filter_only_lists_are_newest_first_with_undated_last(
    library: tuple[Store, SearchIndex],
) -> None:
    order = find(library, "lang:en")
    assert order[0] == "en-budget"
    assert set(order[1:]) == {"en-minister", "en-rain"}


def test_date_sort_puts_undated_hits_last(library: tuple[Store, SearchIndex]) -> None:
    order = find(library, "minister OR وزير", sort="date")
    assert order[:2] == ["en-budget", "ar-minister"]
    assert set(order[2:]) == {"en-minister", "figures"}


def test_author_search_across_segments(library: tuple[Store, SearchIndex]) -> None:
    assert find(library, "author:smith") == ["en-budget"]
    assert set(find(library, "author:واس")) == {"ar-minister", "ar-budget"}


def test_updated_articles_leave_deleted_copies_in_older_segments(
    library: tuple[Store, SearchIndex],
) -> None:
    # Each update deletes the old copy in its segment and adds one new segment; filters
    # and date order must skip the deleted copies, dated or not.
    store, index = library
    by_guid = {a.guid: a for batch in SEGMENTS for a in batch}
    for guid, body in (("ar-budget", "أقرت الحكومة الميزانية."), ("en-rain", "Light rain.")):
        store.add_articles([replace(by_guid[guid], body=body)], update=True)
        assert index.catch_up(store) == 1
    assert set(find(library, "after:2017-02-06")) == {"ar-budget", "en-budget"}
    assert find(library, "lang:ar") == ["ar-budget", "ar-minister"]
    order = find(library, "lang:en")
    assert order[0] == "en-budget" and set(order[1:]) == {"en-minister", "en-rain"}
    assert find(library, "rain") == ["en-rain"]
    assert find(library, "heavy") == []
