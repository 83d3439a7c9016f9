"""Run a notebook on a kernel of a remote Jupyter server, as JupyterLab does: over the server's REST API and websocket.

A learner's server on a hub is reachable only through the hub's proxy, at
``/user/NAME/``: its kernels live there, not in this process, so nbclient (which
talks ZMQ to a kernel it starts) cannot run them, and jupyter_server's own
gateway client is configured once per process, for one server. This opens a
session for the notebook (``POST api/sessions``, so the kernel starts in the
notebook's folder, as in JupyterLab), sends each code cell as an
``execute_request`` on the kernel's websocket (``api/kernels/ID/channels``, the
JSON protocol, messages made by jupyter_client's ``Session``), collects the
outputs the kernel sends back for it, and deletes the session afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

CELL_TIMEOUT = 120  # seconds, as nbval's --nbval-cell-timeout


@dataclass
class CellRun:
    """One code cell as it ran: its source, how long it took, what it printed and displayed, its error if any."""

    index: int
    source: str
    seconds: float
    outputs: list[dict] = field(default_factory=list)
    error: dict | None = None

    @property
    def text(self) -> str:
        """Everything the cell printed or displayed as text or HTML."""
        parts = []
        for output in self.outputs:
            parts.append(output.get("text", ""))
            data = output.get("data", {})
            parts.append(data.get("text/plain", "") + data.get("text/html", ""))
        return "".join(parts)


class NotebookFailed(AssertionError):
    """A cell not tagged ``raises-exception`` raised an error."""


class RemoteServer:
    """A Jupyter server at ``base_url`` (ending in ``/``), reached with ``token``."""

    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url, token
        self.http = AsyncHTTPClient()

    async def request(self, method: str, path: str, body=None, timeout: float = 60) -> dict | None:
        response = await self.http.fetch(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            request_timeout=timeout,
        )
        return json.loads(response.body) if response.body else None

    async def run_notebook(self, api_path: str, notebook, cells: int | None = None) -> list[CellRun]:
        """Run the notebook's code cells (the first ``cells`` of them, if given) in a new kernel; return each run.

        :param api_path: the notebook's path in the server's contents (relative to its root folder).
        :raises NotebookFailed: a cell not tagged ``raises-exception`` failed; the runs so far are on it.
        """
        async with self.kernel(api_path) as execute:
            runs = []
            code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
            for index, cell in enumerate(code_cells[:cells]):
                started = time.monotonic()
                outputs, error = await execute(cell.source)
                runs.append(CellRun(index, cell.source, time.monotonic() - started, outputs, error))
                if error and "raises-exception" not in cell.metadata.get("tags", []):
                    failure = NotebookFailed(f"code cell {index + 1} raised {error['ename']}: {error['evalue']}\n{cell.source}")
                    failure.runs = runs
                    raise failure
            return runs

    @contextlib.asynccontextmanager
    async def kernel(self, api_path: str):
        """A new kernel for the notebook at ``api_path``, as JupyterLab opens one, shut down afterwards.

        Yields ``execute``: ``await execute(code)`` runs ``code`` in it and returns its outputs and its error (or None).
        """
        session = await self.request(
            "POST", "api/sessions", {"path": api_path, "name": api_path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}}
        )
        try:
            url = self.base_url.replace("http", "ws", 1) + f"api/kernels/{session['kernel']['id']}/channels"
            # As long as a new session may take (``request``): a class starting kernels at once can make it wait.
            request = HTTPRequest(url, headers={"Authorization": f"token {self.token}"}, connect_timeout=60, request_timeout=60)
            socket = await websocket_connect(request, max_message_size=64 << 20)
            messages = Session(username="test")
            try:
                await _execute(socket, messages, "pass", timeout=60)  # the kernel answers: it is ready
                yield lambda code, timeout=CELL_TIMEOUT: _execute(socket, messages, code, timeout)
            finally:
                socket.close()
        finally:
            await self.request("DELETE", f"api/sessions/{session['id']}")


async def _execute(socket, session: Session, code: str, timeout: float) -> tuple[list[dict], dict | None]:
    """Send ``code`` to the kernel; wait for its reply and for it to be idle again; return its outputs and error."""
    message = session.msg("execute_request", {
        "code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
    })
    message["channel"] = "shell"
    await socket.write_message(json.dumps(message, default=json_default))
    msg_id = message["header"]["msg_id"]
    outputs, error, replied, idle = [], None, False, False
    deadline = time.monotonic() + timeout
    while not (replied and idle):
        raw = await asyncio.wait_for(socket.read_message(), timeout=max(deadline - time.monotonic(), 0.1))
        if raw is None:
            raise ConnectionError("the kernel's websocket closed")
        reply = json.loads(raw)
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = reply["msg_type"], reply["content"]
        if reply["channel"] == "shell" and kind == "execute_reply":
            replied = True
        elif kind == "status":
            idle = content["execution_state"] == "idle"
        elif kind in ("stream", "display_data", "execute_result"):
            outputs.append({"output_type": kind, **content})
        elif kind == "error":
            error = content
            outputs.append({"output_type": kind, **content})
    return outputs, error
