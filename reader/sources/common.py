"""Pieces every source parser shares: failures and derived titles.

Body and field cleaning (`normalise_body`, `clean_field`) lives in `reader.text.body`, below
the store, which needs it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.text.body import TRANSLATION_LINK_LABELS

__all__ = ["ParseFailure", "derive_title"]

DERIVED_TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """Why a file, or one record in it, did not become an article.

    `where` is appended to the file's origin: "" for the whole file, "#17" for a record.
    """

    reason: str
    where: str = ""


def derive_title(body: str, limit: int = DERIVED_TITLE_CHARS) -> str:
    """A title for an untitled article: the first words of its first paragraph.

    Cut at a word boundary with an ellipsis, so the list pane shows something readable and
    no article is dropped for lacking a title.
    """
    first = body.split("\n", 1)[0].strip()
    if first in TRANSLATION_LINK_LABELS:  # the label says nothing about this story
        rest = body.split("\n", 2)
        first = rest[1].strip() if len(rest) > 1 else ""
    if len(first) <= limit:
        return first
    cut = first[:limit]
    if not first[limit].isspace() and len(cut.split(None, 1)) > 1:
        cut = cut.rsplit(None, 1)[0]  # we stopped mid-word: drop the partial word
    return cut.rstrip(" ,;:.-–—،؛") + "…"
