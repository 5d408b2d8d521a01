"""What is indexed: the Whoosh schema and the document made from an article."""

from __future__ import annotations

from pickle import dumps
from typing import Any

from whoosh import fields as wf
from whoosh.formats import Positions
from whoosh.system import pack_uint

from reader.models import Article
from reader.search.analysis import FIELD_BREAK, BilingualAnalyzer, PlainAnalyzer
from reader.text.language import article_language

__all__ = ["SCHEMA_VERSION", "Text", "article_document", "build_schema"]

# Bump when the schema or the meaning of a field changes: existing indexes are rebuilt.
SCHEMA_VERSION = 1


class Text(wf.TEXT):
    """Whoosh's TEXT, indexed through `BilingualAnalyzer.postings` rather than a Token per
    word and a generator per field: the same postings, byte for byte (the encoding is
    `Positions.encode`'s), in about half the time. Anything else takes Whoosh's path."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        analyzer = self.analyzer
        if (
            kwargs
            or type(self.format) is not Positions
            or not isinstance(value, str)
            or not isinstance(analyzer, BilingualAnalyzer)
        ):
            return super().index(value, **kwargs)
        poses, weights = analyzer.postings(value)
        field_boost = self.format.field_boost
        items = []
        for word, positions in poses.items():
            deltas = []
            base = 0
            for pos in positions:
                deltas.append(pos - base)
                base = pos
            value_bytes = pack_uint(len(deltas)) + dumps(deltas, 2)
            items.append(
                (word.encode("utf-8"), len(positions), weights[word] * field_boost, value_bytes)
            )
        return items


def build_schema() -> wf.Schema:
    """The index fields.

    `content` holds title and body together, title words weighing TITLE_WEIGHT (3): that
    is BM25F as Robertson et al. define it (weighted term frequencies, one saturation),
    and one posting list per word instead of a title/body union is what keeps common
    words fast (measured in benchmarks/bench_search.py). `title` alone serves title:.
    `id`, `lang` and `published` are columns too, for filters and the date sort.
    """
    text = BilingualAnalyzer()
    return wf.Schema(
        id=wf.NUMERIC(
            int, bits=64, signed=False, stored=True, unique=True, shift_step=0, sortable=True
        ),
        title=Text(analyzer=text, phrase=True),
        content=Text(analyzer=text, phrase=True),
        source=Text(analyzer=PlainAnalyzer(), phrase=True),
        author=Text(analyzer=text, phrase=True),
        lang=wf.ID(sortable=True),
        # Seconds since 1970 UTC; undated articles get no term and sort last (default 0).
        published=wf.NUMERIC(int, bits=64, signed=True, sortable=True, default=0, shift_step=8),
    )


def _language(article: Article) -> str | None:
    if article.language:
        return article.language.lower().split("-")[0]
    # Unknown: the one detector the sources use too.
    return article_language(article.title, article.body)


def article_document(article: Article) -> dict[str, Any]:
    """The fields Whoosh indexes for `article`."""
    doc: dict[str, Any] = {
        "id": int(article.id or 0),
        "title": article.title,
        "content": article.title + FIELD_BREAK + article.body,
    }
    if article.source:
        doc["source"] = article.source
    if article.author:
        doc["author"] = article.author
    lang = _language(article)
    if lang:
        doc["lang"] = lang
    if article.published is not None:
        doc["published"] = int(article.published.timestamp())
    return doc
