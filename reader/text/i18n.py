"""The interface's language: gettext catalogs shipped in the package, and numbers and dates
written as that language writes them. Used by the CLI and the app alike.

Only the interface's own strings go through here. Article text (titles, bodies, sources,
feed names, server errors) is untrusted and is never looked up in a catalog.

Strings are marked for the catalog with `_` (translated now), `N_` (marked only, translated
where shown: binding descriptions defined at import time), `ngettext` and
`reader.text.plural.counted` (counts). `scripts/catalog.py` extracts them.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader.text.cells import cell_width

__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "Message",
    "N_",
    "_",
    "date_cells",
    "interface_language",
    "interface_rtl",
    "ngettext",
    "number",
    "number_text",
    "published_text",
    "shown",
    "short_date",
    "use_language",
]

DOMAIN = "newsreader"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
RTL_LANGUAGES = frozenset({"ar"})
# The month names of Modern Standard Arabic as most Arabic software writes them (CLDR "ar").
ARABIC_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
_ARABIC_INDIC = str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫")


@dataclass(frozen=True, slots=True)
class _Interface:
    language: str
    digits: str
    catalog: gettext.NullTranslations


_ENGLISH = _Interface("en", "latin", gettext.NullTranslations())
_current = _ENGLISH


def use_language(language: str, digits: str = "latin") -> None:
    """Speak `language` ("en", "ar") from now on, writing numbers with `digits` ("latin",
    "arabic-indic"). English is the strings as written in the code: no catalog."""
    global _current
    if language == "en":
        _current = _Interface("en", digits, gettext.NullTranslations())
        return
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    _current = _Interface(language, digits, catalog)


def interface_language() -> str:
    return _current.language


def interface_rtl() -> bool:
    """Whether the interface reads right to left (and its layout is mirrored)."""
    return _current.language in RTL_LANGUAGES


def _(message: str) -> str:
    return _current.catalog.gettext(message)


def N_(message: str) -> str:  # noqa: N802 (the conventional gettext name)
    """Mark `message` for the catalog without translating it yet."""
    return message


class Message(str):
    """A message of the interface that is also machine-readable: its value is the English
    text (for `--json` output and comparisons), `.shown` the text in the interface's
    language. `template` is a catalog message (marked with `N_`) with `{name}` fields, filled
    with `fields` (untrusted parts: never translated; whole numbers are shown in the
    interface's digits)."""

    shown: str

    def __new__(cls, template: str, /, **fields: object) -> Message:
        self = super().__new__(cls, template.format(**fields))
        local = {
            name: number(value, grouped=False) if type(value) is int else value
            for name, value in fields.items()
        }
        self.shown = _(template).format(**local)
        return self


def shown(text: object) -> str:
    """`text` as the interface shows it: a Message (or an exception made with one)
    translated, anything else as it is."""
    if isinstance(text, BaseException) and len(text.args) == 1:
        text = text.args[0] if isinstance(text.args[0], Message) else text
    return text.shown if isinstance(text, Message) else str(text)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.catalog.ngettext(singular, plural, count)


def number_text(text: str) -> str:
    """A number the interface formatted ("12,400", "1.5", "14:30") in the interface's digits:
    "١٢٬٤٠٠", "١٫٥", "١٤:٣٠" with Arabic-Indic ones. Never for article text."""
    if _current.digits == "arabic-indic":
        return text.translate(_ARABIC_INDIC)
    return text


def number(value: int, *, grouped: bool = True) -> str:
    """A count as the interface writes it: "12,400", or "١٢٬٤٠٠" with Arabic-Indic digits."""
    return number_text(f"{value:,}" if grouped else str(value))


def short_date(value: datetime | None) -> str:
    """The day, for the lists: "2014-06-10" in English, "10 يونيو 2014" in Arabic."""
    if value is None:
        return _("undated")
    if _current.language == "ar":
        return number_text(f"{value.day} {ARABIC_MONTHS[value.month - 1]} {value.year}")
    return value.date().isoformat()


def published_text(value: datetime | None) -> str:
    """The day, and the time (UTC) when the source gave one, for the reading pane."""
    if value is None or (value.hour, value.minute, value.second) == (0, 0, 0):
        return short_date(value)
    if _current.language == "ar":
        time = number_text(value.strftime("%H:%M"))
        return _("{date}, {time} UTC").format(date=short_date(value), time=time)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def date_cells() -> int:
    """The width of the lists' date column: the widest date the language writes."""
    widest = max(cell_width(short_date(datetime(2000, month, 28))) for month in range(1, 13))
    return max(widest, cell_width(short_date(None)))


def interface_line(text: str, mode: str, harakat: str) -> str:
    """One line of interface text as it is drawn: in an RTL interface, shaped and in visual
    order (mode "app"), exactly as article text is; otherwise, and in mode "terminal", as
    written."""
    if not text or not interface_rtl() or mode != "app":
        return text
    from reader.text.layout import fit_line

    width = max(1, cell_width(text))  # one line, never cut: shaping only narrows text
    return fit_line(text, width, language=_current.language, mode=mode, harakat=harakat).text


def interface_lines(text: str, width: int, mode: str, harakat: str) -> list[str]:
    """Interface text wrapped at `width` cells, each line laid out as `interface_line`
    does and, in an RTL interface, right-aligned (padded to `width`)."""
    from reader.text.layout import layout_text

    language = _current.language
    lines: list[str] = []
    for paragraph in layout_text(text, width, language=language, mode=mode, harakat=harakat):
        for line in paragraph.lines:
            lines.append(" " * line.indent + line.text if interface_rtl() else line.text)
    return lines
