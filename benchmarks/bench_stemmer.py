"""Measure the Arabic light stemmer against Lucene's light10 on the shared corpus.

    python benchmarks/bench_stemmer.py [--corpora DIR] [--write-data]

light10 strips a leading و from every word of four letters or more, as if it were the
conjunction "and". Our stemmer keeps the و when the suffix-stripped word is a stem that the
corpus shows after the article (الوزارة, للوزير). This script prints, for both stemmers:

1. gold words: hand-labelled words whose و belongs to the word, and conjunction forms
   (و + word) that must still find the word;
2. over-collapsing: for each word whose و belongs to it, the distinct corpus words (types
   and tokens) that share its stem without being a form of it (وزارة with زار "visited");
   and the forms of it that its stem misses;
3. query hit sets: for each such word, the articles a query for it matches, and how many
   of them contain no form of it (false hits);
4. a held-out check: stems derived from the first half of the corpus only, measured on
   the second half, without the hand list;
5. the one-letter prefixes ب ل ك ف before a word's own و (بولاية → ولاية): query hits
   with the rule off and on, and every corpus word whose stem the rule changes (to check
   by eye for wrong conflations such as لولا with ولاية).

`--write-data` regenerates reader/search/data/ar_waw_stems.txt from the whole corpus.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import default_corpora, load_saudinewsnet  # noqa: E402

from reader.search.analysis import TOKEN_PATTERN, is_arabic_token  # noqa: E402
from reader.search.arabic import (  # noqa: E402
    ARABIC_STOP_WORDS,
    ArabicLightStemmer,
    derive_waw_stems,
    light10,
    light10_suffixes,
    normalize_arabic,
)

DATA_FILE = ROOT / "reader" / "search" / "data" / "ar_waw_stems.txt"

# Hand-labelled: the و is part of the word (with the word's meaning).
RADICAL = {
    "وزارة": "ministry",
    "وزير": "minister",
    "وطني": "national",
    "وطنية": "national (f.)",
    "وحدة": "unit",
    "وفاة": "death",
    "وظيفة": "job",
    "وكالة": "agency",
    "وثيقة": "document",
    "وصول": "arrival",
    "وسائل": "means",
    "وجود": "existence",
    "واحد": "one",
    "وسيلة": "means",
    "ولاية": "state",
    "وقوع": "occurrence",
    "واضح": "clear",
    "واسع": "wide",
    "وكيل": "agent",
    "وفود": "delegations",
    "ورقة": "paper",
    "وادي": "valley",
    "والدة": "mother",
    "وقود": "fuel",
    "وعود": "promises",
    "وتيرة": "pace",
    "وجهة": "destination",
    "واشنطن": "Washington",
}
# Hand-labelled: و is the conjunction; the rest is a word of its own.
CONJUNCTION = [
    "وقال",
    "وأكد",
    "وأضاف",
    "وأوضح",
    "وأشار",
    "وحكومة",
    "وشركة",
    "ومدير",
    "ورئيس",
    "وزيادة",
    "وتابع",
    "وبين",
    "وأن",
    "وأهم",
    "وأنا",
    "وأنهم",
    "وسيتم",
    "وتشمل",
    "ويأتي",
    "وقد",
    "وهذا",
    "وذكر",
    "ولفت",
    "ومن",
    "وكانت",
    "وجاء",
    "ويعتبر",
    "وتعد",
    "وعدد",
    "وعلى",
    "وللحكومة",
    "وللمملكة",
    "وبالتالي",
    "وزارها",
]
ARTICLE_FORMS = (
    *("", "و", "ال", "وال", "بال", "كال", "فال", "لل", "ولل", "وبال", "ب", "ل", "ف", "ك"),
    *("وب", "ول", "وك"),
)
# The prefixes both stemmers are meant to remove.
VARIANT_PREFIXES = ("و", "ال", "وال", "بال", "كال", "فال", "لل")


def word_counts(docs: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in docs:
        for match in TOKEN_PATTERN.finditer(text):
            raw = match.group()
            if is_arabic_token(raw):
                counts[normalize_arabic(raw)] += 1
    return counts


def is_form_of(word: str, base: str) -> bool:
    """True when `word` is `base` with an article/preposition in front and any ending."""
    return any(word.startswith(p + base) for p in ARTICLE_FORMS)


def stem_table(counts: Counter[str], stem: Callable[[str], str]) -> dict[str, str]:
    return {w: stem(w) for w in counts if w not in ARABIC_STOP_WORDS}


def report(
    name: str,
    counts: Counter[str],
    stem: Callable[[str], str],
    docs: list[set[str]] | None,
) -> dict[str, float]:
    table = stem_table(counts, stem)
    by_stem: dict[str, list[str]] = {}
    for w, s in table.items():
        by_stem.setdefault(s, []).append(w)

    radical_ok = sum(1 for w in RADICAL if stem(normalize_arabic(w))[0] == "و")
    conj_ok = sum(
        1
        for w in CONJUNCTION
        if normalize_arabic(w) in ARABIC_STOP_WORDS
        or stem(normalize_arabic(w)) == stem(normalize_arabic(w)[1:])
    )
    wrong_types = wrong_tokens = missed_types = missed_tokens = 0
    examples: list[str] = []
    for w in RADICAL:
        nw = normalize_arabic(w)
        base = light10_suffixes(nw)
        target = stem(nw)
        wrong = [x for x in by_stem.get(target, []) if not is_form_of(x, base)]
        wrong_types += len(wrong)
        wrong_tokens += sum(counts[x] for x in wrong)
        if wrong:
            top = sorted(wrong, key=lambda x: -counts[x])[:3]
            examples.append(f"{w}→{target}: {' '.join(top)}")
        # Spelling variants the stemmer must join: the word behind ال، وال، بال، لل، و ...
        forms = [p + nw for p in VARIANT_PREFIXES if p + nw in table]
        missed = [x for x in forms if table[x] != target]
        missed_types += len(missed)
        missed_tokens += sum(counts[x] for x in missed)

    print(f"\n== {name}")
    print(f"  gold: و kept in {radical_ok}/{len(RADICAL)} words whose و is their own")
    print(f"  gold: conjunction forms still match the word: {conj_ok}/{len(CONJUNCTION)}")
    print(
        f"  over-collapsing: {wrong_types} distinct words ({wrong_tokens} tokens) share the"
        f" stem of the {len(RADICAL)} gold words without being forms of them"
    )
    print(
        f"  split variants: {missed_types} corpus words ({missed_tokens} tokens) that are a gold"
        " word behind و/ال/وال/بال/كال/فال/لل get a different stem from the bare word"
    )
    for line in examples[:6]:
        print(f"    e.g. {line}")
    figures: dict[str, float] = {
        "radical_ok": radical_ok,
        "conj_ok": conj_ok,
        "wrong_types": wrong_types,
        "wrong_tokens": wrong_tokens,
        "missed_types": missed_types,
    }
    if docs is not None:
        total_hits = false_hits = 0
        rows = []
        for w in RADICAL:
            nw = normalize_arabic(w)
            base = light10_suffixes(nw)
            target = stem(nw)
            stems_hit = {x for x, s in table.items() if s == target}
            hits = [d for d in docs if d & stems_hit]
            false = [d for d in hits if not any(is_form_of(x, base) for x in d & stems_hit)]
            total_hits += len(hits)
            false_hits += len(false)
            rows.append((w, len(hits), len(false)))
        precision = 1 - false_hits / total_hits if total_hits else 1.0
        print(
            f"  query hit sets: {total_hits} hits for the {len(RADICAL)} gold words, "
            f"{false_hits} articles with no form of the word (precision {precision:.3f})"
        )
        worst = sorted(rows, key=lambda r: -r[2])[:5]
        print("    worst: " + ", ".join(f"{w} {h} hits/{f} false" for w, h, f in worst))
        figures["precision"] = precision
    return figures


PROCLITIC_QUERIES = ["ولاية", "الولاية", "بولاية", "لولاية", "وزير", "لوزير", "لولا", "لواء"]


def proclitic_report(counts: Counter[str], docs: list[set[str]], ours: ArabicLightStemmer) -> None:
    """Section 5: the ب ل ك ف + own-و rule, off (as before issue 8) and on."""
    off = ArabicLightStemmer(ours._waw(), proclitics=False)
    table_off = stem_table(counts, off.stem)
    table_on = stem_table(counts, ours.stem)
    print("\n== ب ل ك ف before a word's own و (off → on)")
    for q in PROCLITIC_QUERIES:
        row = []
        for stemmer, table in ((off, table_off), (ours, table_on)):
            target = stemmer.stem(normalize_arabic(q))
            words = {w for w, s in table.items() if s == target}
            row.append(f"{target} {sum(1 for d in docs if d & words)}")
        print(f"  {q}: articles {row[0]} → {row[1]}")
    changed = Counter({w: counts[w] for w in table_on if table_on[w] != table_off[w]})
    print(
        f"  stem changed for {len(changed)} distinct words, {sum(changed.values())} tokens."
        " Most frequent (check by eye):"
    )
    print("  " + " ".join(f"{w}→{table_on[w]}:{n}" for w, n in changed.most_common(60)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--write-data", action="store_true")
    args = parser.parse_args()
    root = args.corpora / "saudinewsnet"
    if not root.is_dir():
        sys.exit(f"no corpus at {root}; pass --corpora")

    start = time.perf_counter()
    zips = sorted(root.glob("*.zip"))
    first = [a.title + "\n" + a.body for a in load_saudinewsnet(root, zips[: len(zips) // 2])]
    second = [a.title + "\n" + a.body for a in load_saudinewsnet(root, zips[len(zips) // 2 :])]
    counts_first = word_counts(first)
    counts_second = word_counts(second)
    counts = counts_first + counts_second
    print(
        f"{len(first) + len(second)} articles, {sum(counts.values())} Arabic tokens, "
        f"{len(counts)} distinct normalised words ({time.perf_counter() - start:.1f} s)"
    )

    if args.write_data:
        stems = derive_waw_stems(counts)
        header = (
            "# Arabic stems whose leading و belongs to the word (not the conjunction).\n"
            "# Derived by benchmarks/bench_stemmer.py --write-data from word counts of the\n"
            "# SaudiNewsNet corpus (article before the و, see derive_waw_stems). One a line;\n"
            "# a trailing + marks a stem seen only with an ending (الوزارة, never الوزار).\n"
            "# A leading ! marks a whole word in ب ل ك ف + و whose first letter is its own,\n"
            "# seen after the article (اللواء: not ل + واء), so it is not a prefix.\n"
        )
        DATA_FILE.write_text(header + stems.dump(), encoding="utf-8")
        print(f"wrote {len(stems.stems)} stems to {DATA_FILE.relative_to(ROOT)}")

    ours = ArabicLightStemmer()
    vocab = set(counts)

    def doc_sets(texts: list[str]) -> list[set[str]]:
        out = []
        for text in texts:
            words = {normalize_arabic(m.group()) for m in TOKEN_PATTERN.finditer(text)}
            out.append(words & vocab)
        return out

    docs = doc_sets(first + second)
    base = report("light10 (Lucene ArabicStemmer)", counts, light10, docs)
    mine = report("ours (light10 + ولل/وبال + corpus و stems + hand list)", counts, ours.stem, docs)

    # Held out: derive from the first half only, no hand list, measure on the second half.
    held = ArabicLightStemmer(derive_waw_stems(counts_first))
    docs_second = doc_sets(second)
    report("light10, second half", counts_second, light10, docs_second)
    held_fig = report(
        "ours derived from the first half only (no hand list), second half",
        counts_second,
        held.stem,
        docs_second,
    )

    kept = Counter(
        {
            w: n
            for w, n in counts.items()
            if w not in ARABIC_STOP_WORDS and light10(w)[:1] != "و" and ours.stem(w)[:1] == "و"
        }
    )
    print(
        f"\nwords whose و we keep and light10 strips: {len(kept)} types, "
        f"{sum(kept.values())} tokens of {sum(counts.values())}. Most frequent (check by eye):"
    )
    print("  " + " ".join(f"{w}:{n}" for w, n in kept.most_common(40)))
    print(
        "note: a homograph such as وزاره ('and visited him') keeps its و too; no metric here"
        " can see that, so the false-hit figures for ours are a lower bound."
    )

    proclitic_report(counts, docs, ours)

    tokens = list(counts)
    for name, fn in (("light10", light10), ("ours", ours.stem)):
        t0 = time.perf_counter()
        for _ in range(3):
            for w in tokens:
                fn(w)
        rate = 3 * len(tokens) / (time.perf_counter() - t0)
        print(f"speed {name}: {rate / 1e6:.2f} M words/s (uncached)")

    print("\nsummary (light10 → ours):")
    for key in ("radical_ok", "conj_ok", "wrong_types", "wrong_tokens", "missed_types"):
        print(f"  {key}: {base[key]:g} → {mine[key]:g} (held-out ours: {held_fig[key]:g})")
    print(f"  precision: {base['precision']:.3f} → {mine['precision']:.3f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
