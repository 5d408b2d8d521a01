"""The main screen's feed refresh (`R`): a worker through `Session.refresh_feeds`, and the
messages it posts. The feeds' summary is told as soon as they are stored; full text
follows, and is told when done. The refresh does not index: when it changed anything, the
screen starts its indexer process (one writer, never in a thread of the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from reader.text.i18n import N_, _, number
from reader.ui import messages as msg
from reader.ui.state import Activity

if TYPE_CHECKING:
    from reader.sources.refresh import RefreshReport
    from reader.ui.screens.main import MainScreen

NO_FEEDS = N_(
    "No feeds yet. Subscribe with `newsreader feeds add URL` or `newsreader opml import FILE`."
)


class FeedsMixin:
    """For MainScreen only (it uses the screen's session, state and widgets)."""

    def action_refresh_feeds(self: MainScreen) -> None:
        self.has_feeds = bool(self.store.feeds())  # the CLI may have added one meanwhile
        self.refresh_bindings()
        if not self.has_feeds:
            self.notify(_(NO_FEEDS), severity="warning")
            return
        self.refresh_feeds()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def refresh_feeds(self: MainScreen) -> None:
        worker = get_current_worker()

        def post(message: Message) -> None:
            if not worker.is_cancelled:
                self.post_message(message)

        report, sync = self.session.refresh_feeds(
            on_progress=lambda progress: post(msg.FeedsProgress(progress)),
            on_feeds_done=lambda report: post(msg.FeedsStored(report)),
            on_articles=lambda ids: post(msg.ArticlesArrived(tuple(ids))),
            cancelled=lambda: worker.is_cancelled,
            index=False,
        )
        post(msg.FeedsDone(report, sync))

    def on_feeds_progress(self: MainScreen, event: msg.FeedsProgress) -> None:
        progress = event.progress
        self.activity = Activity(progress.done, progress.total)
        if progress.phase == "feeds":
            what = _("Fetching feeds: {done} of {total}")
        else:
            what = _("Fetching full articles: {done} of {total}")
        done, total = number(progress.done), number(progress.total)
        self.search_pane.show_status(what.format(done=done, total=total))

    def on_articles_arrived(self: MainScreen, event: msg.ArticlesArrived) -> None:
        self.articles.reload(keep_id=self.current_id())

    def on_feeds_stored(self: MainScreen, event: msg.FeedsStored) -> None:
        """The feeds' news now; the full text (and the index) follow in the background."""
        report = event.report
        failed = report.failed
        summary = _("Feeds refreshed: {added} new, {updated} updated").format(
            added=number(report.added), updated=number(report.updated)
        )
        if failed:  # the feed's name and the server's words, as they are
            summary += _(", {failed} failed ({feed}: {error})").format(
                failed=number(len(failed)), feed=failed[0].label, error=failed[0].error
            )
        self.notify(summary, severity="warning" if failed else "information", timeout=8)

    def on_feeds_done(self: MainScreen, event: msg.FeedsDone) -> None:
        self.activity = None
        self.search_pane.show_status("")
        self._full_text_notice(event.report)
        if event.sync is not None:
            self.on_index_done(msg.IndexDone(event.sync))
        elif self.owns_library and self.session.refresh_changed(event.report):
            self.catch_up_index()

    def _full_text_notice(self: MainScreen, report: RefreshReport) -> None:
        summary = report.full_text_summary  # e.g. "full text: 3 fetched; 2 pages waiting..."
        if summary:
            self.notify(summary[0].upper() + summary[1:], timeout=8)
