"""The small value types of the store's interface: what a list shows, what an add did."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AddResult", "ListFilter"]


@dataclass(slots=True)
class AddResult:
    added: int = 0
    duplicates: int = 0  # same_guid + same_link + same_text
    updated: int = 0
    ids: list[int] = field(default_factory=list)
    same_guid: int = 0
    same_link: int = 0  # the same url_key (links equal after normalising)
    same_text: int = 0  # the same title and body (and source, for articles with a link)


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the article list shows.

    `stories`: one row per story (reader.store.stories), its lead article, for the stories
    with an article the other fields let through. `story`: only that story's articles."""

    unread_only: bool = False
    starred_only: bool = False
    source: str | None = None
    stories: bool = False
    story: int | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.unread_only:
            clauses.append("read = 0")
        if self.starred_only:
            clauses.append("starred = 1")
        if self.source is not None:
            clauses.append("source = ?")
            params.append(self.source)
        if self.stories:
            # Leads only (an article nothing joined leads its own story). The filter's
            # clauses let a story through when the lead or any other article of it passes:
            # those are found through the story index (not, say, by walking every unread
            # article for each lead, which is what SQLite chose by itself).
            lead = "(story_id IS NULL OR story_id = id)"
            if clauses:
                on_lead = " AND ".join(clauses)
                on_other = " AND ".join(f"m.{c}" for c in clauses)
                lead += (
                    f" AND (({on_lead}) OR EXISTS (SELECT 1 FROM articles m INDEXED BY "
                    f"articles_story WHERE m.story_id = articles.id AND {on_other}))"
                )
                params = params + params
            clauses = [lead]
        if self.story is not None:
            clauses.append("(story_id = ? OR id = ?)")
            params += [self.story, self.story]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
