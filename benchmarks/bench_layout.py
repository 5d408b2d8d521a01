"""Layout benchmark: a 5,000-word Arabic article at width 80, cold and warm.

Run: python benchmarks/bench_layout.py [--runs N] [--words N] [--width N]

The article is built from SaudiNewsNet paragraphs when ../shared/corpora is present, else
generated. The machine is noisy, so every figure is also given as a ratio to a baseline timed
in the same loop: `textwrap.wrap` of the same paragraphs (no shaping, no bidi).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reader.text import layout  # noqa: E402
from reader.text.sanitize import clean_text  # noqa: E402

CORPORA = Path(os.environ.get("NEWSREADER_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus_article(words: int) -> str | None:
    paths = sorted((CORPORA / "saudinewsnet").glob("*.zip"))
    if not paths:
        return None
    paragraphs: list[str] = []
    count = 0
    with zipfile.ZipFile(paths[0]) as archive:
        for item in json.loads(archive.read(archive.namelist()[0])):
            for paragraph in clean_text(item.get("content") or "").split("\n"):
                if paragraph.strip():
                    paragraphs.append(paragraph.strip())
                    count += len(paragraph.split())
                    if count >= words:
                        return "\n\n".join(paragraphs)
    return "\n\n".join(paragraphs)


def generated_article(words: int) -> str:
    """Arabic-looking words with some digits, Latin names, brackets and harakat."""
    rng = random.Random(2015)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
    extras = ["2015", "75%", "(داعش)", "«الرياض»", "ISIL", "مُحَمَّدٌ", "لا", "الأمم"]
    out: list[str] = []
    paragraph: list[str] = []
    for _ in range(words):
        if rng.random() < 0.05:
            word = rng.choice(extras)
        else:
            word = "ال" * (rng.random() < 0.3) + "".join(rng.choices(letters, k=rng.randint(2, 7)))
        paragraph.append(word)
        if len(paragraph) >= rng.randint(30, 80):
            out.append(" ".join(paragraph) + ".")
            paragraph = []
    out.append(" ".join(paragraph))
    return "\n\n".join(out)


def timed(fn: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--width", type=int, default=80)
    args = parser.parse_args()

    body = corpus_article(args.words)
    origin = "SaudiNewsNet paragraphs"
    if body is None:
        body, origin = generated_article(args.words), "generated text"
    width = args.width
    paragraphs = body.split("\n")
    print(
        f"article: {len(body.split())} words, {len(body)} characters, "
        f"{sum(1 for p in paragraphs if p.strip())} paragraphs ({origin}); width {width}"
    )

    def baseline() -> object:
        return [textwrap.wrap(p, width) for p in paragraphs]

    def run(mode: str, harakat: str = "keep") -> Callable[[], object]:
        return lambda: layout.layout_text(body, width, language="ar", mode=mode, harakat=harakat)

    def resize() -> object:  # a terminal resize: shaping and levels are reused
        return layout.layout_text(body, width - 7, language="ar")

    def forget_lines() -> None:
        layout.layout_text.cache_clear()
        layout.layout_paragraph.cache_clear()

    cases = {  # in this order: the warm case reuses what the cold case before it cached
        "app, cold": (run("app"), layout.cache_clear),
        "app, warm (cached)": (run("app"), None),
        "app, new width (analysis cached)": (resize, forget_lines),
        "app, harakat dropped, cold": (run("app", "drop"), layout.cache_clear),
        "terminal mode, cold": (run("terminal"), layout.cache_clear),
    }
    run("app")()  # warm imports and the character tables
    results: dict[str, list[float]] = {name: [] for name in cases}
    base: list[float] = []
    for _ in range(args.runs):  # interleaved, so load changes hit every case alike
        base.append(timed(baseline))
        for name, (fn, before) in cases.items():
            results[name].append(timed(fn, before))
    base_ms = statistics.median(base) * 1000
    print(f"{'baseline textwrap.wrap':34} median {base_ms:8.3f} ms  (ratio 1.00)")
    for name, times in results.items():
        ms = statistics.median(times) * 1000
        print(
            f"{name:34} median {ms:8.3f} ms  min {min(times) * 1000:7.3f} ms  "
            f"(ratio {ms / base_ms:5.2f} x textwrap)"
        )
    lines = sum(len(p.lines) for p in layout.layout_text(body, width, language="ar"))
    print(f"{lines} visual lines; {args.runs} runs each")


if __name__ == "__main__":
    main()
