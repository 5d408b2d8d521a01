"""The main screen's links from the reading pane: the other edition (`t`), and related
stories, found in a worker once an article has stayed open for a moment, listed under it
by the reading pane, opened by their number or a click.

Finding them takes a search (tens of milliseconds, more on a big library): never while
the reader is still moving through the list, and never in the way of a key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer
from textual.worker import get_current_worker

from reader.search.errors import SearchError
from reader.text.article import MAX_RELATED, RelatedItem
from reader.text.i18n import published_text
from reader.text.plural import counted
from reader.ui import messages as msg
from reader.ui.reading_pane import ReadingPane

if TYPE_CHECKING:
    from reader.search.related import RelatedStory
    from reader.ui.screens.main import MainScreen

SETTLE_SECONDS = 0.3  # an article open this long is being read, not passed over


def related_item(story: RelatedStory) -> RelatedItem:
    meta = [story.source] if story.source else []
    meta.append(published_text(story.published))
    if story.articles > 1:
        meta.append(counted(story.articles, "{count} article", "{count} articles"))
    return RelatedItem(story.title, story.language, tuple(meta))


class RelatedMixin:
    """For MainScreen only (it uses the screen's session and widgets)."""

    _related_timer: Timer | None = None

    def find_related_soon(self: MainScreen, article_id: int) -> None:
        if self._related_timer is not None:
            self._related_timer.stop()
        self.workers.cancel_group(self, "related")
        self._related_timer = self.set_timer(SETTLE_SECONDS, lambda: self.find_related(article_id))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def find_related(self: MainScreen, article_id: int) -> None:
        worker = get_current_worker()
        try:
            stories = self.session.related(article_id, limit=MAX_RELATED)
        except SearchError:
            return  # no index yet, or it is being rebuilt: the next article will have them
        if not worker.is_cancelled:
            found = tuple((story.id, related_item(story)) for story in stories)
            self.post_message(msg.RelatedFound(article_id, found))

    # Handlers by name: Textual's @on is not collected from a mixin.
    def on_related_found(self: MainScreen, event: msg.RelatedFound) -> None:
        self.reader.show_related(event.article_id, event.related)

    def on_reading_pane_open_related(self: MainScreen, event: ReadingPane.OpenRelated) -> None:
        self.open_from_reader(event.article_id)

    def on_reading_pane_open_translation(self: MainScreen) -> None:
        if self.opened is None or self.opened.article.id is None:
            return
        other = self.session.other_edition(self.opened.article.id)
        if other is not None:
            self.open_from_reader(other.id)

    def open_from_reader(self: MainScreen, article_id: int) -> None:
        """Open an article the reading pane points to (the other edition, a related story):
        read it there, with the list's cursor on it."""
        self.open_article(article_id, mark_read=True)
        position = self.store.position(article_id, self.list_filter)
        if position is not None:
            self.articles.move_to(position)
        self.reader.focus()
