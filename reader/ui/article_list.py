"""The article list: every stored article, newest first, a page at a time from the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.models import ArticleRow
from reader.store import ListFilter, Store
from reader.text.i18n import _
from reader.ui.rowlist import RowList

SOURCE_CELLS = 14


class ArticleList(RowList[ArticleRow]):
    """One row per article: unread and starred marks, title, source, date. With stories
    grouped (`ListFilter.stories`), one row per story: its lead article, "+N" for the other
    articles that carry it, and unread while any of them is.

    `list_filter` is bound to the main screen's: a new filter counts again, keeping the
    article `keep()` names (or its story) under the cursor."""

    list_filter: reactive[ListFilter] = reactive(ListFilter, always_update=True, init=False)

    @dataclass(eq=False)
    class Counted(Message):
        """The list was counted again: `rows` rows under `list_filter`."""

        rows: int
        list_filter: ListFilter

    def __init__(
        self,
        store: Store,
        *,
        keep: Callable[[], int | None] = lambda: None,
        mode: str = "app",
        harakat: str = "keep",
        id: str | None = None,
    ) -> None:
        super().__init__(mode=mode, harakat=harakat, id=id)
        self.store = store
        self.keep = keep
        # Grouped: (articles, sources, unread articles) of the stories fetched so far.
        self._stories: dict[int, tuple[int, int, int]] = {}

    def watch_list_filter(self) -> None:
        self.reload(keep_id=self.keep())

    def reload(self, list_filter: ListFilter | None = None, keep_id: int | None = None) -> None:
        """Count again (after import or a filter change), keeping `keep_id` under the cursor."""
        if list_filter is not None:
            self.set_reactive(ArticleList.list_filter, list_filter)
        cursor = 0
        self._stories.clear()
        if keep_id is not None and self.list_filter.stories:
            keep_id = self.store.story_id_of(keep_id)
        if keep_id is not None:
            cursor = self.store.position(keep_id, self.list_filter) or 0
        self.reset(self.store.count(self.list_filter), cursor)
        self.post_message(self.Counted(self.row_count, self.list_filter))

    def refresh_article(self, article_id: int) -> None:
        """Redraw one article's row after its read or starred state changed.

        The row stays where it is even when the filter would now hide it (reading in
        "unread only"), so the cursor and the rows around it do not jump.
        """
        if self.list_filter.stories:
            story_id = self.store.story_id_of(article_id)
            if story_id is None:
                return
            self._stories.update(self.store.story_counts([story_id]))
            article_id = story_id  # the story's row shows its lead
        fresh = self.store.rows_by_ids([article_id]).get(article_id)
        if fresh is not None:
            self.replace_row(lambda row: row.id == article_id, fresh)

    def fetch_rows(self, offset: int, limit: int) -> list[ArticleRow]:
        rows = self.store.page(offset, limit, self.list_filter)
        if self.list_filter.stories:
            self._stories.update(self.store.story_counts([row.id for row in rows]))
        return rows

    def story_size(self, row: ArticleRow) -> int:
        """How many articles the row's story holds (1 when stories are not grouped)."""
        return self._story_counts(row)[0]

    def _story_counts(self, row: ArticleRow) -> tuple[int, int, int]:
        """(articles, sources, unread articles) of the row's story; filled only while
        stories are grouped (cleared by `reload`), so an ungrouped row is its own story."""
        return self._stories.get(row.id, (1, 1, int(not row.read)))

    def render_row(self, row: ArticleRow | None, width: int, selected: bool) -> list[Strip]:
        base = self.style_for("rowlist--cursor") if selected else self.rich_style
        if row is None:
            return [self.fit([Segment("…")], width, base)]
        dim = self.style_for("rowlist--dim")
        mark = self.style_for("rowlist--mark")
        articles, _sources, unread_count = self._story_counts(row)
        more = Segment(f" +{articles - 1}" if articles > 1 else "", mark)
        unread = Segment("●" if unread_count else " ", mark)
        starred = Segment("★" if row.starred else " ", mark)
        show_source = width >= 60
        show_date = width >= 40
        date_cells = self.date_cells
        tail_cells = (SOURCE_CELLS + 1 if show_source else 0) + (date_cells + 1 if show_date else 0)
        title_cells = max(1, width - 3 - tail_cells - more.cell_length)
        title_style = self.style_for("rowlist--unread") if unread_count else None
        title = self.column(row.title or _("(untitled)"), title_cells, row.language)
        source = self.column(row.source or "", SOURCE_CELLS)
        if self.mirrored:  # date, source, title, marks: read from the right
            segments = [
                *([Segment(self.date_column(row.published) + " ", dim)] if show_date else []),
                *([Segment(source + " ", dim)] if show_source else []),
                more,
                Segment(title, title_style),
                Segment(" "),
                starred,
                unread,
            ]
            return [self.fit(segments, width, base)]
        segments = [unread, starred, Segment(" "), Segment(title, title_style), more]
        if show_source:
            segments.append(Segment(" " + source, dim))
        if show_date:
            segments.append(Segment(" " + self.date_column(row.published), dim))
        return [self.fit(segments, width, base)]
