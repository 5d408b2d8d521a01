"""Search results: two lines per hit (title, highlighted snippet), loaded page by page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from textual import work
from textual.message import Message
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.models import Hit
from reader.search.snippets import fit_snippet
from reader.text.i18n import _
from reader.text.layout import fit_line
from reader.ui.cells import styled_cells
from reader.ui.rowlist import RowList


class ResultsList(RowList[Hit]):
    """`search_page(query, offset, limit)` runs in a worker thread and returns results."""

    @dataclass(eq=False)
    class PageLoaded(Message):
        query: str
        generation: int
        page_no: int
        hits: list[Hit]

    @dataclass(eq=False)
    class PageFailed(Message):
        generation: int
        page_no: int
        message: str

    row_height = 2
    page_size = 20  # each hit costs a snippet: fetch about a screenful at a time

    def __init__(
        self,
        search_page: Callable[[str, int, int], Any],
        *,
        mode: str = "app",
        harakat: str = "keep",
        id: str | None = None,
    ) -> None:
        super().__init__(mode=mode, harakat=harakat, id=id)
        self.search_page = search_page
        self.query = ""
        self._loading: set[int] = set()
        self._generation = 0  # bumped by each `show`: pages of an older one are dropped

    def show(self, query: str, total: int, hits: list[Hit]) -> None:
        """Show the first page of a new search."""
        self.query = query
        self._generation += 1  # the same query in another order is a new list too
        self._loading.clear()
        self.reset(total, first_page=list(hits))

    def fetch_rows(self, offset: int, limit: int) -> list[Hit] | None:
        page_no = offset // self.page_size
        if page_no not in self._loading:
            self._loading.add(page_no)
            self._load_page(self.query, page_no, self._generation)
        return None

    @work(thread=True, group="results-page", exit_on_error=False)
    def _load_page(self, query: str, page_no: int, generation: int) -> None:
        try:
            results = self.search_page(query, page_no * self.page_size, self.page_size)
        except Exception as error:  # e.g. the index is being rebuilt: say so, keep running
            self.post_message(self.PageFailed(generation, page_no, str(error)))
            return
        if results is None or get_current_worker().is_cancelled:
            if generation == self._generation:
                self._loading.discard(page_no)
            return
        self.post_message(self.PageLoaded(query, generation, page_no, list(results.hits)))

    def on_results_list_page_failed(self, event: PageFailed) -> None:
        event.stop()
        if event.generation != self._generation:
            return  # a failure of a list no longer shown
        self._loading.discard(event.page_no)
        self.notify(
            _("Could not load more results: {error}").format(error=event.message),
            severity="error",
            markup=False,
        )

    def on_results_list_page_loaded(self, event: PageLoaded) -> None:
        event.stop()
        page_no = event.page_no
        if event.query != self.query or event.generation != self._generation:
            return  # requested for a list since replaced (a newer search, or a new order)
        self._pages[page_no] = event.hits
        self._loading.discard(page_no)
        self._strips.clear()
        self.refresh()
        if self.cursor // self.page_size == page_no:
            self.post_message(self.Highlighted(self, self.current))

    def render_row(self, row: Hit | None, width: int, selected: bool) -> list[Strip]:
        base = self.style_for("rowlist--cursor") if selected else self.rich_style
        if row is None:
            return [self.fit([Segment(" …")], width, base), self.fit([], width, base)]
        dim = self.style_for("rowlist--dim")
        title_cells = max(1, width - 2 - self.date_cells - 1)
        title = Segment(
            self.column(row.title or _("(untitled)"), title_cells, row.language),
            self.style_for("rowlist--unread"),
        )
        if self.mirrored:  # the date on the left, the title on the right
            first = [Segment(self.date_column(row.published) + " ", dim), title, Segment("  ")]
        else:
            first = [Segment("  "), title, Segment(" " + self.date_column(row.published), dim)]
        snippet_cells = max(1, width - 4)
        # Window the snippet here, where the width is known, so the first match shows whole.
        shown = fit_snippet(row.snippet, snippet_cells)
        snippet = fit_line(
            shown.text, snippet_cells, language=row.language, mode=self.mode, harakat=self.harakat
        )
        marked = [
            (a + snippet.indent, b + snippet.indent)
            for a, b in snippet.spans_to_cells(shown.highlights)
        ]
        snippet_segments = styled_cells(
            " " * snippet.indent + snippet.text, marked, dim, self.style_for("rowlist--highlight")
        )
        if self.mirrored:
            padding = " " * (snippet_cells - snippet.indent - snippet.width)
            second = [Segment(padding), *snippet_segments, Segment("    ")]
        else:
            second = [Segment("    "), *snippet_segments]
        return [self.fit(first, width, base), self.fit(second, width, base)]
