"""A class on one real JupyterHub, sharing one PostgreSQL server, and what each learner costs the machine.

The hub runs hub/jupyterhub_config.py on 127.0.0.1 (with JupyterHub's test
authenticator, see tests/support/hub.py). It logs in ``TUTORIAL_HUB_LEARNERS``
learners (4 by default), each with a PostgreSQL role of their own that may only
create databases and, when the test runs as root, a Unix account of their own
(tests/support/unix_accounts.py), as whom the configuration's spawner runs their
server; otherwise JupyterHub's simple spawner runs every server as this user. It
starts their servers through the hub. Then, through the hub's proxy, as a learner's JupyterLab would:

1. the first learner runs the core series (01-05) alone, to time it;
2. every learner runs the core series and the PostgreSQL notebooks (17, 18) at
   the same time, each in their own server, on the one server; every cell must
   pass for every learner (cells tagged ``raises-exception`` may fail, no other);
3. the server is asked whose databases it holds: each carries its learner's name,
   is owned by that learner's role and is closed to the others;
4. the links the notebooks print open files in the learner's editor;
5. two learners start notebook 03 afresh at the same moment, each with work of
   their own in it: each finds their work in their own backup, untouched;
6. a learner's terminal opens in their workspace and finds the tutorial's alembic;
7. every learner serves notebook 04's app at the same moment (``tutorial.serve()``):
   through the hub each opens their own page, and another learner is refused it.

A second test, on a hub of two learners with Unix accounts of their own, proves
that one learner's process cannot open the other's site by its socket (it skips,
or fails when required, where no accounts can be created).

Meanwhile it samples each learner's memory (their server and every process under
it) and writes the figures to test-artifacts/hub-capacity.md (TEACHING.md reads
them). The hub, its proxy and every server stop at the end, even on failure.
Without configurable-http-proxy (``make test`` installs it) or PostgreSQL it
skips, saying why, unless ``TUTORIAL_REQUIRE_HUB=1`` / ``TUTORIAL_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import stat
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from tornado.httpclient import AsyncHTTPClient

from support import unix_accounts
from support.hub import (
    ROLE_SECRET,
    Hub,
    Roles,
    cpu_seconds_of,
    learner_roles,
    learner_url_template,
    require_proxy,
    skip_or_fail,
)
from support.paths import NOTEBOOKS, REPOSITORY
from support.remote_kernel import CellRun, NotebookFailed, RemoteServer
from support.servers import require
from support.unix_accounts import UnixAccounts
from tutorial import database

pytestmark = pytest.mark.hub

LEARNERS = int(os.environ.get("TUTORIAL_HUB_LEARNERS", "4"))
CORE = [path.stem for path in sorted(NOTEBOOKS.glob("0[1-5]-*.ipynb"))]
ON_SERVER = [path.stem for path in sorted(NOTEBOOKS.glob("1[78]-*.ipynb"))]
TUTORIAL = "alembic-tutorial"  # the folder hub/start-learner copies into each home
WHOLE_TEST = max(900, 90 * LEARNERS)  # seconds: the bound on everything the learners run
SAMPLE_EVERY = 0.5  # seconds between two memory samples
ARTIFACT = REPOSITORY / "test-artifacts" / "hub-capacity.md"


@dataclass
class Learner:
    name: str
    server: RemoteServer
    runs: dict[str, list[CellRun]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_bytes: int = 0
    cpu_seconds: float = 0.0

    def api_path(self, notebook: str) -> str:
        return f"{TUTORIAL}/notebooks/{notebook}.ipynb"

    async def run_series(self, notebooks: list[str]) -> None:
        for notebook in notebooks:
            started = time.monotonic()
            try:
                self.runs[notebook] = await self.server.run_notebook(self.api_path(notebook), read(notebook))
            except NotebookFailed as failure:
                raise NotebookFailed(f"{self.name}, {notebook}: {failure}") from None
            self.seconds[notebook] = time.monotonic() - started

    def printed(self, notebook: str) -> str:
        return "".join(run.text for run in self.runs[notebook])


def read(notebook: str):
    return nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)


def prefix_of(learner: Learner, hub: Hub, monkeypatch) -> str:
    """The start of every database name of the learner's workspace, as the notebooks make it."""
    with monkeypatch.context() as patch:
        patch.setenv("JUPYTERHUB_USER", learner.name)
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(hub.home(learner.name) / TUTORIAL / "workspace"))
        return database.workspace_prefix()


class MemorySampler:
    """Samples, every half second, the memory of each learner's server and every process under it (RSS, summed),
    and how many connections the class holds open on the database server."""

    def __init__(self, hub: Hub):
        self.hub, self.peaks, self.connections = hub, {}, 0

    async def run(self) -> None:
        while True:
            for name, server in self.hub.servers().items():
                try:
                    tree = [server, *server.children(recursive=True)]
                    total = sum(process.memory_info().rss for process in tree if process.is_running())
                except psutil.Error:
                    continue
                self.peaks[name] = max(self.peaks.get(name, 0), total)
            self.hub.note_processes()
            self.connections = max(self.connections, self.hub.roles.connections())
            await asyncio.sleep(SAMPLE_EVERY)


def cpu_seconds(hub: Hub) -> dict[str, float]:
    """CPU time each learner's server has used, with its kernels and their commands (ended ones included)."""
    return {name: cpu_seconds_of(server) for name, server in hub.servers().items()}


@pytest.fixture(scope="module")
def shared_server():
    return require("postgres")


@contextlib.contextmanager
def class_hub(server_url: str, folder: Path, count: int, accounts: bool):
    """A hub with ``count`` learners, each with a PostgreSQL role and, if ``accounts``, a Unix account; all removed after."""
    require_proxy()
    roles = Roles(server_url)
    run = secrets.token_hex(3)
    names = [f"learner{number}-{run}" for number in range(1, count + 1)]
    hub = users = None
    try:
        for name in names:
            roles.create(name)
        if accounts:  # what the learners' servers must run and read
            reach = [Path(sys.executable), Path(os.__file__), Path(sysconfig.get_paths()["purelib"]), REPOSITORY / "hub"]
            users = UnixAccounts(names, f"alembic-hub-{run}", reach)
        hub = Hub(folder, learner_url_template(server_url), users)
        hub.wait_until_up()
        hub.names, hub.roles = names, roles
        yield hub
    finally:
        left = hub.stop() if hub else []
        try:
            if users:
                users.remove()
        finally:
            roles.drop_all()
        assert not left, f"processes of the hub still ran after it stopped (killed): {left}"


@pytest.fixture
def hub(shared_server, tmp_path):
    """The class: ``LEARNERS`` learners, with Unix accounts of their own when this test may create them (as root)."""
    with class_hub(shared_server, tmp_path, LEARNERS, accounts=unix_accounts.can_create() is None) as hub:
        yield hub


@pytest.fixture
def pair(shared_server, tmp_path):
    """Two learners, each a Unix account of their own, on one hub."""
    reason = unix_accounts.can_create()
    if reason:
        skip_or_fail(f"{reason}: without a Unix account per learner every learner's server runs as one user, "
                     "so no permission can keep one learner's socket from another")
    with class_hub(shared_server, tmp_path, 2, accounts=True) as hub:
        yield hub


def test_a_class_runs_the_tutorial_at_once_on_one_hub_and_one_server(hub, monkeypatch):
    assert LEARNERS >= 2, f"TUTORIAL_HUB_LEARNERS={LEARNERS}: the class needs at least two learners"
    asyncio.run(asyncio.wait_for(_class(hub, monkeypatch), timeout=WHOLE_TEST))


async def _class(hub: Hub, monkeypatch) -> None:
    load = os.getloadavg()[0]
    spawn_started = time.monotonic()
    servers = await asyncio.gather(*(hub.start_learner(name) for name in hub.names))
    spawn_seconds = time.monotonic() - spawn_started
    learners = [Learner(name, server) for name, server in zip(hub.names, servers)]
    sampler = MemorySampler(hub)
    sampling = asyncio.create_task(sampler.run())
    try:
        await asyncio.sleep(2 * SAMPLE_EVERY)
        idle = dict(sampler.peaks)

        # 1. The core series, one learner alone.
        alone = Learner(learners[0].name, learners[0].server)
        cpu_before, started = cpu_seconds(hub), time.monotonic()
        await alone.run_series(CORE)
        alone_seconds = time.monotonic() - started
        alone.cpu_seconds = cpu_seconds(hub)[alone.name] - cpu_before[alone.name]

        # 2. Everyone at once: the core series, then the PostgreSQL notebooks.
        cpu_before = cpu_seconds(hub)
        started = time.monotonic()
        await asyncio.gather(*(learner.run_series(CORE + ON_SERVER) for learner in learners))
        together_seconds = time.monotonic() - started
        cpu_after = cpu_seconds(hub)
        for learner in learners:
            learner.cpu_seconds = cpu_after[learner.name] - cpu_before[learner.name]
    finally:
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling  # a sampler that failed fails the test
    for learner in learners:
        learner.peak_bytes = sampler.peaks.get(learner.name, 0)

    # 3. Each learner's databases are theirs, on the server itself.
    databases = hub.roles.databases()
    prefixes = {learner.name: prefix_of(learner, hub, monkeypatch) for learner in learners}
    for learner in learners:
        prefix = prefixes[learner.name]
        for notebook in CORE + ON_SERVER:
            printed = learner.printed(notebook)
            assert f"Database: postgresql+psycopg://{learner.name}:***@" in printed, f"{learner.name}'s {notebook} did not use their role"
            first_cell = learner.runs[notebook][0].text
            assert learner_roles.password_for(learner.name, ROLE_SECRET) not in first_cell, f"{learner.name}'s {notebook} shows their password"
            assert f"/{prefix}" in printed, f"{learner.name}'s {notebook} is not on a database of their own"
        own = {name: owner_acl for name, owner_acl in databases.items() if name.startswith(prefix)}
        assert len(own) >= len(CORE), f"{learner.name} has too few databases on the server: {sorted(own)}"
        for name, (owner, acl) in own.items():
            assert owner == learner.name, f"{name} belongs to {owner}, not to {learner.name}"
            assert not re.search(r'(^|[{,])=[^/]*c', acl), f"{name} is open to every role: {acl}"
    mine = {name for name, (owner, _) in databases.items() if owner in hub.names}
    named = {name for name in mine if any(name.startswith(prefix) for prefix in prefixes.values())}
    assert mine == named, f"databases of the class not named for their learner: {sorted(mine - named)}"
    sizes = hub.roles.database_sizes(sorted(mine))

    # 4. The links the notebooks print open in the learner's editor (JupyterLab's root is their home).
    await _links_open(learners[0])

    # 5. Two learners start notebook 03 afresh at the same moment; each keeps their own work.
    await _reset_at_once(learners[:2])

    # 6. A learner's terminal opens in their workspace and finds the tutorial's alembic.
    await _terminal_finds_the_tutorials_alembic(hub, learners[0])

    # 7. Every learner serves notebook 04's app at the same moment; each page is its learner's alone.
    await _everyone_serves_at_once(hub, learners)

    _write_capacity(learners, alone, alone_seconds, together_seconds, spawn_seconds, idle, sampler, sizes, load)


BUILD = """\
import tutorial
tutorial.start("04-upgrade-the-database", stage="last_login-revision")
tutorial.run("alembic upgrade head", echo=False)
"""  # notebook 04's project, its app's database URL in the kernel (for waitress), upgraded: the page works
SERVE = """\
import tutorial
site = tutorial.serve()
page = site.get("/")
print("served:", site.proxy_path, site.socket, page.status_code)
print(page.text[-800:] if page.status_code != 200 else "")
"""
KNOCK = """\
import os
import socket
for what, knock in (("connect", lambda: socket.socket(socket.AF_UNIX).connect({socket!r})),
                    ("list", lambda: os.listdir(os.path.dirname({socket!r})))):
    try:
        knock()
        print(what, "opened")
    except OSError as error:
        print(what, type(error).__name__)
"""
SITE_PAGE = "<h1>Bill tracker</h1>"


async def _run(execute, code: str) -> str:
    """Run ``code`` in a kernel; what it printed. A failure fails the test."""
    outputs, error = await execute(code)
    assert error is None, f"{code}\nraised {error['ename']}: {error['evalue']}"
    return "".join(output.get("text", "") for output in outputs)


async def _serve(execute) -> tuple[str, Path]:
    """Notebook 04's project built and served (``tutorial.serve()``) in a kernel: the site's path through the hub,
    and its socket. A page that does not work fails the test, and is shown."""
    await _run(execute, BUILD)
    printed = await _run(execute, SERVE)
    served = re.search(r"served: (\S+) (\S+) (\d+)", printed)
    assert served and served.group(3) == "200", f"tutorial.serve() printed:\n{printed}"
    return served.group(1), Path(served.group(2))


async def _page(hub: Hub, path: str, token: str) -> tuple[int, str]:
    """The hub's answer to ``path`` for the holder of ``token`` (a redirect is not followed)."""
    response = await AsyncHTTPClient().fetch(
        hub.url + path, headers={"Authorization": f"token {token}"}, follow_redirects=False, raise_error=False, request_timeout=60,
    )
    return response.code, response.body.decode("utf-8", errors="replace")


async def _everyone_serves_at_once(hub: Hub, learners: list[Learner]) -> None:
    """Each learner's kernel builds and serves their notebook 04 project, all at once; through the hub, each learner
    opens their own page, and the next learner (with their own token) is refused it; with Unix accounts, the next
    learner's kernel is refused its socket too."""
    notebook = "04-upgrade-the-database"
    async with contextlib.AsyncExitStack() as kernels:
        executes = await asyncio.gather(*(
            kernels.enter_async_context(learner.server.kernel(learner.api_path(notebook))) for learner in learners
        ))
        served = await asyncio.gather(*(_serve(execute) for execute in executes))
        assert len({socket for _, socket in served}) == len(learners), f"two learners share a socket: {served}"
        for index, (learner, (path, socket)) in enumerate(zip(learners, served)):
            assert path.startswith(f"/user/{learner.name}/site-"), f"{learner.name}'s site is at {path}"
            code, page = await _page(hub, path, learner.server.token)
            assert code == 200 and SITE_PAGE in page, f"{learner.name} cannot open their own site {path}: {code}"
            other = learners[(index + 1) % len(learners)]
            code, page = await _page(hub, path, other.server.token)
            assert code in (302, 403) and SITE_PAGE not in page, f"{other.name} opened {learner.name}'s site {path}: {code}"
            if hub.accounts:
                knocked = await _run(executes[(index + 1) % len(learners)], KNOCK.format(socket=str(socket)))
                assert knocked.startswith("connect PermissionError"), f"{other.name}'s kernel, at {socket}:\n{knocked}"


def test_no_learner_opens_another_learners_site(pair):
    """On one machine, learner B's own process cannot open learner A's site by its socket, nor B through the hub."""
    asyncio.run(asyncio.wait_for(_one_site_each(pair), timeout=300))


async def _one_site_each(hub: Hub) -> None:
    owner, other = await asyncio.gather(*(hub.start_learner(name) for name in hub.names))
    notebook = f"{TUTORIAL}/notebooks/04-upgrade-the-database.ipynb"
    async with owner.kernel(notebook) as as_owner, other.kernel(notebook) as as_other:
        path, socket = await _serve(as_owner)
        folder = socket.parent.stat()
        # rwx for the owner, nothing for the others (Jupyter adds the sticky bit to a runtime folder: no access)
        assert folder.st_uid == hub.accounts.uid(hub.names[0]) and folder.st_mode & 0o777 == 0o700, \
            f"{socket.parent} is not the owner's alone: uid {folder.st_uid}, mode {oct(folder.st_mode)}"
        assert stat.S_IMODE(socket.stat().st_mode) == 0o600

        knocked = await _run(as_other, KNOCK.format(socket=str(socket)))
        assert knocked.split("\n")[:2] == ["connect PermissionError", "list PermissionError"], \
            f"the other learner's process, at {socket}:\n{knocked}"
        assert "connect opened" in await _run(as_owner, KNOCK.format(socket=str(socket))), "the owner cannot open their site"

        code, page = await _page(hub, path, owner.token)
        assert code == 200 and SITE_PAGE in page, f"the owner cannot open {path} through the hub: {code}"
        code, page = await _page(hub, path, other.token)
        assert code in (302, 403) and SITE_PAGE not in page, f"the other learner opened {path} through the hub: {code}"


async def _terminal_finds_the_tutorials_alembic(hub: Hub, learner: Learner) -> None:
    """A JupyterLab terminal of the learner's, opened through the hub: its folder and its ``alembic``."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    terminal = await learner.server.request("POST", "api/terminals")
    url = learner.server.base_url.replace("http", "ws", 1) + f"terminals/websocket/{terminal['name']}"
    socket = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {learner.server.token}"}))
    screen = ""
    try:
        socket.write_message(json.dumps(["stdin", "echo in: $(pwd); echo uses: $(command -v alembic)\r"]))
        deadline = time.monotonic() + 30
        while not re.search(r"\nuses: \S+", screen) and time.monotonic() < deadline:  # below the echoed command
            message = await asyncio.wait_for(socket.read_message(), timeout=30)
            kind, *data = json.loads(message)
            if kind == "stdout":
                screen += data[0]
    finally:
        socket.close()
        await learner.server.request("DELETE", f"api/terminals/{terminal['name']}")
    assert f"in: {hub.home(learner.name)}/{TUTORIAL}/workspace" in screen, f"the terminal opens elsewhere:\n{screen}"
    assert f"uses: {Path(sys.executable).parent}/alembic" in screen, f"the terminal finds another alembic:\n{screen}"


async def _links_open(learner: Learner) -> None:
    """Every link to a file a core notebook showed resolves, from the notebook's folder, to a file of the learner's."""
    links = {
        (notebook, target)
        for notebook in CORE for run in learner.runs[notebook] for output in run.outputs
        for target in re.findall(r'href="([^"]+)"[^>]*>[^<]*</a> \(opens in the editor\)', output.get("data", {}).get("text/html", ""))
    }
    assert links, "no core notebook showed a file with a link to the editor"
    for notebook, target in sorted(links):
        path = os.path.normpath(f"{TUTORIAL}/notebooks/{target}")
        model = await learner.server.request("GET", f"api/contents/{path}?content=0")
        assert model["type"] == "file", f"the link {target} in notebook {notebook} does not open a file: {model}"


async def _reset_at_once(pair: list[Learner]) -> None:
    notebook, folder = "03-change-a-model", f"{TUTORIAL}/workspace/03-change-a-model"
    for learner in pair:
        await learner.server.request("PUT", f"api/contents/{folder}/my-notes.txt",
                                     {"type": "file", "format": "text", "content": f"{learner.name}'s notes"})
    first_cells = await asyncio.gather(*(
        learner.server.run_notebook(learner.api_path(notebook), read(notebook), cells=1) for learner in pair
    ))
    for learner, runs in zip(pair, first_cells):
        printed = "".join(run.text for run in runs)
        moved = re.search(r"were moved to (workspace/\S+)\.", printed)
        assert moved, f"{learner.name}'s first cell did not say where their files went:\n{printed}"
        notes = await learner.server.request("GET", f"api/contents/{TUTORIAL}/{moved.group(1)}/my-notes.txt")
        assert notes["content"] == f"{learner.name}'s notes", f"{learner.name}'s backup holds {notes['content']!r}"


def _write_capacity(learners, alone, alone_seconds, together_seconds, spawn_seconds, idle, sampler, sizes, load) -> None:
    mib = 1024 * 1024
    cores = os.cpu_count() or 1
    memory = psutil.virtual_memory().total
    peak = max(learner.peak_bytes for learner in learners)
    core_together = [sum(learner.seconds[name] for name in CORE) for learner in learners]
    alembic_cells = [
        (run.seconds, learner.name, notebook, run.index + 1)
        for learner in learners for notebook, runs in learner.runs.items() for run in runs if "alembic " in run.source
    ]
    alone_cells = [(run.seconds, notebook, run.index + 1) for notebook, runs in alone.runs.items() for run in runs if "alembic " in run.source]
    slowest, slowest_alone = max(alembic_cells), max(alone_cells)
    cpu = max(learner.cpu_seconds for learner in learners)
    at_once = len(learners) * alone_seconds / max(core_together)  # learners served at full speed, from the slowdown
    per_learner_db = sum(sizes.values()) / len(learners)
    rows = [
        ("learners at once", f"{len(learners)}"),
        ("machine", f"{cores} cores, {memory / 2**30:.1f} GiB, {platform.system()} {platform.machine()}"),
        ("its load (1-minute average) as the test began: other work sharing the cores", f"{load:.1f}"),
        ("servers started through the hub (all at once)", f"{spawn_seconds:.1f} s"),
        ("memory of one learner's server, idle", f"{max(idle.values(), default=0) / mib:.0f} MiB"),
        ("peak memory of one learner (server + kernel + commands, RSS)", f"{peak / mib:.0f} MiB"),
        ("peak connections the class held open on PostgreSQL at once", f"{sampler.connections}"),
        ("core series (01-05), one learner alone", f"{alone_seconds:.1f} s"),
        (f"core series (01-05), {len(learners)} learners at once (slowest)", f"{max(core_together):.1f} s"),
        (f"whole run (01-05, 17, 18), {len(learners)} learners at once", f"{together_seconds:.1f} s"),
        ("CPU time of the core series (01-05), one learner alone", f"{alone.cpu_seconds:.1f} s"),
        ("CPU time of one learner's whole run (01-05, 17, 18), at once", f"{cpu:.1f} s"),
        ("slowest Alembic cell, alone", f"{slowest_alone[0]:.2f} s (notebook {slowest_alone[1][:2]}, code cell {slowest_alone[2]})"),
        ("slowest Alembic cell, all at once", f"{slowest[0]:.2f} s (notebook {slowest[2][:2]}, code cell {slowest[3]})"),
        ("slowest first cell (drops and creates the notebook's database), alone",
         f"{max(runs[0].seconds for runs in alone.runs.values()):.2f} s"),
        ("slowest first cell, all at once", f"{max(runs[0].seconds for learner in learners for runs in learner.runs.values()):.2f} s"),
        ("PostgreSQL disk per learner (their databases after 01-05, 17, 18)",
         f"{per_learner_db / mib:.0f} MiB in {len(sizes) / len(learners):.0f} databases"),
        ("learners running at once at full speed, per core (alone's time against the slowest at once)", f"{at_once / cores:.2f}"),
        ("learners per GiB of memory (at their peak)", f"{2**30 / peak:.1f}"),
    ]
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(
        f"# Capacity of one hub, measured {datetime.date.today()} by tests/test_hub.py\n\n"
        "| measure | value |\n|---|---|\n" + "".join(f"| {name} | {value} |\n" for name, value in rows)
        + "\nMemory: the resident memory (RSS) of each learner's single-user server and of every process under it "
        "(its kernel, Alembic's commands), summed, sampled every half second; shared pages are counted in each "
        "process, so the figure errs high. Times are wall-clock through the hub's proxy, as a learner's JupyterLab "
        "would run each cell.\n",
        encoding="utf-8",
    )
