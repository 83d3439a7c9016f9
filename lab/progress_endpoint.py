"""My progress, for the teacher's class view on a hub: ``GET /user/<name>/tutorial/progress`` answers with the learner's rows.

A Jupyter server extension: ``lab/jupyter_server_config.py`` loads it when JupyterLab runs on a JupyterHub. It
answers only a token that holds the hub's scope ``custom:tutorial-progress:read`` (hub/jupyterhub_config.py gives
it to the class view alone): not the learner's own token, not another learner's.

What it answers is what *My progress* computes (``python -m tutorial.progress --json``), run as a process of its
own in the learner's ``notebooks/`` folder, as the learner: their models and revisions are imported there, never
in this server. The answer is kept, keyed on the workspace's files (their number, sizes and newest modification
time) and on the last activity of the learner's kernels and terminals, so that a refresh when nothing changed
costs a walk over the workspace's folders; it is computed afresh at least every :data:`MAX_AGE` seconds (a
database can change with no file changing). The computation runs at a low priority (:data:`NICENESS`).
This server does not count a question as the learner's activity, but the hub's proxy does (it records every answer it
passes on), which is why the class view asks only while a teacher looks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

SCOPE = "custom:tutorial-progress:read"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MAX_AGE = 120  # seconds an unchanged answer is kept
TIMEOUT = 60  # seconds My progress may take
NICENESS = 10  # its priority: lower than the learner's kernels'; the view waits, the class does not
SKIPPED = {".backups", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def workspace_state(folder: Path) -> tuple[int, int, int]:
    """How many files the workspace holds, their total size, and the newest modification time (ns) among them."""
    count = size = newest = 0
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name in SKIPPED:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    info = entry.stat(follow_symlinks=False)
                else:
                    info = entry.stat(follow_symlinks=False)
                    count, size = count + 1, size + info.st_size
            except OSError:
                continue
            newest = max(newest, info.st_mtime_ns)
    return count, size, newest


class Progress:
    """The learner's last answer, and how to compute the next one."""

    def __init__(self, serverapp):
        self.serverapp = serverapp
        self.workspace = Path(os.environ.get("TUTORIAL_WORKSPACE") or NOTEBOOKS.parent / "workspace")
        self.key, self.rows, self.computed_at, self.seconds = None, [], 0.0, 0.0
        self.lock = asyncio.Lock()

    async def answer(self) -> dict:
        started = time.monotonic()
        async with self.lock:
            files = workspace_state(self.workspace)
            key = (files, await self.activity())
            cached = key == self.key and time.monotonic() - self.computed_at < MAX_AGE
            if not cached:
                self.rows, self.seconds = await self.compute(), time.monotonic() - started
                self.key, self.computed_at = key, time.monotonic()
        return {
            "rows": self.rows, "last_notebook": await self.last_notebook(), "workspace_changed": files[2] / 1e9,
            "cached": cached, "seconds": time.monotonic() - started, "computed_in": self.seconds,
        }

    async def compute(self) -> list[dict]:
        """``python -m tutorial.progress --json`` in the learner's notebooks folder."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tutorial.progress", "--json", cwd=NOTEBOOKS,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        with contextlib.suppress(OSError, AttributeError):  # the learner's own kernels and commands go first
            os.setpriority(os.PRIO_PROCESS, process.pid, NICENESS)
        try:
            out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            raise web.HTTPError(504, f"My progress took more than {TIMEOUT} s") from None
        if process.returncode:
            raise web.HTTPError(500, f"My progress failed: {err.decode(errors='replace')[-500:]}")
        return json.loads(out)

    async def activity(self) -> str:
        """The newest activity of the learner's kernels and terminals (running a cell or a command updates it)."""
        times = [str(model.get("last_activity", "")) for model in self.serverapp.kernel_manager.list_kernels()]
        terminals = self.serverapp.web_app.settings.get("terminal_manager")
        if terminals is not None:
            times += [str(model.get("last_activity", "")) for model in terminals.list()]
        return max(times, default="")

    async def last_notebook(self) -> str:
        """The open notebook whose kernel was active last; else the project folder changed last."""
        sessions = await self.serverapp.session_manager.list_sessions()
        notebooks = [
            (str(session.get("kernel", {}).get("last_activity", "")), session["path"])
            for session in sessions if str(session.get("path", "")).endswith(".ipynb")
        ]
        if notebooks:
            return Path(max(notebooks)[1]).stem
        try:
            folders = [entry for entry in os.scandir(self.workspace) if entry.is_dir() and entry.name not in SKIPPED]
        except OSError:
            return ""
        return max(folders, key=lambda entry: entry.stat().st_mtime).name if folders else ""


class ProgressHandler(JupyterHandler):
    """``GET``: the learner's progress as JSON, for a token with :data:`SCOPE` only."""

    @allow_unauthenticated  # the token is checked below, for a scope of its own, not JupyterLab's access
    async def get(self):
        hub_auth = self.identity_provider.hub_auth
        token = hub_auth.get_token(self, in_cookie=False)
        model = await hub_auth.user_for_token(token, sync=False) if token else None
        learner = os.environ.get("JUPYTERHUB_USER", "")
        if not model or not hub_auth.check_scopes({f"{SCOPE}!user={learner}"}, model):
            raise web.HTTPError(403, f"this needs the hub's scope {SCOPE}")
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(await self.settings["tutorial_progress"].answer(), ensure_ascii=False))


def _jupyter_server_extension_points():
    return [{"module": "progress_endpoint"}]


def _load_jupyter_server_extension(serverapp):
    web_app = serverapp.web_app
    web_app.settings["tutorial_progress"] = Progress(serverapp)
    route = url_path_join(web_app.settings["base_url"], "tutorial", "progress")
    web_app.add_handlers(".*$", [(route, ProgressHandler)])
