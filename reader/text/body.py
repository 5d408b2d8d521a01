"""The shape of article text from files: paragraphs, one-line fields, translation labels.

`normalise_body` and `clean_field` are the door for text from files (JSON, plain text):
they decode HTML character references the scrapers left in (`&quot;`), then clean. Feed
text is converted from HTML elsewhere and must not come through here (it would be
decoded twice). They live below the store, which applies them again when it migrates
an old library, and below the layout, which recognises the translation label.
"""

from __future__ import annotations

import re

from reader.text.sanitize import clean_line, clean_text, decode_entities

__all__ = ["TRANSLATION_LINK_LABELS", "clean_field", "normalise_body", "split_link_label"]

# Labels that scraped bilingual stories put before the first paragraph, pointing to the other
# edition. The importer gives the label its own paragraph, exactly as written here, so the UI
# can recognise it with `paragraph in TRANSLATION_LINK_LABELS` and render it as a link.
TRANSLATION_LINK_LABELS: tuple[str, ...] = (
    "إقرأ هذا الخبر بالعربية",
    "اقرأ هذا الخبر بالعربية",
    "Read this story in English",
    "Read this article in English",
)
_LABELS_FOLDED = tuple((label.casefold(), label) for label in TRANSLATION_LINK_LABELS)
_AFTER_LABEL = " \t:|-–—»›>"  # separators a page may put between the label and the text

# Lone surrogates survive json.loads ("\ud800") but SQLite cannot encode them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def split_link_label(paragraph: str) -> list[str]:
    """[label, rest] when `paragraph` begins with a translation link label, else [paragraph].

    The seed scraper glued the label to the first paragraph without a newline.
    """
    for label_folded, label in _LABELS_FOLDED:
        if paragraph[: len(label)].casefold() == label_folded:
            rest = paragraph[len(label) :].lstrip(_AFTER_LABEL)
            return [label, rest] if rest else [label]
    return [paragraph]


def normalise_body(text: str, *, cleaned: bool = False) -> str:
    """Clean untrusted body text into paragraphs separated by single newlines.

    Blank lines are dropped and each paragraph is stripped, so bodies from every source have
    the shape `Article.body` documents, and equal stories hash equal for deduplication.
    HTML character references are decoded (once), then the text is cleaned: `cleaned=True`
    skips cleaning for text that has just been through `clean_text`, unless decoding
    changed it (`&#27;` is an ESC).
    """
    decoded = decode_entities(text)
    if not cleaned or decoded != text:
        text = clean_text(_SURROGATE.sub("\ufffd", decoded))
    paragraphs = [stripped for line in text.split("\n") if (stripped := line.strip())]
    if paragraphs:
        paragraphs[0:1] = split_link_label(paragraphs[0])
    return "\n".join(paragraphs)


def clean_field(value: str | None, *, decode: bool = True) -> str | None:
    """A one-line field (title, author, source, url) with HTML character references decoded
    and cleaned; None when nothing is left. `decode=False` for text made from fields that
    were decoded already (a title derived from the body), so nothing is decoded twice."""
    if value is None:
        return None
    if decode:
        value = decode_entities(value)
    cleaned = clean_line(_SURROGATE.sub("\ufffd", value)).strip()
    return cleaned or None
