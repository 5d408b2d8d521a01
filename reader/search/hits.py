"""One page of search results as Hits: the articles read from the store in one query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.models import Hit
from reader.search.snippets import Matcher, make_snippet

if TYPE_CHECKING:
    from reader.store import Store

__all__ = ["build_hits"]


def build_hits(
    page: list[tuple[int, float]], highlight: Any, store: Store, *, sort: str
) -> list[Hit]:
    """Hits for `page`'s (article id, score) pairs, in order, with snippets; articles no
    longer in the store are left out (the index will be rebuilt)."""
    articles = store.articles_by_ids([i for i, _ in page])
    match = Matcher(highlight)
    hits: list[Hit] = []
    for article_id, score in page:
        article = articles.get(article_id)
        if article is None:
            continue
        hits.append(
            Hit(
                id=article_id,
                score=float(score or 0.0) if sort == "relevance" else 0.0,
                title=article.title,
                source=article.source,
                language=article.language,
                published=article.published,
                snippet=make_snippet(article.body, article.title, match),
            )
        )
    return hits
