"""The library file's health: what a database failure means for the user, integrity checks,
consistent backups and salvaging what can be read from a damaged file.

Everything here works on a path or a plain `sqlite3` connection, so it still works when the
file is too damaged for a `Store` to open.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reader.text.i18n import N_, _

__all__ = [
    "BackupResult",
    "Integrity",
    "SalvageResult",
    "backup",
    "check_integrity",
    "checkpoint",
    "describe_database_error",
    "is_read_only_fs",
    "salvage",
]

DOCTOR = N_("run `newsreader doctor` to check it")


def is_read_only_fs(path: Path) -> bool:
    """Whether `path` (or the nearest folder of it that exists) is on a read-only mount."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def describe_database_error(error: BaseException, path: Path | str) -> str:
    """One line for the user: what went wrong with the library database and what to do."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    lowered = text.lower()
    code = getattr(error, "sqlite_errorname", "") or ""
    doctor = _(DOCTOR)
    if "full" in lowered or code == "SQLITE_FULL" or getattr(error, "errno", 0) == 28:
        message = _(
            "the disk holding the library database {path} is full ({error}); what was "
            "stored before is kept: free some space and try again"
        )
    elif "readonly" in lowered or "read-only" in lowered or code.startswith("SQLITE_READONLY"):
        message = _(
            "the library database {path} is read-only ({error}): it can be read but not "
            "changed; make the file and its folder writable to change it"
        )
    elif (
        "malformed" in lowered
        or "not a database" in lowered
        or code in ("SQLITE_CORRUPT", "SQLITE_NOTADB")
    ):
        message = _(
            "the library database {path} is damaged ({error}); {doctor}, which can salvage "
            "what is readable into a new file, or restore a backup (`newsreader backup`)"
        )
    elif "locked" in lowered or "busy" in lowered:
        message = _(
            "the library database {path} is busy ({error}): another newsreader is writing "
            "it; wait and try again"
        )
    elif "unable to open" in lowered and is_read_only_fs(Path(path).parent):
        message = _(
            "the library database {path} is on a read-only file system and cannot be "
            "opened for writing"
        )
    elif "unable to open" in lowered:
        message = _(
            "cannot open the library database {path} ({error}); check the file and its folder"
        )
    else:
        message = _("the library database {path} failed ({error}); {doctor}")
    return message.format(path=path, error=text, doctor=doctor)


@dataclass(frozen=True, slots=True)
class Integrity:
    """The result of SQLite's checks. `problems` is empty when the file is sound."""

    quick: list[str]
    full: list[str]

    @property
    def ok(self) -> bool:
        return not self.quick and not self.full

    @property
    def problems(self) -> list[str]:
        return self.quick + [p for p in self.full if p not in self.quick]


def _pragma_problems(db: sqlite3.Connection, pragma: str) -> list[str]:
    try:
        rows = [str(r[0]) for r in db.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def check_integrity(path: Path, *, read_only: bool = False) -> Integrity:
    """`PRAGMA quick_check` then `PRAGMA integrity_check` on the file at `path`."""
    uri = f"file:{path}?mode=ro" + ("&immutable=1" if read_only else "")
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        return Integrity([str(error)], [])
    try:
        quick = _pragma_problems(db, "quick_check")
        full = _pragma_problems(db, "integrity_check")
    finally:
        db.close()
    return Integrity(quick, full)


def checkpoint(path: Path) -> tuple[int, int, int]:
    """`PRAGMA wal_checkpoint(TRUNCATE)`: (busy, WAL frames, frames written back)."""
    db = sqlite3.connect(path, timeout=5)
    try:
        row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.close()
    return int(row[0]), int(row[1]), int(row[2])


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    articles: int
    bytes: int


def backup(source: Path, target: Path, *, force: bool = False) -> BackupResult:
    """A consistent copy of the library at `source` written to `target` with SQLite's online
    backup API: safe while another process writes the library. Writes to a temporary file
    beside `target` and renames it, so a failed backup never leaves half a file.

    Raises FileExistsError when `target` exists and not `force`.
    """
    target = Path(target)
    if target.exists() and not force:
        raise FileExistsError(17, "already exists (add --force to overwrite it)", str(target))
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder", str(target))
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=1024)
            articles = int(dst.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return BackupResult(target, articles, target.stat().st_size)


@dataclass(frozen=True, slots=True)
class SalvageResult:
    path: Path
    articles: int
    feeds: int
    lost_tables: list[str]


_SALVAGE_TABLES = ("articles", "feeds", "meta")


def salvage(source: Path, target: Path) -> SalvageResult:
    """Copy every row that can still be read from a damaged library into a new file at
    `target` (which must not exist). The new file gets the current schema, then rows are
    copied table by table, walking rowids, so that one unreadable page loses only the rows
    on it. The original file is never written."""
    from reader.store.migrations import migrate

    target = Path(target)
    if target.exists():
        raise FileExistsError(17, "already exists", str(target))
    fresh = sqlite3.connect(target)
    try:
        migrate(fresh, 0)  # the current schema, as a new Store makes it
    finally:
        fresh.close()
    work = target.with_name(f".{target.name}.source")
    _readable_copy(Path(source), work)
    src = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    counts: dict[str, int] = {}
    lost: list[str] = []
    try:
        dst.execute("DELETE FROM meta")
        dst.commit()
        for table in _SALVAGE_TABLES:
            try:
                columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                wanted = [r[1] for r in dst.execute(f"PRAGMA table_info({table})")]
            except sqlite3.DatabaseError:
                lost.append(table)
                continue
            shared = [c for c in columns if c in wanted]
            if not shared:
                lost.append(table)
                continue
            counts[table] = _copy_rows(src, dst, table, shared)
        with dst:  # the change sequence must cover every copied article
            dst.execute(
                "INSERT OR REPLACE INTO meta VALUES ('seq', (SELECT MAX(COALESCE(MAX(seq), 0), "
                "COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'), 0)) "
                "FROM articles))"
            )
            # Seeds are for new libraries: a salvaged one never gets them again.
            dst.execute("INSERT OR IGNORE INTO meta VALUES ('seeded', '0')")
        dst.execute("VACUUM")
    finally:
        src.close()
        dst.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
    return SalvageResult(target, counts.get("articles", 0), counts.get("feeds", 0), lost)


def _readable_copy(source: Path, work: Path) -> None:
    """Copy the damaged file (and its write-ahead log) to `work`, never touching the
    original. A truncated file still claims its old size in its header, and SQLite then
    reads the missing pages as damage even to list the tables: the copy's header is set
    to the pages the file really has."""
    import shutil

    shutil.copyfile(source, work)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, f"{work}-wal")
    with open(work, "r+b") as handle:
        header = handle.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = os.fstat(handle.fileno()).st_size // max(page_size, 512)
        if int.from_bytes(header[28:32], "big") > pages:
            handle.seek(28)
            handle.write(pages.to_bytes(4, "big"))


def _copy_rows(
    src: sqlite3.Connection, dst: sqlite3.Connection, table: str, cols: list[str]
) -> int:
    names = ", ".join(cols)
    marks = ", ".join("?" for _ in cols)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"
    copied = 0
    rowid = 0
    while True:
        try:
            rows = src.execute(
                f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 200",
                (rowid,),
            ).fetchall()
        except sqlite3.DatabaseError:
            rows = _rows_one_by_one(src, table, names, rowid)
            if not rows:
                break
        if not rows:
            break
        for row in rows:
            rowid = row[0]
            try:
                dst.execute(insert, row[1:])
                copied += 1
            except sqlite3.Error:
                continue
    dst.commit()
    return copied


def _rows_one_by_one(src: sqlite3.Connection, table: str, names: str, after: int) -> list[tuple]:
    """Past a damaged page: probe the next rowids one at a time (up to 10,000 ahead)."""
    for probe in range(after + 1, after + 10_001):
        try:
            row = src.execute(f"SELECT rowid, {names} FROM {table} WHERE rowid = ?", (probe,))
            found = row.fetchone()
        except sqlite3.DatabaseError:
            continue
        if found is not None:
            return [found]
    return []
