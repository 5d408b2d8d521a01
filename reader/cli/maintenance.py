"""Keeping a library healthy: `doctor` (check, and repair what can be repaired) and
`backup` (a consistent copy, safe while the app runs)."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from reader.cli.common import CliError, file_error, sync_index
from reader.session import Session
from reader.store import StoreError
from reader.store.health import (
    backup,
    check_integrity,
    checkpoint,
    describe_database_error,
    is_read_only_fs,
    salvage,
)
from reader.text.i18n import _, ngettext, number, number_text, shown
from reader.text.plural import counted

# Lock files of a library: the app's, and the index writer's two (ours and Whoosh's).
_INDEX_LOCKS = ("newsreader-writer.lock", "MAIN_WRITELOCK")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doctor", help=_("check the library (database, index, locks) and repair what can be")
    )
    p.add_argument(
        "--salvage",
        action="store_true",
        help=_(
            "when the database is damaged, copy what is readable into a new database, "
            "keep the damaged file beside it, and use the new one"
        ),
    )
    p.set_defaults(func=cmd_doctor, raw=True)

    p = sub.add_parser("backup", help=_("write a consistent copy of the library database"))
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help=_("overwrite PATH if it exists"))
    p.set_defaults(func=cmd_backup, raw=True)


# -- doctor -------------------------------------------------------------------------------
class _Report:
    """The doctor's lines, each under its verdict in a column as wide as the widest."""

    def __init__(self) -> None:
        self.broken = False
        # Translators: the doctor's verdicts, printed in a column before each line.
        self._words = {"ok": _("ok"), "fixed": _("repaired"), "bad": _("broken"), "info": ""}
        self._width = max(len(word) for word in self._words.values()) + 1

    def _line(self, verdict: str, what: str) -> None:
        print(f"{self._words[verdict].ljust(self._width)}{what}")

    def ok(self, what: str) -> None:
        self._line("ok", what)

    def fixed(self, what: str) -> None:
        self._line("fixed", what)

    def bad(self, what: str) -> None:
        self.broken = True
        self._line("bad", what)

    def info(self, what: str) -> None:
        self._line("info", what)


def cmd_doctor(args: argparse.Namespace, session: Session) -> int:
    report = _Report()
    library = session.library
    database = library.database
    read_only = is_read_only_fs(database)
    if read_only:
        report.info(
            _("the library folder {home} is on a read-only file system").format(home=library.home)
        )

    _check_locks(session, report, read_only)
    sound = _check_database(session, report, args.salvage, read_only)
    if sound:
        _check_index(session, report)
    else:
        report.info(_("the search index is not checked while the database is damaged"))
    print(_("the library is healthy") if not report.broken else _("the library needs attention"))
    return 1 if report.broken else 0


def _check_database(session: Session, report: _Report, want_salvage: bool, ro: bool) -> bool:
    database = session.library.database
    if not database.exists():
        report.ok(
            _("database {database}: none yet (created at the first command)").format(
                database=database
            )
        )
        return True
    integrity = check_integrity(database, read_only=ro)
    if integrity.ok:
        report.ok(
            _("database {database}: quick_check and integrity_check passed").format(
                database=database
            )
        )
    else:
        problems = integrity.problems
        listed = "; ".join(problems[:3])
        if len(problems) > 3:
            more = number(len(problems) - 3, grouped=False)
            listed += _(" (and {more} more)").format(more=more)
        damaged = _("database {database} is damaged: {problems}").format(
            database=database, problems=listed
        )
        if want_salvage and not ro:
            report.info(damaged)
        else:
            report.bad(damaged)
        if not want_salvage:
            report.info(
                _(
                    "run `newsreader doctor --salvage` to copy every readable article into a "
                    "new database (the damaged file is kept), or restore a backup made with "
                    "`newsreader backup`"
                )
            )
            return False
        return _salvage(session, report, ro)
    try:
        store = session.store
    except StoreError as error:
        report.bad(str(error))
        return False
    if store.read_only or ro:
        report.info(_("the database is read-only: nothing can be repaired in it"))
        return True
    try:
        busy, frames, written = checkpoint(database)
    except sqlite3.Error as error:
        reason = describe_database_error(error, database)
        report.bad(_("write-ahead log checkpoint failed: {reason}").format(reason=reason))
        return True
    if busy:
        report.info(
            counted(
                frames,
                "write-ahead log: {count} frame, checkpoint blocked by another reader",
                "write-ahead log: {count} frames, checkpoint blocked by another reader",
            )
        )
    else:
        report.ok(
            counted(
                written,
                "write-ahead log checkpointed ({count} page written back)",
                "write-ahead log checkpointed ({count} pages written back)",
            )
        )
    return True


def _salvage(session: Session, report: _Report, read_only: bool) -> bool:
    database = session.library.database
    if read_only:
        report.bad(_("cannot salvage on a read-only file system"))
        return False
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    new = database.with_name(f"library.salvaged-{stamp}.sqlite3")
    try:
        result = salvage(database, new)
    except (sqlite3.Error, OSError, StoreError) as error:
        new.unlink(missing_ok=True)
        report.bad(_("salvage failed: {error}").format(error=error))
        return False
    if result.articles == 0 and "articles" in result.lost_tables:
        new.unlink(missing_ok=True)
        report.bad(
            _(
                "nothing could be salvaged (the file's first page, which lists its tables, is "
                "unreadable); the damaged file is left as it is: restore a backup made with "
                "`newsreader backup`"
            )
        )
        return False
    check = check_integrity(new)
    if not check.ok:
        report.bad(
            _("the salvaged copy {copy} is not sound either; restore a backup").format(copy=new)
        )
        return False
    aside = database.with_name(f"library.damaged-{stamp}.sqlite3")
    os.replace(database, aside)
    for suffix in ("-wal", "-shm"):  # the damaged file's log belongs to it
        log = database.with_name(database.name + suffix)
        if log.exists():
            os.replace(log, aside.with_name(aside.name + suffix))
    os.replace(new, database)
    lost = _("; tables that could not be read: {tables}").format(
        tables=", ".join(result.lost_tables)
    )
    salvaged = _(
        "database: salvaged {articles} and {feeds} into a new {database}; the damaged file "
        "is kept as {aside}"
    ).format(
        articles=counted(result.articles, "{count} article", "{count} articles"),
        feeds=counted(result.feeds, "{count} feed", "{count} feeds"),
        database=database.name,
        aside=aside.name,
    )
    report.fixed(salvaged + (lost if result.lost_tables else ""))
    return True


def _check_locks(session: Session, report: _Report, read_only: bool) -> None:
    """Locks are flock()s, released by the system when their process dies, so a lock file
    nobody holds is a leftover. The app's lock file names its process: one naming a dead
    process is removed. The index's lock files hold no pid and are left alone when free."""
    library = session.library
    for path in [library.lock_file] + [library.index_dir / name for name in _INDEX_LOCKS]:
        if not path.is_file():
            continue
        pid = _pid_in(path)
        if _held(path):
            who = _(" (pid {pid})").format(pid=pid) if pid else ""
            report.ok(
                _("lock {lock} is held by a running newsreader{who}").format(
                    lock=path.name, who=who
                )
            )
            continue
        if path != library.lock_file or pid is None or _alive(pid):
            continue
        if read_only:
            report.info(
                _("stale lock {lock} of dead process {pid} cannot be removed: read-only").format(
                    lock=path, pid=pid
                )
            )
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        report.fixed(
            _("removed the stale lock {lock} of process {pid}, no longer running").format(
                lock=path.name, pid=pid
            )
        )


def _held(path: Path) -> bool:
    """Whether a live process holds the flock on `path` (as the app and the index writer
    take it)."""
    try:
        with open(path, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def _pid_in(path: Path) -> int | None:
    try:
        text = path.read_text("utf-8", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_index(session: Session, report: _Report) -> None:
    try:
        status = session.index.status(session.store)
    except (sqlite3.Error, StoreError) as error:
        report.bad(
            _("the search index cannot be compared with the library: {error}").format(error=error)
        )
        return
    if status.in_step:
        report.ok(
            counted(
                status.doc_count,
                "search index in step ({count} article)",
                "search index in step ({count} articles)",
            )
        )
        return
    if session.read_only:
        report.bad(
            _("search index: {reason}; cannot update it, the library is read-only").format(
                reason=shown(status.reason)
            )
        )
        return
    try:
        synced = sync_index(session, rebuild=status.needs_rebuild)
    except OSError as error:
        report.bad(
            _("search index: {reason}; updating it failed: {error}").format(
                reason=shown(status.reason), error=file_error(error)
            )
        )
        return
    if synced.locked:
        report.bad(
            _("search index: {reason}; {note}").format(
                reason=shown(status.reason), note=shown(synced.note)
            )
        )
    elif status.needs_rebuild:
        rebuilt = counted(
            synced.indexed,
            "search index rebuilt ({count} article)",
            "search index rebuilt ({count} articles)",
        )
        report.fixed(f"{rebuilt}: {shown(status.reason)}")
    else:
        report.fixed(
            counted(
                synced.indexed,
                "search index caught up ({count} article indexed)",
                "search index caught up ({count} articles indexed)",
            )
        )


# -- backup -------------------------------------------------------------------------------
def cmd_backup(args: argparse.Namespace, session: Session) -> int:
    database = session.library.database
    if not database.exists():
        raise CliError(
            _("there is no library database at {database} to back up").format(database=database)
        )
    target = Path(args.path).expanduser()
    if target.resolve() == database.resolve():
        raise CliError(_("the backup cannot be written over the library database itself"))
    try:
        result = backup(database, target, force=args.force)
    except FileExistsError as error:
        raise CliError(
            _("{target} already exists; add --force to overwrite it").format(target=target)
        ) from error
    except IsADirectoryError as error:
        raise CliError(_("{target} is a folder; give a file name").format(target=target)) from error
    except OSError as error:
        raise file_error(error) from error
    size = result.bytes / 1_000_000
    backed_up = ngettext(
        "backed up {count} article to {path} ({size} MB)",
        "backed up {count} articles to {path} ({size} MB)",
        result.articles,
    )
    size_text = number_text(f"{size:.1f}")
    print(
        backed_up.format(
            count=number(result.articles, grouped=False), path=result.path, size=size_text
        )
    )
    return 0
