"""Counts in messages: "1 result", "2 results". English only, like the messages."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` and the noun in the right number: "1 feed", "0 feeds", "3 entries"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
