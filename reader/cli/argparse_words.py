"""argparse's own words ("usage: ", "options", "error: …") in the interface's language.

argparse looks its messages up with the `gettext` module's global functions, bound into its
own namespace when it is imported; they are pointed at our catalog here, so its words come
from `newsreader.po` as ours do (English: the words as argparse writes them). The messages
argparse shows a user of this program are listed below so the catalog holds them.
"""

from __future__ import annotations

import argparse

from reader.text.i18n import N_, _, ngettext

__all__ = ["ARGPARSE_MESSAGES", "speak_argparse"]

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("unexpected option string: %s"),
)


def speak_argparse() -> None:
    """Route argparse's messages through the interface's catalog (from now on)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
