"""Plain-text articles, the format of the bundled seeds and the BBC corpus.

The first non-empty line is the title; every later non-empty line is a paragraph. A file
named `NAME.LANG.txt` (LANG a two-letter code) is the LANG edition of story NAME; editions
of one story sit side by side (`NAME.txt`, `NAME.ar.txt`) and the importer links them.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from reader.models import Article
from reader.sources.common import ParseFailure
from reader.text.body import clean_field, normalise_body
from reader.text.i18n import _, number
from reader.text.language import article_language
from reader.text.sanitize import clean_text

__all__ = [
    "MAX_TEXT_BYTES",
    "decode_text",
    "parse_text",
    "read_text_file",
    "split_name",
]

MAX_TEXT_BYTES = 64 * 1024 * 1024  # no article is this long; a file this big is a mistake

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy encodings of our two languages, tried first. Unrestricted detection reads
# bbc/sport/199.txt (Latin-1, one "£") as Japanese cp932, and French cp1252 as cp1250.
_LEGACY = ["cp1252", "cp1256"]
# C0 and C1 controls other than whitespace and ESC (escape sequences are stripped later),
# plus the replacement character: text has almost none of them, binary data has many.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_BINARY_SAMPLE = 4096
_BINARY_RATIO = 0.05
_NAME_LANG = re.compile(r"(?P<name>.+)\.(?P<lang>[A-Za-z]{2})")


def split_name(filename: str) -> tuple[str, str | None]:
    """("story", "ar") for "story.ar.txt", ("story", None) for "story.txt"."""
    stem = filename[:-4] if filename.lower().endswith(".txt") else filename
    match = _NAME_LANG.fullmatch(stem)
    if match:
        return match["name"], match["lang"].lower()
    return stem, None


def _looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE]
    controls = len(sample) - len(_CONTROL.sub("", sample))
    return controls > _BINARY_RATIO * len(sample)


def decode_text(data: bytes) -> str | ParseFailure:
    """The text of a file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else the legacy
    encoding charset-normalizer finds. A failure, not an exception, for binary data."""
    if not data:
        return ParseFailure(_("empty file"))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as error:
                return ParseFailure(
                    _("not valid {codec} text despite its byte-order mark: {error}").format(
                        codec=codec, error=error
                    )
                )
    if b"\x00" in data:  # no 8-bit text encoding uses NUL; UTF-16 without a BOM is too rare
        return ParseFailure(_("binary file, not text (it contains NUL bytes)"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        guess = from_bytes(data, cp_isolation=_LEGACY).best() or from_bytes(data).best()
        if guess is None:
            return ParseFailure(_("not text: no known encoding decodes it (binary file?)"))
        text = str(guess)
    if _looks_binary(text):
        return ParseFailure(_("binary file, not text (too many control characters)"))
    return text


def parse_text(
    data: bytes,
    *,
    source: str | None = None,
    language: str | None = None,
    translation_group: str | None = None,
) -> Article | ParseFailure:
    """One article from the bytes of a text file.

    `language` (from the file name) wins over detection; `source` and `translation_group`
    are set as given.
    """
    text = decode_text(data)
    if isinstance(text, ParseFailure):
        return text
    lines = clean_text(text).split("\n")
    for index, line in enumerate(lines):
        title = clean_field(line)
        if title:
            body = normalise_body("\n".join(lines[index + 1 :]), cleaned=True)
            return Article(
                title=title,
                body=body,
                source=clean_field(source),
                language=language or article_language(title, body),
                translation_group=translation_group,
            )
    return ParseFailure(_("empty file"))


def read_text_file(
    path: Path | str,
    *,
    source: str | None = None,
    translation_group: str | None = None,
) -> Article | ParseFailure:
    """Parse a text file; its name sets the language when it has the `NAME.LANG.txt` form."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            return ParseFailure(
                _("too large for an article ({size} bytes)").format(size=number(size))
            )
        data = path.read_bytes()
    except OSError as error:
        return ParseFailure(_("cannot read: {error}").format(error=error.strerror or error))
    return parse_text(
        data,
        source=source,
        language=split_name(path.name)[1],
        translation_group=translation_group,
    )
