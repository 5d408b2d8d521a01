"""Counts in messages: "1 result", "2 results", and Arabic's six plural forms, through the
catalog (`ngettext`); the number is written as the interface writes numbers."""

from __future__ import annotations

from reader.text.i18n import ngettext, number

__all__ = ["counted"]


def counted(count: int, singular: str, plural: str, *, grouped: bool = False) -> str:
    """`singular`/`plural` are catalog messages holding `{count}`: "{count} feed",
    "{count} feeds". With `grouped`, thousands are separated ("12,400 results"), as the app
    shows counts."""
    return ngettext(singular, plural, count).format(count=number(count, grouped=grouped))
