"""Other sessions on a live PostgreSQL database, to watch what a migration does to them.

A migration is dangerous on a live site because of the sessions around it: a
report that keeps a transaction open, the site's own queries. In a notebook::

    with live.sessions(project) as site:
        report = site.client("report")          # a connection of its own, in a thread
        report.run("BEGIN")
        report.run("SELECT count(*) FROM bills")
        upgrade = site.alembic("alembic upgrade head")   # a process of its own, as a deployment
        ...

Each client is one connection, named in ``pg_stat_activity.application_name``;
its statements run in its own thread, so that one can wait on a lock while the
notebook looks on. Everything is bounded: every statement by a
``statement_timeout``, every wait of the notebook by a timeout, every Alembic
process by a time limit. Whatever happens in the ``with`` block (an error, an
interrupted cell), every connection is closed and every process stopped on the
way out, so that nothing stays locked.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import make_url

from . import sandbox, servers

STATEMENT_TIMEOUT = "10s"  # no statement of a client runs longer
IDLE_TIMEOUT = "30s"  # the server ends a transaction left open longer (a kernel killed mid-cell)
WAIT = 10.0  # seconds the notebook waits for a statement, a process or a lock at most
PROCESS_LIMIT = 30.0  # seconds an Alembic process may run


class NoServer(RuntimeError):
    """This notebook needs a PostgreSQL server, and none answers."""

    def _render_traceback_(self) -> list[str]:
        return [f"NoServer: {self}"]


def use_postgres() -> str:
    """Make this notebook's project live on the PostgreSQL server; return the server's URL (password hidden).

    Sets ``DATABASE_URL`` in this kernel, so that :func:`tutorial.start` creates the
    project's database on the server (``TUTORIAL_POSTGRES_URL``, else this machine's port 5432).

    :raises NoServer: no PostgreSQL server answers; the message says what to do.
    """
    reason = servers.unreachable("postgres")
    if reason is not None:
        raise NoServer(
            "This notebook needs a PostgreSQL server: its lessons are what other sessions on a live\n"
            f"database see.\n  {reason}.\n"
            "Without one, read the notebook: its saved outputs were recorded on a server."
        )
    url = servers.server_url("postgres")
    os.environ["DATABASE_URL"] = url.render_as_string(hide_password=False)
    return url.render_as_string(hide_password=True)


@dataclass
class Outcome:
    """What a statement (or an Alembic process) gave: its rows (or output), how long it took, its error."""

    rows: list
    seconds: float
    error: str | None = None  # PostgreSQL's own message (or the command's), when it failed
    notices: list[str] = field(default_factory=list)  # what the server said besides (NOTICE, DEBUG)
    status: int | None = None  # a process's exit status (None for a statement)

    @property
    def value(self):
        """The first column of the first row."""
        return self.rows[0][0]


class Client:
    """One connection to the project's database, whose statements run in a thread of its own."""

    def __init__(self, name: str, conninfo: str):
        self.name = name
        self._jobs: queue.Queue = queue.Queue()
        ready: Future = Future()
        self._thread = threading.Thread(target=self._serve, args=(conninfo, ready), name=name, daemon=True)
        self._thread.start()
        self.pid: int = ready.result(timeout=WAIT)

    def execute(self, sql: str) -> Future:
        """Send ``sql`` to run in this client's thread; return a future :class:`Outcome` at once."""
        future: Future = Future()
        self._jobs.put((sql, future))
        return future

    def run(self, sql: str) -> Outcome:
        """Run ``sql`` and wait for its :class:`Outcome` (at most :data:`WAIT` seconds)."""
        return self.execute(sql).result(timeout=WAIT)

    def _serve(self, conninfo: str, ready: Future) -> None:
        import psycopg

        options = f"-c statement_timeout={STATEMENT_TIMEOUT} -c idle_in_transaction_session_timeout={IDLE_TIMEOUT}"
        try:
            connection = psycopg.connect(conninfo, autocommit=True, application_name=self.name, options=options,
                                         connect_timeout=servers.CONNECT_TIMEOUT)
        except Exception as error:
            ready.set_exception(error)
            return
        notices: list[str] = []
        connection.add_notice_handler(lambda notice: notices.append(notice.message_primary))
        ready.set_result(connection.info.backend_pid)
        with connection:
            while (job := self._jobs.get()) is not None:
                sql, future = job
                notices.clear()
                started = time.perf_counter()
                try:
                    cursor = connection.execute(sql)
                    rows = cursor.fetchall() if cursor.description else []
                    future.set_result(Outcome(rows, time.perf_counter() - started, None, list(notices)))
                except psycopg.Error as error:
                    message = error.diag.message_primary or str(error)
                    future.set_result(Outcome([], time.perf_counter() - started, message, list(notices)))
                except Exception as error:  # the connection is gone: say so, and stop
                    future.set_result(Outcome([], time.perf_counter() - started, str(error)))
                    break

    def close(self, terminate) -> None:
        """Close the connection; a statement still waiting is ended by ``terminate(pid)`` first."""
        self._jobs.put(None)
        self._thread.join(timeout=0.5)
        if self._thread.is_alive():
            terminate(self.pid)
            self._thread.join(timeout=WAIT)


class AlembicProcess:
    """An Alembic command, or a Python script that runs Alembic (a release step), in a process of its own.

    Its sessions are named ``alembic`` on the server, as a deployment's would be.
    """

    def __init__(self, command: str, folder: Path):
        self.command = command
        self.folder = folder
        environment = {**os.environ, "PGAPPNAME": "alembic"}
        argv = command.split()
        if argv[0] == "alembic":
            argv = [sys.executable, "-m", *argv]
        elif argv[0] == "python" and len(argv) > 1:  # `python release.py`: the kernel's own Python
            argv = [sys.executable, *argv[1:]]
        else:
            raise ValueError(f"not an Alembic command nor a Python script: {command}")
        self._outcome: Outcome | None = None
        self.started = time.perf_counter()
        self._process = subprocess.Popen(
            argv, cwd=folder, env=environment,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def wait(self, timeout: float = PROCESS_LIMIT) -> Outcome:
        """Wait for the command to end; return its output (as lines) and, if it failed, the exception's line."""
        if self._outcome is not None:
            return self._outcome
        try:
            output, _ = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        seconds = time.perf_counter() - self.started
        lines = sandbox.relative_paths(output, self.folder).splitlines()
        error = None
        if self._process.returncode != 0:  # the exception's own line, not the traceback above it
            raised = [line for line in lines if re.match(r"(?:[a-z_]+\.)+[A-Z]\w*: |FAILED: ", line)]
            error = raised[-1] if raised else f"exit status {self._process.returncode}"
        self._outcome = Outcome(lines, seconds, error, status=self._process.returncode)
        return self._outcome

    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=3)


class Sessions:
    """The sessions opened inside one ``with live.sessions(...)`` block."""

    def __init__(self, project):
        self.project = project
        url = make_url(project.database_url)
        if url.get_backend_name() != "postgresql":
            raise NoServer(f"This project's database is not on PostgreSQL ({url.get_backend_name()}): "
                           "run the notebook's first cell again.")
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.clients: list[Client] = []
        self.processes: list[AlembicProcess] = []
        self._own = None  # the notebook's own connection, for sql(): one for the block, named "notebook"
        self._own_lock = threading.Lock()

    def client(self, name: str) -> Client:
        """A new connection, shown as ``name`` in ``pg_stat_activity``."""
        client = Client(name, self.conninfo)
        self.clients.append(client)
        return client

    def alembic(self, command: str) -> AlembicProcess:
        """Start ``command`` (``alembic upgrade head``, or ``python release.py``) in the project folder, in a
        process of its own."""
        process = AlembicProcess(command, Path(self.project.folder))
        self.processes.append(process)
        return process

    def sql(self, sql: str) -> list:
        """Run ``sql`` on the notebook's own connection (not one of the clients); return its rows.

        The connection stays open for the block: a connection closed after each query would linger, for a
        moment after it closed, in ``pg_stat_activity``, as an idle session in the queue it reads.
        """
        import psycopg

        with self._own_lock:
            if self._own is None or self._own.closed:
                self._own = psycopg.connect(self.conninfo, autocommit=True, application_name="notebook",
                                            connect_timeout=servers.CONNECT_TIMEOUT)
            cursor = self._own.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def wait_for_lock(self, name: str, timeout: float = PROCESS_LIMIT) -> None:
        """Wait until the session named ``name`` waits for a lock (an Alembic process is named ``alembic``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = self.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                f"AND application_name = '{name}' AND wait_event_type = 'Lock'"
            )[0][0]
            if waiting:
                return
            for process in self.processes:
                if not process.running():
                    rows = process.wait().rows
                    if name == "alembic" and any("due to lock timeout" in row for row in rows):
                        return  # it waited, and its lock_timeout ended the wait before a look saw it
                    raise RuntimeError(f"`{process.command}` ended before waiting for a lock:\n" + "\n".join(rows))
            time.sleep(0.02)
        raise TimeoutError(f"{name} did not wait for a lock within {timeout:.0f} s")

    def close(self) -> None:
        """Stop every Alembic process and close every connection; a statement still waiting is ended.

        A stopped process's server session may still wait for a lock (the server notices a vanished
        client only when it next talks to it), so those sessions are ended too.
        """
        for process in self.processes:
            process.stop()
        if self.processes:
            with contextlib.suppress(Exception):
                for (pid,) in self.sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND application_name = 'alembic'"):
                    self._terminate(pid)
        for client in self.clients:
            client.close(terminate=self._terminate)
        with self._own_lock:
            if self._own is not None:
                self._own.close()

    def _terminate(self, pid: int) -> None:
        """End the server session ``pid``, and wait (briefly) until it is gone."""
        with contextlib.suppress(Exception):
            self.sql(f"SELECT pg_terminate_backend({int(pid)}, {int(WAIT * 1000)})")


@contextlib.contextmanager
def sessions(project) -> Iterator[Sessions]:
    """Other sessions on ``project``'s PostgreSQL database for the ``with`` block, all ended on the way out."""
    site = Sessions(project)
    try:
        yield site
    finally:
        site.close()
