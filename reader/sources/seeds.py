"""The bundled seed articles: where they are, and their source and date from `seeds.toml`.

A new library starts with them (see `reader.session`); they go in through the same
`import_paths` as any user's files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path

from reader.models import Article
from reader.sources.dates import parse_date
from reader.sources.import_plan import TEXT, ZIP, file_kind, is_hidden
from reader.sources.importer import ImportReport, import_paths
from reader.sources.text import read_text_file, split_name
from reader.store import Store

__all__ = ["SEED_DETAILS", "fill_seed_details", "import_seeds", "seed_paths"]

SEED_DETAILS = "seeds.toml"


def _seed_root() -> Path:
    """`reader/seeds` in an installed wheel, else `seeds/` at the root of a checkout."""
    packaged = resources.files("reader") / "seeds"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def seed_paths() -> list[Path]:
    """The bundled seed articles: `reader/seeds` in an installed wheel, else the `seeds/`
    folder at the root of a development checkout."""
    root = _seed_root()
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and file_kind(path.name) not in (None, ZIP)
        and not any(is_hidden(part) for part in path.relative_to(root).parts)
    )


def _seed_details() -> Callable[[Article, Path], Article]:
    """Source and date of each bundled story, from `seeds.toml` beside the story files (the
    files are verbatim copies, so they cannot carry them), as an `amend` for `import_paths`."""
    path = _seed_root() / SEED_DETAILS
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        tables = {}  # the stories still import, undated as before

    def amend(article: Article, origin: Path) -> Article:
        details = tables.get(split_name(origin.name)[0])
        if not isinstance(details, dict):
            return article
        source = details.get("source")
        return replace(
            article,
            source=article.source or (str(source) if source else None),
            published=article.published or parse_date(details.get("published")),
        )

    return amend


def import_seeds(store: Store) -> ImportReport:
    """Import the bundled articles with their source and date."""
    return import_paths(store, seed_paths(), amend=_seed_details())


def fill_seed_details(store: Store) -> int:
    """Give bundled articles stored without a source or date (by earlier versions) theirs.
    Only empty fields are filled; returns how many articles changed."""
    amend = _seed_details()
    changed = 0
    for path in seed_paths():
        if file_kind(path.name) != TEXT:
            continue
        article = read_text_file(path)
        if isinstance(article, Article):
            changed += store.fill_in_details(amend(article, path))
    return changed
