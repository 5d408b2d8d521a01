"""Signature cost: own one-permutation MinHash vs datasketch's MinHash (numpy), on
SaudiNewsNet bodies. datasketch is not a dependency; run this with it importable, e.g.
`pip install --target /tmp/dsk_env datasketch==2.0.0` and PYTHONPATH=.:/tmp/dsk_env.

    python benchmarks/bench_stories.py [N]
"""

from __future__ import annotations

import glob
import json
import resource
import sys
import time
import tracemalloc
import zipfile

from reader.search import minhash

CORPUS = "/work/shared/corpora/saudinewsnet"


def bodies(n: int) -> list[str]:
    out: list[str] = []
    for path in sorted(glob.glob(f"{CORPUS}/*.zip")):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                out += [r.get("content") or "" for r in json.loads(z.read(name))]
        if len(out) >= n:
            break
    return out[:n]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    texts = bodies(n)
    for t in texts[:200]:  # warm the analyzer's term cache alike for both
        minhash.words(t)
    t0 = time.process_time()
    term_lists = [minhash.words(t) for t in texts]
    t_terms = time.process_time() - t0
    t0 = time.process_time()
    sigs = [minhash.signature(t) for t in texts]
    t_own = time.process_time() - t0
    t0 = time.process_time()
    for s in sigs:
        if s is not None:
            minhash.band_hashes(s)
    t_bands = time.process_time() - t0
    print(f"{n} bodies: analyzer terms {t_terms * 1e3 / n:.3f} ms/article")
    print(
        f"own OPH (64 bins, incl. terms) {t_own * 1e3 / n:.3f} ms/article; "
        f"bands {t_bands * 1e3 / n:.3f} ms"
    )
    tracemalloc.start()
    kept = [minhash.pack(s) for s in sigs if s is not None]
    print(f"own: {tracemalloc.get_traced_memory()[1] / len(kept):.0f} B/signature packed")
    tracemalloc.stop()
    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        from datasketch import MinHash, MinHashLSH

        t_import = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except ImportError:
        print("datasketch not importable: skipped")
        return
    print(f"datasketch import {t_import * 1e3:.0f} ms, +{(after - before) / 1024:.0f} MiB RSS")
    for perms in (64, 128):
        t0 = time.process_time()
        dsigs = []
        for ts in term_lists:
            shingles = {" ".join(ts[i : i + 3]).encode() for i in range(len(ts) - 2)}
            m = MinHash(num_perm=perms)
            m.update_batch(shingles)
            dsigs.append(m)
        t_ds = time.process_time() - t0
        print(f"datasketch MinHash({perms}) {t_ds * 1e3 / n:.3f} ms/article (excl. terms)")
    t0 = time.process_time()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, m in enumerate(dsigs):
        lsh.insert(i, m)
    for m in dsigs:
        lsh.query(m)
    print(f"datasketch LSH insert+query {(time.process_time() - t0) * 1e3 / n:.3f} ms/article")
    tracemalloc.start()
    packed = [m.hashvalues.tobytes() for m in dsigs]
    print(f"datasketch: {tracemalloc.get_traced_memory()[1] / len(packed):.0f} B/sig(128)")


if __name__ == "__main__":
    main()
