"""Counts in messages: "1 result", "2 results" (never "1 results"). English only, like the
messages."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """`count` and the noun in the right number: "1 feed", "0 feeds", "3 entries". With
    `grouped`, thousands are separated ("12,400 results"), as the app shows counts."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {singular if count == 1 else plural or singular + 's'}"
