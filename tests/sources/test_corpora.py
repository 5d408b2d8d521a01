"""The importer on the real corpora in ../shared/corpora (skipped when they are absent)."""

from __future__ import annotations

import json
import time
import zipfile

import pytest

from reader.models import Article
from reader.sources.importer import import_paths
from reader.store import Store
from tests.sources.conftest import CORPORA

BBC_ARTICLES = 2225
SAUDI_ARTICLES = 31030

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")


def test_bbc_latin1_article(store: Store) -> None:
    path = CORPORA / "bbc" / "sport" / "199.txt"
    report = import_paths(store, [path])
    assert report.ok and report.added == 1
    article = store.get(report.ids[0])
    assert isinstance(article, Article)
    assert article.title == "Chelsea sack Mutu"
    assert "Chelsea have decided to write off a possible transfer fee for Mutu, a £15.8m " in (
        article.body
    )
    assert "\ufffd" not in article.body
    assert article.language == "en"
    first, second = article.body.split("\n")  # two paragraphs
    assert first == "Chelsea have sacked Adrian Mutu after he failed a drugs test."
    assert second.startswith("The 25-year-old tested positive for a banned substance")


def _paragraphs(text: str) -> str:
    return "\n".join(stripped for line in text.splitlines() if (stripped := line.strip()))


def _expected() -> tuple[int, int, int]:
    """Records, records with neither title nor content, and how many records the store
    must count as repeats (BBC files have no url, so a repeat is the same text; SaudiNewsNet
    records have a url, so a repeat is the same url): computed without the importer."""
    records, empty, texts, urls, repeats = 0, 0, set(), set(), 0
    for path in sorted((CORPORA / "bbc").glob("*/*.txt")):
        records += 1
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        title, _, body = text.strip().partition("\n")
        key = (" ".join(title.split()), _paragraphs(body))
        repeats += key in texts
        texts.add(key)
    for path in sorted((CORPORA / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for record in json.loads(archive.read(name)):
                    records += 1
                    empty += not record["title"].strip() and not record["content"].strip()
                    repeats += record["url"] in urls
                    urls.add(record["url"])
    return records, empty, repeats


@pytest.mark.slow
def test_both_corpora(store: Store) -> None:
    started = time.perf_counter()
    report = import_paths(store, [CORPORA / "bbc", CORPORA / "saudinewsnet"])
    elapsed = time.perf_counter() - started
    print(f"\nimported both corpora in {elapsed:.1f} s: {report.added} added")

    records, empty, repeats = _expected()
    assert records == BBC_ARTICLES + SAUDI_ARTICLES == 33_255
    assert report.failures == []
    # 57 SaudiNewsNet records carry only a link: they are kept, named by the URL's slug.
    assert empty == 57
    assert report.duplicates == repeats
    assert report.added + report.duplicates == records
    assert report.skipped == 1  # bbc/README.TXT describes the data set
    assert store.count() == report.added == len(report.ids)

    stats = store.stats()
    assert stats["arabic"] + stats["english"] == report.added  # every article has a language
    assert stats["arabic"] > 0.99 * (SAUDI_ARTICLES - repeats)
    # SaudiNewsNet records carry a source and a date; BBC text files carry neither.
    rows = store.page(0, report.added)
    assert all((row.source is None) == (row.published is None) for row in rows)
    assert sum(row.source is None for row in rows) == 2225 - 98  # 98 BBC files repeat others
