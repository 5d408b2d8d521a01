"""The main screen's indexer: the search index is kept in step by a process of its own
(`newsreader index --progress json`), never by a thread of the app: Whoosh is pure Python,
and a thread would share the GIL with the UI. The process is safe to kill at any moment
(its record is written after each commit, its lock is an flock), so it is simply
terminated when the app quits or a rebuild is asked for. Searches in the app see each
batch it commits: its progress messages say when, and the search shown runs again."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from reader.session import IndexSync
from reader.text.i18n import shown
from reader.ui import messages as msg
from reader.ui.state import Activity, IndexState

if TYPE_CHECKING:
    from reader.ui.screens.main import MainScreen


class IndexingMixin:
    """For MainScreen only (it uses the screen's session, state and widgets, and the
    indexer's attributes set in `MainScreen.__init__`)."""

    def catch_up_index(self: MainScreen, rebuild: bool = False) -> None:
        if self._indexer is not None and not rebuild:
            self._index_again = True  # the running indexer may have missed the change
            return
        self._stop_indexer()
        self.index_state = IndexState("checking")
        self._run_indexer(rebuild)

    def _indexer_command(self: MainScreen, rebuild: bool) -> list[str]:
        home = str(self.session.library.home)
        command = [sys.executable, "-m", "reader", "--home", home, "index", "--progress", "json"]
        return [*command, "--rebuild"] if rebuild else command

    @work(exclusive=True, group="index", exit_on_error=False)
    async def _run_indexer(self: MainScreen, rebuild: bool) -> None:
        index = self.session.index
        if not rebuild:
            status = await asyncio.to_thread(index.status, self.store)
            if status.in_step:
                await asyncio.to_thread(index.warm_up)
                self.post_message(msg.IndexDone(IndexSync("in_step")))
                return
        # The child runs this very code, wherever it was imported from.
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        process = await asyncio.create_subprocess_exec(
            *self._indexer_command(rebuild),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        self._indexer = process
        self._committed = 0
        sync: IndexSync | None = None
        done = total = 0
        try:
            assert process.stdout is not None and process.stderr is not None
            async for raw in process.stdout:
                record = json.loads(raw)
                if "result" in record:
                    sync = IndexSync.from_record(record["result"])
                    continue
                if "committed" in record:
                    self._committed = int(record["committed"])
                else:
                    done, total = int(record["done"]), int(record["total"])
                self.post_message(msg.IndexProgress(done, total, self._committed))
            errors = (await process.stderr.read()).decode("utf-8", "replace").strip()
            code = await process.wait()
        finally:
            self._stop_indexer(process)
        if sync is None:
            last = errors.splitlines()[-1] if errors else f"exit status {code}"
            raise RuntimeError(f"the indexer stopped: {last}")
        await asyncio.to_thread(index.warm_up)  # reopens the searcher on the new commits
        self.post_message(msg.IndexDone(sync))

    def _stop_indexer(self: MainScreen, process: asyncio.subprocess.Process | None = None) -> None:
        """Terminate the indexer process (it resumes where it stopped next time)."""
        process = process or self._indexer
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        if process is self._indexer:
            self._indexer = None

    def on_unmount(self: MainScreen) -> None:
        self._stop_indexer()

    def on_index_progress(self: MainScreen, event: msg.IndexProgress) -> None:
        self.index_state = IndexState("indexing", event.done, event.total)
        self.activity = Activity(event.done, event.total)
        if event.committed > self._shown_committed:
            # A batch is searchable: the search shown answers from more articles now.
            self._shown_committed = event.committed
            if self.search_pane.input.value.strip():
                self.run_search(self.search_pane.input.value)

    def on_index_done(self: MainScreen, event: msg.IndexDone) -> None:
        self._shown_committed = 0
        if event.sync.locked:
            if self.index_state.phase != "locked" and not self._index_retry:
                self.notify(shown(event.sync.note), severity="warning")
            self._index_retry = event.sync.action == "locked"  # the other writer may stop
        self._index_settled(IndexState("locked" if event.sync.locked else "idle"))
        if self._index_again:
            self._index_again = False
            self.catch_up_index()

    def _index_settled(self: MainScreen, state: IndexState) -> None:
        self.index_state = state
        self.activity = None
        if self.search_pane.input.value.strip():
            self.run_search(self.search_pane.input.value)
