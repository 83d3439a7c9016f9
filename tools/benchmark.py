"""Measure what a learner and a contributor wait for, from one run.

Usage::

    python tools/benchmark.py                           # everything (`make benchmark`; about 8 minutes)
    python tools/benchmark.py --no-suite                # skip the whole test suite (the longest part)
    python tools/benchmark.py --no-install              # skip the two installs into fresh venvs
    python tools/benchmark.py --no-suite --no-install   # about two minutes
    python tools/benchmark.py --no-browser              # skip the browser version (JupyterLite)
    python tools/benchmark.py --no-site                 # skip the course's website

It measures, one function each:

- the whole test suite (``python -m pytest -q`` as ``make test`` runs it, with whatever
  ``TUTORIAL_REQUIRE_*`` the environment sets): wall time, CPU time of the processes it ran
  (user + sys), their ratio, and the target "wall <= 1.25 x CPU / 2" (both cores busy); and the
  ten slowest test files, from pytest's ``--durations=0``, each with its share of all the tests' time;
- each notebook, top to bottom in a fresh kernel;
- one Alembic command typed in a ``%%terminal`` cell of a live kernel (median and worst);
- ``make lab``'s install (``pip install -r requirements.txt`` into a fresh venv) against a bare
  install of the notebooks' main packages, with pip's cache as it is (as a learner's second
  install would find it);
- the time from starting ``jupyter lab`` (as ``make lab`` does) to the start page answering;
- the browser version (``make lite``): its build, the site's size, the time from opening its
  page in headless Chromium to the first notebook's Pyodide kernel being ready, cold (a fresh
  profile) and warm (a second visit; the site served as the README tells a host to serve it, Pyodide's
  folder kept by the browser), each phase between the steps its progress line shows, then
  the first cell; and each core notebook's (01-04) Run All in the browser version beside the same
  in JupyterLab on CPython, in the same Chromium, each with its kernel already running;
- the course's website (``make site``): its build, its size, and the time from opening a notebook's
  page in headless Chromium (fresh profile, served on 127.0.0.1) to its first paint, and to its load.

Everything is printed, and written as a Markdown table to ``test-artifacts/benchmark.md``
(the folder is ignored by git) to compare between runs.

Targets on a 2-core machine: an Alembic command from a cell well under 0.5 s;
the suite's wall time within 1.25 x its CPU time / 2.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import NOTEBOOKS, REPOSITORY, run  # noqa: E402

sys.path.insert(0, str(NOTEBOOKS))
from tutorial.envcheck import pinned_versions  # noqa: E402

COMMANDS = ["alembic current", "alembic history", "alembic check", "alembic downgrade -1", "alembic upgrade head"]
BARE_PACKAGES = ["alembic", "SQLAlchemy", "jupyterlab", "ipywidgets"]  # pinned to requirements.txt's versions
REPORT = REPOSITORY / "test-artifacts" / "benchmark.md"
LAB_TIMEOUT = 120  # seconds for JupyterLab to serve the start page
CORE_NOTEBOOKS = ["01-build-the-models", "02-connect-alembic", "03-change-a-model", "04-upgrade-the-database"]
SLOWEST = 10  # test files listed after the suite's times
# One line of pytest's --durations report: "12.34s call     tests/test_web.py::test_the_page[sqlite]"
# (a notebook's cell: "notebooks/04-upgrade-the-database.ipynb::Cell 3").
DURATION = re.compile(r"^(\d+(?:\.\d+)?)s (?:setup|call|teardown)\s+(.+?)(?:::.*)?$")

Row = tuple[str, str, str]  # what, value, note


def suite_times(arguments: tuple[str, ...] = ("-q",)) -> list[Row]:
    """The whole suite once: wall time, the CPU time of every process it waited for, the target, the slowest files.

    :param arguments: for pytest (a path narrows the run, to try this function quickly).
    """
    required = " ".join(f"{name}={value}" for name, value in sorted(os.environ.items()) if name.startswith("TUTORIAL_REQUIRE_"))
    before, busy_before, started = _children_cpu(), _machine_busy(), time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "--durations=0", *arguments], cwd=REPOSITORY,
                            capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - before
    busy = _machine_busy() - busy_before if busy_before is not None else None
    lines = result.stdout.strip().splitlines()
    summary = lines[-1].strip("= ") if lines else "(no output)"
    measured = busy if busy is not None else cpu  # the waited-for processes miss Chromium's, which nobody waits for
    limit = 1.25 * measured / 2
    holds = wall <= limit
    rows = [
        ("suite: wall time", f"{wall:.1f} s", f"exit {result.returncode}: {summary}; {required or 'no TUTORIAL_REQUIRE_*'}"),
        ("suite: CPU time (user+sys of its processes)", f"{cpu:.1f} s",
         "RUSAGE_CHILDREN around python -m pytest -q: misses processes nobody waits for (Chromium's)"),
    ]
    if busy is not None:
        rows.append(("suite: CPU time (the machine's busy time)", f"{busy:.1f} s",
                     "/proc/stat over the run: right on an otherwise quiet machine"))
    return rows + [
        ("suite: CPU / wall", f"{measured / wall:.2f}", "2.00 = both cores busy all the time"),
        ("suite: target wall <= 1.25 x CPU / 2", "holds" if holds else "does NOT hold", f"{wall:.1f} s against {limit:.1f} s"),
        *((f"slowest file: {path}", f"{seconds:.1f} s", f"{share:.1f} % of all the tests' time (setup, call, teardown)")
          for path, seconds, share in slowest_files(result.stdout)),
    ]


def slowest_files(report: str, count: int = SLOWEST) -> list[tuple[str, float, float]]:
    """The ``count`` test files that took longest, from pytest's ``--durations=0`` report.

    :param report: pytest's output, whose "slowest durations" lines give each test's setup, call and teardown.
    :return: (file, seconds, percent) from the slowest down: a file's seconds add up those of its tests, and
        its percent is their share of all the tests' seconds (on two workers, about twice the wall time).
    """
    per_file: dict[str, float] = {}
    for line in report.splitlines():
        if match := DURATION.match(line):
            per_file[match[2]] = per_file.get(match[2], 0.0) + float(match[1])
    total = sum(per_file.values())
    ranked = sorted(per_file.items(), key=lambda item: item[1], reverse=True)[:count]
    return [(path, seconds, 100 * seconds / total if total else 0.0) for path, seconds in ranked]


def notebook_times() -> list[Row]:
    """Each notebook top to bottom in a fresh kernel (kernel start included), one after the other."""
    rows, total = [], 0.0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        _, seconds = run(path)
        total += seconds
        rows.append((f"notebook {path.stem}", f"{seconds:.1f} s", ""))
    rows.append(("notebooks: all, one after the other", f"{total:.1f} s", "each in a fresh kernel, its start included"))
    return rows


def command_latency(repeats: int = 10) -> list[Row]:
    """Median and worst seconds of each command in COMMANDS, typed in a ``%%terminal`` cell of a live kernel."""
    with tempfile.TemporaryDirectory() as workspace:
        env = {**os.environ, "ALEMBIC_TUTORIAL_WORKSPACE": workspace}
        env.pop("DATABASE_URL", None)
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS), env=env)
        try:
            client.execute_interactive('import tutorial\nproject = tutorial.start("benchmark", stage="last_login-applied")',
                                       timeout=60, output_hook=lambda message: None)
            timings: dict[str, list[float]] = {command: [] for command in COMMANDS}
            for _ in range(repeats):
                for command in COMMANDS:
                    started = time.perf_counter()
                    reply = client.execute_interactive(f"%%terminal\n{command}", timeout=60, output_hook=lambda message: None)
                    timings[command].append(time.perf_counter() - started)
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"{command} failed in the benchmark kernel")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return [
        (f"cell: {command}", f"{statistics.median(seconds) * 1000:.0f} ms / {max(seconds) * 1000:.0f} ms",
         f"median / worst of {repeats}; target well under 500 ms")
        for command, seconds in timings.items()
    ]


def install_times() -> list[Row]:
    """``make lab``'s install against a bare one, each into a fresh venv in a temporary folder."""
    pins = pinned_versions(REPOSITORY / "requirements.txt")
    bare = [f"{name}=={pins[name]}" for name in BARE_PACKAGES]
    rows = []
    for label, arguments in [
        ("install: make lab (pip install -r requirements.txt)", ["-r", str(REPOSITORY / "requirements.txt")]),
        (f"install: bare (pip install {' '.join(BARE_PACKAGES)}, same pins)", bare),
    ]:
        with tempfile.TemporaryDirectory(prefix="alembic-tutorial-venv-") as folder:
            venv = Path(folder) / "venv"
            started = time.perf_counter()
            subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True)
            created, cpu_before = time.perf_counter(), _children_cpu()
            pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                  "--disable-pip-version-check", *arguments], cwd=REPOSITORY, capture_output=True, text=True)
            if pip.returncode != 0:
                raise RuntimeError(f"{label} failed:\n{pip.stdout}{pip.stderr}")
            installed, cpu = time.perf_counter(), _children_cpu() - cpu_before
            packages = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
                                      check=True, capture_output=True, text=True).stdout.count("\n")
            size = _disk_usage(venv)
        rows.append((label, f"{installed - created:.1f} s, {size / 2**20:.0f} MB",
                     f"pip install's wall time ({cpu:.1f} s CPU) and the venv's size; {packages} packages; "
                     f"creating the venv took {created - started:.1f} s more; pip's cache as it is"))
    return rows


def lab_start_time() -> list[Row]:
    """Seconds from starting ``jupyter lab`` as ``make lab`` does to the start page answering 200."""
    token = secrets.token_hex(16)
    port = _free_port()
    page = f"http://127.0.0.1:{port}/lab/tree/notebooks/00-start-here.ipynb?token={token}"
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-lab-") as state:
        env = {**os.environ, "JUPYTER_CONFIG_DIR": f"{state}/config", "JUPYTER_DATA_DIR": f"{state}/data",
               "JUPYTER_RUNTIME_DIR": f"{state}/runtime", "JUPYTERLAB_SETTINGS_DIR": f"{state}/settings",
               "JUPYTERLAB_WORKSPACES_DIR": f"{state}/workspaces", "IPYTHONDIR": f"{state}/ipython"}
        command = [str(Path(sys.executable).parent / "jupyter"), "lab", f"--ServerApp.root_dir={REPOSITORY}",
                   "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={token}", *(["--allow-root"] if os.geteuid() == 0 else []),
                   "notebooks/00-start-here.ipynb"]
        with open(Path(state) / "lab.log", "wb") as log:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=REPOSITORY, env=env, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                seconds = _wait_for_200(page, process, started)
            finally:
                _stop(process)
        if seconds is None:
            tail = (Path(state) / "lab.log").read_text(errors="replace").splitlines()[-10:]
            raise RuntimeError("JupyterLab did not serve the start page:\n" + "\n".join(tail))
    return [("jupyter lab: start to the start page (HTTP 200)", f"{seconds:.1f} s",
             "as make lab starts it, settings in a temporary folder")]


VISITS = [("cold", "target <= 10 s"), ("warm", "target <= 4 s"), ("third visit", "")]  # each browser's visits, in order
BROWSERS = 3  # fresh browsers for the browser version's starts: their medians, since one start varies by about half a second here


def browser_times() -> list[Row]:
    """The browser version: build, size, cold and warm starts phase by phase, the core notebooks beside JupyterLab's.

    Each of ``BROWSERS`` fresh Chromium profiles opens the first notebook's address (cold), runs its first cell, leaves
    for a blank page, then opens the address again (warm: a second visit, the browser's cache holding the site) and
    runs the first cell again, then a third time (the browser caches the code it compiled over the first visits).
    The rows give the medians with the range, and the phases of the median start. The site is served as the README
    tells a host to serve it (``static_server``: browsers may keep Pyodide's folder without asking again).
    """
    import build_lite

    from tutorial.devtools import lite_page
    from tutorial.devtools.static_server import serve_folder

    rows: list[Row] = []
    first = f"{CORE_NOTEBOOKS[0]}.ipynb"
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-lite-") as folder:
        site = Path(folder) / "site"
        started = time.perf_counter()
        build_lite.build(site)
        rows.append(("make lite: build", f"{time.perf_counter() - started:.1f} s", "downloads and bytecode cached in build/lite-cache/"))
        rows.append(("make lite: site size", f"{_disk_usage(site) / 1e6:.0f} MB",
                     f"of which Pyodide and the wheels {_disk_usage(site / build_lite.PYODIDE_PARENT) / 1e6:.0f} MB"))
        lite_page.expose_app(site)
        starts: dict[str, list[dict]] = {visit: [] for visit, _ in VISITS}
        browser: dict[str, float] = {}
        with serve_folder(site) as url:
            for attempt in range(BROWSERS):
                # No Playwright routing (route=False): it would turn the browser's HTTP cache off, and the warm start with it.
                with lite_page.site_page(url, open_site=False, route=False) as page:
                    for visit, _ in VISITS:
                        if visit != "cold":  # the visit before left for a blank page (its kernel's worker ends with it)
                            page.goto("about:blank")
                            page.wait_for_timeout(1000)
                        start = lite_page.start_notebook(page, url, first)
                        start["first cell"] = lite_page.run_first_code_cell(page)
                        starts[visit].append(start)
                    if attempt == BROWSERS - 1:
                        for stem in CORE_NOTEBOOKS:
                            browser[stem] = _run_all_seconds(lite_page, page, f"{stem}.ipynb")
        for visit, target in VISITS:
            rows += _start_rows(visit, starts[visit], first, target)
        cpython = jupyterlab_run_all_times()
        for stem in CORE_NOTEBOOKS:
            rows.append((f"notebook {stem[:2]}: Run All, browser version / JupyterLab", f"{browser[stem]:.1f} s / {cpython[stem]:.1f} s",
                         f"{browser[stem] / cpython[stem]:.1f} x (target <= 2 x); in one Chromium, kernel running"))
    return rows


def _start_rows(visit: str, starts: list[dict], first: str, target: str) -> list[Row]:
    """The median start of ``starts`` with the range, its phases, and the first cell's median."""
    ordered = sorted(starts, key=lambda start: start["seconds"])
    median = ordered[len(ordered) // 2]
    cells = [start["first cell"] for start in starts]
    return [
        (f"browser, {visit}: opening {first[:2]}'s address to its kernel ready", f"{median['seconds']:.1f} s",
         f"median of {len(ordered)} fresh browsers ({ordered[0]['seconds']:.1f} to {ordered[-1]['seconds']:.1f} s)"
         + (f"; {target}" if target else "")),
        *((f"  {visit}: {what}", f"{phase:.1f} s", "the median start") for what, phase in median["phases"]),
        (f"  {visit}: the first cell (import tutorial, tutorial.start)", f"{statistics.median(cells):.1f} s",
         f"median ({min(cells):.1f} to {max(cells):.1f} s)"),
    ]


def jupyterlab_run_all_times() -> dict[str, float]:
    """Each core notebook's Run All in JupyterLab (CPython), opened as the browser version opens it, in the same Chromium."""
    sys.path.insert(0, str(REPOSITORY / "tests"))
    from support.browser import JupyterLab, copy_notebooks
    from tutorial.devtools import lite_page

    times = {}
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-lab-") as folder:
        copy_notebooks(Path(folder))
        lab = JupyterLab(Path(folder))
        lab.start()
        try:
            with lite_page.site_page(lab.base_url, address=f"{lab.base_url}/lab?reset&token={lab.token}") as page:
                for stem in CORE_NOTEBOOKS:
                    times[stem] = _run_all_seconds(lite_page, page, f"notebooks/{stem}.ipynb")
        finally:
            lab.stop()
    return times


def _run_all_seconds(lite_page, page, path: str) -> float:
    """Open the notebook (sharing the first one's kernel), clear its outputs, Run All: the seconds Run All took."""
    lite_page.open_notebook(page, path)
    lite_page.clear_outputs(page)
    started = time.perf_counter()
    stuck = lite_page.run_all(page, timeout=600)
    if stuck:
        raise RuntimeError(f"{path}: {stuck}")
    return time.perf_counter() - started


SITE_PAGES = ["notebooks/04-upgrade-the-database.html", "notebooks/16-troubleshoot-common-errors.html"]


def site_times() -> list[Row]:
    """The course's website: build, size, and a notebook page's first paint in a fresh browser."""
    import build_site
    from playwright.sync_api import sync_playwright

    from tutorial.devtools.chromium import FLAGS as CHROMIUM_FLAGS
    from tutorial.devtools.chromium import find_chromium
    from tutorial.devtools.static_server import serve_folder

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-site-") as folder:
        site = Path(folder) / "site"
        started = time.perf_counter()
        build_site.build(site, stage=Path(folder) / "source")
        rows.append(("make site: build", f"{time.perf_counter() - started:.1f} s",
                     "Sphinx, the slides and the browser version inside it (downloads cached)"))
        rows.append(("make site: size", f"{_disk_usage(site) / 1e6:.0f} MB",
                     f"of which the browser version (lite/) {_disk_usage(site / 'lite') / 1e6:.0f} MB"))
        with serve_folder(site) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS, headless=True)
            for relative in SITE_PAGES:
                context = browser.new_context()  # a fresh cache for each page
                page = context.new_page()
                page.goto(f"{url}/{relative}", wait_until="load")
                timing = page.evaluate("""() => new Promise(resolve => {
                    const load = performance.getEntriesByType('navigation')[0].loadEventEnd;
                    new PerformanceObserver(list => {
                        const paint = list.getEntriesByName('first-contentful-paint')[0];
                        if (paint) resolve({paint: paint.startTime, load});
                    }).observe({type: 'paint', buffered: true});
                })""")
                context.close()
                rows.append((f"site: {relative}, opening to first paint / load", f"{timing['paint'] / 1000:.2f} s / "
                             f"{timing['load'] / 1000:.2f} s", "headless Chromium, empty cache, served on 127.0.0.1"))
            browser.close()
    return rows


def _wait_for_200(url: str, process: subprocess.Popen, started: float) -> float | None:
    while time.perf_counter() - started < LAB_TIMEOUT and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.05)
    return None


def _stop(process: subprocess.Popen) -> None:
    """Stop the server (its own process group), politely first."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def _children_cpu() -> float:
    """User + sys seconds of every child process waited for so far (and of theirs, when they waited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float | None:
    """Seconds of CPU the whole machine has spent busy since it started (all cores); None off Linux."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _base_python() -> str:
    """The Python a learner's ``make lab`` would start from (this venv's base interpreter)."""
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    return str(base) if base.exists() else shutil.which("python3") or sys.executable


def _disk_usage(folder: Path) -> int:
    """Bytes on disk under ``folder``, as ``du`` counts them (blocks, each hard link once)."""
    seen, total = set(), 0
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            stat = os.lstat(os.path.join(root, name))
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_blocks * 512
    return total


def write_report(rows: list[Row], skipped: list[str]) -> None:
    """The rows as a Markdown table in REPORT, headed by when, where and at which commit."""
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPOSITORY,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    lines = [
        "# Benchmark",
        "",
        f"{datetime.datetime.now().isoformat(timespec='seconds')}, commit {commit}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores" + (f"; skipped: {', '.join(skipped)}" if skipped else ""),
        "",
        "| what | value | note |",
        "|---|---|---|",
        *(f"| {what} | {value} | {note.replace('|', '/')} |" for what, value, note in rows),
        "",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-suite", action="store_true", help="do not time the whole test suite")
    parser.add_argument("--no-install", action="store_true", help="do not time the installs into fresh venvs")
    parser.add_argument("--no-browser", action="store_true", help="do not time the browser version (make lite)")
    parser.add_argument("--no-site", action="store_true", help="do not time the course's website (make site)")
    args = parser.parse_args()

    measurements = [
        ("one Alembic command from a %%terminal cell", command_latency),
        ("JupyterLab's start", lab_start_time),
        ("each notebook, top to bottom in a fresh kernel", notebook_times),
        *([] if args.no_browser else [("the browser version (make lite, JupyterLite)", browser_times)]),
        *([] if args.no_site else [("the course's website (make site)", site_times)]),
        *([] if args.no_install else [("installs into fresh venvs", install_times)]),
        *([] if args.no_suite else [("the whole test suite (python -m pytest -q, as make test runs it)", suite_times)]),
    ]
    skipped = [name for name, flag in [("suite", args.no_suite), ("install", args.no_install), ("browser", args.no_browser),
                                       ("site", args.no_site)] if flag]
    rows: list[Row] = []
    for title, measure in measurements:
        print(f"\n{title}:", flush=True)
        for what, value, note in measure():
            print(f"  {what:<60} {value:>20}   {note}", flush=True)
            rows.append((what, value, note))
    write_report(rows, skipped)
    print(f"\nWritten to {REPORT.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
