"""Helpers for ``test_jupyterlab.py``: a private JupyterLab server and a headless Chromium driven by Playwright.

Everything either writes lives in one temporary folder: the copy of the
notebooks, the learner's workspace, Jupyter's config, data, runtime and
settings folders, IPython's profile, and Chromium's profile.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.paths import REPOSITORY
from tutorial.devtools.static_server import serve_folder  # noqa: F401  (the tests import it from here)

LAB_CONFIG = REPOSITORY / "lab" / "jupyter_server_config.py"
# A request the browser gave up itself (the page had moved on before it was answered): no fault of the site.
ABORTED = "net::ERR_ABORTED"

CHROMIUM_MISSING = (
    "Chromium not found: install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) "
    "to run the browser tests"
)

# User settings of the private JupyterLab (``JUPYTERLAB_SETTINGS_DIR``), the same
# effect as an ``overrides.json``: start the notebook's kernel without asking,
# never fetch news or check for updates, and keep every cell in the page
# (no windowing), so that all cells can be inspected and photographed; give terminals xterm.js's
# screen-reader mode, which keeps each row of the screen as text that a test can read.
LAB_SETTINGS = {
    "@jupyterlab/terminal-extension/plugin": {
        "screenReaderMode": True,
    },
    "@jupyterlab/notebook-extension/tracker": {
        "autoStartDefaultKernel": True,
        "windowingMode": "none",
    },
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

SERVER_START_TIMEOUT = 90  # seconds


def require_browser() -> bool:
    return os.environ.get("TUTORIAL_REQUIRE_BROWSER") == "1"


def skip_or_fail(reason: str):
    if require_browser():
        pytest.fail(f"{reason} (TUTORIAL_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notebooks(target: Path) -> None:
    """Copy ``notebooks/`` (with the helper package) and the requirements the start page checks into ``target``."""
    shutil.copytree(
        REPOSITORY / "notebooks",
        target / "notebooks",
        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc"),
    )
    for requirements in ("requirements.txt", "requirements-servers.txt"):  # the start page checks both
        shutil.copy2(REPOSITORY / requirements, target / requirements)


@dataclass
class JupyterLab:
    """A JupyterLab server of our own, on 127.0.0.1, rooted at ``root``."""

    root: Path
    port: int = 0
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, relative: str) -> str:
        return f"{self.base_url}/lab/tree/{relative}?reset&token={self.token}"

    def environment(self) -> dict[str, str]:
        state = self.root / ".state"
        env = {
            **os.environ,
            "ALEMBIC_TUTORIAL_WORKSPACE": str(self.root / "workspace"),
            # The kernelspecs stay reachable: they live in sys.prefix/share/jupyter,
            # which Jupyter searches whatever JUPYTER_DATA_DIR says.
            "JUPYTER_CONFIG_DIR": str(state / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(state / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(state / "jupyter-runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(state / "lab-user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(state / "lab-workspaces"),
            "IPYTHONDIR": str(state / "ipython"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        return env

    def write_settings(self, env: dict[str, str]) -> None:
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"])
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2), encoding="utf-8")

    def start(self, timeout: float = SERVER_START_TIMEOUT, attempts: int = 3) -> None:
        env = self.environment()
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
            Path(env[name]).mkdir(parents=True, exist_ok=True)
        self.write_settings(env)
        last_error = ""
        for attempt in range(1, attempts + 1):
            self.port = free_port()
            self.log_path = self.root / ".state" / f"jupyterlab-{attempt}.log"
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    [
                        sys.executable, "-m", "jupyter", "lab",
                        f"--config={LAB_CONFIG}",  # the settings `make lab` starts JupyterLab with
                        "--allow-root",
                        "--no-browser",
                        "--ServerApp.ip=127.0.0.1",
                        f"--ServerApp.port={self.port}",
                        "--ServerApp.port_retries=0",
                        f"--IdentityProvider.token={self.token}",
                        f"--ServerApp.root_dir={self.root}",
                        "--LabApp.expose_app_in_browser=True",
                        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                        "--LabApp.news_url=None",
                        "--LabApp.extension_manager=readonly",  # no PyPI queries
                    ],
                    cwd=self.root,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: the kernels go with it
                )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    last_error = f"JupyterLab exited with status {self.process.returncode}"
                    break
                try:
                    self.api("GET", "/api/status", timeout=2)
                    return
                except (OSError, urllib.error.URLError):
                    time.sleep(0.25)
            else:
                last_error = f"JupyterLab did not answer within {timeout:.0f} s"
            self.stop()
            if "address already in use" not in self.log_tail().lower():
                break
        raise RuntimeError(f"{last_error}; its log ends with:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(
            self.base_url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def session_for(self, relative: str) -> dict | None:
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == relative:
                return session
        return None

    def wait_for_idle_kernel(self, relative: str, timeout: float) -> dict:
        """Wait until the notebook at ``relative`` has a session whose kernel is idle."""
        deadline = time.monotonic() + timeout
        session = None
        while time.monotonic() < deadline:
            session = self.session_for(relative)
            if session and (session.get("kernel") or {}).get("execution_state") == "idle":
                return session
            time.sleep(0.25)
        raise TimeoutError(f"no idle kernel for {relative} after {timeout:.0f} s; last session seen: {session}")

    def shut_down_session(self, relative: str) -> None:
        """Delete the notebook's session, which shuts its kernel down."""
        try:
            session = self.session_for(relative)
            if session:
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        except (OSError, urllib.error.URLError):
            pass

    def stop(self) -> None:
        """Terminate the server and its kernels (SIGTERM, then SIGKILL to the whole process group)."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # kernels left behind by a server that died or hung
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

