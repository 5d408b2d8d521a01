"""Planning an import: what the paths given to `reader.sources.importer` hold, listed up
front (cheaply: directory listings and zip indexes) so progress can show a total. Here are
the kinds of file read, the limits on hostile input checked before anything is read, the
linking of text editions into translation groups, and the failures of paths that cannot be
read or are refused.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.sources.text import MAX_TEXT_BYTES, split_name
from reader.text.i18n import N_, _, number, number_text
from reader.text.sanitize import clean_line

if TYPE_CHECKING:
    from reader.sources.importer import ImportReport

__all__ = [
    "JSON",
    "JSON_LINES",
    "MAX_JSON_BYTES",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "SUPPORTED_SUFFIXES",
    "TEXT",
    "ZIP",
    "ImportFailure",
    "Planner",
    "Unit",
    "error_reason",
    "failure",
    "file_kind",
    "is_hidden",
    "member_refusal",
    "size_text",
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
_GROUP_PREFIX = "file:"
# Files that describe a collection rather than being part of it (bbc/README.TXT). Skipped in
# folders and archives; named explicitly, they are imported like any other file.
_NOT_ARTICLES = frozenset({"readme", "license", "licence", "copying"})


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """One file or record that was not imported. `origin` reads `dir/a.zip:inner.json#17`."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Unit:
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


def kind_in_collection(name: str) -> str | None:
    """The kind of a file found in a folder or archive; None for files to skip."""
    stem = os.path.splitext(posixpath.basename(name))[0].lower()
    return None if stem in _NOT_ARTICLES else file_kind(name)


def count_editions(text_names: list[str]) -> Counter[str]:
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


def size_text(n: int) -> str:
    if n >= 1024 * 1024 * 1024:
        return _("{size} GiB").format(size=number_text(f"{n / 1024**3:,.1f}"))
    if n >= 1024 * 1024:
        return _("{size} MiB").format(size=number_text(f"{n / 1024**2:,.1f}"))
    return _("{size} bytes").format(size=number(n))


def _member_limit(kind: str) -> int:
    if kind == TEXT:
        return MAX_TEXT_BYTES
    return MAX_JSON_BYTES if kind == JSON else MAX_ZIP_BYTES


def member_refusal(info: zipfile.ZipInfo, kind: str) -> str | None:
    """Why a zip member is refused before reading it (its claimed size or its ratio), or None."""
    limit = _member_limit(kind)
    if info.file_size > limit:
        refused = (
            N_("refused: unpacks to {size}, more than the limit of {limit}; use JSON Lines")
            if kind == JSON
            else N_("refused: unpacks to {size}, more than the limit of {limit}")
        )
        return _(refused).format(size=size_text(info.file_size), limit=size_text(limit))
    if info.file_size > ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(
        1, info.compress_size
    ):
        ratio = info.file_size // max(1, info.compress_size)
        return _(
            "refused: compressed {ratio}:1, more than the limit of {limit}:1 (a zip bomb?)"
        ).format(ratio=number(ratio), limit=number(MAX_ZIP_RATIO))
    return None


def error_reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def cannot_read(error: BaseException) -> str:
    return _("cannot read: {error}").format(error=error_reason(error))


def failure(origin: str, reason: str) -> ImportFailure:
    # File and member names are untrusted too, and the CLI prints failures to the terminal.
    return ImportFailure(clean_line(origin), clean_line(reason))


class Planner:
    """Lists the units of an import up front (cheaply: directory listings and zip indexes)
    so progress can show a total, recording unreadable paths as failures."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.units: list[Unit] = []
        self._siblings: dict[Path, Counter[str]] = {}

    def fail(self, origin: str, reason: str) -> None:
        self.report.failures.append(failure(origin, reason))

    def add_path(self, path: Path, origin: str) -> None:
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as error:
            self.fail(origin, cannot_read(error))
            return
        if not exists:
            self.fail(origin, _("not found"))
        elif is_dir:
            self._walk(path, origin)
        elif not path.is_file():
            self.fail(origin, _("not a regular file"))
        else:
            kind = file_kind(path.name)
            if kind is None:
                supported = ", ".join(SUPPORTED_SUFFIXES)
                unsupported = _("unsupported file type (supported: {suffixes})")
                self.fail(origin, unsupported.format(suffixes=supported))
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
            self._siblings[directory] = count_editions(names)
        return self._siblings[directory]

    def _add_file(self, path: Path, origin: str, kind: str, editions: Counter[str]) -> None:
        group = None
        if kind == TEXT:
            name = split_name(path.name)[0]
            if editions[name] > 1:
                group = f"{_GROUP_PREFIX}{path.resolve().parent / name}"
        self.units.append(Unit(origin, kind, path, group=group))

    def _walk(self, directory: Path, origin: str) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.fail(origin, _("cannot read folder: {error}").format(error=error_reason(error)))
            return
        entries = [entry for entry in entries if not is_hidden(entry.name)]
        editions = count_editions([e.name for e in entries if kind_in_collection(e.name) == TEXT])
        for entry in entries:
            child, child_origin = Path(entry.path), os.path.join(origin, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):  # not following links: no cycles
                    self._walk(child, child_origin)
                    continue
                is_file = entry.is_file()
            except OSError as error:
                self.fail(child_origin, cannot_read(error))
                continue
            kind = kind_in_collection(entry.name) if is_file else None
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
                cannot_read(error)
                if isinstance(error, OSError)
                else _("not a valid zip archive: {error}").format(error=error)
            )
            self.fail(origin, reason)
            return
        if len(infos) > MAX_ZIP_MEMBERS:
            self.fail(
                origin,
                _("refused: {members} members, more than the limit of {limit}").format(
                    members=number(len(infos)), limit=number(MAX_ZIP_MEMBERS)
                ),
            )
            return
        claimed = sum(info.file_size for info in infos)
        if claimed > MAX_ZIP_BYTES:
            self.fail(
                origin,
                _(
                    "refused: unpacks to {size}, more than the limit of {limit} (a zip bomb?)"
                ).format(size=size_text(claimed), limit=size_text(MAX_ZIP_BYTES)),
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
                    _("refused: unsafe name (absolute or with '..'); not read"),
                )
            elif not any(map(is_hidden, info.filename.split("/"))):
                members.append(info)
        editions: dict[str, Counter[str]] = {}
        for info in members:
            if kind_in_collection(info.filename) == TEXT:
                folder, name = posixpath.split(info.filename)
                editions.setdefault(folder, Counter())[split_name(name)[0]] += 1
        archive_key = path.resolve()
        for info in members:
            kind = kind_in_collection(info.filename)
            if kind is None or kind == ZIP:  # archives inside archives are not opened
                self.report.skipped += 1
                continue
            group = None
            if kind == TEXT:
                folder, name = posixpath.split(info.filename)
                story = split_name(name)[0]
                if editions[folder][story] > 1:
                    group = f"{_GROUP_PREFIX}{archive_key}:{posixpath.join(folder, story)}"
            self.units.append(Unit(f"{origin}:{info.filename}", kind, path, info.filename, group))
