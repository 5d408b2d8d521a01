"""Running a parsed query on a searcher: the filters as document-number sets, and one pass of
Whoosh's collectors that scores (or sorts), filters and counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whoosh import collectors
from whoosh.sorting import FieldFacet

from reader.search.doctable import DocTable
from reader.search.query import ParsedQuery
from reader.store import ListFilter

if TYPE_CHECKING:
    from reader.store import Store

__all__ = ["collect", "filter_sets"]


def filter_sets(
    parsed: ParsedQuery, table: DocTable, store: Store
) -> tuple[set[int] | None, set[int]]:
    """(allow, deny) document-number sets for the top-level filters."""
    allow: set[int] | None = None
    deny: set[int] = set()

    def narrow(docs: set[int]) -> None:
        nonlocal allow
        allow = docs if allow is None else allow & docs

    for lang, include in parsed.langs:
        docs = table.lang_docs(lang)
        if include:
            narrow(docs)
        else:
            deny |= docs
    if parsed.since is not None or parsed.until is not None:
        narrow(table.published_between(parsed.since, parsed.until))
    total = store.count()
    for flag, value in parsed.flags:
        # Read/starred state lives in the store: fetch whichever side is smaller.
        if flag == "read":
            true_count = total - store.count(ListFilter(unread_only=True))
        else:
            true_count = store.count(ListFilter(starred_only=True))
        wanted_count = true_count if value else total - true_count
        if wanted_count <= total - wanted_count:
            narrow(table.docnums(store.ids_with_flag(flag, value)))
        else:
            deny |= table.docnums(store.ids_with_flag(flag, not value))
    return allow, deny


def collect(
    searcher: Any,
    table: DocTable,
    parsed: ParsedQuery,
    allow: set[int] | None,
    deny: set[int],
    offset: int,
    limit: int,
    sort: str,
) -> tuple[int, list[tuple[int, float]]]:
    """(total, page of (article id, score)) for a query with words; score 0 by date."""
    # An exact total needs every match visited. Whoosh's TopCollector prunes twice:
    # block-max skipping (usequality) and replacing matchers that can no longer beat
    # the N-th score (replace=10 by default; it even drops OR branches), and then
    # reports a total that is too small (measured: 457 instead of 2,211 for an OR of
    # two terms). Both are off here, so the one scoring pass also counts; the block-max
    # search plus Whoosh's second counting pass was slower on our query set.
    collector: Any
    if sort == "date":
        collector = collectors.SortingCollector(
            FieldFacet("published", reverse=True), limit=offset + limit
        )
    else:
        collector = collectors.TopCollector(offset + limit, usequality=False, replace=0)
    if allow is not None or deny:
        collector = collectors.FilterCollector(collector, allow, deny or None)
    searcher.search_with_collector(parsed.query, collector)
    results = collector.results()
    ids = table.ids  # the article ids from the table: no stored-fields read per hit
    page = [
        (ids[docnum], score if sort == "relevance" else 0.0)
        for score, docnum in results.top_n[offset : offset + limit]
    ]
    return len(results), page
