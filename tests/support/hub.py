"""A real JupyterHub on 127.0.0.1 for the class test: started from hub/jupyterhub_config.py, stopped whatever happens.

The hub loads the repository's own configuration, then only what a test machine
must change: JupyterHub's test authenticator (any name logs in), loopback ports,
and a service token that creates the learners, starts their servers and mints
their tokens through the hub's REST API. Given Unix accounts for the learners
(support.unix_accounts, as root), it keeps the configuration's own spawner: each
learner's server runs as their own user, in their own home. Without them, it
takes JupyterHub's simple spawner: every server a process of this user, their
homes temporary folders.
Every learner gets a PostgreSQL role of their own with only ``CREATEDB``, as a
teacher would create it, and ``DATABASE_URL`` naming the shared server as that role.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from support.paths import REPOSITORY
from support.remote_kernel import RemoteServer
from support.tools import load
from support.unix_accounts import UnixAccounts

HUB_FOLDER = REPOSITORY / "hub"
learner_roles = load(HUB_FOLDER / "learner_roles.py")  # the teacher's script, in hub/

ROLE_SECRET = secrets.token_hex(8)  # the class's secret, from which each learner's password is derived
PROXY = HUB_FOLDER / "node_modules" / ".bin" / "configurable-http-proxy"
START_TIMEOUT = 60  # seconds, for the hub and for each learner's server


def skip_or_fail(reason: str):
    """Skip, saying why; fail instead when the hub test is required (``TUTORIAL_REQUIRE_HUB=1``, as in CI)."""
    if os.environ.get("TUTORIAL_REQUIRE_HUB") == "1":
        pytest.fail(f"{reason} (required: TUTORIAL_REQUIRE_HUB=1)")
    pytest.skip(reason)


def require_proxy() -> Path:
    """configurable-http-proxy, which ``make test`` installs with npm; skip (or fail, when required) without it."""
    if not PROXY.exists():
        skip_or_fail(
            f"configurable-http-proxy is not installed in {PROXY.parent.relative_to(REPOSITORY)}: `make test` installs it "
            "with `npm ci` in hub/ when Node.js and npm are on this machine"
        )
    return PROXY


def cpu_seconds_of(process: psutil.Process, descendants: bool = True) -> float:
    """CPU seconds ``process`` used, with (for ``descendants``) its ended children's and its live descendants'.

    A learner's server counts so with its kernels and their commands (Alembic's, My progress's).
    """
    times = process.cpu_times()
    total = times.user + times.system
    if descendants:
        total += times.children_user + times.children_system
        for child in process.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.Error:
                pass
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


TEST_CONFIG = """\
c = get_config()
load_subconfig({config!r})
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
{spawner}c.JupyterHub.bind_url = {public!r}
c.JupyterHub.hub_bind_url = {internal!r}
c.ConfigurableHTTPProxy.api_url = {proxy_api!r}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///" + {state!r} + "/hub.sqlite"
c.JupyterHub.cookie_secret_file = {state!r} + "/cookie_secret"
c.JupyterHub.pid_file = {state!r} + "/hub.pid"
c.Spawner.args.extend({args!r})
c.JupyterHub.services.append({{"name": "class-test", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{
    "name": "class-test", "services": ["class-test"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "tokens"],
}})
"""
SIMPLE_SPAWNER = """\
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
"""


class Hub:
    """A running hub: its process, its public URL, and the REST calls the test makes.

    :param accounts: the learners' Unix accounts, whose servers then run as them (the configuration's own
        spawner); None for JupyterHub's simple spawner, every server a process of this user.
    :param more_environment: settings of the hub's environment a test chooses (the class view's, say).
    """

    def __init__(self, folder: Path, database_url_template: str, accounts: UnixAccounts | None = None,
                 more_environment: dict[str, str] | None = None):
        self.folder, self.accounts = folder, accounts
        self.url = f"http://127.0.0.1:{free_port()}"
        self.token = secrets.token_hex(16)
        state = folder / "state"
        state.mkdir(parents=True)
        (folder / "homes").mkdir()
        config = folder / "jupyterhub_test_config.py"
        as_root = accounts is None and os.geteuid() == 0  # every server a process of root
        config.write_text(TEST_CONFIG.format(
            config=str(HUB_FOLDER / "jupyterhub_config.py"), public=self.url,
            spawner="" if accounts else SIMPLE_SPAWNER.format(homes=str(folder / "homes")),
            internal=f"http://127.0.0.1:{free_port()}", proxy_api=f"http://127.0.0.1:{free_port()}",
            proxy=str(require_proxy()), state=str(state), token=self.token, args=["--allow-root"] if as_root else [],
        ))
        environment = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST", "ALEMBIC_TUTORIAL"))}
        environment.update(TUTORIAL_DATABASE_URL=database_url_template, TUTORIAL_ROLE_SECRET=ROLE_SECRET, TUTORIAL_HUB_URL=self.url)
        environment.pop("DATABASE_URL", None)
        environment["TUTORIAL_CLASS_VIEW_URL"] = f"http://127.0.0.1:{free_port()}"  # the class view, on a port of its own
        environment.update(more_environment or {})  # the hub's settings a test chooses
        self.log = open(folder / "hub.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=state, env=environment,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.seen: dict[int, psutil.Process] = {}  # every process the hub started, to be sure each one stops
        self.http = AsyncHTTPClient()

    def home(self, name: str) -> Path:
        return self.accounts.home(name) if self.accounts else self.folder / "homes" / name

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped at once:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/hub/api/", timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"the hub did not answer in {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join((self.folder / "hub.log").read_text(errors="replace").splitlines()[-lines:])

    async def api(self, method: str, path: str, body=None) -> dict | None:
        try:
            response = await self.http.fetch(
                f"{self.url}/hub/api/{path}", method=method, headers={"Authorization": f"token {self.token}"},
                body=None if body is None else json.dumps(body), allow_nonstandard_methods=True, request_timeout=START_TIMEOUT,
            )
        except HTTPClientError as error:
            raise RuntimeError(f"{method} /hub/api/{path}: {error}\n{self.log_tail()}") from None
        return json.loads(response.body) if response.body else None

    async def start_learner(self, name: str) -> RemoteServer:
        """Create the learner on the hub, start their server through the hub, and return it with a token of theirs."""
        await self.api("POST", f"users/{name}")
        await self.api("POST", f"users/{name}/server")
        deadline = time.monotonic() + START_TIMEOUT
        while not (await self.api("GET", f"users/{name}"))["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name}'s server did not start in {START_TIMEOUT} s:\n{self.log_tail()}")
            await asyncio.sleep(0.3)
        token = (await self.api("POST", f"users/{name}/tokens", {"note": "class test", "expires_in": 3600}))["token"]
        self.note_processes()
        return RemoteServer(f"{self.url}/user/{name}/", token)

    def servers(self) -> dict[str, psutil.Process]:
        """Each learner's single-user server process, by learner name."""
        found = {}
        for process in psutil.Process(self.process.pid).children():
            try:
                user = process.environ().get("JUPYTERHUB_USER")
            except psutil.Error:
                continue
            if user:
                found[user] = process
        return found

    def note_processes(self) -> None:
        try:
            for process in psutil.Process(self.process.pid).children(recursive=True):
                self.seen.setdefault(process.pid, process)
        except psutil.Error:
            pass

    def stop(self) -> list[str]:
        """Stop the hub (it stops its proxy and the learners' servers), then anything still running; say what was left."""
        self.note_processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        left = [process for process in self.seen.values() if process.is_running() and process.status() != psutil.STATUS_ZOMBIE]
        for process in left:
            process.kill()
        psutil.wait_procs(left, timeout=10)
        self.log.close()
        return [f"{process.pid}" for process in left]


class Roles:
    """One PostgreSQL role per learner, with only the right to create databases; dropped with their databases."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.names: list[str] = []

    def create(self, name: str) -> None:
        """The role the teacher's script creates for the learner (hub/learner_roles.py), with its password."""
        self._execute(learner_roles.create_role(name, ROLE_SECRET))
        self.names.append(name)

    def databases(self, prefix: str = "alembic_tutorial_") -> dict[str, tuple[str, str]]:
        """Every tutorial database on the server: its owner and its access list."""
        engine = create_engine(self.server_url, poolclass=NullPool)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT datname, pg_get_userbyid(datdba), coalesce(datacl::text, '') FROM pg_database WHERE starts_with(datname, :prefix)"
            ), {"prefix": prefix}).all()
        engine.dispose()
        return {name: (owner, acl) for name, owner, acl in rows}

    def connections(self) -> int:
        """How many connections the learners' roles hold open on the server now."""
        engine = create_engine(self.server_url, poolclass=NullPool)
        with engine.connect() as connection:
            count = connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE usename = ANY(:names)"), {"names": self.names})
        engine.dispose()
        return count

    def database_sizes(self, names) -> dict[str, int]:
        engine = create_engine(self.server_url, poolclass=NullPool)
        with engine.connect() as connection:
            sizes = {name: connection.scalar(text("SELECT pg_database_size(:name)"), {"name": name}) for name in names}
        engine.dispose()
        return sizes

    def drop_all(self) -> None:
        """Drop every database these roles own, then the roles."""
        for name, (owner, _) in self.databases().items():
            if owner in self.names:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for name in self.names:
            self._execute(f'DROP ROLE IF EXISTS "{name}"')

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()


def learner_url_template(server_url: str) -> str:
    """``TUTORIAL_DATABASE_URL`` for the hub: the shared server, as ``{username}`` with ``{password}``."""
    url = make_url(server_url).set(username="USERNAME", password="PASSWORD")
    return url.render_as_string(hide_password=False).replace("USERNAME", "{username}").replace("PASSWORD", "{password}")
