"""Small libraries built in temp dirs: a real Store and a real SearchIndex."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.models import Article
from reader.search.index import SearchIndex
from reader.store import Store


def _day(day: int, hour: int = 12) -> datetime:
    return datetime(2015, 7, day, hour, tzinfo=UTC)


# Each article has a key (its guid) so tests can name it; see `ids`.
ARTICLES = [
    Article(
        guid="gov",
        title="الحكومة تعلن خطة جديدة للتعليم",
        body="أعلنت الحكومة السعودية اليوم عن خطة جديدة.\nوقالت وزارة الصحة إن الحكومات الأخرى "
        "ستتبع الخطة في العام المقبل.",
        source="alriyadh",
        author="واس - الرياض",
        language="ar",
        published=_day(20),
    ),
    Article(
        guid="minister",
        title="وزير الصحة يزور المستشفى",
        body="زار وزير الصحة المستشفى الجديد في جدة، والتقى بالأطباء.",
        source="okaz",
        language="ar",
        published=_day(21),
    ),
    Article(
        guid="visit",
        title="زيارة",
        body="زار الرئيس المدينة أمس وزارها مرة أخرى.",
        source="sabq",
        language="ar",
        published=_day(22),
    ),
    Article(
        guid="football",
        title="كُرَة القَدَم السعودية",
        body="فاز الهلال في مباراة كرة القدم بثلاثة أهداف ٣ مقابل هدف، في ٢٠١٥.",
        source="arriyadiyah",
        language="ar",
        published=_day(23),
    ),
    Article(
        guid="elections",
        title="الانتخابات البلدية",
        body="تبدأ إنتخابات المجالس البلدية قريباً، وللحكومة دور كبير فيها.",
        source="alwatan",
        language="ar",
        published=_day(24),
    ),
    Article(
        guid="runners",
        title="Runners gather in the park",
        body="She runs every morning. Running is good for the heart.\nThe run took an hour.",
        source="bbc",
        author="Jane Smith",
        language="en",
        published=_day(20, 8),
    ),
    Article(
        guid="oil",
        title="Oil prices rise",
        body="Oil prices rose on Monday as interest rates stayed high. Gas prices fell.",
        source="bbc",
        author="John Brown",
        language="en",
        published=_day(25),
    ),
    Article(
        guid="gas",
        title="Gas supply worries",
        body="Gas supplies are short this winter, the economy minister said.",
        source="reuters",
        language="en",
        published=_day(26),
    ),
    Article(
        guid="rates",
        title="Interest rates held",
        body="The bank held interest rates. Rates of interest on savings are low. "
        "Economists expect economic growth.",
        source="bbc",
        language="en",
        published=_day(27),
    ),
    Article(
        guid="undated",
        title="Politics without a date",
        body="Political parties and politics in general.",
        source="bbc",
        language="en",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "library.sqlite3")
    store.add_articles(ARTICLES)
    yield store
    store.close()


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """guid → article id."""
    found: dict[str, int] = {}
    for article_id in range(1, store.count() + 1):
        article = store.get(article_id)
        assert article is not None and article.guid
        found[article.guid] = article_id
    return found


@pytest.fixture
def index(tmp_path: Path, store: Store) -> Iterator[SearchIndex]:
    index = SearchIndex(tmp_path / "index")
    index.catch_up(store)
    yield index
    index.close()
