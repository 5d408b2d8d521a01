"""The interface's translation catalogs (reader/locale/LANG/LC_MESSAGES/newsreader.po/.mo).

    python scripts/catalog.py            # bring every .po in step with the code, compile .mo
    python scripts/catalog.py --check    # exit 1 if a message lacks a translation or a .mo
                                         # is not the compiled .po (what the tests check)

The messages are those marked in the code (`_`, `N_`, `ngettext`, `counted`), plus the
texts the app shows from data: binding descriptions and tooltips (the footer and the help
show them through the catalog), help headings, and the search language's help
(`reader.search.query.QUERY_HELP`) cut into paragraphs, headings and rows. New messages are
added untranslated; messages gone from the code are dropped. Needs Babel (the test extra).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.text.i18n import DOMAIN, LOCALE_DIR  # noqa: E402

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "counted": (2, 3)}
LANGUAGES = ("ar",)


def template() -> Catalog:
    """Every message the interface can show, with where it comes from."""
    catalog = Catalog(domain=DOMAIN, project="newsreader", fuzzy=False)
    for filename, line, message, comments, _context in extract_from_dir(
        REPO / "reader", keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, locations=[(f"reader/{filename}", line)], auto_comments=comments)
    for message, where in _shown_from_data():
        if message:
            catalog.add(message, locations=[(where, 0)])
    return catalog


def _shown_from_data() -> list[tuple[str, str]]:
    from reader.ui.app import NewsReaderApp
    from reader.ui.help import search_help_blocks
    from reader.ui.keys import TEXTUAL_KEYS

    found: list[tuple[str, str]] = []
    for title, bindings in NewsReaderApp.binding_sections():
        found.append((title, "bindings"))
        for binding in bindings:
            found += [(binding.description, "bindings"), (binding.tooltip, "bindings")]
    for keys, what in TEXTUAL_KEYS:
        found += [(keys, "reader/ui/keys.py"), (what, "reader/ui/keys.py")]
    found += [(text, "QUERY_HELP") for _kind, _example, text in search_help_blocks()]
    return found


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def problems(language: str) -> list[str]:
    """What keeps the catalog of `language` from being complete and compiled."""
    catalog = read_catalog(language)
    found: list[str] = []
    for message in template():
        if not message.id:  # the header
            continue
        ours = catalog.get(message.id)
        strings = (
            (ours.string if isinstance(ours.string, tuple) else (ours.string,)) if ours else ()
        )
        if ours is None or not all(strings):
            found.append(f"{language}: untranslated: {message.id!r}")
        elif ours.fuzzy:
            found.append(f"{language}: fuzzy: {message.id!r}")
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compiled(catalog):
        found.append(f"{language}: {mo.relative_to(REPO)} is not the compiled .po")
    return found


def update(language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        catalog = read_catalog(language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="newsreader", fuzzy=False)
    messages = template()
    messages.creation_date = catalog.creation_date  # the file changes only with its messages
    catalog.update(messages, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with path.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, sort_output=False)
    path.with_suffix(".mo").write_bytes(compiled(read_catalog(language)))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = [problem for language in LANGUAGES for problem in problems(language)]
        print("\n".join(found) or "catalogs complete and compiled")
        return 1 if found else 0
    for language in LANGUAGES:
        update(language)
        print(f"updated {po_path(language).relative_to(REPO)} and its .mo")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
