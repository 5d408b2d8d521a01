"""Import files, folders and zip archives into the store, reporting progress through a callback.

No UI here: the CLI draws a progress bar and the app a progress widget from the same
`ImportProgress` values. Parsing happens before anything reaches the store, and articles go in
batches of one transaction each, so a bad file can only fail itself: it never stops the
import and never leaves half an article in the library.
"""

from __future__ import annotations

import os
import posixpath
import sqlite3
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.models import Article
from reader.sources.common import ParseFailure
from reader.sources.jsonfile import iter_json, iter_json_stream
from reader.sources.text import MAX_TEXT_BYTES, parse_text, read_text_file, split_name
from reader.store import Store
from reader.text.sanitize import clean_line

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ImportFailure",
    "ImportProgress",
    "ImportReport",
    "file_kind",
    "import_paths",
    "is_hidden",
    "member_refusal",
    "unsafe_member_name",
]

TEXT, JSON, JSON_LINES, ZIP = "text", "json", "jsonl", "zip"
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".txt": TEXT,
    ".json": JSON,
    ".jsonl": JSON_LINES,
    ".ndjson": JSON_LINES,
    ".zip": ZIP,
}
# Limits on hostile input, so every file costs bounded time and memory. Hitting one is a
# failure line of that file or member, naming the limit; the rest of the import goes on.
#
# A JSON document is parsed whole and json.loads needs several times the file size in memory
# (bigger collections belong in JSON Lines, which stream: one line at a time, each at most
# jsonfile.MAX_LINE_BYTES). The largest file of the corpora is 12.6 MB.
MAX_JSON_BYTES = 64 * 1024 * 1024
# Zip archives are read in place, never extracted: no member name is ever a path we write.
# A member that claims more than its kind's limit, or that would inflate more than
# MAX_ZIP_RATIO times (a zip bomb; the corpora compress about 4:1), is refused unread;
# zipfile never inflates a member past the size it claims. Members below ZIP_RATIO_FLOOR
# may compress as well as they like.
MAX_ZIP_MEMBERS = 100_000
MAX_ZIP_BYTES = 2 * 1024 * 1024 * 1024  # all members together, uncompressed
MAX_ZIP_RATIO = 100
ZIP_RATIO_FLOOR = 1024 * 1024
# Titles longer than this are cut at a word with "…"; the whole title then begins the body,
# so nothing is lost (the list and the reading pane stay usable).
MAX_TITLE_CHARS = 1000
_GROUP_PREFIX = "file:"
# Files that describe a collection rather than being part of it (bbc/README.TXT). Skipped in
# folders and archives; named explicitly, they are imported like any other file.
_NOT_ARTICLES = frozenset({"readme", "license", "licence", "copying"})

# What reading a file or an archive member can raise; anything else is reported as an
# unexpected error of that one file, so the import still continues.
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)
# Errors of one article's data (not of the database): retried one by one to isolate them.
_DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError, ValueError)


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """One file or record that was not imported. `origin` reads `dir/a.zip:inner.json#17`."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import is. `done` of `total` units (files and archive members) are finished;
    `current` is the unit being read. The counts include only stored batches."""

    done: int
    total: int
    current: str
    added: int
    duplicates: int
    failed: int


@dataclass(slots=True)
class ImportReport:
    added: int = 0
    duplicates: int = 0  # same_guid + same_link + same_text: articles not stored again
    failures: list[ImportFailure] = field(default_factory=list)
    skipped: int = 0  # files of unsupported types found inside folders and archives
    ids: list[int] = field(default_factory=list)  # of the added articles, in import order
    same_guid: int = 0  # duplicates by kind: see reader.store
    same_link: int = 0
    same_text: int = 0
    # Why the import stopped before the end (the database cannot be written: disk full,
    # read-only, damaged); "" when it ran to the end. Batches stored before are kept.
    stopped: str = ""
    not_imported: int = 0  # files and members not reached after a stop
    # Articles imported with a change worth saying (a title cut to MAX_TITLE_CHARS).
    notes: list[ImportFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.stopped


@dataclass(frozen=True, slots=True)
class _Unit:
    """One file to parse: a file on disk (`member` None) or a member of the zip at `path`."""

    origin: str
    kind: str
    path: Path
    member: str | None = None
    group: str | None = None  # translation group of a text edition with siblings


def file_kind(name: str) -> str | None:
    """TEXT, JSON, JSON_LINES or ZIP by the file's suffix; None for a file we do not read."""
    return SUPPORTED_SUFFIXES.get(os.path.splitext(name)[1].lower())


def is_hidden(name: str) -> bool:
    """A dot file or folder, or macOS's resource forks: never part of a collection."""
    return name.startswith(".") or name == "__MACOSX"  # macOS puts resource forks there


def _kind_in_collection(name: str) -> str | None:
    """The kind of a file found in a folder or archive; None for files to skip."""
    stem = os.path.splitext(posixpath.basename(name))[0].lower()
    return None if stem in _NOT_ARTICLES else file_kind(name)


def _editions(text_names: list[str]) -> Counter[str]:
    """How many text files share each story NAME (`NAME.txt`, `NAME.ar.txt`...)."""
    return Counter(split_name(name)[0] for name in text_names)


def unsafe_member_name(name: str) -> bool:
    """An archive member name that would escape a folder it was extracted to: absolute
    (`/etc/x`, `C:/x`, `\\x`) or climbing out with `..` (either slash counts)."""
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or ".." in parts
        or (len(name) > 1 and name[0].isalpha() and name[1] == ":")
    )


def _size(n: int) -> str:
    if n >= 1024 * 1024 * 1024:
        return f"{n / 1024**3:,.1f} GiB"
    if n >= 1024 * 1024:
        return f"{n / 1024**2:,.1f} MiB"
    return f"{n:,} bytes"


def _member_limit(kind: str) -> int:
    if kind == TEXT:
        return MAX_TEXT_BYTES
    return MAX_JSON_BYTES if kind == JSON else MAX_ZIP_BYTES


def member_refusal(info: zipfile.ZipInfo, kind: str) -> str | None:
    """Why a zip member is refused before reading it (its claimed size or its ratio), or None."""
    limit = _member_limit(kind)
    if info.file_size > limit:
        return (
            f"refused: unpacks to {_size(info.file_size)}, more than the limit of {_size(limit)}"
            + ("; use JSON Lines" if kind == JSON else "")
        )
    if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
        1, info.compress_size
    ):
        ratio = info.file_size // max(1, info.compress_size)
        return (
            f"refused: compressed {ratio:,}:1, more than the limit of {MAX_ZIP_RATIO}:1 "
            "(a zip bomb?)"
        )
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _failure(origin: str, reason: str) -> ImportFailure:
    # File and member names are untrusted too, and the CLI prints failures to the terminal.
    return ImportFailure(clean_line(origin), clean_line(reason))


class _Planner:
    """Lists the units of an import up front (cheaply: directory listings and zip indexes)
    so progress can show a total, recording unreadable paths as failures."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.units: list[_Unit] = []
        self._siblings: dict[Path, Counter[str]] = {}

    def fail(self, origin: str, reason: str) -> None:
        self.report.failures.append(_failure(origin, reason))

    def add_path(self, path: Path, origin: str) -> None:
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as error:
            self.fail(origin, f"cannot read: {_reason(error)}")
            return
        if not exists:
            self.fail(origin, "not found")
        elif is_dir:
            self._walk(path, origin)
        elif not path.is_file():
            self.fail(origin, "not a regular file")
        else:
            kind = file_kind(path.name)
            if kind is None:
                supported = ", ".join(SUPPORTED_SUFFIXES)
                self.fail(origin, f"unsupported file type (supported: {supported})")
            elif kind == ZIP:
                self._add_zip(path, origin)
            else:
                self._add_file(path, origin, kind, self._sibling_names(path.parent))

    def _sibling_names(self, directory: Path) -> Counter[str]:
        # An explicitly named edition is linked to the editions next to it on disk, so
        # importing `story.txt` and later `story.ar.txt` still links them.
        if directory not in self._siblings:
            try:
                names = [
                    n for n in os.listdir(directory) if not is_hidden(n) and file_kind(n) == TEXT
                ]
            except OSError:
                names = []
            self._siblings[directory] = _editions(names)
        return self._siblings[directory]

    def _add_file(self, path: Path, origin: str, kind: str, editions: Counter[str]) -> None:
        group = None
        if kind == TEXT:
            name = split_name(path.name)[0]
            if editions[name] > 1:
                group = f"{_GROUP_PREFIX}{path.resolve().parent / name}"
        self.units.append(_Unit(origin, kind, path, group=group))

    def _walk(self, directory: Path, origin: str) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.fail(origin, f"cannot read folder: {_reason(error)}")
            return
        entries = [entry for entry in entries if not is_hidden(entry.name)]
        editions = _editions([e.name for e in entries if _kind_in_collection(e.name) == TEXT])
        for entry in entries:
            child, child_origin = Path(entry.path), os.path.join(origin, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):  # not following links: no cycles
                    self._walk(child, child_origin)
                    continue
                is_file = entry.is_file()
            except OSError as error:
                self.fail(child_origin, f"cannot read: {_reason(error)}")
                continue
            kind = _kind_in_collection(entry.name) if is_file else None
            if kind is None:
                self.report.skipped += 1
            elif kind == ZIP:
                self._add_zip(child, child_origin)
            else:
                self._add_file(child, child_origin, kind, editions)

    def _add_zip(self, path: Path, origin: str) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            reason = (
                f"cannot read: {_reason(error)}"
                if isinstance(error, OSError)
                else f"not a valid zip archive: {error}"
            )
            self.fail(origin, reason)
            return
        if len(infos) > MAX_ZIP_MEMBERS:
            self.fail(
                origin,
                f"refused: {len(infos):,} members, more than the limit of {MAX_ZIP_MEMBERS:,}",
            )
            return
        claimed = sum(info.file_size for info in infos)
        if claimed > MAX_ZIP_BYTES:
            self.fail(
                origin,
                f"refused: unpacks to {_size(claimed)}, more than the limit of "
                f"{_size(MAX_ZIP_BYTES)} (a zip bomb?)",
            )
            return
        members = []
        for info in sorted(infos, key=lambda info: info.filename):
            if info.is_dir():
                continue
            if unsafe_member_name(info.filename):
                # Never extracted anyway; a name that climbs out of the archive or starts
                # at the root says the archive was made to attack: refuse the member.
                self.fail(
                    f"{origin}:{info.filename}",
                    "refused: unsafe name (absolute or with '..'); not read",
                )
            elif not any(map(is_hidden, info.filename.split("/"))):
                members.append(info)
        editions: dict[str, Counter[str]] = {}
        for info in members:
            if _kind_in_collection(info.filename) == TEXT:
                folder, name = posixpath.split(info.filename)
                editions.setdefault(folder, Counter())[split_name(name)[0]] += 1
        archive_key = path.resolve()
        for info in members:
            kind = _kind_in_collection(info.filename)
            if kind is None or kind == ZIP:  # archives inside archives are not opened
                self.report.skipped += 1
                continue
            group = None
            if kind == TEXT:
                folder, name = posixpath.split(info.filename)
                story = split_name(name)[0]
                if editions[folder][story] > 1:
                    group = f"{_GROUP_PREFIX}{archive_key}:{posixpath.join(folder, story)}"
            self.units.append(_Unit(f"{origin}:{info.filename}", kind, path, info.filename, group))


class _Importer:
    def __init__(
        self,
        store: Store,
        report: ImportReport,
        total: int,
        progress: Callable[[ImportProgress], None] | None,
        batch_size: int,
        source: str | None,
        amend: Callable[[Article, Path], Article] | None = None,
    ) -> None:
        self.store = store
        self.amend = amend
        self.report = report
        self.total = total
        self.progress = progress
        self.batch_size = max(1, batch_size)
        self.source = source
        self.done = 0
        self.current = ""
        self.batch: list[Article] = []
        self.origins: list[str] = []
        self._archive: zipfile.ZipFile | None = None
        self._archive_path: Path | None = None

    # -- progress and failures ------------------------------------------------------------
    def notify(self) -> None:
        if self.progress is not None:
            report = self.report
            self.progress(
                ImportProgress(
                    self.done,
                    self.total,
                    self.current,
                    report.added,
                    report.duplicates,
                    len(report.failures),
                )
            )

    def fail(self, origin: str, reason: str) -> None:
        self.report.failures.append(_failure(origin, reason))

    # -- storing --------------------------------------------------------------------------
    def flush(self, *, notify: bool = True) -> None:
        if not self.batch:
            return
        batch, origins = self.batch, self.origins
        self.batch, self.origins = [], []
        try:
            self._store(batch)
        except _DATA_ERRORS:
            # The batch was rolled back. Store one by one so only the bad article fails;
            # database-level errors (disk full, locked) are not caught and end the import.
            for article, origin in zip(batch, origins, strict=True):
                try:
                    self._store([article])
                except _DATA_ERRORS as error:
                    self.fail(origin, f"cannot store: {error}")
        if notify:
            self.notify()

    def _store(self, articles: list[Article]) -> None:
        result = self.store.add_articles(articles)
        self.report.added += result.added
        self.report.duplicates += result.duplicates
        self.report.same_guid += result.same_guid
        self.report.same_link += result.same_link
        self.report.same_text += result.same_text
        self.report.ids.extend(result.ids)

    # -- reading --------------------------------------------------------------------------
    def _open_archive(self, path: Path) -> zipfile.ZipFile:
        if self._archive_path != path or self._archive is None:
            self.close()
            self._archive = zipfile.ZipFile(path)
            self._archive_path = path
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
        self._archive, self._archive_path = None, None

    def _parse(self, unit: _Unit) -> Iterator[Article | ParseFailure]:
        if unit.member is None:
            yield from self._parse_file(unit)
            return
        archive = self._open_archive(unit.path)
        try:
            info = archive.getinfo(unit.member)
        except KeyError:  # the archive changed since it was listed
            yield ParseFailure("member is missing from the archive")
            return
        refusal = member_refusal(info, unit.kind)
        if refusal is not None:
            yield ParseFailure(refusal)
            return
        if unit.kind == JSON_LINES:
            with archive.open(info) as stream:
                yield from iter_json_stream(stream, source=self.source)
            return
        data = archive.read(info)  # at most info.file_size bytes: zipfile stops there
        if unit.kind == TEXT:
            language = split_name(posixpath.basename(unit.member))[1]
            yield parse_text(
                data, source=self.source, language=language, translation_group=unit.group
            )
        else:
            yield from iter_json(data, source=self.source)

    def _parse_file(self, unit: _Unit) -> Iterator[Article | ParseFailure]:
        if unit.kind == TEXT:
            yield read_text_file(unit.path, source=self.source, translation_group=unit.group)
        elif unit.kind == JSON_LINES:
            with unit.path.open("rb") as stream:
                yield from iter_json_stream(stream, source=self.source)
        else:
            size = unit.path.stat().st_size
            if size > MAX_JSON_BYTES:
                yield ParseFailure(
                    f"refused: {_size(size)}, more than the limit of {_size(MAX_JSON_BYTES)} "
                    "for a JSON document; use JSON Lines"
                )
                return
            yield from iter_json(unit.path.read_bytes(), source=self.source)

    def run(self, units: list[_Unit]) -> None:
        try:
            for unit in units:
                self.current = clean_line(unit.origin)  # shown by the UI: untrusted
                self.notify()
                self._run_unit(unit)
                self.done += 1
            self.current = ""
            self.flush(notify=False)
        except sqlite3.DatabaseError as error:
            # The database refuses writes (disk full, read-only, damaged): every batch
            # committed before stays; the batch in hand was rolled back. Stop here.
            self.report.stopped = str(error) or type(error).__name__
            self.report.not_imported = len(units) - self.done
            self.batch, self.origins = [], []
        finally:
            self.close()
        self.notify()

    def _run_unit(self, unit: _Unit) -> None:
        items = self._parse(unit)
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except _READ_ERRORS as error:  # records read before the error are kept
                self.fail(unit.origin, f"cannot read: {_reason(error)}")
                return
            except Exception as error:  # a parser bug must not end the whole import
                self.fail(unit.origin, f"unexpected error: {type(error).__name__}: {error}")
                return
            if isinstance(item, ParseFailure):
                self.fail(unit.origin + item.where, item.reason)
                continue
            if len(item.title) > MAX_TITLE_CHARS:
                length = len(item.title)
                item = _shorten_title(item)
                self.report.notes.append(
                    _failure(
                        unit.origin,
                        f"title of {length:,} characters cut to {MAX_TITLE_CHARS:,}; "
                        "the whole title begins the body",
                    )
                )
            if self.amend is not None:
                item = self.amend(item, unit.path)
            self.batch.append(item)
            self.origins.append(unit.origin)
            if len(self.batch) >= self.batch_size:
                self.flush()


def _shorten_title(article: Article) -> Article:
    """The title cut at a word near MAX_TITLE_CHARS with "…", the whole title made the first
    paragraph of the body (nothing is lost)."""
    title = article.title
    cut = title[: MAX_TITLE_CHARS - 1]
    if not title[MAX_TITLE_CHARS - 1].isspace() and " " in cut[MAX_TITLE_CHARS // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    body = title + ("\n" + article.body if article.body else "")
    return replace(article, title=cut.rstrip() + "…", body=body)


def import_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    progress: Callable[[ImportProgress], None] | None = None,
    batch_size: int = 500,
    source: str | None = None,
    amend: Callable[[Article, Path], Article] | None = None,
) -> ImportReport:
    """Import files (.txt, .json, .jsonl, .ndjson), folders (recursively, in name order,
    skipping hidden entries and counting unsupported files as skipped) and .zip archives.

    Known articles count as duplicates. Paths that are missing or unreadable, unsupported
    files named explicitly, corrupt archives and bad records are failures in the report;
    the rest is imported. `source` names the source of articles that do not name their own
    (text files never do). `progress` is called as each unit starts and each batch is stored;
    an exception raised from it stops the import, keeping the batches already stored.
    `amend(article, path)` may change each parsed article before it is stored; `path` is the
    file it came from (the archive, for a member of a zip).
    """
    if isinstance(paths, str | Path):  # a lone path would otherwise be iterated by character
        paths = [paths]
    report = ImportReport()
    planner = _Planner(report)
    for path in paths:
        planner.add_path(Path(path), str(path))
    importer = _Importer(store, report, len(planner.units), progress, batch_size, source, amend)
    importer.run(planner.units)
    return report
