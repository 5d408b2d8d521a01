"""The main screen: article list, search pane, reading pane. State flows down, messages up.

The screen owns the state as reactives (the list filter, the result order, the article
open, the search matcher, where the index stands, what has a progress bar) and its widgets
are bound to it with `data_bind`. Workers do the slow parts through the application layer
(`reader.session.Session`) and report with the messages of `reader.ui.messages`; the
handlers here drop what is stale and change the state. The feed refresh and the indexer
process are in the mixins of `reader.ui.screens.feeds` and `reader.ui.screens.indexing`.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from reader.config import resolve_bidi_mode
from reader.history import SearchHistory
from reader.session import OpenedArticle, Session
from reader.store import ListFilter
from reader.text.i18n import _, interface_line, interface_rtl, shown
from reader.text.plural import counted
from reader.ui import messages as msg
from reader.ui.article_list import ArticleList
from reader.ui.footer import KeyFooter
from reader.ui.reading_pane import Matcher, ReadingPane
from reader.ui.results_list import ResultsList
from reader.ui.rowlist import RowList
from reader.ui.screens.feeds import FeedsMixin
from reader.ui.screens.indexing import IndexingMixin
from reader.ui.screens.related import RelatedMixin
from reader.ui.screens.stories import StoriesMixin
from reader.ui.search_pane import SearchInput, SearchPane
from reader.ui.sources import ALL_SOURCES, SourcePicker
from reader.ui.state import Activity, IndexState

STORE_POLL_SECONDS = 2.0  # how often the app looks for changes made by other processes


def _key(key: str, action: str, description: str, binding_id: str, tooltip: str) -> Binding:
    return Binding(key, action, description, show=False, id=binding_id, tooltip=tooltip)


class MainScreen(FeedsMixin, IndexingMixin, RelatedMixin, StoriesMixin, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: `/` is acted on when the app reads the key, not when the focused list
        # gets to it, so the keys typed after it (a paste, a fast typist, a busy app) are
        # already routed to the search box.
        Binding(
            "slash",
            "focus_search",
            "Search",
            priority=True,
            id="app.search",
            tooltip="go to the search box (search as you type)",
        ),
        _key("escape", "back", "Back", "app.back", "back: clear the search, leave a pane"),
        _key("r", "toggle_read", "Read", "app.read", "toggle read"),
        _key("s", "toggle_star", "Star", "app.star", "toggle star"),
        _key("u", "toggle_unread_only", "Unread only", "app.unread", "show unread only / all"),
        _key("o", "toggle_sort", "Sort", "app.sort", "sort results by relevance or by date"),
        _key("f", "pick_source", "Sources", "app.sources", "show one source, with unread counts"),
        _key("e", "expand_story", "Story", "app.story", "expand a story into its articles / back"),
        _key("R", "refresh_feeds", "Refresh feeds", "app.refresh", "refresh feeds"),
        _key(
            "t",
            "reader('translation')",
            "Translation",
            "app.translation",
            "open the other edition (translation)",
        ),
        _key("y", "reader('copy')", "Copy text", "app.copy", "copy the article's text"),
        _key("n", "next_result(1)", "Next result", "app.next_result", "next result"),
        _key("N", "next_result(-1)", "Prev result", "app.prev_result", "previous result"),
    ]

    # The state. repaint=False: the screen draws none of it itself, its widgets (bound to
    # it) do; a screen repaint would redraw every widget on every j/k.
    list_filter: reactive[ListFilter] = reactive(
        ListFilter, always_update=True, init=False, repaint=False
    )
    sort: reactive[str] = reactive("relevance", init=False, repaint=False)
    opened: reactive[OpenedArticle | None] = reactive(
        None, always_update=True, init=False, repaint=False
    )
    matcher: reactive[Matcher | None] = reactive(
        None, always_update=True, init=False, repaint=False
    )
    index_state: reactive[IndexState] = reactive(IndexState, init=False, repaint=False)
    activity: reactive[Activity | None] = reactive(None, init=False, repaint=False)  # progress
    listed: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)  # rows

    def __init__(self, session: Session, *, index_in_background: bool = True) -> None:
        super().__init__()
        self.session = session
        self.store = session.store
        self.mode = resolve_bidi_mode(session.settings.bidi)
        self.harakat = session.settings.harakat
        self.history = SearchHistory(session.library.history_file)
        self.index_in_background = index_in_background
        self.owns_library = True
        self.has_feeds = False
        self._search_lock = threading.Lock()  # one search (page) at a time
        self._search_box: SearchInput | None = None  # set on mount
        # The indexer process (reader.ui.screens.indexing).
        self._indexer: asyncio.subprocess.Process | None = None  # the running indexer
        self._index_again = False  # a catch-up was asked for while the indexer ran
        self._committed = 0  # articles the running indexer has made searchable
        self._shown_committed = 0  # ...when the search shown last ran again for them
        self._data_version = -1  # the store's PRAGMA data_version when last looked at
        self._index_retry = False  # a locked catch-up is tried again at the next poll
        self._translation_applies = False  # whether `t` was on at the last bindings refresh
        grouped = session.settings.group_stories
        self.set_reactive(MainScreen.list_filter, ListFilter(stories=grouped))

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        shape = {"mode": self.mode, "harakat": self.harakat}
        yield Header(show_clock=False)
        # In an RTL interface the list is on the right (app.tcss docks it there).
        with Horizontal(id="main", classes="rtl" if interface_rtl() else ""):
            with Vertical(id="left"):
                yield SearchPane(self.history, **shape, id="search").data_bind(
                    MainScreen.index_state
                )
                with ContentSwitcher(initial="articles", id="lists"):
                    yield ArticleList(
                        self.store, keep=self.current_id, **shape, id="articles"
                    ).data_bind(MainScreen.list_filter)
                    yield ResultsList(self._search_page, **shape, id="results")
                yield ProgressBar(id="progress", show_eta=False)
            yield ReadingPane(**shape, id="reader").data_bind(MainScreen.opened, MainScreen.matcher)
        yield KeyFooter(**shape)

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

    @property
    def lists(self) -> ContentSwitcher:
        return self.query_one("#lists", ContentSwitcher)

    @property
    def showing_results(self) -> bool:
        return self.lists.current == "results"

    def on_mount(self) -> None:
        self._search_box = self.search_pane.input
        self.articles.focus()
        self.has_feeds = bool(self.store.feeds())
        self.owns_library = self.session.acquire_lock()
        if not self.owns_library:
            self.notify(
                _(
                    "Another newsreader is open on this library. This window reads and "
                    "searches, but leaves the search index to the other one."
                ),
                title=_("Read-only index"),
                severity="warning",
                timeout=8,
            )
        elif self.index_in_background:
            # After the first frame: opening the index must not delay the first paint.
            self.set_timer(0.2, self.catch_up_index)
        self._data_version = self.store.data_version()
        self.set_interval(STORE_POLL_SECONDS, self._poll_store)

    def _poll_store(self) -> None:
        """Another process (`newsreader import`, `fetch`, a second window) changed the
        store: list what is there now, and index it. A cheap PRAGMA when nothing changed."""
        version = self.store.data_version()
        changed = version != self._data_version
        self._data_version = version
        if changed:
            self.has_feeds = bool(self.store.feeds())
            self.articles.reload(keep_id=self.current_id())
        retry, self._index_retry = self._index_retry, False
        if (changed or retry) and self.owns_library and self.index_in_background:
            self.catch_up_index()

    # -- derived state --------------------------------------------------------------------
    @on(ArticleList.Counted)
    def _counted(self, event: ArticleList.Counted) -> None:
        self.listed = event.rows

    def watch_listed(self, rows: int) -> None:
        list_filter = self.list_filter
        shown = self.stories_subtitle(rows) or (
            counted(rows, "{count} unread", "{count} unread", grouped=True)
            if list_filter.unread_only
            else counted(rows, "{count} article", "{count} articles", grouped=True)
        )
        if list_filter.source:  # the source's name is the feed's: never looked up
            shown = _("{shown} from {source}").format(shown=shown, source=list_filter.source)
        self.sub_title = interface_line(shown, self.mode, self.harakat)

    def watch_activity(self, activity: Activity | None) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = activity is not None
        if activity is not None:
            bar.update(total=activity.total or None, progress=activity.done)

    def watch_opened(self, old: OpenedArticle | None, opened: OpenedArticle | None) -> None:
        article_id = opened.article.id if opened is not None else None
        if article_id is not None and (old is None or old.article.id != article_id):
            self.find_related_soon(article_id)
        # `t` applies, or not; refreshed only when that changes (it rebuilds the footer).
        translation = opened is not None and opened.has_translation
        if translation != self._translation_applies:
            self._translation_applies = translation
            self.refresh_bindings()

    def watch_sort(self, sort: str) -> None:
        by_date = sort == "date"
        sorted_by = _("Results sorted by date") if by_date else _("Results sorted by relevance")
        self.notify(sorted_by, timeout=2)
        if self.search_pane.input.value.strip():
            self.run_search(self.search_pane.input.value)

    # -- worker failures: one place -------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = f"{type(error).__name__}: {error}"
        group = event.worker.group
        if group == "index":
            # Damaged indexes are rebuilt by the catch-up itself: this is something else (a
            # full disk, a bug), which another rebuild would not mend.
            self.notify(
                _("Indexing failed ({error}); searches use the index as it was.").format(
                    error=what
                ),
                severity="error",
                timeout=10,
            )
            self._index_settled(IndexState())
        elif group == "feeds":
            self.activity = None
            self.search_pane.show_status("")
            failed = _("Refreshing feeds failed ({error})").format(error=what)
            self.notify(failed, severity="error", timeout=10)
        else:
            failed = _("Something failed ({error})").format(error=what)
            self.notify(failed, severity="error", timeout=10)

    # -- search ---------------------------------------------------------------------------
    def _search_page(self, query: str, offset: int, limit: int) -> Any:
        """Results, or None when this worker was cancelled while waiting for its turn."""
        with self._search_lock:
            if get_current_worker().is_cancelled:  # a newer keystroke superseded it
                return None
            return self.session.index.search(
                query, self.store, limit=limit, offset=offset, sort=self.sort
            )

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.history.add(event.value)
        self.search_pane.input.forget_position()
        if self.showing_results and event.value.strip() and self.results.row_count:
            self.results.focus()

    def run_search(self, query: str) -> None:
        if query.strip():
            self._search(query)
            return
        self.workers.cancel_group(self, "search")
        self.lists.current = "articles"
        self.search_pane.show_status("")
        self.matcher = None
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: str) -> None:
        from reader.search.index import IndexCorruptError, IndexNotReadyError
        from reader.search.query import QueryError

        message: msg.SearchAnswered | msg.SearchFailed
        try:
            results = self._search_page(query, 0, ResultsList.page_size)
        except QueryError as error:
            message = msg.SearchFailed(query, str(error))
        except (IndexCorruptError, IndexNotReadyError):
            # The store is the truth: rebuild from it, then this search runs again.
            message = msg.SearchFailed(query, _("The search index is damaged."), damaged=True)
        except Exception as error:
            failure = shown(error)  # our own errors in the interface's language
            message = msg.SearchFailed(query, _("Search failed: {error}").format(error=failure))
        else:
            if results is None:  # a newer keystroke has its own search
                return
            message = msg.SearchAnswered(query, results)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_search_failed(self, event: msg.SearchFailed) -> None:
        message = event.message
        if event.damaged and self.owns_library:
            self.search_pane.show_status(_("The search index needs rebuilding; rebuilding it now…"))
            if not self.index_state.busy:
                self.catch_up_index()
            return
        if event.damaged:
            message = _(
                "The search index is being rebuilt by the other newsreader window; "
                "try again when it finishes."
            )
        if event.query == self.search_pane.input.value:
            self.search_pane.show_status(message, error=True)

    def on_search_answered(self, event: msg.SearchAnswered) -> None:
        if event.query != self.search_pane.input.value:
            return  # stale: the box has changed since this search started
        results = event.results
        self.lists.current = "results"
        self.results.show(event.query, results.total, list(results.hits))
        found = counted(results.total, "{count} result", "{count} results", grouped=True)
        if self.sort == "date":
            status = _("{results}, by date").format(results=found)
        else:
            status = _("{results}, by relevance").format(results=found)
        if results.partial:  # e.g. "searched 16,200 of 100,000 articles, indexing…"
            status += f"; {results.partial_note}" + (
                _(", indexing…") if self.index_state.busy else ""
            )
        elif self.index_state.busy:
            status += _(" (index still catching up)")
        self.search_pane.show_status(status)
        self.matcher = self._matcher(event.query)
        self.refresh_bindings()  # `n` applies now

    def _matcher(self, query: str) -> Matcher | None:
        from reader.search.query import QueryError

        try:
            return self.session.index.matcher(query)
        except QueryError:
            return None

    # -- opening --------------------------------------------------------------------------
    @on(RowList.Highlighted)
    def _row_highlighted(self, event: RowList.Highlighted) -> None:
        if event.row is None or not event.row_list.has_focus:
            return
        if self.opened is not None and self.opened.article.id == event.row.id:
            return  # already open: keep the reading position
        self.open_article(event.row.id, mark_read=False)

    @on(RowList.Selected)
    def _row_selected(self, event: RowList.Selected) -> None:
        self.open_article(event.row.id, mark_read=True)
        self.reader.focus()

    def open_article(self, article_id: int, *, mark_read: bool) -> None:
        opened = self.session.open_article(article_id, mark_read=mark_read)
        if opened is None:
            return
        if mark_read:
            self.articles.refresh_article(article_id)
        self.opened = opened

    def current_id(self) -> int | None:
        """The row under the focused list's cursor, else the open article."""
        focused = self.focused
        if isinstance(focused, RowList) and focused.current is not None:
            return int(focused.current.id)
        return self.opened.article.id if self.opened else None

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None greys a key out in the footer (and the help); False would hide it.
        if action == "focus_search":
            # In the box `/` is a character of the query.
            return self._search_box is not None and self.focused is not self._search_box
        if action == "next_result" and not (self.showing_results and self.results.row_count):
            return None
        if action == "reader" and parameters == ("translation",):
            return True if self.opened is not None and self.opened.has_translation else None
        if action == "refresh_feeds" and not self.has_feeds:
            return None
        if action == "expand_story" and not (self.list_filter.stories or self.list_filter.story):
            return None
        return True

    def action_focus_search(self) -> None:
        # Focus now, not via `Widget.focus` (which defers it to a later message): the keys
        # already queued behind `/` are routed to whatever has focus when they are read.
        if self._search_box is not None:
            self.set_focus(self._search_box)

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, SearchInput):
            if focused.value:
                focused.value = ""
            else:
                self.articles.focus()
        elif focused is self.reader:
            (self.results if self.showing_results else self.articles).focus()
        elif focused is self.results:
            self.search_pane.input.focus()
        elif self.list_filter.story is not None:
            self.fold_story()
        else:
            self.matcher = None

    def action_toggle_read(self) -> None:
        if (article_id := self.current_id()) is None:
            return
        if (article := self.session.toggle_read(article_id)) is not None:
            self.articles.refresh_article(article_id)
            self._refresh_open(article)

    def action_toggle_star(self) -> None:
        if (article_id := self.current_id()) is None:
            return
        if (article := self.session.toggle_star(article_id)) is not None:
            self.articles.refresh_article(article_id)
            self._refresh_open(article)
            self.notify(_("Starred") if article.starred else _("Unstarred"), timeout=2)

    def _refresh_open(self, article: Any) -> None:
        # Not re-laid out (the reading position stays): read and starred are not shown there.
        if self.opened is not None and self.opened.article.id == article.id:
            self.set_reactive(MainScreen.opened, replace(self.opened, article=article))

    def action_toggle_unread_only(self) -> None:
        unread_only = not self.list_filter.unread_only
        self.list_filter = replace(self.list_filter, unread_only=unread_only)
        self.notify(_("Showing unread only") if unread_only else _("Showing all"), timeout=2)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"

    def action_next_result(self, step: int) -> None:
        target: RowList[Any] = self.results if self.showing_results else self.articles
        target.move_to(target.cursor + step)
        if target.current is not None:
            self.open_article(target.current.id, mark_read=True)

    def action_pick_source(self) -> None:
        current = self.list_filter

        def picked(choice: str | None) -> None:
            if choice is None:
                return
            source = None if choice == ALL_SOURCES else choice
            self.list_filter = replace(current, source=source)
            self.articles.focus()

        picker = SourcePicker(self.store.sources(), current.source, self.mode, self.harakat)
        self.app.push_screen(picker, picked)

    def action_reader(self, action: str) -> None:
        """`t` and `y` from the lists act on the open article."""
        getattr(self.reader, f"action_{action}")()

    def action_reindex(self) -> None:
        if not self.owns_library:
            self.notify(
                _("Another newsreader owns the index; rebuild it there."), severity="warning"
            )
            return
        self.catch_up_index(rebuild=True)
