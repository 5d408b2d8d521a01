"""The library's commands: `import`, `list`, `search`, `show`, `related`, `stories`,
`index`, `reindex` and `stats`."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from typing import Any

from reader.cli.common import CliError, failed_line, note, progress, say, sync_index
from reader.config import resolve_bidi_mode
from reader.session import Session
from reader.store import ListFilter
from reader.text.i18n import N_, _, ngettext, number, shown
from reader.text.plural import counted


def register(sub: argparse._SubParsersAction) -> None:
    """Add the library's commands to the main command's subparsers."""
    p = sub.add_parser("import", help=_("import text, JSON, JSON Lines, zip files or folders"))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-index", action="store_true", help=_("do not update the search index"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help=_("print articles, newest first"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument(
        "--limit", type=int, default=50, help=_("at most this many articles (default: 50)")
    )
    p.add_argument("--unread", action="store_true", help=_("unread articles only"))
    p.add_argument("--starred", action="store_true", help=_("starred articles only"))
    p.add_argument(
        "--stories",
        action="store_true",
        help=_("one line per story (its first article, +N for the others); see `stories`"),
    )
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("search", help=_("search; QUERY '-' reads one query per line from stdin"))
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--json", action="store_true", help=_("one JSON object per query"))
    p.add_argument(
        "--limit", type=int, default=20, help=_("at most this many results per query (default: 20)")
    )
    p.add_argument(
        "--sort",
        choices=("relevance", "date"),
        default="relevance",
        help=_("order of the results: relevance (default) or date, newest first"),
    )
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help=_("print an article laid out as the reading pane shows it"))
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--width", type=int, help=_("width in cells (default: terminal or 80)"))
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("related", help=_("print other stories on an article's subject"))
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument("--limit", type=int, default=5, help=_("at most this many stories (default: 5)"))
    p.set_defaults(func=cmd_related)

    p = sub.add_parser(
        "stories",
        help=_("group near-identical articles from several sources into stories"),
        description=_(
            "Cluster the articles not clustered yet (imports and refreshes do it "
            "themselves; a library from before stories is clustered by its first import or "
            "refresh, or by this command), then print how many stories the library holds."
        ),
    )
    p.add_argument("--rebuild", action="store_true", help=_("forget every story and start over"))
    p.add_argument("--json", action="store_true", help=_("print the counts as one JSON object"))
    p.set_defaults(func=cmd_stories)

    p = sub.add_parser("reindex", help=_("rebuild the search index from the store"))
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser(
        "index",
        help=_("bring the search index in step (what the app runs in the background)"),
        description=_(
            "Index what changed, resuming an interrupted build (newest articles "
            "first, searchable batch by batch). Safe to kill at any moment: the next run "
            "resumes. With --progress json (for scripts and the app), stdout has one JSON "
            'object a line: {"done": N, "total": N} as articles are indexed, {"committed": N} '
            "when a batch is searchable, and last "
            '{"result": {"action": ..., "indexed": N, "note": ...}}.'
        ),
    )
    p.add_argument("--rebuild", action="store_true", help=_("clear the index and rebuild it"))
    p.add_argument(
        "--progress",
        choices=("bar", "json"),
        default="bar",
        help=_("bar (default) on the terminal, or json: one JSON object a line on stdout"),
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("stats", help=_("counts, sizes and whether the index is in step"))
    p.add_argument("--json", action="store_true", help=_("print the figures as one JSON object"))
    p.set_defaults(func=cmd_stats)


# -- output -------------------------------------------------------------------------------
def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: Any) -> str:
    """The date column of plain listings, fixed width."""
    return value.date().isoformat() if value is not None else "----------"


def _drawer(session: Session) -> Callable[..., str]:
    """How plain listings print titles, sources and snippets. On a terminal, as `show` lays
    out articles: the `bidi` setting decides, so in "app" mode Arabic is shaped and put in
    visual order. Piped, the stored logical text, for scripts."""
    if not sys.stdout.isatty():
        return lambda text, language=None: text
    from reader.text.cells import cell_width
    from reader.text.layout import fit_line

    mode = resolve_bidi_mode(session.settings.bidi)
    harakat = session.settings.harakat

    def draw(text: str, language: str | None = None) -> str:
        if not text:
            return text
        width = max(1, cell_width(text))  # one line, never cut: shaping only narrows text
        return fit_line(text, width, language=language, mode=mode, harakat=harakat).text

    return draw


def _sync_for_search(session: Session) -> bool:
    """Searches use the index as it is when another process is writing it (True then)."""
    synced = sync_index(session)
    if synced.locked:
        note(_("{note}; searching the index as it is").format(note=shown(synced.note)))
    return synced.locked


# -- commands -----------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace, session: Session) -> int:
    with progress(_("Importing")) as update:
        report, _stored = session.import_paths(
            args.paths, progress=lambda p: update(p.done, p.total)
        )
    summary = _("added {added}, duplicates {duplicates}, failed {failed}").format(
        added=number(report.added, grouped=False),
        duplicates=number(report.duplicates, grouped=False),
        failed=number(len(report.failures), grouped=False),
    )
    if report.skipped:
        summary += _(", skipped {skipped}").format(skipped=number(report.skipped, grouped=False))
    print(summary)
    if report.duplicates:
        print(_duplicates_line(report))
    for failure in report.failures:
        failed_line(failure.origin, failure.reason)
    for changed in report.notes:
        note(f"{changed.origin}: {changed.reason}")
    if report.stopped:
        from reader.store.health import describe_database_error

        reason = describe_database_error(
            sqlite3.OperationalError(report.stopped), session.library.database
        )
        not_imported = counted(
            report.not_imported, "{count} file not imported", "{count} files not imported"
        )
        raise CliError(
            _(
                "import stopped: {reason}; {not_imported} (import them again: what is "
                "already stored counts as duplicates)"
            ).format(reason=reason, not_imported=not_imported)
        )
    if not args.no_index:  # also when nothing was added: an index left behind catches up
        _sync_for_search(session)
    return 0 if report.ok else 1


def _duplicates_line(report: Any) -> str:
    """Why the duplicates were not stored again (each is in the library once)."""
    kinds = [
        (report.same_guid, _("same guid")),
        (report.same_link, _("same link")),
        (report.same_text, _("same title and text")),
    ]
    parts = _(", ").join(f"{number(count, grouped=False)} {what}" for count, what in kinds if count)
    return _(
        "duplicates already in the library or repeated in the import, kept once: {parts}"
    ).format(parts=parts)


def cmd_list(args: argparse.Namespace, session: Session) -> int:
    list_filter = ListFilter(unread_only=args.unread, starred_only=args.starred)
    if args.stories:
        stories = session.store.story_page(0, args.limit, list_filter)
        listed = [(s.lead, s.articles, s.sources, s.unread > 0) for s in stories]
    else:
        rows = session.store.page(0, args.limit, list_filter)
        listed = [(row, 1, 1, not row.read) for row in rows]
    draw = _drawer(session)
    for row, articles, sources, unread in listed:
        if args.json:
            record = {
                "id": row.id,
                "title": row.title,
                "source": row.source,
                "language": row.language,
                "published": _iso(row.published),
                "read": not unread,
                "starred": row.starred,
            }
            if args.stories:
                record |= {"story_articles": articles, "story_sources": sources}
            print(json.dumps(record, ensure_ascii=False))
        else:
            flags = ("N" if unread else " ") + ("*" if row.starred else " ")
            date = _day(row.published)
            title, source = draw(row.title, row.language), draw(row.source or "-")
            more = f" +{articles - 1}" if articles > 1 else ""
            print(f"{row.id:>7} {flags} {date}  {title}  [{source}]{more}")
    return 0


def _search_record(results: Any) -> dict[str, Any]:
    return {
        "query": results.query,
        "total": results.total,
        "hits": [
            {
                "id": hit.id,
                "title": hit.title,
                "source": hit.source,
                "language": hit.language,
                "published": _iso(hit.published),
                "score": round(hit.score, 4),
                "snippet": hit.snippet.text,
            }
            for hit in results.hits
        ],
    }


def _search_repairing(session: Session, query: str, limit: int, sort: str) -> Any:
    """Search; damage that only this search found is rebuilt from the store, then asked
    again, once (the index remembers the damage, so the next sync rebuilds it)."""
    from reader.search.index import IndexCorruptError

    try:
        return session.index.search(query, session.store, limit=limit, sort=sort)
    except IndexCorruptError:
        _sync_for_search(session)
        return session.index.search(query, session.store, limit=limit, sort=sort)


def cmd_search(args: argparse.Namespace, session: Session) -> int:
    from reader.search.query import QueryError

    partial_noted = not _sync_for_search(session)  # complete unless another is indexing
    queries: Iterator[str] = (
        (line.rstrip("\n") for line in sys.stdin) if args.query == "-" else iter([args.query])
    )
    failed = False
    draw = _drawer(session)
    for query in queries:  # one answer per line read, blank lines too (as an error)
        try:
            results = _search_repairing(session, query, args.limit, args.sort)
        except QueryError as error:
            failed = True
            if args.json:
                print(
                    json.dumps(
                        {"query": query, "error": error.english, "total": 0, "hits": []},
                        ensure_ascii=False,
                    ),
                    flush=True,
                )
            else:
                say(f"{query!r}: {error}")
            continue
        if results.partial and not partial_noted:
            partial_noted = True
            note(_("{partial}, indexing…").format(partial=results.partial_note))
        if args.json:
            print(json.dumps(_search_record(results), ensure_ascii=False), flush=True)
            continue
        found = ngettext("{count} result for {query}", "{count} results for {query}", results.total)
        print(
            found.format(count=number(results.total, grouped=False), query=repr(query)), flush=True
        )
        for hit in results.hits:
            date = _day(hit.published)
            title, source = draw(hit.title, hit.language), draw(hit.source or "-")
            print(f"{hit.id:>7} {hit.score:7.2f} {date}  {title}  [{source}]")
            print(f"{'':17}{draw(hit.snippet.text, hit.language)}", flush=True)
    return 1 if failed else 0


def cmd_show(args: argparse.Namespace, session: Session) -> int:
    from reader.text.article import layout_article

    article = session.store.get(args.id)
    if article is None:
        raise CliError(_no_article(args.id))
    width = args.width or (shutil.get_terminal_size().columns if sys.stdout.isatty() else 80)
    view = layout_article(
        article,
        width,
        mode=resolve_bidi_mode(session.settings.bidi),
        harakat=session.settings.harakat,
        has_translation=bool(session.store.translations(article.id or 0)),
    )
    for line in view.lines:
        print(line.plain())
    return 0


def _no_article(article_id: int) -> str:
    return _("no article with id {id}; `newsreader list` shows the ids").format(id=article_id)


def cmd_related(args: argparse.Namespace, session: Session) -> int:
    if session.store.get(args.id) is None:
        raise CliError(_no_article(args.id))
    _sync_for_search(session)
    related = session.related(args.id, limit=args.limit)
    draw = _drawer(session)
    for story in related:
        if args.json:
            record = {
                "id": story.id,
                "story_id": story.story_id,
                "title": story.title,
                "source": story.source,
                "language": story.language,
                "published": _iso(story.published),
                "score": round(story.score, 4),
                "articles": story.articles,
            }
            print(json.dumps(record, ensure_ascii=False))
        else:
            more = f" (+{story.articles - 1})" if story.articles > 1 else ""
            title, source = draw(story.title, story.language), draw(story.source or "-")
            print(f"{story.id:>7} {_day(story.published)}  {title}  [{source}]{more}")
    return 0


def cmd_stories(args: argparse.Namespace, session: Session) -> int:
    if session.read_only:
        raise CliError(_("the library is read-only, so its stories cannot be updated"))
    with progress(_("Grouping stories")) as update:
        if args.rebuild:
            report = session.rebuild_stories(progress=update)
        else:
            report = session.assign_stories(progress=update)
    store = session.store
    record = {
        "clustered": report.clustered,
        "joined": report.joined,
        "articles": store.count(),
        "stories": store.story_count(),
        "unread_stories": store.unread_story_count(),
    }
    if args.json:
        print(json.dumps(record))
    else:
        articles = counted(record["articles"], "{count} article", "{count} articles")
        stories = counted(record["stories"], "{count} story", "{count} stories")
        print(
            _(
                "{articles} in {stories} ({unread} unread); clustered {clustered} now, "
                "{joined} of them joined another article's story"
            ).format(
                articles=articles,
                stories=stories,
                unread=number(record["unread_stories"], grouped=False),
                clustered=number(report.clustered, grouped=False),
                joined=number(report.joined, grouped=False),
            )
        )
    return 0


def cmd_reindex(args: argparse.Namespace, session: Session) -> int:
    synced = sync_index(session, rebuild=True)
    if synced.locked:  # a rebuild that did not happen is a failure
        raise CliError(shown(synced.note))
    status = session.index.status(session.store)
    print(_indexed(status.doc_count))
    return 0


_ACTIONS = {"in_step": N_("in step"), "caught_up": N_("caught up"), "rebuilt": N_("rebuilt")}


def _indexed(count: int) -> str:
    return counted(count, "indexed {count} article", "indexed {count} articles")


def cmd_index(args: argparse.Namespace, session: Session) -> int:
    if args.progress == "bar":
        synced = sync_index(session, rebuild=args.rebuild)
        if synced.locked:
            raise CliError(shown(synced.note))
        action = _(_ACTIONS[synced.action]) if synced.action in _ACTIONS else synced.action
        print(f"{action}: {_indexed(synced.indexed)}")
        return 0

    def line(record: dict[str, Any]) -> None:
        print(json.dumps(record, ensure_ascii=False), flush=True)

    last: list[int] = [-1]

    def step(done: int, total: int) -> None:
        if done != last[0]:
            last[0] = done
            line({"done": done, "total": total})

    synced = session.sync_index(
        step, rebuild=args.rebuild, on_commit=lambda n: line({"committed": n})
    )
    line({"result": {"action": synced.action, "indexed": synced.indexed, "note": synced.note}})
    return 0


def _dir_size(path: Any) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def cmd_stats(args: argparse.Namespace, session: Session) -> int:
    counts = session.store.stats()
    status = session.index.status(session.store)
    database = session.library.database
    db_bytes = sum(
        p.stat().st_size for p in database.parent.glob(database.name + "*") if p.is_file()
    )
    record = {
        **counts,
        "feeds": len(session.store.feeds()),
        "home": str(session.library.home),
        "database_bytes": db_bytes,
        "index_bytes": _dir_size(session.library.index_dir),
        "index_documents": status.doc_count,
        "index_in_step": status.in_step,
        "index_note": status.reason,
    }
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    labels = {key: _(label) for key, label in _STAT_LABELS.items()}
    width = max(16, *(len(label) for label in labels.values()))
    for key, value in record.items():
        text: Any = shown(value)
        if isinstance(value, bool):
            text = _(_BOOLEANS[value])
        elif isinstance(value, int):
            text = number(value, grouped=False)
        print(f"{labels.get(key, key.replace('_', ' ')):>{width}}: {text}")
    return 0


_BOOLEANS = {True: N_("True"), False: N_("False")}
# The labels of `stats` (its --json keys stay as they are).
_STAT_LABELS = {
    "articles": N_("articles"),
    "unread": N_("unread"),
    "starred": N_("starred"),
    "arabic": N_("arabic"),
    "english": N_("english"),
    "feeds": N_("feeds"),
    "home": N_("home"),
    "database_bytes": N_("database bytes"),
    "index_bytes": N_("index bytes"),
    "index_documents": N_("index documents"),
    "index_in_step": N_("index in step"),
    "index_note": N_("index note"),
}
