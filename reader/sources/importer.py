"""Import files, folders and zip archives into the store, reporting progress through a callback.

No UI here: the CLI draws a progress bar and the app a progress widget from the same
`ImportProgress` values. Parsing happens before anything reaches the store, and articles go in
batches of one transaction each, so a bad file can only fail itself: it never stops the
import and never leaves half an article in the library.
"""

from __future__ import annotations

import posixpath
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reader.models import Article
from reader.sources.common import ParseFailure
from reader.sources.import_plan import (
    JSON_LINES,
    MAX_JSON_BYTES,
    SUPPORTED_SUFFIXES,
    TEXT,
    ImportFailure,
    Planner,
    Unit,
    cannot_read,
    failure,
    file_kind,
    is_hidden,
    member_refusal,
    size_text,
    unsafe_member_name,
)
from reader.sources.jsonfile import iter_json, iter_json_stream
from reader.sources.text import parse_text, read_text_file, split_name
from reader.store import Store
from reader.text.i18n import _, number
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

# Titles longer than this are cut at a word with "…"; the whole title then begins the body,
# so nothing is lost (the list and the reading pane stay usable).
MAX_TITLE_CHARS = 1000

# What reading a file or an archive member can raise; anything else is reported as an
# unexpected error of that one file, so the import still continues.
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)
# Errors of one article's data (not of the database): retried one by one to isolate them.
_DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError, ValueError)


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
        self.report.failures.append(failure(origin, reason))

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
                    self.fail(origin, _("cannot store: {error}").format(error=error))
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

    def _parse(self, unit: Unit) -> Iterator[Article | ParseFailure]:
        if unit.member is None:
            yield from self._parse_file(unit)
            return
        archive = self._open_archive(unit.path)
        try:
            info = archive.getinfo(unit.member)
        except KeyError:  # the archive changed since it was listed
            yield ParseFailure(_("member is missing from the archive"))
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

    def _parse_file(self, unit: Unit) -> Iterator[Article | ParseFailure]:
        if unit.kind == TEXT:
            yield read_text_file(unit.path, source=self.source, translation_group=unit.group)
        elif unit.kind == JSON_LINES:
            with unit.path.open("rb") as stream:
                yield from iter_json_stream(stream, source=self.source)
        else:
            size = unit.path.stat().st_size
            if size > MAX_JSON_BYTES:
                yield ParseFailure(
                    _(
                        "refused: {size}, more than the limit of {limit} for a JSON document; "
                        "use JSON Lines"
                    ).format(size=size_text(size), limit=size_text(MAX_JSON_BYTES))
                )
                return
            yield from iter_json(unit.path.read_bytes(), source=self.source)

    def run(self, units: list[Unit]) -> None:
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

    def _run_unit(self, unit: Unit) -> None:
        items = self._parse(unit)
        while True:
            try:
                item = next(items)
            except StopIteration:
                return
            except _READ_ERRORS as error:  # records read before the error are kept
                self.fail(unit.origin, cannot_read(error))
                return
            except Exception as error:  # a parser bug must not end the whole import
                what = f"{type(error).__name__}: {error}"
                self.fail(unit.origin, _("unexpected error: {error}").format(error=what))
                return
            if isinstance(item, ParseFailure):
                self.fail(unit.origin + item.where, item.reason)
                continue
            if len(item.title) > MAX_TITLE_CHARS:
                length = len(item.title)
                item = _shorten_title(item)
                self.report.notes.append(
                    failure(
                        unit.origin,
                        _(
                            "title of {length} characters cut to {limit}; "
                            "the whole title begins the body"
                        ).format(length=number(length), limit=number(MAX_TITLE_CHARS)),
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
    planner = Planner(report)
    for path in paths:
        planner.add_path(Path(path), str(path))
    importer = _Importer(store, report, len(planner.units), progress, batch_size, source, amend)
    importer.run(planner.units)
    return report
