"""Libraries of 33k, 100k and 1M articles: build them, then measure memory, search latency,
start-up time and indexing against the budgets of issue 10, side by side with newsboat.

    python benchmarks/bench_scale.py [--sizes 33k,100k,1m] [--corpora DIR] [--work DIR]
                                     [--rebuild] [--repeat N] [--runs N] [--seed N]
                                     [--chunk N] [--no-newsboat] [--no-cold] [--build-only]

A benchmark that prints figures, not a test: nothing fails, budgets are marked MISSED.

Building (cached: one folder per size under --work, default /work/scale; --rebuild redoes it)
  * The real articles: both corpora (bbc/ 2,225 English, saudinewsnet/ 31,030 Arabic, of
    which the store keeps 32,654: 601 repeat), imported from --corpora with the real CLI,
    plus the 2 bundled seed articles. A size smaller than that is these alone.
  * Synthetic articles up to exactly the size: per article a language drawn in the corpora's
    proportions; paragraphs drawn from random real articles of that language (as many as a
    random real article of that language has); a title made from two random real titles
    (one's head, the other's tail, two words swapped); a unique url; a date spread
    uniformly over 2014-01-01..2026-01-01; source and author from the real ones of that
    language. Seeded, so the same seed gives the same articles (the 100k synthetic set is
    the first part of the 1M one), and none repeats the title and text of another.
  * They are written as JSON Lines in chunks of --chunk articles and imported with
    `python -m reader --home DIR import --no-index FILES`, then indexed with
    `python -m reader --home DIR reindex`: articles/s of both, and the reindex process's
    peak RSS (its own, from wait4's rusage, and the sampled sum over it and its children).
  * newsboat's cache.db for the same articles (when newsboat is installed): its schema made
    by `newsboat -x reload` on one local file:// feed per source, then every article of the
    library written into rss_item.

Measuring, per size
  * memory: the app in a pseudo-terminal (120x36): VmRSS/RssAnon/RssFile after the first
    frame (and 2 s idle, once the index is warmed up), after a search (`/`, the query
    pasted, the answer on screen) and after reading 20 articles (Enter, Esc, j: 20 times).
  * search: bench_search.QUERIES in process, SearchIndex.search(q, limit=20) with snippets,
    one warm-up pass, then the median of --repeat runs per query; median/p95/max over them.
  * first frame (warm; cold after `sync; echo 3 > /proc/sys/vm/drop_caches` when root and
    permitted) and the first search answer (the query typed as soon as the frame is up).
  * newsboat at the same size: first frame warm and cold, RSS after start.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import html
import json
import os
import pty
import random
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for entry in (str(ROOT), str(HERE)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench_search import QUERIES, load_bbc, load_saudinewsnet, percentile  # noqa: E402
from bench_startup import time_to_marker  # noqa: E402

MiB = 2**20
SIZES = {"33k": 33_000, "100k": 100_000, "1m": 1_000_000}
MEMORY_BUDGET_MB = {"33k": 80, "100k": 120, "1m": 250}
INDEX_RATE_BUDGET = 1_000  # articles/s
INDEX_RSS_BUDGET_MB = 400
START, END = datetime(2014, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
COLUMNS, LINES = 120, 36
APP_MARKER = b"Quit"  # in the footer: the first full frame (as bench_startup)
ANSWER = re.compile(rb"([\d,]+) results?, by relevance")
NEWSBOAT_MARKER = b"q:Quit"  # the help bar, drawn last
SYNTHETIC_HOST = "https://synthetic.newsreader.invalid"


def log(message: str) -> None:
    print(message, flush=True)


def parse_size(text: str) -> tuple[str, int]:
    label = text.strip().lower()
    if label in SIZES:
        return label, SIZES[label]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", label)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 33k, 100k, 1m)")
    number = float(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2]]
    return label, int(number)


def default_work() -> Path:
    preferred = Path("/work/scale")
    with contextlib.suppress(OSError):
        preferred.mkdir(parents=True, exist_ok=True)
    if os.access(preferred, os.W_OK):
        return preferred
    return ROOT.parent / "scale"


def seconds(value: float) -> str:
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.2f} h"


# -- the corpora and synthetic articles ---------------------------------------------------
@dataclass
class Pool:
    """What synthetic articles of one language are made of."""

    language: str
    titles: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)  # per real article
    sources: list[str] = field(default_factory=list)  # one entry per real article: weighted
    authors: list[str | None] = field(default_factory=list)


def load_pools(corpora: Path) -> tuple[dict[str, Pool], set[str]]:
    pools = {"en": Pool("en"), "ar": Pool("ar")}
    digests: set[str] = set()
    loaders = (load_bbc(corpora / "bbc"), load_saudinewsnet(corpora / "saudinewsnet"))
    for articles in loaders:
        for article in articles:
            pool = pools[article.language or "en"]
            paragraphs = [p for p in article.body.split("\n") if p.strip()]
            if not paragraphs:
                continue
            if article.title:
                pool.titles.append(article.title)
            pool.paragraphs.append(paragraphs)
            pool.sources.append(article.source or "bbc")
            pool.authors.append(article.author)
            digests.add(_digest(article.title, "\n".join(paragraphs)))
    return pools, digests


def _digest(title: str, body: str) -> str:
    return hashlib.blake2b(f"{title}\x00{body}".encode(), digest_size=12).hexdigest()


def synthetic_articles(
    pools: dict[str, Pool], digests: set[str], count: int, seed: int
) -> Iterator[dict[str, Any]]:
    """`count` JSON records, deterministic for a seed; the first n are the same for any count."""
    rng = random.Random(seed)
    languages = list(pools)
    weights = [len(pools[lang].paragraphs) for lang in languages]
    span = int((END - START).total_seconds())
    number = 0
    while number < count:
        pool = pools[rng.choices(languages, weights)[0]]
        n = len(rng.choice(pool.paragraphs))
        body = "\n".join(rng.choice(rng.choice(pool.paragraphs)) for _ in range(n))
        head, tail = rng.choice(pool.titles).split(), rng.choice(pool.titles).split()
        words = head[: max(1, len(head) // 2 + rng.randint(0, 2))] + tail[len(tail) // 2 :]
        if len(words) > 3:
            i, j = rng.sample(range(len(words)), 2)
            words[i], words[j] = words[j], words[i]
        title = " ".join(words)
        digest = _digest(title, body)
        if digest in digests:  # the store would keep it once: draw again
            continue
        digests.add(digest)
        published = START.timestamp() + rng.randrange(span)
        i = rng.randrange(len(pool.sources))
        yield {
            "title": title,
            "content": body,
            "url": f"{SYNTHETIC_HOST}/{pool.language}/{number:07d}",
            "date": datetime.fromtimestamp(published, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": pool.sources[i],
            "author": pool.authors[rng.randrange(len(pool.authors))],
            "language": pool.language,
        }
        number += 1


def write_chunks(records: Iterator[dict[str, Any]], folder: Path, chunk: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    out = None
    for n, record in enumerate(records):
        if n % chunk == 0:
            if out is not None:
                out.close()
            paths.append(folder / f"part-{len(paths):04d}.jsonl")
            out = paths[-1].open("w", encoding="utf-8")
        assert out is not None
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if out is not None:
        out.close()
    return paths


# -- processes ------------------------------------------------------------------------------
def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, RssAnon, RssFile, VmHWM... of a live process, in kB."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                values[key] = int(rest.split()[0])
    return values


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{parent}/task"):
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
                for child in map(int, children):
                    found.append(child)
                    todo.append(child)
    return found


@dataclass
class Run:
    seconds: float
    returncode: int
    maxrss_mb: float  # the process's own peak (wait4)
    tree_peak_mb: float  # sampled sum of VmRSS over it and its children
    output: str
    cpu_seconds: float  # user + system, the process's own (wait4)


def run_cli(
    home: Path, args: list[str], heartbeat: str = "", progress: Callable[[float], str] | None = None
) -> Run:
    """`python -m reader --home HOME ARGS`, timed, with its peak memory."""
    argv = [sys.executable, "-m", "reader", "--home", str(home), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        last_beat = time.perf_counter()
        while not done.wait(0.25):
            total = sum(proc_status(p).get("VmRSS", 0) for p in [proc.pid, *descendants(proc.pid)])
            peak[0] = max(peak[0], total)
            if heartbeat and time.perf_counter() - last_beat >= 60:
                last_beat = time.perf_counter()
                where = progress(last_beat - started) if progress else ""
                log(
                    f"    … {heartbeat}: {seconds(last_beat - started)} so far{where}, "
                    f"RSS {total / 1024:.0f} MB (peak {peak[0] / 1024:.0f} MB)"
                )

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    reader.join()
    return Run(
        elapsed,
        proc.returncode,
        usage.ru_maxrss / 1024,
        peak[0] / 1024,
        b"".join(output).decode(errors="replace"),
        usage.ru_utime + usage.ru_stime,
    )


class Terminal:
    """A program in a pseudo-terminal of COLUMNS x LINES: type into it, wait for output."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            if cwd is not None:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.seen = b""

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                self.seen += os.read(self.fd, 1 << 16)
            except OSError:
                raise RuntimeError("the program ended") from None

    def wait_for(self, pattern: bytes | re.Pattern[bytes], since: int = 0, limit: float = 60.0):
        """Seconds since launch when `pattern` appears after offset `since`; and the match."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            tail = self.seen[since:]
            found = pattern.search(tail) if isinstance(pattern, re.Pattern) else (pattern in tail)
            if found:
                return time.perf_counter() - self.started, found
            self.pump(0.02)
        raise RuntimeError(f"{pattern!r} did not appear within {limit} s")

    def drain(self, duration: float) -> None:
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            self.pump(0.02)

    def send(self, data: bytes) -> int:
        mark = len(self.seen)
        os.write(self.fd, data)
        return mark

    def memory(self) -> dict[str, float]:
        """MB of the program, and `children`: the VmRSS of its child processes (an indexer)."""
        status = proc_status(self.pid)
        memory = {k: status.get(k, 0) / 1024 for k in ("VmRSS", "RssAnon", "RssFile", "VmHWM")}
        children = [proc_status(child).get("VmRSS", 0) for child in descendants(self.pid)]
        memory["children"] = sum(children) / 1024
        return memory

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def terminal_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm-256color",
        "COLUMNS": str(COLUMNS),
        "LINES": str(LINES),
        **extra,
    }


def drop_caches_problem() -> str | None:
    """None when the page cache can be dropped here, else why not."""
    if os.geteuid() != 0:
        return "not root"
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as error:
        return f"/proc/sys/vm/drop_caches: {error.strerror or error}"
    return None


def drop_caches() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


# -- building ----------------------------------------------------------------------------------
def build_library(
    label: str, target: int, args: argparse.Namespace, pools_cache: dict[str, Any]
) -> dict[str, Any]:
    home = args.work / label
    manifest = home / "build.json"
    if manifest.exists() and not args.rebuild:
        info = json.loads(manifest.read_text())
        log(f"[{label}] library cached in {home} (built {info['built']}; --rebuild to redo)")
        return info
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    log(f"[{label}] building {home}")
    info: dict[str, Any] = {"label": label, "target": target, "seed": args.seed}
    began = time.perf_counter()

    if "pools" not in pools_cache:
        t = time.perf_counter()
        pools_cache["pools"] = load_pools(args.corpora)
        log(f"  corpora read in {seconds(time.perf_counter() - t)}")
    pools, real_digests = pools_cache["pools"]
    imported, import_s = 0, 0.0

    def import_files(paths: list[Path], planned: int) -> None:
        nonlocal imported, import_s
        run = run_cli(home, ["import", "--no-index", *map(str, paths)])
        import_s += run.seconds
        match = re.search(r"added (\d+), duplicates (\d+), failed (\d+)", run.output)
        if run.returncode != 0 or not match:
            log(f"  import of {[p.name for p in paths]} failed ({run.returncode}):\n{run.output}")
            if not match:
                raise SystemExit(1)
        imported += int(match[1])
        rate = imported / import_s
        log(
            f"  imported {imported:,} of {planned:,} ({run.output.strip().splitlines()[0]}) "
            f"in {seconds(import_s)}, {rate:,.0f} articles/s, "
            f"ETA {seconds((planned - imported) / rate) if rate else '?'}"
        )

    # The real corpora first (duplicates within them are kept once), then synthetic
    # articles up to the size, imported a few chunks at a time (progress, ETA).
    import_files([args.corpora / "bbc", args.corpora / "saudinewsnet"], target)
    real = library_count(home)  # with the two bundled seed articles
    synthetic = max(0, target - real)
    info["real"] = real

    t = time.perf_counter()
    records = synthetic_articles(pools, set(real_digests), synthetic, args.seed)
    chunks = write_chunks(records, home / "jsonl", args.chunk)
    info["generate_s"] = time.perf_counter() - t
    size = sum(p.stat().st_size for p in chunks)
    log(
        f"  {real:,} real articles; {synthetic:,} synthetic ones written in "
        f"{seconds(info['generate_s'])} ({len(chunks)} JSON Lines files, {size / MiB:,.0f} MiB)"
    )
    for group in [chunks[i : i + 2] for i in range(0, len(chunks), 2)]:
        import_files(group, real + synthetic)
        if not args.keep_jsonl:
            for path in group:
                path.unlink()
    if not args.keep_jsonl:
        shutil.rmtree(home / "jsonl", ignore_errors=True)
    info["import_s"] = import_s
    info["imported"] = imported
    info["import_rate"] = imported / import_s

    total = library_count(home)
    info["articles"] = total
    log(f"  reindexing {total:,} articles (one process, as `newsreader reindex` runs)…")
    run = run_cli(
        home, ["reindex"], heartbeat=f"[{label}] reindex", progress=reindex_progress(home, total)
    )
    if run.returncode != 0:
        log(f"  reindex failed ({run.returncode}):\n{run.output}")
        raise SystemExit(1)
    info["reindex_s"] = run.seconds
    info["reindex_rate"] = total / run.seconds
    info["reindex_cpu_s"] = run.cpu_seconds
    info["reindex_maxrss_mb"] = run.maxrss_mb
    info["reindex_tree_peak_mb"] = run.tree_peak_mb
    info["index_mb"] = dir_mb(home / "index")
    info["database_mb"] = (
        sum(p.stat().st_size for p in home.glob("library.sqlite3*") if p.is_file()) / MiB
    )
    log(
        f"  reindex: {run.output.strip()} in {seconds(run.seconds)} = "
        f"{info['reindex_rate']:,.0f} articles/s ({total / run.cpu_seconds:,.0f} per CPU "
        f"second: {run.cpu_seconds / run.seconds:.0%} of a core), peak RSS {run.maxrss_mb:,.0f} MB "
        f"(sampled with children {run.tree_peak_mb:,.0f} MB), index {info['index_mb']:,.0f} MiB"
    )
    info["build_s"] = time.perf_counter() - began
    info["built"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    manifest.write_text(json.dumps(info, indent=1))
    log(f"[{label}] built in {seconds(info['build_s'])}")
    return info


def reindex_progress(home: Path, total: int) -> Callable[[float], str]:
    """What the index has committed so far (its record of the store's seq), and an ETA."""

    def where(elapsed: float) -> str:
        try:
            seq = json.loads((home / "index" / "newsreader-index.json").read_text())["seq"]
            done = library_count(home, f"seq <= {int(seq)}")
        except (OSError, ValueError, KeyError, sqlite3.Error):
            return ""
        if not done:
            return ", nothing committed yet"
        eta = (total - done) * elapsed / done
        return f", {done:,} of {total:,} committed ({done / elapsed:,.0f}/s, ETA {seconds(eta)})"

    return where


def library_db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro", uri=True)


def library_count(home: Path, where: str = "1") -> int:
    with contextlib.closing(library_db(home)) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM articles WHERE {where}").fetchone()[0])


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / MiB


# -- newsboat -----------------------------------------------------------------------------------
EMPTY_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>
<description>newsreader bench_scale</description></channel></rss>
"""


def newsboat_files(home: Path) -> tuple[Path, Path, Path]:
    folder = home / "newsboat"
    return folder / "urls", folder / "cache.db", folder / "config"


def build_newsboat(home: Path, rebuild: bool) -> float | None:
    """newsboat's cache for every article of the library; seconds taken (None: cached)."""
    urls, cache, config = newsboat_files(home)
    done = cache.parent / "built"
    if done.exists() and not rebuild:
        return None
    shutil.rmtree(cache.parent, ignore_errors=True)
    (cache.parent / "feeds").mkdir(parents=True)
    started = time.perf_counter()
    library = library_db(home)
    sources = [r[0] or "unknown" for r in library.execute("SELECT DISTINCT source FROM articles")]
    feed_of: dict[str, str] = {}
    for n, source in enumerate(sorted(set(sources))):
        path = cache.parent / "feeds" / f"{n:03d}.xml"
        path.write_text(EMPTY_FEED.format(title=html.escape(source)), encoding="utf-8")
        feed_of[source] = f"file://{path}"
    urls.write_text("".join(f"{u}\n" for u in feed_of.values()), encoding="utf-8")
    config.write_text("")
    subprocess.run(
        ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"],
        env={**os.environ, "HOME": str(cache.parent)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    with contextlib.closing(sqlite3.connect(cache)) as db:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        rows = library.execute(
            "SELECT id, guid, url, title, author, source, language, published, body, read "
            "FROM articles ORDER BY id"
        )
        rtl = {
            feed_of[s or "unknown"]: lang == "ar"
            for s, lang in library.execute("SELECT source, language FROM articles GROUP BY source")
        }
        db.executemany(
            "UPDATE rss_feed SET is_rtl = ? WHERE rssurl = ?",
            [(int(v), k) for k, v in rtl.items()],
        )

        def items() -> Iterator[tuple[Any, ...]]:
            for id_, guid, url, title, author, source, _lang, published, body, read in rows:
                when = 0
                if published:
                    when = int(datetime.fromisoformat(published).timestamp())
                content = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p)
                yield (
                    guid or url or f"newsreader:{id_}",
                    title,
                    author or "",
                    url or "",
                    feed_of[source or "unknown"],
                    when,
                    content,
                    0 if read else 1,
                )

        db.executemany(
            "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            items(),
        )
        db.commit()
    library.close()
    done.write_text("")
    return time.perf_counter() - started


def newsboat_argv(home: Path) -> list[str]:
    urls, cache, config = newsboat_files(home)
    (cache.parent / "cache.db.lock").unlink(missing_ok=True)  # left by a killed run
    return ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config)]


def measure_newsboat(home: Path, runs: int, cold: bool) -> dict[str, Any]:
    env = terminal_env(HOME=str(newsboat_files(home)[1].parent))
    result: dict[str, Any] = {}

    def frame() -> float:
        return time_to_marker(newsboat_argv(home), env, NEWSBOAT_MARKER, limit=900)

    frame()  # warms the cache
    result["frame_warm"] = statistics.median(frame() for _ in range(runs))
    if cold:
        times = []
        for _ in range(runs):
            drop_caches()
            times.append(frame())
        result["frame_cold"] = statistics.median(times)
    term = Terminal(newsboat_argv(home), env)
    try:
        term.wait_for(NEWSBOAT_MARKER, limit=900)
        term.drain(2.0)
        result["memory"] = term.memory()
    finally:
        term.close()
    return result


# -- measuring our app ------------------------------------------------------------------------
def app_argv(home: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--home", str(home)]


def bracketed_paste(text: str) -> bytes:
    return b"\x1b[200~" + text.encode() + b"\x1b[201~"


def app_session(home: Path, query: str, reads: int, cold: bool) -> dict[str, Any]:
    """Launch, type `/` and the query as soon as the frame is up, then read `reads` articles."""
    if cold:
        drop_caches()
    out: dict[str, Any] = {}
    term = Terminal(app_argv(home), terminal_env(), cwd=ROOT)
    try:
        out["frame"], _ = term.wait_for(APP_MARKER)
        if reads:
            out["mem_frame"] = term.memory()
            term.drain(2.0)  # the index is opened and warmed up 0.2 s after the first frame
            out["mem_idle"] = term.memory()
        typed_at = time.perf_counter() - term.started
        mark = term.send(b"/")
        term.drain(0.05)
        term.send(bracketed_paste(query))
        out["answer"], found = term.wait_for(ANSWER, since=mark)
        out["answer_after_typing"] = out["answer"] - typed_at
        out["total"] = int(found[1].replace(b",", b""))
        if reads:
            term.drain(1.0)
            out["mem_search"] = term.memory()
            term.send(b"\r")  # to the results
            term.drain(0.3)
            for _ in range(reads):
                for key in (b"\r", b"\x1b", b"j"):  # open (and mark read), back, next
                    term.send(key)
                    term.drain(0.25)
            term.drain(1.0)
            out["mem_read"] = term.memory()
    finally:
        term.close()
    return out


def measure_search(home: Path, repeat: int) -> dict[str, Any]:
    from reader.search.index import SearchIndex
    from reader.store import Store

    store = Store(home / "library.sqlite3", read_only=True)
    index = SearchIndex(home / "index")
    try:
        queries = [q for q, _ in QUERIES]
        started = time.perf_counter()
        index.search(queries[0], store, limit=20)
        first = time.perf_counter() - started
        for q in queries:  # warm-up pass
            index.search(q, store, limit=20)
        samples: dict[str, list[float]] = {q: [] for q in queries}
        for _ in range(repeat):
            for q in queries:
                t = time.perf_counter()
                index.search(q, store, limit=20)
                samples[q].append((time.perf_counter() - t) * 1000)
        per_query = {q: statistics.median(v) for q, v in samples.items()}
    finally:
        index.close()
        store.close()
    values = list(per_query.values())
    return {
        "first_ms": first * 1000,
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
        "slowest": sorted(per_query.items(), key=lambda kv: -kv[1])[:5],
    }


# -- the report ------------------------------------------------------------------------------------
def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("ok" if ok else "MISSED")


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def ratio(ours: float | None, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}x" if ours and theirs else ""


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("measure", "budget", "measured", "newsboat", "ok/MISSED")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    log(line.format(*header))
    log(line.format(*("-" * w for w in widths)))
    for row in rows:
        log(line.format(*row))


def memory_budget(articles: int) -> int:
    """For sizes other than 33k, 100k and 1m: the budget of the nearest named size."""
    return 80 if articles < 66_000 else 120 if articles < 500_000 else 250


def library_as_it_stands(home: Path, label: str) -> dict[str, Any]:
    """What build.json says, or for a build that did not finish (the 1M reindex takes
    hours), what is in the library now: no reindex or import figures."""
    manifest = home / "build.json"
    if manifest.exists():
        return json.loads(manifest.read_text())
    info: dict[str, Any] = {"label": label, "articles": library_count(home, "1")}
    log(f"[{label}] no build.json in {home}: measuring the library as it stands")
    return info


def indexed_count(home: Path) -> int:
    from whoosh import index as wi

    return wi.open_dir(str(home / "index")).doc_count()


def measure(label: str, info: dict[str, Any], args: argparse.Namespace, cold: bool) -> None:
    home = args.work / label
    budget = MEMORY_BUDGET_MB.get(label) or memory_budget(info["articles"])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    log(f"\n[{label}] measuring {info['articles']:,} articles in {home} (load average {load})")
    rows: list[tuple[str, str, str, str, str]] = []

    nb: dict[str, Any] = {}
    if args.newsboat:
        built = build_newsboat(home, args.rebuild)
        if built is not None:
            log(f"  newsboat cache built in {seconds(built)}")
        nb = measure_newsboat(home, args.runs, cold)
        info.setdefault("newsboat_build_s", built)

    # memory: one full session (warm)
    before = library_count(home, "read = 1")
    session = app_session(home, args.query, 20, cold=False)
    opened = library_count(home, "read = 1") - before
    nb_mem = nb.get("memory", {})
    for key, what in (
        ("mem_idle", "after first frame (+2 s)"),
        ("mem_search", "after a search"),
        ("mem_read", f"after reading 20 ({opened} newly marked read)"),
    ):
        mem = session[key]
        theirs = nb_mem.get("VmRSS")
        rows.append(
            (
                f"RSS {what}",
                f"≤ {budget} MB",
                f"{mem['VmRSS']:.0f} MB (anon {mem['RssAnon']:.0f}, file {mem['RssFile']:.0f}"
                + (f"; children {mem['children']:.0f}" if mem["children"] else "")
                + ")",
                mb(theirs) + (f" (ours/newsboat {ratio(mem['VmRSS'], theirs)})" if theirs else ""),
                verdict(mem["VmRSS"] + mem["children"] <= budget),  # an indexer child counts
            )
        )
    log(
        f"  app memory at the first frame itself: {session['mem_frame']['VmRSS']:.0f} MB; "
        f"peak (VmHWM) over the session {session['mem_read']['VmHWM']:.0f} MB"
    )

    # search, in process
    indexed = indexed_count(home)
    if indexed < info["articles"]:
        log(f"  the index holds {indexed:,} of {info['articles']:,} articles (still building)")
    s = measure_search(home, args.repeat)
    log(
        f"  search: first query after opening {s['first_ms']:.0f} ms; slowest: "
        + ", ".join(f"{q} {v:.0f} ms" for q, v in s["slowest"])
    )
    large = info["articles"] >= 500_000
    if large:
        checks = [("median", 30, s["median"]), ("p95", 150, s["p95"]), ("max", None, s["max"])]
    else:
        checks = [("median", None, s["median"]), ("p95", 50, s["p95"]), ("max", 100, s["max"])]
    for name, limit, value in checks:
        rows.append(
            (
                f"search {name} ({len(QUERIES)} queries, top 20)",
                f"≤ {limit} ms" if limit else "-",
                f"{value:.1f} ms",
                "-",
                verdict(value <= limit if limit else None),
            )
        )

    # first frame and first answer, warm and cold
    warm = [app_session(home, args.query, 0, cold=False) for _ in range(args.runs)]
    cold_runs = [
        app_session(home, args.query, 0, cold=True) for _ in range(args.runs if cold else 0)
    ]
    for name, runs, nb_key in (("warm", warm, "frame_warm"), ("cold", cold_runs, "frame_cold")):
        if not runs:
            rows.append((f"first frame, {name} cache", "< newsboat cold", "skipped", "-", "-"))
            continue
        frame = statistics.median(r["frame"] for r in runs)
        answer = statistics.median(r["answer"] for r in runs)
        typing = statistics.median(r["answer_after_typing"] for r in runs)
        theirs = nb.get(nb_key)
        nb_cold = nb.get("frame_cold")
        rows.append(
            (
                f"first frame, {name} cache",
                "< newsboat cold",
                ms(frame),
                ms(theirs) + (f" (ours/newsboat {ratio(frame, theirs)})" if theirs else ""),
                verdict(frame < nb_cold if nb_cold else None),
            )
        )
        rows.append(
            (
                f"first search answer, {name} (from launch)",
                "-",
                f"{ms(answer)} ({ms(typing)} after typing)",
                "-",
                "-",
            )
        )
    log(f"  app query {args.query!r}: {warm[0]['total']:,} results")

    if "reindex_rate" not in info:
        rows.append(
            ("reindex", "-", f"not finished: {indexed:,} of {info['articles']:,} indexed", "-", "-")
        )
        log("")
        print_table(rows)
        return
    rows.append(
        (
            "reindex throughput",
            f"≥ {INDEX_RATE_BUDGET:,} art/s",
            f"{info['reindex_rate']:,.0f} art/s ({seconds(info['reindex_s'])}"
            + (
                f"; {info['articles'] / info['reindex_cpu_s']:,.0f}/CPU-s)"
                if info.get("reindex_cpu_s")
                else ")"
            ),
            "-",
            verdict(info["reindex_rate"] >= INDEX_RATE_BUDGET),
        )
    )
    peak = max(info["reindex_maxrss_mb"], info["reindex_tree_peak_mb"])
    rows.append(
        (
            "reindex peak RSS",
            f"≤ {INDEX_RSS_BUDGET_MB} MB",
            f"{info['reindex_maxrss_mb']:,.0f} MB "
            f"(with children {info['reindex_tree_peak_mb']:,.0f})",
            "-",
            verdict(peak <= INDEX_RSS_BUDGET_MB),
        )
    )
    rows.append(
        (
            "import throughput",
            "-",
            f"{info['import_rate']:,.0f} art/s ({seconds(info['import_s'])})",
            "-",
            "-",
        )
    )
    log("")
    print_table(rows)
    if nb_mem:
        log("  (newsboat's RSS, on every memory row, is after its start with the feed list drawn)")
    nb_build = info.get("newsboat_build_s")
    log(
        f"  build: generate {seconds(info['generate_s'])}, import {seconds(info['import_s'])}, "
        f"reindex {seconds(info['reindex_s'])}, total {seconds(info['build_s'])}"
        + (f"; newsboat cache {seconds(nb_build)}" if nb_build else "")
        + f"; database {info['database_mb']:,.0f} MiB, index {info['index_mb']:,.0f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="33k,100k,1m", help="comma-separated: 33k,100k,1m")
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--work", type=Path, default=None, help="default /work/scale")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached libraries")
    parser.add_argument("--repeat", type=int, default=5, help="runs per search query")
    parser.add_argument("--runs", type=int, default=3, help="launches per start-up figure")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=50_000, help="articles per JSONL file")
    parser.add_argument("--query", default="وزارة الصحة", help="what is typed in the app")
    parser.add_argument("--keep-jsonl", action="store_true")
    parser.add_argument("--no-newsboat", dest="newsboat", action="store_false")
    parser.add_argument("--no-cold", action="store_true", help="never drop the page cache")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="never build: measure each size's library as it stands (an index still being "
        "built is measured as far as it goes, and the report says how far)",
    )
    args = parser.parse_args()
    args.work = (args.work or default_work()).resolve()
    args.corpora = args.corpora.resolve()
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if not (args.corpora / "bbc").is_dir() or not (args.corpora / "saudinewsnet").is_dir():
        log(f"no corpora in {args.corpora} (bbc/ and saudinewsnet/ expected)")
        return 2
    if args.newsboat and shutil.which("newsboat") is None:
        log("newsboat is not installed: its column stays empty")
        args.newsboat = False

    cold = False
    if not args.build_only:
        problem = "--no-cold" if args.no_cold else drop_caches_problem()
        cold = problem is None
        log(
            "cold cache: "
            + (
                "sync; echo 3 > /proc/sys/vm/drop_caches before each cold launch"
                if cold
                else f"skipped ({problem})"
            )
        )
    log(f"work: {args.work}; corpora: {args.corpora}; seed {args.seed}; cores {os.cpu_count()}")
    pools: dict[str, Any] = {}
    for label, target in sizes:
        if args.measure_only:
            info = library_as_it_stands(args.work / label, label)
        else:
            info = build_library(label, target, args, pools)
        if not args.build_only:
            measure(label, info, args, cold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
