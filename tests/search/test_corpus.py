"""Search on real news (skipped when ../shared/corpora is absent).

A module-wide library: the BBC set plus two days of SaudiNewsNet (about 4,800 articles),
loaded by a small local reader so these tests do not depend on the importers.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.models import Article
from reader.search.analysis import BilingualAnalyzer
from reader.search.index import SearchIndex
from reader.store import Store
from tests.conftest import CORPORA

ZIPS = ("2015-07-23.zip", "2015-08-01.zip")


def _bbc(root: Path) -> Iterator[Article]:
    for path in sorted(root.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # sport/199.txt is Latin-1
            text = raw.decode("latin-1")
        title, _, rest = text.strip().partition("\n")
        body = "\n".join(p.strip() for p in rest.split("\n\n") if p.strip())
        yield Article(title=title.strip(), body=body, source="bbc", language="en")


def _saudi(root: Path) -> Iterator[Article]:
    for name in ZIPS:
        with zipfile.ZipFile(root / name) as archive:
            for member in archive.namelist():
                for item in json.loads(archive.read(member)):
                    date = datetime.strptime(item["date_extracted"], "%Y-%m-%d %H:%M:%S")
                    yield Article(
                        title=item["title"] or "",
                        body=item["content"] or "",
                        url=item["url"] or None,
                        source=item["source"],
                        author=item["author"] or None,
                        language="ar",
                        published=date.replace(tzinfo=UTC),
                    )


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SearchIndex]]:
    if not (CORPORA / "bbc").is_dir() or not (CORPORA / "saudinewsnet").is_dir():
        pytest.skip("../shared/corpora is not present")
    home = tmp_path_factory.mktemp("corpus")
    store = Store(home / "library.sqlite3")
    store.add_articles(_bbc(CORPORA / "bbc"))
    store.add_articles(_saudi(CORPORA / "saudinewsnet"))
    index = SearchIndex(home / "index")
    index.catch_up(store)
    yield store, index
    index.close()
    store.close()


def hits(library: tuple[Store, SearchIndex], query: str) -> set[int]:
    store, index = library
    results = index.search(query, store, limit=10_000)
    found = {h.id for h in results.hits}
    assert len(found) == results.total
    return found


@pytest.mark.parametrize(
    "variants",
    [
        ["الحكومة", "حكومة", "للحكومة", "الحكومات", "والحكومة", "بالحكومة", "وللحكومة"],
        ["الانتخابات", "إنتخابات", "انتخابات", "والانتخابات"],
        ["كُرَة القَدَم", "كرة القدم", "الكرة القدم", "كـرة الـقـدم"],
        ["المملكة", "مملكة", "للمملكة", "بالمملكة", "كالمملكة", "فالمملكة", "وللمملكة"],
        ["مستشفى", "المستشفى", "المستشفي", "مستشفي"],
        ["وزارة", "الوزارة", "للوزارة", "والوزارة", "بالوزارة", "وزارات"],
        ["أمير", "الأمير", "امير", "الامير", "إمير"],
        ["run", "running", "runs", "Run"],
        ["election", "elections", "Elections"],
        ["government", "governments"],
    ],
)
def test_spelling_variants_give_the_same_hit_set(library, variants: list[str]) -> None:
    first = hits(library, variants[0])
    assert first, variants[0]
    for variant in variants[1:]:
        assert hits(library, variant) == first, variant


def test_ministry_is_not_visiting(library) -> None:
    ministry, visited = hits(library, "وزارة"), hits(library, "زار")
    assert ministry and visited
    store, _ = library
    # Every hit for وزارة really contains the word (light10 would add زار/زارها articles).
    analyzer = BilingualAnalyzer()
    for article_id in ministry:
        article = store.get(article_id)
        assert article is not None
        assert "وزار" in analyzer.terms(article.title + "\n" + article.body), article_id
    assert hits(library, "وزير") != ministry


def _adjacent(terms: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(terms[i : i + n]) == phrase for i in range(len(terms) - n + 1))


def test_totals_match_a_brute_force_scan(library) -> None:
    store, index = library
    analyzer = BilingualAnalyzer()
    since = datetime(2015, 8, 1, tzinfo=UTC)
    checks = {
        "الحكومة": lambda t, title, body, date: "حكوم" in t,
        "oil": lambda t, title, body, date: "oil" in t,
        "oil OR gas": lambda t, title, body, date: "oil" in t or "gas" in t,
        "oil prices": lambda t, title, body, date: "oil" in t and "price" in t,
        "الحكومة OR الوزارة": lambda t, title, body, date: "حكوم" in t or "وزار" in t,
        "السعودية -الرياض": lambda t, title, body, date: "سعود" in t and "رياض" not in t,
        "econom*": lambda t, title, body, date: any(x.startswith("econom") for x in t),
        '"كرة القدم"': lambda t, title, body, date: (
            _adjacent(title, ("كر", "قدم")) or _adjacent(body, ("كر", "قدم"))
        ),
        "السعودية after:2015-08-01": lambda t, title, body, date: (
            "سعود" in t and date is not None and date >= since
        ),
    }
    expected = dict.fromkeys(checks, 0)
    for article_id in range(1, store.count() + 1):
        article = store.get(article_id)
        assert article is not None
        title, body = analyzer.terms(article.title), analyzer.terms(article.body)
        terms = set(title) | set(body)
        for query, check in checks.items():
            expected[query] += bool(check(terms, title, body, article.published))
    for query, count in expected.items():
        assert count > 0, query
        assert index.search(query, store, limit=5).total == count, query


def test_snippets_highlight_real_matches(library) -> None:
    store, index = library
    analyzer = BilingualAnalyzer()
    for query, term in (("الحكومة", "حكوم"), ("running", "run"), ("الانتخابات", "انتخاب")):
        results = index.search(query, store, limit=20)
        assert results.hits
        for hit in results.hits:
            spans = hit.snippet.highlights
            if not spans:
                continue  # a title-only match
            for start, end in spans:
                assert analyzer.terms(hit.snippet.text[start:end]) == [term], query


def test_common_word_query_is_bounded(library) -> None:
    store, index = library
    results = index.search("قال", store, limit=20)
    assert results.total > 500
    assert len(results.hits) == 20
