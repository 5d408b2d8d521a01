"""Regenerate screenshots/*.svg from the real app. Run after any UI change:

    python scripts/screenshots.py

It builds a throwaway library from the bundled seeds, plus a small sample of the shared
corpora when ../shared is present, so the list looks like a real one.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.config import library_home  # noqa: E402
from reader.session import Session  # noqa: E402
from reader.sources.importer import import_paths  # noqa: E402
from reader.ui.app import NewsReaderApp  # noqa: E402

SIZE = (120, 34)
OUT = REPO / "screenshots"
CORPORA = REPO.parent / "shared" / "corpora"
# SVG renderers apply their own bidi to each <text>; our cells are already in visual order.
BIDI_RULE = "text { unicode-bidi: bidi-override; direction: ltr; }"


def sample_corpora(folder: Path, per_corpus: int = 12) -> list[Path]:
    if not CORPORA.is_dir():
        return []
    english = sorted((CORPORA / "bbc" / "politics").glob("*.txt"))[:per_corpus]
    with zipfile.ZipFile(sorted((CORPORA / "saudinewsnet").glob("*.zip"))[0]) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".json"))
        records = json.loads(archive.read(name))
    arabic = folder / "arabic-sample.json"
    arabic.write_text(json.dumps(records[:per_corpus], ensure_ascii=False), encoding="utf-8")
    return [*english, arabic]


def fix_svg(svg: str) -> str:
    return svg.replace("<style>", "<style>\n" + BIDI_RULE, 1)


async def capture(
    session: Session, name: str, steps: Callable[[NewsReaderApp, object], Awaitable[None]]
) -> None:
    app = NewsReaderApp(session, index_in_background=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await steps(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        svg = app.export_screenshot(title="newsreader")
    (OUT / f"{name}.svg").write_text(fix_svg(svg), encoding="utf-8")
    print(f"wrote screenshots/{name}.svg")


async def open_seed(app: NewsReaderApp, pilot: object, language: str) -> None:
    """Open the bundled story's edition in `language`."""
    for row in range(app.main.articles.row_count):
        article = app.session.store.get(app.main.articles.row_at(row).id)
        if article.language == language and article.translation_group:
            app.main.articles.move_to(row)
            break
    await pilot.press("enter")  # type: ignore[attr-defined]


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NEWSREADER_HOME"] = tmp
        session = Session(library_home())
        session.ensure_seeded()
        import_paths(session.store, sample_corpora(Path(tmp)))
        session.sync_index()

        async def english(app: NewsReaderApp, pilot: object) -> None:
            await open_seed(app, pilot, "en")

        async def arabic(app: NewsReaderApp, pilot: object) -> None:
            await open_seed(app, pilot, "ar")

        async def search(app: NewsReaderApp, pilot: object) -> None:
            await pilot.press("slash", *"العراق")  # type: ignore[attr-defined]
            await app.workers.wait_for_complete()
            await pilot.pause()  # type: ignore[attr-defined]
            await pilot.press("enter", "j", "enter")  # type: ignore[attr-defined]

        await capture(session, "list-and-reading-pane", english)
        await capture(session, "arabic-edition", arabic)
        await capture(session, "arabic-search-results", search)
        english_interface = session.settings
        session.settings = replace(english_interface, ui_language="ar")
        await capture(session, "arabic-interface", arabic)
        session.settings = english_interface
        session.close()


if __name__ == "__main__":
    asyncio.run(main())
