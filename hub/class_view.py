"""The teacher's view of a live class: every learner's *My progress*, one row each, at ``/services/class-view/``.

A JupyterHub managed service (hub/jupyterhub_config.py starts and stops it with the hub). While a teacher
has the page or the CSV open (:data:`WATCHED`), every :data:`REFRESH` seconds it asks the hub's REST API for the learners and their servers, then asks each
running server, :data:`AT_ONCE` at a time, for the learner's progress (``/user/<name>/tutorial/progress``,
lab/progress_endpoint.py, which computes it as that learner in their own server). No learner's code runs
here. A learner whose server is stopped keeps their last known row, kept in ``class-view-state.json`` in the
service's working folder (readable by the hub's account only; with what the last refresh cost), so that it survives a restart of the hub.

Pages, for members of the hub's ``teachers`` group only (the hub's OAuth; anyone else gets the hub's 403):
``/services/class-view/`` (the table, refreshing itself) and ``class.csv`` (the same table).

Environment: the hub's own (``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_SERVICE_URL``,
``JUPYTERHUB_SERVICE_PREFIX``), and from hub/jupyterhub_config.py ``CLASS_VIEW_SERVERS_URL`` (the hub's public
address, through which the learners' servers are reached), ``CLASS_VIEW_TEACHERS`` (the group whose members are
not learners) and ``CLASS_VIEW_REFRESH`` (seconds).
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import json
import os
import time
from pathlib import Path
from urllib.parse import quote, urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

REFRESH = float(os.environ.get("CLASS_VIEW_REFRESH", "10"))  # seconds between two refreshes
AT_ONCE = 8  # learners' servers asked at the same time
TIMEOUT = 30  # seconds a learner's server may take to answer
# The view asks the learners' servers only while a teacher looks: for this long after the page or the CSV was
# last opened (the page reloads itself every REFRESH seconds). The hub's proxy counts each question as the
# learner's activity, so a view nobody looks at must not keep their idle servers from being stopped.
WATCHED = 3 * REFRESH + 30
STATE_FILE = Path("class-view-state.json")
MARKS = {"done": "✓", "started, not right yet": "✗", "not started": "·"}  # My progress's marks


def now() -> float:
    return time.time()


def shown_time(seconds: float | None) -> str:
    if not seconds:
        return ""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class Class:
    """Every learner's last known progress, and the refresh that updates it."""

    def __init__(self):
        self.api_url = os.environ["JUPYTERHUB_API_URL"]
        self.servers_url = os.environ.get("CLASS_VIEW_SERVERS_URL", "http://127.0.0.1:8000")
        self.teachers = os.environ.get("CLASS_VIEW_TEACHERS", "teachers")
        self.token = os.environ["JUPYTERHUB_API_TOKEN"]
        self.http = AsyncHTTPClient()
        self.learners: dict[str, dict] = json.loads(STATE_FILE.read_text())["learners"] if STATE_FILE.exists() else {}
        self.last_refresh = {"count": 0, "learners": 0, "asked": 0, "seconds": 0.0, "cpu_seconds": 0.0, "at": 0.0}
        self.looked_at = -WATCHED  # when a teacher last opened the page or the CSV (time.monotonic())
        self.looked = asyncio.Event()

    def watched(self) -> bool:
        return time.monotonic() - self.looked_at <= WATCHED

    def look(self) -> None:
        """A teacher opened the page or the CSV: keep refreshing, and refresh at once if nobody had looked for a while."""
        if not self.watched():
            self.looked.set()
        self.looked_at = time.monotonic()

    async def get(self, url: str) -> dict | list:
        response = await self.http.fetch(url, headers={"Authorization": f"token {self.token}"}, request_timeout=TIMEOUT)
        return json.loads(response.body)

    async def refresh(self) -> None:
        """Ask the hub who the learners are, then each running server for its learner's progress."""
        started, cpu = time.monotonic(), time.process_time()
        users = await self.get(url_path_join(self.api_url, "users") + "?limit=1000")
        learners = [user for user in users if self.teachers not in user.get("groups", []) and not user.get("admin")]
        limit = asyncio.Semaphore(AT_ONCE)
        running = [user for user in learners if user.get("servers", {}).get("", {}).get("ready")]

        async def ask(user):
            async with limit:
                await self.ask(user)

        await asyncio.gather(*(ask(user) for user in running))
        names = {user["name"] for user in learners}  # a user deleted from the hub, or made a teacher, leaves the table
        self.learners = {name: entry for name, entry in self.learners.items() if name in names}
        for user in learners:
            if user not in running:
                entry = self.learners.setdefault(user["name"], {"rows": [], "changed": None})
                entry["server"] = "stopped"
            self.learners[user["name"]]["last_activity"] = user.get("last_activity")
        self.last_refresh = {
            "count": self.last_refresh["count"] + 1, "learners": len(learners), "asked": len(running),
            "seconds": time.monotonic() - started, "cpu_seconds": time.process_time() - cpu, "at": now(),
        }
        written = STATE_FILE.with_suffix(".new")
        written.touch(mode=0o600)  # every learner's progress: for the hub's account alone
        written.chmod(0o600)
        written.write_text(json.dumps({"learners": self.learners, "last_refresh": self.last_refresh}, ensure_ascii=False))
        written.replace(STATE_FILE)  # whole, for whoever reads it

    async def ask(self, user: dict) -> None:
        """One learner's progress, from their own server; what was known before stays if it does not answer."""
        entry = self.learners.setdefault(user["name"], {"rows": [], "changed": None})
        path = user["servers"][""]["url"]  # /user/<name>/, through the hub's proxy
        started = time.monotonic()
        try:
            answer = await self.get(url_path_join(self.servers_url, path, "tutorial/progress"))
        except (HTTPClientError, OSError, ValueError) as error:
            entry.update(server="no answer", error=str(error))
            return
        if answer["rows"] != entry["rows"]:  # seen for the first time: when their workspace last changed, if they began
            begun = any(row["state"] != "not started" for row in answer["rows"])
            entry["changed"] = now() if entry["rows"] else answer["workspace_changed"] if begun else None
        entry.update(server="running", error="", rows=answer["rows"], last_notebook=answer["last_notebook"], seen=now())
        # What the answer cost: on the learner's server (computed afresh or not), and asked from here.
        entry["cost"] = {"cached": answer["cached"], "server_seconds": answer["seconds"], "asked_seconds": time.monotonic() - started}

    async def run(self) -> None:
        """Refresh every :data:`REFRESH` seconds while a teacher looks; otherwise wait until one does."""
        while True:
            if self.watched():
                try:
                    await self.refresh()
                except Exception as error:  # the hub restarting, say: try again at the next refresh
                    print(f"class view: refresh failed: {error!r}", flush=True)
            self.looked.clear()
            try:
                await asyncio.wait_for(self.looked.wait(), REFRESH if self.watched() else None)
            except asyncio.TimeoutError:
                pass

    def exercises(self) -> list[tuple[str, str]]:
        """Every exercise any learner reported, in the series' order: its notebook and its title."""
        found = {row["notebook"]: row["title"] for entry in self.learners.values() for row in entry["rows"]}
        return sorted(found.items())

    def table(self) -> list[dict]:
        """One row per learner, by name: their server, last notebook, when their progress changed, and each exercise's cell."""
        rows = []
        for name, entry in sorted(self.learners.items()):
            cells = {row["notebook"]: row for row in entry["rows"]}
            rows.append({
                "name": name, "server": entry.get("server", ""), "last_notebook": entry.get("last_notebook", ""),
                "changed": shown_time(entry.get("changed")), "seen": shown_time(entry.get("seen")),
                "done": sum(row["state"] == "done" for row in entry["rows"]), "cells": cells,
            })
        return rows


class TeacherPage(HubOAuthenticated, web.RequestHandler):
    """A page for those the hub lets use this service (``access:services!service=class-view``)."""

    @property
    def the_class(self) -> Class:
        return self.settings["the_class"]


class TablePage(TeacherPage):
    @web.authenticated
    def get(self):
        self.the_class.look()
        self.render(
            "class_view.html", rows=self.the_class.table(), exercises=self.the_class.exercises(), marks=MARKS,
            refresh=max(int(REFRESH), 1), last=self.the_class.last_refresh, shown_time=shown_time,
        )


class CsvPage(TeacherPage):
    @web.authenticated
    def get(self):
        self.the_class.look()
        exercises = [notebook for notebook, _ in self.the_class.exercises()]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["learner", "server", "last notebook", "progress changed", "done", *exercises])
        for row in self.the_class.table():
            states = [row["cells"][notebook]["state"] if notebook in row["cells"] else "" for notebook in exercises]
            writer.writerow([row["name"], row["server"], row["last_notebook"], row["changed"], row["done"], *states])
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="class.csv"')
        self.finish(out.getvalue())


async def main() -> None:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    the_class = Class()
    app = web.Application(
        [
            (prefix, TablePage),
            (url_path_join(prefix, "class.csv"), CsvPage),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        ],
        cookie_secret=os.urandom(32),
        template_path=str(Path(__file__).resolve().parent),
        the_class=the_class,
    )
    address = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app.listen(address.port, address.hostname)
    print(f"class view: {quote(prefix)} on {address.hostname}:{address.port}, refresh every {REFRESH:g} s", flush=True)
    await the_class.run()


if __name__ == "__main__":
    asyncio.run(main())
