"""Related stories: other stories on an article's subject, for the reading pane.

Whoosh's "more like this": the article's key terms (`Searcher.key_terms_from_text`, the
Bo1 divergence-from-randomness model over the `content` field, so the bilingual analyzer's
terms, title words weighing TITLE_WEIGHT) become one OR query with the terms' weights as
boosts, scored by the index's BM25F. The best CANDIDATES documents are then weighted by
recency (how far in time from the article: `RECENCY_DAYS` apart halves the weight of the
recency half), the article's own story is left out, and each story appears once.

Reads the article's text from the store (the index stores no text), so it needs the index
built; it raises the index's errors (IndexNotReadyError and friends) as `search` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from whoosh import query as wq

from reader.search.analysis import FIELD_BREAK
from reader.search.errors import SearchError

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.store import Store

__all__ = ["RelatedStory", "find_related"]

KEY_TERMS = 8  # terms of the article searched for (more: slower, blurrier)
CANDIDATES = 30  # documents scored before recency weighting and story grouping
RECENCY_DAYS = 30.0
BODY_CHARS = 1_500  # key terms come from the opening (measured: 6,000 took 3x as long)


@dataclass(frozen=True, slots=True)
class RelatedStory:
    """A story related to an article: its best matching article, and the story's size."""

    id: int  # the matching article
    story_id: int
    title: str
    source: str | None
    language: str | None
    published: datetime | None
    score: float  # relevance x recency weight
    articles: int  # articles in that story


def _recency(a: datetime | None, b: datetime | None) -> float:
    """1 for the same moment, falling to 0.5 far apart; 0.75 when either is undated."""
    if a is None or b is None:
        return 0.75
    days = abs((a - b).total_seconds()) / 86400
    return 0.5 + 0.5 * math.exp(-days * math.log(2) / RECENCY_DAYS)


def find_related(
    index: SearchIndex, article_id: int, store: Store, limit: int = 5
) -> list[RelatedStory]:
    """Up to `limit` other stories on the article's subject, best first (module docstring).
    An article not in the store has none."""
    article = store.get(article_id)
    if article is None:
        return []
    own_story = store.story_id_of(article_id)
    text = article.title + FIELD_BREAK + article.body[:BODY_CHARS]
    with index._lock:  # noqa: SLF001 - the index's own package
        searcher = index._get_searcher()  # noqa: SLF001
        try:
            table = index._table(searcher)  # noqa: SLF001
            size = len(table.docnum_by_id)
            docnum = table.docnum_by_id[article_id] if 0 <= article_id < size else -1
            terms = searcher.key_terms_from_text(
                "content", text, numterms=KEY_TERMS, normalize=False
            )
            if not terms:
                return []
            q = wq.Or([wq.Term("content", word, boost=weight) for word, weight in terms])
            results = searcher.search(q, limit=CANDIDATES, mask={docnum} if docnum >= 0 else None)
            page = [(table.ids[hit.docnum], float(hit.score or 0.0)) for hit in results]
        except SearchError:
            raise
        except Exception as error:
            raise index._read_failure(error) from error  # noqa: SLF001
    rows = store.rows_by_ids([i for i, _ in page])
    stories = store.story_ids([i for i, _ in page if i in rows])
    scored = sorted(
        (
            (score * _recency(rows[i].published, article.published), i)
            for i, score in page
            if i in rows and stories[i] != own_story
        ),
        reverse=True,
    )
    chosen: dict[int, tuple[float, int]] = {}
    for score, i in scored:
        chosen.setdefault(stories[i], (score, i))
        if len(chosen) >= limit:
            break
    sizes = {story: c[0] for story, c in store.story_counts(list(chosen)).items()}
    return [
        RelatedStory(
            id=i,
            story_id=story,
            title=rows[i].title,
            source=rows[i].source,
            language=rows[i].language,
            published=rows[i].published,
            score=score,
            articles=sizes.get(story, 1),
        )
        for story, (score, i) in chosen.items()
    ]
