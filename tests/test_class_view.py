"""The teacher's class view on a real JupyterHub: every learner's progress, live, for teachers only, and what it costs.

The hub runs hub/jupyterhub_config.py on 127.0.0.1 (JupyterHub's test authenticator and simple spawner,
tests/support/hub.py), which starts the class view (hub/class_view.py) as a service of the hub. Four learners,
each with a PostgreSQL role of their own, work through the hub's proxy as JupyterLab would:

- *finished* solves notebook 03's exercise; *wrong* does only the first step of 04's; *fresh* does nothing;
  *stopped* does the first step of 03's, then their server is stopped through the hub's API;
- a teacher (the hub's group ``teachers``) logs in through the hub's login form in headless Chromium and
  opens ``/services/class-view/``: each learner's row says exactly that, the failing check included; the page
  is photographed (test-artifacts/class-view.png), and its CSV says the same;
- a learner logged in through the hub gets the hub's 403 from the view, and 403 from another learner's
  progress endpoint (so does their token);
- *wrong* then solves 04: the page shows it within two refresh periods (the service's, then the page's own),
  without the test reloading it.

Meanwhile it measures what one refresh costs each learner's server (CPU and wall time, with nothing changed
and with the workspace changed) and the hub (the hub, its proxy and the service), and writes the figures to
test-artifacts/class-view-cost.md. The hub and everything it started stop at the end, even on failure.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import json
import os
import platform
import secrets
import stat
import time

import nbformat
import psutil
import pytest

from support.browser import CHROMIUM_MISSING, skip_or_fail
from support.hub import Hub, Roles, cpu_seconds_of, learner_url_template, require_proxy
from support.lessons import lesson_cells, solution_files
from support.paths import REPOSITORY
from support.servers import require
from tutorial.devtools.chromium import FLAGS as CHROMIUM_FLAGS
from tutorial.devtools.chromium import find_chromium
from tutorial.exercises import EXERCISES

pytestmark = pytest.mark.hub

TUTORIAL = "alembic-tutorial"  # the folder hub/start-learner copies into each home
REFRESH = 3  # seconds between two refreshes of the view (the hub's default is 10)
WHOLE_TEST = 600  # seconds: the bound on the whole class
ARTIFACTS = REPOSITORY / "test-artifacts"
# Refreshes measured, for each cost (CPU counters tick every 10 ms): 3 in the suite, more for a closer figure.
WINDOW = int(os.environ.get("TUTORIAL_CLASS_VIEW_WINDOW", "3"))
VIEW = "/services/class-view/"
SETTLED = 3 * REFRESH + 30  # seconds for a state to reach the page: a refresh, the page's own reload, and a slow My progress


@pytest.fixture(scope="module")
def shared_server():
    return require("postgres")


@pytest.fixture
def chromium():
    path = find_chromium()
    if path is None:
        skip_or_fail(CHROMIUM_MISSING)
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    return path


@pytest.fixture
def hub(shared_server, chromium, tmp_path):
    require_proxy()
    roles = Roles(shared_server)
    run = secrets.token_hex(3)
    names = {role: f"{role}-{run}" for role in ("finished", "wrong", "fresh", "stopped")}
    teacher = f"teacher-{run}"
    hub = None
    try:
        for name in names.values():
            roles.create(name)
        hub = Hub(tmp_path, learner_url_template(shared_server),
                  more_environment={"TUTORIAL_TEACHERS": teacher, "TUTORIAL_CLASS_VIEW_REFRESH": str(REFRESH)})
        hub.wait_until_up()
        hub.names, hub.teacher = names, teacher
        yield hub
    finally:
        left = hub.stop() if hub else []
        roles.drop_all()
        assert not left, f"processes of the hub still ran after it stopped (killed): {left}"


def test_the_teacher_sees_the_class_live_and_only_the_teacher(hub, chromium):
    asyncio.run(asyncio.wait_for(_class(hub, chromium), timeout=WHOLE_TEST))


def cells(notebook: str, solutions: list[str], lesson: bool = True) -> nbformat.NotebookNode:
    """A notebook of the lesson's code cells (if ``lesson``), then the given solution files, each a cell."""
    code = lesson_cells(notebook) if lesson else [nbformat.v4.new_code_cell(f"import os, tutorial\nos.chdir('../workspace/{notebook}')")]
    code += [nbformat.v4.new_code_cell(path.read_text(encoding="utf-8")) for name in solutions for path in solution_files(name)]
    return nbformat.v4.new_notebook(cells=code)


async def _class(hub: Hub, chromium: str) -> None:
    from playwright.async_api import async_playwright

    names = hub.names
    load = os.getloadavg()[0]
    n03, n04 = "03-change-a-model", "04-upgrade-the-database"
    path = {notebook: f"{TUTORIAL}/notebooks/{notebook}.ipynb" for notebook in (n03, n04)}
    home = hub.folder / "chromium-home"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True, env=env, timeout=60_000)
        try:
            # Nobody looks yet: the view asks nobody (the hub's proxy would count each question as activity).
            await asyncio.sleep(REFRESH + 1)
            assert refreshes(hub)["last_refresh"]["count"] == 0, "the class view refreshed with no teacher looking"
            # The teacher opens the view, through the hub's login and OAuth, before any learner comes:
            # what a refresh costs the hub with nobody to ask.
            teacher, response = await log_in(browser, hub, hub.teacher, VIEW)
            assert response.status == 200, f"the teacher got {response.status} from the view"
            assert teacher.url == hub.url + VIEW, f"the teacher ended at {teacher.url}"
            assert "No learner yet." in await teacher.text_content("body"), "the empty view does not say so"
            empty = await measure(hub, [], touch=False)
            kept = (hub.folder / "state" / "class-view-state.json").stat()
            assert stat.S_IMODE(kept.st_mode) == 0o600, f"the class view's state file is {oct(kept.st_mode)}, not 0600"

            servers = dict(zip(names, await asyncio.gather(*(hub.start_learner(names[role]) for role in names))))
            await asyncio.gather(
                servers["finished"].run_notebook(path[n03], cells(n03, ["03_"])),
                servers["wrong"].run_notebook(path[n04], cells(n04, ["04_last_payment_1_"])),
                servers["stopped"].run_notebook(path[n03], cells(n03, ["03_phone_1_"])),
            )

            # *stopped* is seen once with their work, then their server stops: the view keeps their last state.
            await until(lambda: read_table(teacher), lambda table: expect(table, {names["stopped"]: {"03": "✗ not right yet"}}),
                        "the view to show stopped's work while their server runs")
            await hub.api("DELETE", f"users/{names['stopped']}/server")
            expected = {
                names["finished"]: {"server": "running", "last notebook": n03, "03": "✓ done", "04": "· not started"},
                names["wrong"]: {"server": "running", "last notebook": n04, "03": "· not started", "04": "✗ not right yet"},
                names["fresh"]: {"server": "running", "last notebook": "", **{notebook[:2]: "· not started" for notebook in EXERCISES}},
                names["stopped"]: {"server": "stopped", "03": "✗ not right yet", "04": "· not started"},
            }
            table = await until(lambda: read_table(teacher), lambda table: expect(table, expected), "the view to show the class")
            assert sorted(table["rows"]) == sorted(names.values()), f"the view lists others than the learners: {sorted(table['rows'])}"
            assert table["heads"][5:] == [notebook[:2] for notebook in EXERCISES], f"not one column per exercise: {table['heads']}"
            wrong = table["rows"][names["wrong"]]["04"]
            assert wrong["title"] and "04." in wrong["text"], f"the wrong answer's cell does not say what fails: {wrong}"
            ARTIFACTS.mkdir(exist_ok=True)
            await teacher.screenshot(path=str(ARTIFACTS / "class-view.png"), full_page=True)

            # The CSV says the same.
            response = await teacher.request.get(hub.url + VIEW + "class.csv")
            assert response.status == 200, f"the teacher got {response.status} from class.csv"
            rows = {row["learner"]: row for row in csv.DictReader(io.StringIO(await response.text()))}
            assert sorted(rows) == sorted(names.values()), f"class.csv lists {sorted(rows)}"
            by_number = {key[:2]: key for key in rows[names["finished"]] if key[:2].isdigit()}
            for name, columns in expected.items():
                for column, shown in columns.items():
                    key = by_number.get(column, column)
                    want = {"✓ done": "done", "✗ not right yet": "started, not right yet", "· not started": "not started"}.get(shown, shown)
                    assert rows[name][key] == want, f"class.csv: {name}'s {key} is {rows[name][key]!r}, not {want!r}"

            # A learner gets the hub's 403, from the view and from another learner's progress; so does their token.
            learner, response = await log_in(browser, hub, names["fresh"], VIEW)
            assert response.status == 403, f"a learner got {response.status} from the view, not 403"
            other = f"{hub.url}/user/{names['finished']}/tutorial/progress"
            response = await learner.request.get(other)
            assert response.status == 403, f"a learner's session got {response.status} from another learner's progress"
            response = await learner.request.get(other, headers={"Authorization": f"token {servers['fresh'].token}"})
            assert response.status == 403, f"a learner's token got {response.status} from another learner's progress"
            response = await learner.request.get(hub.url + VIEW + "class.csv", headers={"Authorization": f"token {servers['fresh'].token}"})
            assert response.status == 403, f"a learner's token got {response.status} from class.csv"

            # What a refresh costs, with every workspace changed before each refresh, then with nothing changed
            # (in that order: a kept answer is computed afresh after two minutes; now none is that old).
            running = [names[role] for role in ("finished", "wrong", "fresh")]
            changed = await measure(hub, running, touch=True)
            unchanged = await measure(hub, running, touch=False)

            # *wrong* solves 04: the page, left alone, shows it.
            await servers["wrong"].run_notebook(path[n04], cells(n04, ["04_last_payment_2_", "04_last_payment_4_"], lesson=False))
            solved = time.monotonic()
            await until(lambda: read_table(teacher), lambda table: expect(table, {names["wrong"]: {"04": "✓ done"}}),
                        "the view to show wrong's 04 solved", timeout=2 * REFRESH + 15)
            seen_after = time.monotonic() - solved
            await teacher.screenshot(path=str(ARTIFACTS / "class-view-solved.png"), full_page=True)
        finally:
            await browser.close()
    write_cost(empty, unchanged, changed, len(running), seen_after, load)


async def log_in(browser, hub: Hub, name: str, next_path: str):
    """A page of a new browser context, logged in as ``name`` through the hub's form, then sent to ``next_path``."""
    context = await browser.new_context(viewport={"width": 1600, "height": 900})
    page = await context.new_page()
    await page.goto(f"{hub.url}/hub/login?next=/hub/home")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", "any")
    async with page.expect_navigation():
        await page.click("[type=submit]")
    return page, await page.goto(hub.url + next_path)


async def read_table(page) -> dict:
    """The view's table: its column heads, and each learner's cells by column head (their text and title)."""
    found = await page.evaluate("""() => ({
        heads: [...document.querySelectorAll("thead th")].map(th => th.textContent.trim()),
        rows: [...document.querySelectorAll("tbody tr")].map(tr => [...tr.children].map(
            cell => ({text: cell.textContent.replace(/\\s+/g, " ").trim(), title: cell.title || ""}))),
    })""")
    heads = found["heads"]
    return {"heads": heads, "rows": {row[0]["text"]: dict(zip(heads, row)) for row in found["rows"]}}


def expect(table: dict, expected: dict[str, dict[str, str]]) -> list[str]:
    """What differs between the table and ``expected`` (learner -> column -> the start of the cell's text)."""
    problems = []
    for name, columns in expected.items():
        row = table["rows"].get(name)
        if row is None:
            problems.append(f"no row for {name}")
            continue
        for column, start in columns.items():
            text = row.get(column, {}).get("text", "<no such column>")
            if not (text.startswith(start) if start else text == ""):
                problems.append(f"{name}'s {column} is {text!r}, not {start!r}")
    return problems


async def until(read, problems_in, what: str, timeout: float = SETTLED):
    """Read (again) until ``problems_in`` finds none; fail with the last problems after ``timeout`` seconds."""
    deadline, problems = time.monotonic() + timeout, ["nothing read"]
    while True:
        try:
            value = await read()
            problems = problems_in(value)
            if not problems:
                return value
        except Exception as error:  # the page reloading itself (meta refresh) while it is read
            problems = [f"{type(error).__name__}: {str(error)[:200]}"]
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}: " + "; ".join(problems))
        await asyncio.sleep(0.5)


def hub_side(hub: Hub) -> dict[str, psutil.Process]:
    """The hub, its proxy and the class view's process."""
    found = {"hub": psutil.Process(hub.process.pid)}
    for child in found["hub"].children():
        try:
            if child.environ().get("JUPYTERHUB_SERVICE_NAME") == "class-view":
                found["class view"] = child
            elif "configurable-http-proxy" in " ".join(child.cmdline()):
                found["proxy"] = child
        except psutil.Error:
            continue
    assert {"class view", "proxy"} <= set(found), f"the class view or the proxy is not running: {found}"
    return found


def refreshes(hub: Hub) -> dict:
    """What the class view keeps in its working folder (the hub's): each learner's state, and its last refresh."""
    kept = hub.folder / "state" / "class-view-state.json"
    return json.loads(kept.read_text(encoding="utf-8")) if kept.exists() else {"last_refresh": {"count": 0}}


async def next_refresh(hub: Hub) -> dict:
    """Wait for the class view's next refresh to end (read from its file: asking its pages would cost the hub)."""
    count, deadline = refreshes(hub)["last_refresh"]["count"], time.monotonic() + 3 * REFRESH + 30
    while (state := refreshes(hub))["last_refresh"]["count"] <= count:
        assert time.monotonic() < deadline, "the class view did not refresh"
        await asyncio.sleep(0.2)
    return state


async def measure(hub: Hub, running: list[str], touch: bool) -> dict:
    """CPU per refresh of each running learner's server and of the hub's side, over :data:`WINDOW` refreshes; wall times.

    The teacher's page stays open meanwhile, reloading itself once a refresh, as it would in class.
    """
    await next_refresh(hub)
    servers, side = hub.servers(), hub_side(hub)
    before = {name: cpu_seconds_of(servers[name]) for name in running}
    side_before = {name: cpu_seconds_of(process, descendants=False) for name, process in side.items()}
    server_seconds, asked_seconds, service_seconds = [0.0], [0.0], []
    for _ in range(WINDOW):
        if touch:  # a file of every workspace changes after one refresh, before the next
            for name in running:
                os.utime(hub.home(name) / TUTORIAL / "workspace" / "README.md")
        state = await next_refresh(hub)
        for name in running:
            cost = state["learners"][name]["cost"]
            assert cost["cached"] is not touch, f"{name}'s answer was {'' if cost['cached'] else 'not '}kept, with touch={touch}"
            server_seconds.append(cost["server_seconds"])
            asked_seconds.append(cost["asked_seconds"])
        service_seconds.append(state["last_refresh"]["seconds"])
    servers_cpu = [(cpu_seconds_of(servers[name]) - before[name]) / WINDOW for name in running]
    side_cpu = {name: (cpu_seconds_of(process, descendants=False) - side_before[name]) / WINDOW for name, process in side.items()}
    return {
        "server cpu": max(servers_cpu, default=0.0), "server wall": max(server_seconds), "asked wall": max(asked_seconds),
        "side cpu": side_cpu, "side": sum(side_cpu.values()), "service wall": max(service_seconds),
    }


def write_cost(empty: dict, unchanged: dict, changed: dict, learners: int, seen_after: float, load: float) -> None:
    ms = lambda seconds: f"{1000 * seconds:.{1 if abs(seconds) < 0.01 else 0}f} ms"  # noqa: E731
    per_learner = {key: (cost["side"] - empty["side"]) / learners for key, cost in (("unchanged", unchanged), ("changed", changed))}
    parts = lambda cost: ", ".join(f"{name} {ms(value)}" for name, value in cost["side cpu"].items())  # noqa: E731
    rows = [
        ("machine", f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}; load (1-minute average) at the start {load:.1f}"),
        ("learners' servers asked per refresh", f"{learners} (a fourth learner's server was stopped: nothing asked)"),
        ("one learner's server, nothing changed: CPU / wall", f"{ms(unchanged['server cpu'])} / {ms(unchanged['server wall'])}"),
        ("one learner's server, workspace changed (My progress computed afresh): CPU / wall",
         f"{ms(changed['server cpu'])} / {ms(changed['server wall'])}"),
        ("one learner's answer as the class view waited for it, nothing changed / changed",
         f"{ms(unchanged['asked wall'])} / {ms(changed['asked wall'])}"),
        ("hub side (hub + proxy + class view) CPU per refresh, no learner yet", f"{ms(empty['side'])} ({parts(empty)})"),
        (f"hub side CPU per refresh, {learners} learners, nothing changed", f"{ms(unchanged['side'])} ({parts(unchanged)})"),
        (f"hub side CPU per refresh, {learners} learners, workspaces changed", f"{ms(changed['side'])} ({parts(changed)})"),
        ("hub side CPU per learner per refresh, nothing changed / changed",
         f"{ms(per_learner['unchanged'])} / {ms(per_learner['changed'])}"),
        ("extrapolated to 30 learners: hub side CPU per refresh, nothing changed / changed",
         f"{ms(empty['side'] + 30 * per_learner['unchanged'])} / {ms(empty['side'] + 30 * per_learner['changed'])}"),
        (f"the same, bounded above: {30 / learners:g} times the cost for {learners} (as if nothing were fixed)",
         f"{ms(30 / learners * unchanged['side'])} / {ms(30 / learners * changed['side'])}"),
        ("one refresh, wall time (the slowest), nothing changed / changed", f"{ms(unchanged['service wall'])} / {ms(changed['service wall'])}"),
        ("a solved exercise seen on the page (left alone) after", f"{seen_after:.1f} s (refresh every {REFRESH} s, the page reloads as often)"),
    ]
    (ARTIFACTS / "class-view-cost.md").write_text(
        f"# What the class view costs, measured {datetime.date.today()} by tests/test_class_view.py\n\n"
        "| measure | value |\n|---|---|\n" + "".join(f"| {name} | {value} |\n" for name, value in rows)
        + f"\nEach figure is the mean over {WINDOW} refreshes (CPU, from the processes' own counters; a learner's server "
        "counts with every process under it, ended ones included) or the slowest of them (wall). The teacher's page was "
        "open, reloading itself once a refresh. \"Changed\": a file of each workspace was touched between two refreshes, so "
        "that each server computed My progress afresh. The extrapolation to 30 learners is the cost with no learner plus "
        "30 times the cost of each learner asked.\n",
        encoding="utf-8",
    )
