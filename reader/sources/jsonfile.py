"""Articles from JSON: an array of objects, one object, or JSON Lines (one object a line).

Field names follow the common exports (SaudiNewsNet, scrapers, feed dumps): see the `*_KEYS`
tuples. A record that cannot become an article is a failure of that record only, reported
with its position: `#17` is the 0-based index in an array, or the 1-based line number in
JSON Lines (what an editor shows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from reader.models import Article
from reader.sources.common import ParseFailure, derive_title
from reader.sources.dates import parse_date
from reader.text.body import clean_field, normalise_body
from reader.text.i18n import N_, _, number_text
from reader.text.language import article_language

__all__ = [
    "MAX_LINE_BYTES",
    "iter_json",
    "iter_json_stream",
    "iter_json_lines",
    "record_to_article",
]

TITLE_KEYS = ("title",)
BODY_KEYS = ("content", "body", "text")
URL_KEYS = ("url", "link")
# Publication dates first; `date_extracted` (when a scraper saw it) is the fallback.
DATE_KEYS = ("published", "pubDate", "date", "date_extracted")
AUTHOR_KEYS = ("author",)
SOURCE_KEYS = ("source",)
LANGUAGE_KEYS = ("language", "lang")
GUID_KEYS = ("guid", "id")

# One JSON Lines record (one line) at most: far above any article (the largest of the
# corpora is under 1 MB), low enough that parsing it stays in bounded memory.
MAX_LINE_BYTES = 16 * 1024 * 1024
_INVALID = N_("invalid JSON: {error}")
_TOO_DEEP = N_("nested too deeply")
_SKIP_CHUNK = 1024 * 1024

_LANGUAGE_NAMES = {"arabic": "ar", "english": "en"}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# A guid is trusted only when it looks globally unique (a URI/URN/tag, or a long hex/UUID).
# Local ids such as 17 repeat across files, and the store treats a known guid as a
# duplicate: trusting them would silently drop different articles.
_GLOBAL_ID = re.compile(r"[^\s]*:[^\s]+|[0-9A-Fa-f-]{16,}")


def _text(value: Any, joiner: str = ", ") -> str | None:
    """A string from a JSON value: strings as they are, numbers printed, lists joined, and
    objects by their `name` (e.g. {"name": "Reuters"}); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        parts = [part for item in value if (part := _text(item, joiner))]
        return joiner.join(parts) if parts else None
    if isinstance(value, dict):
        return _text(value.get("name"), joiner)
    return None


def _first(record: dict[str, Any], keys: tuple[str, ...], joiner: str = ", ") -> str | None:
    for key in keys:
        value = _text(record.get(key), joiner)
        if value and value.strip():
            return value
    return None


def _language(record: dict[str, Any]) -> str | None:
    value = _first(record, LANGUAGE_KEYS)
    if value is None:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = _LANGUAGE_NAMES.get(code, code)
    return code if _LANGUAGE_CODE.fullmatch(code) else None


def _guid(record: dict[str, Any]) -> str | None:
    for key in GUID_KEYS:
        value = record.get(key)
        if isinstance(value, str) and _GLOBAL_ID.fullmatch(value.strip()):
            return clean_field(value)
    return None


def record_to_article(record: object, *, source: str | None = None) -> Article | str:
    """The article a JSON object describes, or the reason it cannot be one.

    `source` is used when the record names none. An empty title is derived from the body.
    """
    if not isinstance(record, dict):
        return _("record is not an object (it is a JSON {type})").format(type=_json_type(record))
    body = normalise_body(_first(record, BODY_KEYS, joiner="\n") or "")
    url = clean_field(_first(record, URL_KEYS))
    title = (
        clean_field(_first(record, TITLE_KEYS))
        or clean_field(derive_title(body), decode=False)  # body and url are decoded already
        or clean_field(title_from_url(url or ""), decode=False)
    )
    if not title:
        return _("record has no title, no content and no URL to name it by")
    published = None
    for key in DATE_KEYS:
        if key in record:
            published = parse_date(record[key])
            if published is not None:
                break
    return Article(
        title=title,
        body=body,
        guid=_guid(record),
        url=url,
        author=clean_field(_first(record, AUTHOR_KEYS)),
        source=clean_field(_first(record, SOURCE_KEYS)) or clean_field(source),
        language=_language(record) or article_language(title, body),
        published=published,
    )


def title_from_url(url: str) -> str:
    """The headline many news sites put in their URLs: `/node/6202/how-to-help.html`.

    Some records carry nothing but a link; its slug still says what the story is. Without a
    slug, the link itself names the record, so that nothing is dropped.
    """
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/")
    slug = path.rsplit("/", 1)[-1]
    slug = re.sub(r"\.(s?html?|php|aspx?)$", "", slug, flags=re.IGNORECASE)
    words = [w for w in re.split(r"[-_+\s]+", slug) if w]
    if len(words) < 2 or all(w.isdigit() for w in words):  # an id, not a headline
        return f"{parts.netloc}{path}" if parts.netloc else ""
    return " ".join(words)


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _convert(record: object, where: str, source: str | None) -> Article | ParseFailure:
    result = record_to_article(record, source=source)
    return ParseFailure(result, where) if isinstance(result, str) else result


def iter_json_lines(
    lines: Iterable[bytes | str], *, source: str | None = None
) -> Iterator[Article | ParseFailure]:
    """Articles from JSON Lines, one line at a time (so any size streams)."""
    for number, line in enumerate(lines, start=1):
        result = _line_record(line, number, source)
        if result is not None:
            yield result


def iter_json_stream(
    stream: BinaryIO, *, source: str | None = None
) -> Iterator[Article | ParseFailure]:
    """Articles from a JSON Lines file, in bounded memory: a line longer than
    MAX_LINE_BYTES is a failure of that line, skipped without being held whole."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            size = len(line)
            while line and not line.endswith(b"\n"):  # skip the rest, a chunk at a time
                line = stream.readline(_SKIP_CHUNK)
                size += len(line)
            yield ParseFailure(
                _("refused: a line of {size} bytes, more than the limit of {limit}").format(
                    size=number_text(f"{size:,}"), limit=number_text(f"{MAX_LINE_BYTES:,}")
                ),
                f"#{number}",
            )
            continue
        result = _line_record(line, number, source)
        if result is not None:
            yield result


def _line_record(
    line: bytes | str, number: int, source: str | None
) -> Article | ParseFailure | None:
    """The article (or failure) of JSON Lines line `number`; None for a blank line."""
    if number == 1 and isinstance(line, bytes):
        line = line.removeprefix(b"\xef\xbb\xbf")
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except UnicodeDecodeError as error:
        return ParseFailure(
            _("line is not UTF-8: {error}").format(error=error.reason), f"#{number}"
        )
    except (json.JSONDecodeError, RecursionError) as error:
        return ParseFailure(_(_INVALID).format(error=_reason(error)), f"#{number}")
    return _convert(record, f"#{number}", source)


def iter_json(
    data: bytes, *, source: str | None = None, json_lines: bool = False
) -> Iterator[Article | ParseFailure]:
    """Articles from a whole JSON document: an array, one object, or JSON Lines.

    A `.json` file holding several objects one per line is read as JSON Lines.
    """
    if json_lines:
        yield from iter_json_lines(data.splitlines(), source=source)
        return
    if not data.strip():
        yield ParseFailure(_("empty file"))
        return
    try:
        document = json.loads(data)  # arrays are parsed whole: fast, and fine at corpus sizes
    except UnicodeDecodeError as error:
        yield ParseFailure(
            _("not UTF-8 JSON: {error} at byte {position}").format(
                error=error.reason, position=number_text(str(error.start))
            )
        )
        return
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # a first value, then more: JSON Lines in a .json file
            yield from iter_json_lines(data.splitlines(), source=source)
        else:
            yield ParseFailure(_(_INVALID).format(error=_reason(error)))
        return
    except RecursionError:
        yield ParseFailure(_(_INVALID).format(error=_(_TOO_DEEP)))
        return
    if isinstance(document, dict):
        yield _convert(document, "", source)
    elif isinstance(document, list):
        for index, record in enumerate(document):
            yield _convert(record, f"#{index}", source)
    else:
        yield ParseFailure(
            _("JSON must be an object or an array of objects, not a {type}").format(
                type=_json_type(document)
            )
        )


def _reason(error: json.JSONDecodeError | RecursionError) -> str:
    if isinstance(error, RecursionError):
        return _(_TOO_DEEP)
    # Some messages end in "at" already ("Invalid control character at"). Python's words.
    return _("{error} at line {line} column {column}").format(
        error=error.msg.removesuffix(" at"),
        line=number_text(str(error.lineno)),
        column=number_text(str(error.colno)),
    )
