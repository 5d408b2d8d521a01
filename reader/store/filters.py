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
    """What the article list shows."""

    unread_only: bool = False
    starred_only: bool = False
    source: str | None = None

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
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
