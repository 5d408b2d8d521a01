"""The main screen's grouped stories (`group_stories = true`): the list shows one row per
story; `e` expands the story under the cursor into its articles, and `e` or Esc folds it
back. Reading any article of a story marks the story read (reader.session)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reader.text.i18n import N_, _
from reader.text.plural import counted

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen

NOT_GROUPED = N_("Stories are not grouped: set group_stories = true in the settings file")


class StoriesMixin:
    """For MainScreen only (it uses the screen's state and widgets)."""

    def action_expand_story(self: MainScreen) -> None:
        current = self.list_filter
        if current.story is not None:
            self.fold_story()
            return
        if not current.stories:
            self.notify(_(NOT_GROUPED), severity="warning")
            return
        row = self.articles.current
        if row is None:
            return
        if self.articles.story_size(row) < 2:
            self.notify(_("No other source carries this story"), timeout=3)
            return
        self.list_filter = replace(current, stories=False, story=row.id)
        self.articles.focus()

    def fold_story(self: MainScreen) -> None:
        """Back to one row per story, the expanded story's row under the cursor."""
        self.list_filter = replace(self.list_filter, stories=True, story=None)

    def stories_subtitle(self: MainScreen, rows: int) -> str | None:
        """The title bar's count when the list shows stories or one story, else None."""
        list_filter = self.list_filter
        if list_filter.story is not None:
            return counted(
                rows,
                "one story: {count} article (e or Esc: back to stories)",
                "one story: {count} articles (e or Esc: back to stories)",
            )
        if list_filter.unread_only and list_filter.stories:
            return counted(rows, "{count} unread story", "{count} unread stories", grouped=True)
        if list_filter.stories:
            return counted(rows, "{count} story", "{count} stories", grouped=True)
        return None
