"""The Textual app: article list, reading pane and search pane over one library session."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Input, ProgressBar
from textual.worker import get_current_worker

from reader.config import resolve_bidi_mode, vte_explicit_mode
from reader.history import SearchHistory
from reader.models import Article
from reader.session import Session
from reader.ui.article_list import ArticleList
from reader.ui.help import HelpScreen
from reader.ui.reading_pane import ReadingPane
from reader.ui.results_list import ResultsList
from reader.ui.rowlist import RowList
from reader.ui.search_pane import SearchInput, SearchPane
from reader.ui.sources import ALL_SOURCES, SourcePicker
from reader.ui.wording import count


class NewsReaderApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    # The footer shows the keys every pane needs (the focused pane adds its own); `?` (or
    # F1, which also works from the search box) lists every key.
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: `/` is acted on when the app reads the key, not when the focused list
        # gets to it, so the keys typed after it (a paste, a fast typist, a busy app) are
        # already routed to the search box.
        Binding("slash", "focus_search", "Search", priority=True, id="app.search"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("f1", "help", "Help", key_display="F1", id="app.help_f1"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("escape", "back", "Back", show=False, id="app.back"),
        Binding("r", "toggle_read", "Read", show=False, id="app.read"),
        Binding("s", "toggle_star", "Star", show=False, id="app.star"),
        Binding("u", "toggle_unread_only", "Unread only", show=False, id="app.unread"),
        Binding("o", "toggle_sort", "Sort", show=False, id="app.sort"),
        Binding("f", "pick_source", "Sources", show=False, id="app.sources"),
        Binding("R", "refresh_feeds", "Refresh feeds", show=False, id="app.refresh"),
        Binding("t", "reader('translation')", "Translation", show=False, id="app.translation"),
        Binding("y", "reader('copy')", "Copy text", show=False, id="app.copy"),
        Binding("n", "next_result(1)", "Next result", show=False, id="app.next_result"),
        Binding("N", "next_result(-1)", "Prev result", show=False, id="app.prev_result"),
    ]

    def __init__(self, session: Session, *, index_in_background: bool = True) -> None:
        super().__init__()
        self.session = session
        self.store = session.store
        self.mode = resolve_bidi_mode(session.settings.bidi)
        self.harakat = session.settings.harakat
        self.history = SearchHistory(session.library.history_file)
        self.sort = "relevance"
        self.article: Article | None = None
        self.index_in_background = index_in_background
        self.owns_library = True
        self._search_lock = threading.Lock()
        self._typed_at: tuple[str, float] = ("", 0.0)
        self.answered: tuple[str, float] = ("", 0.0)  # last query shown, seconds it took
        self._indexing = threading.Event()
        self._search_box: SearchInput | None = None  # set on mount

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield SearchPane(self.history, mode=self.mode, harakat=self.harakat, id="search")
                with ContentSwitcher(initial="articles", id="lists"):
                    yield ArticleList(
                        self.store, mode=self.mode, harakat=self.harakat, id="articles"
                    )
                    yield ResultsList(
                        self._search_page, mode=self.mode, harakat=self.harakat, id="results"
                    )
                yield ProgressBar(id="progress", show_eta=False)
            yield ReadingPane(mode=self.mode, harakat=self.harakat, id="reader")
        yield Footer()

    @property
    def articles(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def results(self) -> ResultsList:
        return self.query_one("#results", ResultsList)

    @property
    def reader(self) -> ReadingPane:
        return self.query_one("#reader", ReadingPane)

    @property
    def search_pane(self) -> SearchPane:
        return self.query_one("#search", SearchPane)

    def on_mount(self) -> None:
        self._search_box = self.search_pane.input
        self.articles.reload()
        self.articles.focus()
        self.owns_library = self.session.acquire_lock()
        if not self.owns_library:
            self.notify(
                "Another newsreader is open on this library. This window reads and searches, "
                "but leaves the search index to the other one.",
                title="Read-only index",
                severity="warning",
                timeout=8,
            )
        elif self.index_in_background:
            # After the first frame: opening the index must not delay the first paint.
            self.set_timer(0.2, self.catch_up_index)
        self._update_subtitle()

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        """Notifications quote feed titles and server errors: never read them as markup."""
        kwargs.setdefault("markup", False)
        super().notify(message, **kwargs)

    def _update_subtitle(self) -> None:
        list_filter = self.articles.list_filter
        rows = self.articles.row_count
        shown = f"{rows:,} unread" if list_filter.unread_only else count(rows, "article")
        where = f" from {list_filter.source}" if list_filter.source else ""
        self.sub_title = f"{shown}{where}"

    # -- index ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="index")
    def catch_up_index(self, rebuild: bool = False) -> None:
        from reader.search.index import IndexLockedError

        worker = get_current_worker()
        self._indexing.set()
        try:
            status = self.session.index.status(self.store)
            if status.in_step and not rebuild:
                with self._search_lock:
                    self.session.index.warm_up()
                return
            self.call_from_thread(self._show_progress, 0, 0)
            method = self.session.index.rebuild if rebuild else self.session.index.catch_up
            method(
                self.store,
                cancelled=lambda: worker.is_cancelled,
                progress=lambda done, total: (
                    worker.is_cancelled or self.call_from_thread(self._show_progress, done, total)
                ),
            )
            with self._search_lock:
                self.session.index.warm_up()
        except IndexLockedError as error:
            self.call_from_thread(self.notify, str(error), severity="warning")
        except Exception as error:  # keep reading even when indexing fails
            self.call_from_thread(
                self.notify,
                # Damaged indexes are rebuilt by the catch-up itself: this is something
                # else (a full disk, a bug), which another rebuild would not mend.
                f"Indexing failed ({type(error).__name__}: {error}); "
                "searches use the index as it was.",
                severity="error",
                timeout=10,
            )
        finally:
            self._indexing.clear()
            if not worker.is_cancelled:
                self.call_from_thread(self._indexing_done)

    def _show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=total or None, progress=done)
        self.search_pane.show_status(f"Indexing {done:,} of {count(total, 'article')}…")

    def _indexing_done(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.search_pane.show_status("")
        if self.search_pane.input.value.strip():
            self.run_search(self.search_pane.input.value)

    # -- search ---------------------------------------------------------------------------
    def _search_page(self, query: str, offset: int, limit: int) -> Any:
        """Results, or None when this worker was cancelled while waiting for its turn."""
        with self._search_lock:  # one Whoosh searcher at a time
            if get_current_worker().is_cancelled:  # a newer keystroke superseded it
                return None
            return self.session.index.search(
                query, self.store, limit=limit, offset=offset, sort=self.sort
            )

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._typed_at = (event.value, time.perf_counter())
        self.search_pane.show_preview(event.value)
        self.run_search(event.value)

    def _answered(self, query: str) -> None:
        """Note when the screen shows the answer to what was typed (for benchmarks/tests)."""

        def painted() -> None:
            typed, at = self._typed_at
            if typed == query:
                self.answered = (query, time.perf_counter() - at)

        self.call_after_refresh(painted)

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.history.add(event.value)
        self.search_pane.input.forget_position()
        showing_results = self.query_one("#lists", ContentSwitcher).current == "results"
        if showing_results and event.value.strip() and self.results.row_count:
            self.results.focus()

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        from reader.search.index import IndexCorruptError, IndexNotReadyError
        from reader.search.query import QueryError

        worker = get_current_worker()
        if not query.strip():
            self.call_from_thread(self._show_articles)
            return
        try:
            results = self._search_page(query, 0, ResultsList.page_size)
        except QueryError as error:
            if not worker.is_cancelled:
                self.call_from_thread(self._show_error, query, str(error))
            return
        except (IndexCorruptError, IndexNotReadyError):
            # The store is the truth: rebuild from it, then this search runs again.
            if not worker.is_cancelled and self.owns_library:
                self.call_from_thread(self._repair_index, query)
            elif not worker.is_cancelled:
                self.call_from_thread(
                    self._show_error,
                    query,
                    "The search index is being rebuilt by the other "
                    "newsreader window; try again when it finishes.",
                )
            return
        except Exception as error:
            if not worker.is_cancelled:
                self.call_from_thread(self._show_error, query, f"Search failed: {error}")
            return
        if results is None or worker.is_cancelled:  # a newer keystroke has its own search
            return
        self.call_from_thread(self._show_results, query, results)

    def _repair_index(self, query: str) -> None:
        self.search_pane.show_status("The search index needs rebuilding; rebuilding it now…")
        if not self._indexing.is_set():
            self.catch_up_index()

    def _show_error(self, query: str, message: str) -> None:
        if query == self.search_pane.input.value:
            self.search_pane.show_status(message, error=True)
            self._answered(query)

    def _show_results(self, query: str, results: Any) -> None:
        if query != self.search_pane.input.value:
            return  # stale: the box has changed since this search started
        self.query_one("#lists", ContentSwitcher).current = "results"
        self.results.show(query, results.total, list(results.hits))
        note = " (index still catching up)" if self._indexing.is_set() else ""
        order = "by date" if self.sort == "date" else "by relevance"
        self.search_pane.show_status(f"{count(results.total, 'result')}, {order}{note}")
        self.reader.set_matcher(self._matcher(query))
        self._answered(query)

    def _matcher(self, query: str) -> Any:
        from reader.search.query import QueryError

        try:
            return self.session.index.matcher(query)
        except QueryError:
            return None

    def _show_articles(self) -> None:
        self.query_one("#lists", ContentSwitcher).current = "articles"
        self.search_pane.show_status("")
        self.reader.set_matcher(None)

    # -- opening --------------------------------------------------------------------------
    @on(RowList.Highlighted)
    def _row_highlighted(self, event: RowList.Highlighted) -> None:
        if event.row is None or not event.row_list.has_focus:
            return
        if self.article is not None and self.article.id == event.row.id:
            return  # already open: keep the reading position
        self.open_article(event.row.id, mark_read=False)

    @on(RowList.Selected)
    def _row_selected(self, event: RowList.Selected) -> None:
        self.open_article(event.row.id, mark_read=True)
        self.reader.focus()

    def open_article(self, article_id: int, *, mark_read: bool) -> None:
        article = self.store.get(article_id)
        if article is None:
            return
        if mark_read and not article.read:
            self.store.set_read(article_id, True)
            article = replace(article, read=True)
            self.articles.refresh_article(article_id)
        self.article = article
        self.reader.show(article, has_translation=bool(self.store.translations(article_id)))

    @on(ReadingPane.OpenTranslation)
    def _open_translation(self) -> None:
        if self.article is None or self.article.id is None:
            return
        others = self.store.translations(self.article.id)
        if others:
            self.open_article(others[0].id, mark_read=True)
            position = self.store.position(others[0].id, self.articles.list_filter)
            if position is not None:
                self.articles.move_to(position)
            self.reader.focus()

    def _current_id(self) -> int | None:
        focused = self.focused
        if isinstance(focused, RowList) and focused.current is not None:
            return int(focused.current.id)
        return self.article.id if self.article else None

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search":
            # In the box `/` is a character of the query; on the help, the source picker
            # or the command palette it is theirs.
            box = self._search_box
            return box is not None and self.screen is box.screen and self.focused is not box
        return True

    def action_focus_search(self) -> None:
        # Focus now, not via `Widget.focus` (which defers it to a later message): the keys
        # already queued behind `/` are routed to whatever has focus when they are read.
        if self._search_box is not None:
            self.screen.set_focus(self._search_box)

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, SearchInput):
            if focused.value:
                focused.value = ""
            else:
                self.articles.focus()
        elif focused is self.reader:
            lists = self.query_one("#lists", ContentSwitcher)
            (self.results if lists.current == "results" else self.articles).focus()
        elif focused is self.results:
            self.search_pane.input.focus()
        else:
            self.reader.set_matcher(None)

    def action_toggle_read(self) -> None:
        article_id = self._current_id()
        if article_id is None:
            return
        article = self.store.get(article_id)
        if article is not None:
            self.store.set_read(article_id, not article.read)
            self.articles.refresh_article(article_id)
            self._refresh_open(article_id)

    def action_toggle_star(self) -> None:
        article_id = self._current_id()
        if article_id is None:
            return
        article = self.store.get(article_id)
        if article is not None:
            self.store.set_starred(article_id, not article.starred)
            self.articles.refresh_article(article_id)
            self._refresh_open(article_id)
            self.notify("Starred" if not article.starred else "Unstarred", timeout=2)

    def _refresh_open(self, article_id: int) -> None:
        if self.article is not None and self.article.id == article_id:
            self.article = self.store.get(article_id)

    def action_toggle_unread_only(self) -> None:
        current = self.articles.list_filter
        keep = self._current_id()
        self.articles.reload(replace(current, unread_only=not current.unread_only), keep_id=keep)
        self._update_subtitle()
        self.notify("Showing unread only" if not current.unread_only else "Showing all", timeout=2)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.notify(f"Results sorted by {self.sort}", timeout=2)
        if self.search_pane.input.value.strip():
            self.run_search(self.search_pane.input.value)

    def action_next_result(self, step: int) -> None:
        lists = self.query_one("#lists", ContentSwitcher)
        target: RowList[Any] = self.results if lists.current == "results" else self.articles
        target.move_to(target.cursor + step)
        if target.current is not None:
            self.open_article(target.current.id, mark_read=True)

    def action_pick_source(self) -> None:
        current = self.articles.list_filter

        def picked(choice: str | None) -> None:
            if choice is None:
                return
            source = None if choice == ALL_SOURCES else choice
            self.articles.reload(replace(current, source=source), keep_id=self._current_id())
            self._update_subtitle()
            self.articles.focus()

        picker = SourcePicker(self.store.sources(), current.source, self.mode, self.harakat)
        self.push_screen(picker, picked)

    # -- feeds ----------------------------------------------------------------------------
    def action_refresh_feeds(self) -> None:
        if not self.store.feeds():
            self.notify(
                "No feeds yet. Subscribe with `newsreader feeds add URL` or "
                "`newsreader opml import FILE`.",
                severity="warning",
            )
            return
        self.refresh_feeds()

    @work(thread=True, exclusive=True, group="feeds")
    def refresh_feeds(self) -> None:
        from reader.sources.refresh import refresh_feeds

        worker = get_current_worker()
        report = refresh_feeds(
            self.store,
            on_progress=lambda p: self.call_from_thread(self._feed_progress, p),
            on_articles=lambda ids: self.call_from_thread(self._articles_arrived),
            cancelled=lambda: worker.is_cancelled,
        )
        if worker.is_cancelled:
            return
        failed = report.failed
        summary = f"Feeds refreshed: {report.added} new, {report.updated} updated"
        if failed:
            summary += f", {len(failed)} failed ({failed[0].label}: {failed[0].error})"
        if report.full_text_summary:  # e.g. "full text: 3 fetched; 2 pages waiting for a retry"
            summary += f"; {report.full_text_summary}"
        self.call_from_thread(self._feeds_done, summary, bool(failed))

    def _feed_progress(self, progress: Any) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=progress.total or None, progress=progress.done)
        what = "Fetching feeds" if progress.phase == "feeds" else "Fetching full articles"
        self.search_pane.show_status(f"{what}: {progress.done:,} of {progress.total:,}")

    def _articles_arrived(self) -> None:
        self.articles.reload(keep_id=self._current_id())
        self._update_subtitle()

    def _feeds_done(self, summary: str, failed: bool) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.search_pane.show_status("")
        self.notify(summary, severity="warning" if failed else "information", timeout=8)
        if self.owns_library:
            self.catch_up_index()

    def action_reader(self, action: str) -> None:
        """`t` and `y` from the lists act on the open article."""
        getattr(self.reader, f"action_{action}")()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_reindex(self) -> None:
        if not self.owns_library:
            self.notify("Another newsreader owns the index; rebuild it there.", severity="warning")
            return
        self.catch_up_index(rebuild=True)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and the search language (?)", self.action_help)
        yield SystemCommand(
            "Toggle unread only", "Show only unread articles (u)", self.action_toggle_unread_only
        )
        yield SystemCommand(
            "Toggle result order", "Sort results by relevance or date (o)", self.action_toggle_sort
        )
        yield SystemCommand("Rebuild search index", "Reindex every article", self.action_reindex)
        yield SystemCommand(
            "Refresh feeds", "Fetch every subscription (R)", self.action_refresh_feeds
        )
        yield SystemCommand(
            "Pick a source", "Show one source's articles (f)", self.action_pick_source
        )


def run_app(session: Session) -> int:
    """Run the app; on VTE terminals switch to explicit bidi and always switch back."""
    explicit = vte_explicit_mode(session.settings.bidi)
    if explicit:
        sys.__stdout__.write("\x1b[8l")
        sys.__stdout__.flush()
    try:
        app = NewsReaderApp(session)
        return app.run() or 0
    finally:
        if explicit:
            sys.__stdout__.write("\x1b[8h")
            sys.__stdout__.flush()
