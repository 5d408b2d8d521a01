"""The importer on the real corpora in ../shared/corpora (skipped when they are absent)."""

from __future__ import annotations

import json
import time
import zipfile

import pytest

from reader.models import Article
from reader.sources.importer import import_paths
from reader.store import ListFilter, Store
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


def _saudi_records() -> list[dict[str, str]]:
    records = []
    for path in sorted((CORPORA / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                records.extend(json.loads(archive.read(name)))
    return records


def _expected() -> tuple[int, int, int]:
    """Records, records with neither title nor content, and how many records the store
    must count as repeats (BBC files have no url, so a repeat is the same text; SaudiNewsNet
    records have a url, so a repeat is the same url, or the same source, title and body
    when the body has 100 characters or more): computed without the importer."""
    records, empty, texts, urls, repeats = 0, 0, set(), set(), 0
    stories: set[tuple[str, str, str]] = set()
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
    for record in _saudi_records():
        records += 1
        empty += not record["title"].strip() and not record["content"].strip()
        body = _paragraphs(record["content"])
        story = (record["source"], " ".join(record["title"].split()), body)
        repeats += record["url"] in urls or (len(body) >= 100 and story in stories)
        urls.add(record["url"])
        if len(body) >= 100:
            stories.add(story)
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


def test_saudinewsnet_republished_copies_are_merged(store: Store, tmp_path) -> None:
    """al-madina republishes stories under a second link ending in `?weekly` (issue 8):
    real records, imported together, give one article each, and stay read."""
    records = _saudi_records()
    by_url = {record["url"]: record for record in records}
    pairs = [
        (by_url[url.removesuffix("?weekly")], record)
        for url, record in by_url.items()
        if url.endswith("?weekly") and url.removesuffix("?weekly") in by_url
    ]
    assert len(pairs) == 440
    substantive = [pair for pair in pairs if len(pair[0]["content"].strip()) >= 100][:50]
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps([r for pair in substantive for r in pair]), "utf-8")
    first = import_paths(store, [path])
    assert (first.added, first.duplicates, first.same_text) == (50, 50, 50)
    for article_id in first.ids:
        store.set_read(article_id, True)
    again = import_paths(store, [path])
    assert (again.added, again.duplicates) == (0, 100)
    assert store.count() == 50 == store.count(ListFilter(starred_only=False))
    assert store.stats()["unread"] == 0


def test_saudinewsnet_cartoons_with_empty_bodies_stay_apart(store: Store, tmp_path) -> None:
    """One paper's cartoons share the title "كاريكاتير" and an empty body: different pieces."""
    cartoons = [
        r
        for r in _saudi_records()
        if r["source"] == "almadina"
        and r["title"].strip() == "كاريكاتير"
        and not r["content"].strip()
    ]
    distinct = {r["url"].split("?")[0] for r in cartoons}
    assert len(distinct) > 20
    path = tmp_path / "cartoons.json"
    path.write_text(json.dumps(cartoons), "utf-8")
    report = import_paths(store, [path])
    assert report.added == len({r["url"] for r in cartoons}) == len(cartoons)


def test_saudinewsnet_entities_are_decoded(store: Store, tmp_path) -> None:
    """Titles and authors hold `&quot;` and `&nbsp;` literally (issue 14)."""
    quoted = [r for r in _saudi_records() if "&quot;" in r["title"] or "&nbsp;" in r["author"]]
    assert len(quoted) > 300
    path = tmp_path / "quoted.json"
    path.write_text(json.dumps(quoted), "utf-8")
    report = import_paths(store, [path])
    assert report.ok and report.added + report.duplicates == len(quoted)
    for article_id in report.ids:
        article = store.get(article_id)
        assert article is not None
        for text in (article.title, article.author or "", article.body):
            assert "&quot;" not in text and "&nbsp;" not in text and "&#" not in text
