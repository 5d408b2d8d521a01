"""Counts in words: "1 result", "2 results" (never "1 results")."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`number` (with thousands separators) and the noun that agrees with it."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {noun}"
