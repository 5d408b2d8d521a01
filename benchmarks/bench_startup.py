"""Time from launching `newsreader` to its first full frame, in a real pseudo-terminal.

Usage: python benchmarks/bench_startup.py [--home DIR] [--runs N]

With --home, uses that library (for example one built from both shared corpora with
`newsreader import`); otherwise a fresh library of the bundled seeds. A bare Textual app,
launched the same way in the same run, is the baseline (the floor any Textual app pays).
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import sys
import tempfile
import time

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
Bare().run()
"""


def time_to_marker(
    argv: list[str], env: dict[str, str], marker: bytes, limit: float = 30.0
) -> float:
    """Seconds until `marker` appears on the terminal; the child is then killed."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    seen = b""
    try:
        while time.perf_counter() - started < limit:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - started
        raise RuntimeError(f"{marker!r} did not appear within {limit} s")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", help="library folder (default: a fresh seeded one)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = args.home or tempfile.mkdtemp(prefix="newsreader-startup-")
    env = {
        **os.environ,
        "NEWSREADER_HOME": home,
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "36",
    }
    ours, bare = [], []
    # The first run of ours also seeds and indexes a fresh library: keep it out of the figures.
    time_to_marker([sys.executable, "-m", "reader"], env, b"Quit")
    for _ in range(args.runs):
        bare.append(time_to_marker([sys.executable, "-c", BARE_APP], env, b"Quit"))
        ours.append(time_to_marker([sys.executable, "-m", "reader"], env, b"Quit"))
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"library: {home}")
    print(
        f"newsreader to first frame: median {ours_median * 1000:.0f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in ours)})"
    )
    print(f"bare Textual app:          median {bare_median * 1000:.0f} ms")
    print(f"ratio newsreader / bare:   {ours_median / bare_median:.2f}")


if __name__ == "__main__":
    main()
