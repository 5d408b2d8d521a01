"""Near-duplicate clustering: articles whose bodies are near-identical are one story.

Incremental: `assign_stories` clusters the articles the store has not clustered yet
(`story_id` NULL), oldest first, in batches. For each, its MinHash signature
(`reader.search.minhash`) is cut into LSH bands; the stored articles sharing MIN_BANDS bands
are the candidates (one indexed lookup in `story_bands`), and the article joins the story
whose lead (first article) is the most similar, at an estimated Jaccard similarity of at
least `THRESHOLD` and published within `WINDOW`, or starts a story of its own. Comparing
with the lead, not with any member, keeps a story from drifting along a chain of similar
texts. The article's signature and band hashes are stored, so later runs never compute
them again and nothing is loaded into memory up front.

Articles are never moved between stories once assigned (a later article that resembles
two stories joins the closer one); `rebuild_stories` starts again from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from reader.search import minhash
from reader.store import Store

__all__ = ["THRESHOLD", "ClusterReport", "assign_stories", "rebuild_stories"]

# Estimated Jaccard similarity of 3-word shingles at and above which two bodies are one
# story, for articles published within WINDOW of each other (either undated: any time).
# Chosen on the 300 labelled SaudiNewsNet pairs of tests/data/story_pairs.jsonl
# (tests/search/test_story_pairs.py, clustering them as an import does): precision/recall
# 0.974/0.671 at 0.5, 0.990/0.575 at 0.55, 0.989/0.545 at 0.6; 0.5 is the lowest with
# precision >= 0.97 (matching any member instead of the lead: 0.950/0.683 at 0.5, chains).
# What it misses is mostly one event written up independently (little shared text).
# The window keeps apart what agencies write from one template on different days
# (congratulation cables, execution statements, weather bulletins, relief flights).
THRESHOLD = 0.5
WINDOW = timedelta(days=3)
BATCH = 500
# Candidates share at least MIN_BANDS of the BANDS bands: P = 0.96 at J = 0.6, 0.11 at 0.3
# (one band: 0.99 and 0.44), so few signatures are read and compared.
MIN_BANDS = 2


@dataclass(slots=True)
class ClusterReport:
    clustered: int = 0  # articles given a story
    joined: int = 0  # of them, those that joined another article's story
    short: int = 0  # of them, too short to compare: stories of their own


def assign_stories(
    store: Store,
    *,
    threshold: float = THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ClusterReport:
    """Cluster every article not clustered yet (see the module docstring)."""
    report = ClusterReport()
    total = store.count_unclustered() if progress else 0
    after = 0
    while not (cancelled and cancelled()):
        rows = store.unclustered(BATCH, after)
        if not rows:
            break
        after = rows[-1][0]
        # This batch's articles are not in the store's bands yet: they are matched here.
        pending: dict[int, list[tuple[int, int, tuple[int, ...], datetime | None]]] = {}
        assigned: list[tuple[int, int, bytes | None, list[int], datetime | None]] = []
        for article_id, body, published in rows:
            sig = minhash.signature(body)
            if sig is None:
                assigned.append((article_id, article_id, None, [], published))
                report.short += 1
                continue
            bands = minhash.band_hashes(sig)
            best, best_story = threshold, article_id
            for candidate in store.story_candidates(bands, MIN_BANDS):
                # Only a story's lead counts: matching any member would chain template
                # texts (a congratulation cable to each country, day after day) into one.
                if candidate.article_id != candidate.story_id or not _near(
                    published, candidate.published
                ):
                    continue
                score = minhash.similarity(sig, minhash.unpack(candidate.signature))
                if score > best or (score == best and candidate.story_id < best_story):
                    best, best_story = score, candidate.story_id
            shared: dict[int, int] = {}
            others: dict[int, tuple[int, tuple[int, ...], datetime | None]] = {}
            for value in bands:
                for other_id, other_story, other_sig, other_date in pending.get(value, ()):
                    shared[other_id] = shared.get(other_id, 0) + 1
                    others[other_id] = (other_story, other_sig, other_date)
            for other_id, count in shared.items():
                other_story, other_sig, other_date = others[other_id]
                if count < MIN_BANDS or other_id != other_story or not _near(published, other_date):
                    continue
                score = minhash.similarity(sig, other_sig)
                if score > best or (score == best and other_story < best_story):
                    best, best_story = score, other_story
            for value in bands:
                pending.setdefault(value, []).append((article_id, best_story, sig, published))
            assigned.append((article_id, best_story, minhash.pack(sig), bands, published))
            report.joined += best_story != article_id
        store.save_stories(assigned)
        report.clustered += len(assigned)
        if progress:
            progress(report.clustered, total)
    return report


def _near(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs(a - b) <= WINDOW


def rebuild_stories(
    store: Store,
    *,
    threshold: float = THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> ClusterReport:
    """Forget every story and cluster the whole library again."""
    store.clear_stories()
    return assign_stories(store, threshold=threshold, progress=progress)
