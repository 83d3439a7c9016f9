"""Serve a project's web app for real: waitress, a WSGI server, in a process of its own on 127.0.0.1.

``serve()`` runs the very command a learner would type in a terminal opened in the project folder::

    waitress-serve --listen=127.0.0.1:8000 billtracker.app:application

The server answers real HTTP requests (open its page in a browser tab, or through JupyterLab's
``/proxy/<port>/``), and stops with ``stop()``, when the cell that started it runs again, or when the
kernel stops.

On a JupyterHub every learner shares the machine's ports, and a port is open to every account on it. There
``lab/jupyter_server_config.py`` names a folder only the learner's account can open
(``TUTORIAL_SITE_SOCKETS``), with a few numbered sites in it (``site-1.lock``...), each one an entry of
JupyterLab's proxy (``/user/<name>/site-1/``, behind the hub's login). ``serve()`` then takes a free site
and has waitress listen on its Unix socket instead of a port::

    waitress-serve --unix-socket=/tmp/alembic-tutorial-sites-x1y2/site-1.sock billtracker.app:application

In the browser (JupyterLite), where Python can start no process and open no port, ``serve()`` says so
and returns an :class:`InThisPage` instead, whose ``get()`` calls the app inside the kernel.
"""

from __future__ import annotations

import atexit
import html
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import inbrowser
from .browser import Response, browse

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PORTS_TRIED = 20  # after a busy port, the next ones are tried, up to this many in all
START_TIMEOUT = 15  # seconds for the server to answer
SOCKETS = "TUTORIAL_SITE_SOCKETS"  # the variable naming the learner's private folder of sites, on a hub


class ServerFailed(Exception):
    """The web server could not start; the message says why and what to do."""


@dataclass
class Site:
    """A project's app, served by waitress on ``http://127.0.0.1:<port>/`` or on a Unix socket of the learner's."""

    folder: Path
    app: str
    process: subprocess.Popen
    log_path: Path
    port: int | None = None
    socket: Path | None = None  # on a hub: the socket, named for its site (site-1.sock)
    lock: IO | None = None  # on a hub: holds the site for this server until it stops

    @property
    def url(self) -> str:
        """The page's address on this computer, for display (on a hub, the socket's: no browser opens it)."""
        return f"http://unix:{self.socket}:/" if self.socket else f"http://{HOST}:{self.port}/"

    @property
    def proxy_path(self) -> str:
        """The page through JupyterLab's proxy (jupyter-server-proxy), on this server or on a JupyterHub."""
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/")
        return f"{prefix}/{self.socket.stem}/" if self.socket else f"{prefix}/proxy/{self.port}/"

    @property
    def listen(self) -> str:
        """waitress's option that says where to listen."""
        return f"--unix-socket={self.socket}" if self.socket else f"--listen={HOST}:{self.port}"

    @property
    def command(self) -> str:
        """The terminal command that serves the app the same way."""
        return f"waitress-serve {self.listen} {self.app}:application"

    def get(self, path: str = "/") -> Response:
        """Ask the server for ``path`` over HTTP, as a browser does."""
        connection = _UnixConnection(self.socket) if self.socket else http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()  # a 500 page is an answer too
            return Response(path, f"{answer.status} {answer.reason}", answer.read().decode("utf-8"))
        finally:
            connection.close()

    def log(self) -> str:
        """What the server printed (waitress's own lines, and any traceback of the app)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the server (nothing happens if it has stopped already)."""
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.lock is not None:
            self.lock.close()  # the site is free again
        _SITES.pop(self.folder, None)

    def _repr_html_(self) -> str:
        state = "serving" if self.running() else "stopped"
        here = "" if self.socket else (
            f" &middot; in a browser on this computer: <a href='{self.url}' target='_blank'>{self.url}</a>"
        )
        return (
            f"<div style='font-family:monospace'>waitress, {state}: <code>{html.escape(self.command)}</code><br>"
            f"open the page in JupyterLab: <a href='{html.escape(self.proxy_path)}' target='_blank'>"
            f"{html.escape(self.proxy_path)}</a>{here}</div>"
        )

    def __repr__(self) -> str:
        return f"<Site {self.url} ({'serving' if self.running() else 'stopped'})>"


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket: http.client's connection, connected to a path instead of a host and port."""

    def __init__(self, path: Path, timeout: float = 10):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self.socket_path))


@dataclass
class InThisPage:
    """The browser's stand-in for a :class:`Site`: no server, the app called inside the kernel."""

    folder: Path
    app: str

    def get(self, path: str = "/") -> Response:
        return browse(path, self.app, self.folder)

    def running(self) -> bool:
        return False

    def stop(self) -> None:
        """Nothing to stop: no server runs."""

    def __repr__(self) -> str:
        return "<no web server in the browser: get() calls the app inside the kernel>"


_SITES: dict[Path, Site] = {}


def serve(app: str = "billtracker.app", folder: Path | str = ".", port: int = DEFAULT_PORT) -> Site | InThisPage:
    """Serve ``app``'s ``application`` from the project in ``folder`` with waitress, on ``port`` or the next free one.

    On a hub (where ``TUTORIAL_SITE_SOCKETS`` names the learner's folder of sites), on the first free site's
    Unix socket instead, and ``port`` is not used. A server this kernel started earlier for the same folder
    is stopped first, so running the cell again restarts it (and it reads the project's files afresh).
    """
    folder = Path(folder).resolve()
    if inbrowser.IN_BROWSER:
        print(textwrap.fill(inbrowser.unavailable("A web server") + " Here, site.get() asks the app inside the "
                            "kernel instead, as tutorial.browse() does.", 100))
        return InThisPage(folder, app)
    stop_serving(folder)
    sockets = os.environ.get(SOCKETS)
    if sockets:
        site = _start_on_a_site(app, folder, Path(sockets))
        print(f"waitress serves {app} on {site.socket.stem}, a Unix socket that only your account can open "
              "(JupyterLab opens it for you: the link below).")
    else:
        site = _start(app, folder, free_port(port))
        if site.port == port:
            print(f"waitress serves {app} on port {site.port}.")
        else:
            print(f"Port {port} is busy (another program listens on it): "
                  f"waitress serves {app} on port {site.port} instead.")
    _SITES[folder] = site
    return site


def _start(app: str, folder: Path, port: int) -> Site:
    """Start waitress on ``port``; if another program took that port meanwhile, on the next free one, and so on."""
    tried = []
    for _ in range(PORTS_TRIED):
        try:
            return _launch(app, folder, port=port)
        except ServerFailed as failure:
            if "address already in use" not in str(failure).lower():
                raise
        tried.append(port)
        port = free_port(port + 1)
    raise ServerFailed(f"Ports {tried[0]} to {tried[-1]} were each taken by another program while waitress started: "
                       "try again, or choose another port, e.g. serve(port=9000).")


def _start_on_a_site(app: str, folder: Path, sockets: Path) -> Site:
    """Start waitress on the socket of the first site no other server of this account holds."""
    import fcntl  # Unix only, as the hub is

    sites = sorted(sockets.glob("*.lock"))
    for lock_path in sites:
        lock = open(lock_path, "ab")  # held open as long as the server runs
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # let go when the lock closes, or the kernel ends
        except BlockingIOError:
            lock.close()
            continue
        try:
            return _launch(app, folder, socket=lock_path.with_suffix(".sock"), lock=lock)
        except BaseException:
            lock.close()
            raise
    names = ", ".join(path.stem for path in sites) or "none"
    raise ServerFailed(f"Every site JupyterLab can open is taken by a server you started ({names}): "
                       "stop one (site.stop(), or restart the kernel of a notebook that serves).")


def _launch(app: str, folder: Path, **address) -> Site:
    """Start waitress at ``address`` (``port=`` or ``socket=``) and wait until it says it listens."""
    handle, log_name = tempfile.mkstemp(prefix="waitress-", suffix=".log")
    with os.fdopen(handle, "wb") as log:
        site = Site(folder, app, None, Path(log_name), **address)
        site.process = subprocess.Popen(
            [sys.executable, "-m", "waitress", site.listen, f"{app}:application"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_this_process if sys.platform == "linux" else None,
        )
    _wait_until_it_answers(site)
    return site


def stop_serving(folder: Path) -> None:
    """Stop the server this kernel started from ``folder``, if any."""
    site = _SITES.get(Path(folder).resolve())
    if site is not None:
        site.stop()


def stop_all() -> None:
    """Stop every server this kernel started."""
    for site in list(_SITES.values()):
        site.stop()


def free_port(wanted: int) -> int:
    """``wanted`` if nothing listens on it, else the next free port after it."""
    for candidate in range(wanted, wanted + PORTS_TRIED):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does: a closed port is free
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return candidate
    raise ServerFailed(
        f"Ports {wanted} to {wanted + PORTS_TRIED - 1} are all busy: stop a server you started earlier, "
        f"or choose another port, e.g. serve(port=9000)."
    )


def _wait_until_it_answers(site: Site) -> None:
    """Wait until this server says it listens: a connection alone could reach another program on the port."""
    deadline = time.monotonic() + START_TIMEOUT
    listening = f"Serving on http://unix:{site.socket}" if site.socket else f"Serving on http://{HOST}:{site.port}"
    while time.monotonic() < deadline:
        if listening in site.log():
            return
        if not site.running():
            raise ServerFailed(
                f"waitress could not serve {site.app}:application from {site.folder.name}/ and stopped; "
                f"it printed:\n{_last_lines(site.log())}"
            )
        time.sleep(0.05)
    site.stop()
    where = site.socket.name if site.socket else f"port {site.port}"
    raise ServerFailed(f"waitress did not answer on {where} within {START_TIMEOUT} s; it printed:\n"
                       + _last_lines(site.log()))


def _last_lines(text: str, count: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-count:]) or "(nothing)"


def _stop_with_this_process() -> None:
    """In the server's process, before waitress starts: ask Linux to stop it when the kernel dies."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


atexit.register(stop_all)
