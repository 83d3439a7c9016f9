"""Try the newest releases of every pinned package, and report what would change (``make test-latest``).

Usage::

    python tools/test_latest.py          # the newest releases
    python tools/test_latest.py --pre    # pre-releases too

It builds ``.venv-latest/`` afresh with the newest release of every package that
``requirements-test.txt`` pins (with its ``-r`` files), pins stripped, then, with that
environment's Python:

- runs every notebook top to bottom in a fresh kernel, as ``tools/execute_notebooks.py``
  does, two at a time, each within ``NOTEBOOK_LIMIT`` seconds; a notebook that needs a
  database server that does not answer is skipped, with the reason;
- compares each cell's fresh outputs with the stored ones after the sanitizing nbval
  applies (``tests/sanitize.cfg``, read with nbval's own functions);
- runs the helper package's unit tests (``UNIT_TESTS``);
- writes ``test-artifacts/drift.md``: a summary line, the versions tried against the pins,
  then per notebook the cells that fail and the stored outputs that would change.

It exits non-zero when a cell or a unit test fails, or when the newest releases cannot be installed
together (``drift.md`` then says why): changed outputs are reported, not failed.
The module first runs outside ``.venv-latest``, where nothing is installed yet: the packages
of the notebooks and the tests are imported inside the functions that run there.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import difflib
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPOSITORY / "notebooks"
REQUIREMENTS = REPOSITORY / "requirements-test.txt"  # includes the other four sets
SANITIZE = REPOSITORY / "tests" / "sanitize.cfg"
LATEST = REPOSITORY / ".venv-latest"
REPORT = REPOSITORY / "test-artifacts" / "drift.md"
NOTEBOOK_LIMIT = 600  # seconds for a whole notebook (a cell has 120, as in tools/execute_notebooks.py)
DIFF_LINES = 12  # lines of each unified diff shown in the report
ERROR_LINES = 6  # lines of each error shown in the report

# The helper package's unit tests: those that run no notebook or lesson, and need no browser, hub or
# database server. Left out: the notebooks' and lessons' runs (test_exercises*, test_notebook_*, test_first_cell_*),
# the browser's (test_jupyterlab*, test_lite, test_site, test_inbrowser, test_teaching, test_web, test_layers),
# the hub's (test_hub, test_learner_roles), the servers' (test_live, test_servers, test_failed_migration,
# test_postgresql_differences, test_project_health, test_notebooks_on_postgresql), the text of the notebooks
# (test_story, test_titles), and test_requirements, which checks that the installed versions are the pins.
UNIT_TESTS = [
    "tests/test_billtracker_migrations.py",
    "tests/test_database.py",
    "tests/test_display.py",
    "tests/test_drivers.py",
    "tests/test_explorer.py",
    "tests/test_fresh.py",
    "tests/test_graph.py",
    "tests/test_hints.py",
    "tests/test_hints_async.py",
    "tests/test_hints_commands.py",
    "tests/test_hints_configuration.py",
    "tests/test_hints_history.py",
    "tests/test_hints_imports.py",
    "tests/test_hints_revisions.py",
    "tests/test_inspection.py",
    "tests/test_magics.py",
    "tests/test_own_app.py",
    "tests/test_progress.py",
    "tests/test_project.py",
    "tests/test_rewrite.py",
    "tests/test_sandbox.py",
    "tests/test_stages.py",
    "tests/test_terminal.py",
    "tests/test_waits.py",
]
# What nbval 0.11 leaves out of a comparison (IPyNbFile.skip_compare, without --nbdime).
SKIP_COMPARE = (
    "metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
    "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg",
)
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+(?:\[[^\]]*\])?)==(?P<version>[^\s;#]+)(?P<rest>.*)$")
ANSI = re.compile(r"\x1b\[[\d;]*m")


# --- the environment ---------------------------------------------------------------------------------------


def strip_pin(requirement: str) -> str:
    """``requirement`` without its ``==version``: ``psycopg[binary]==3.3.9`` gives ``psycopg[binary]``."""
    match = PIN.match(requirement)
    return match.group("name") + match.group("rest") if match else requirement


def requirement_lines(path: Path) -> list[str]:
    """The requirements and ``-r`` lines of the file ``path``, comments and blank lines left out."""
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def unpinned(path: Path) -> list[str]:
    """Every requirement of the file ``path`` and of the files it includes (``-r``), without its ``==version``."""
    requirements = []
    for line in requirement_lines(path):
        if line.startswith("-r"):
            requirements += unpinned(path.parent / line[2:].strip())
        else:
            requirements.append(strip_pin(line))
    return requirements


def make_environment(pre: bool) -> str | None:
    """Build ``.venv-latest`` afresh with the newest release of every pinned package; None, or why it could not."""
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(LATEST)], check=True)
    pip = [str(LATEST / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade"]
    for command in ([*pip, "pip"], [*pip, *(["--pre"] if pre else []), *unpinned(REQUIREMENTS)]):
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode != 0:  # say it in the report too: the newest releases cannot be installed together
            return (completed.stdout + completed.stderr).strip()
    return None


# --- one notebook ------------------------------------------------------------------------------------------


@dataclass
class NotebookResult:
    """What one notebook did on the newest releases: a cell is named as nbval names it (``Cell 3``)."""

    name: str
    skipped: str | None = None
    failure: tuple[int, list[str]] | None = None  # the cell that failed (the rest did not run), the error's first lines
    changes: list[tuple[int, list[str]]] = field(default_factory=list)  # cells whose outputs would change, the diff
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "skipped"
        return "failing" if self.failure else "changed" if self.changes else "unchanged"


def sanitize_patterns() -> list[tuple[str, str]]:
    """The ``(regex, replace)`` pairs of ``tests/sanitize.cfg``, read as nbval reads them."""
    from nbval.plugin import get_sanitize_patterns

    return get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8"))


def comparable(outputs: list, patterns: list[tuple[str, str]]) -> dict[str, list]:
    """A cell's outputs as nbval compares them: streams merged, one list of sanitized values per key."""
    import nbformat
    from nbval.plugin import coalesce_streams, transform_streams_for_comparison

    flat: dict[str, list] = {}
    outputs = coalesce_streams([nbformat.from_dict(copy.deepcopy(output)) for output in outputs])
    for output in transform_streams_for_comparison(outputs):
        values = output.get("data", {}) | {key: value for key, value in output.items() if key != "data"}
        for key, value in values.items():
            if key not in SKIP_COMPARE:
                for regex, replace in patterns:
                    value = re.sub(regex, replace, value) if isinstance(value, str) else value
                flat.setdefault(key, []).append(value)
    return flat


def output_diff(stored: list, fresh: list, patterns: list[tuple[str, str]]) -> list[str]:
    """The first lines of a unified diff between a cell's stored and fresh outputs as nbval compares them; [] if equal."""
    old, new = comparable(stored, patterns), comparable(fresh, patterns)
    if old == new:
        return []
    lines = difflib.unified_diff(_as_lines(old), _as_lines(new), "stored", "fresh", lineterm="", n=1)
    return list(lines)[:DIFF_LINES]


def _as_lines(flat: dict[str, list]) -> list[str]:
    lines = []
    for key in sorted(flat):
        for value in flat[key]:
            text = value if isinstance(value, str) else json.dumps(value, indent=1, sort_keys=True)
            lines += [f"[{key}]", *text.splitlines()]
    return lines


class NotebookTimeout(Exception):
    """The notebook ran longer than ``NOTEBOOK_LIMIT``."""


def _time_out(signum, frame):
    raise NotebookTimeout(f"the notebook ran longer than {NOTEBOOK_LIMIT} s")


def try_notebook(path: Path) -> NotebookResult:
    """Run the notebook at ``path`` in a fresh kernel, as ``tools/execute_notebooks.py`` does, and compare."""
    import nbformat
    from nbval.plugin import find_comment_markers, find_metadata_tags

    sys.path.insert(0, str(NOTEBOOKS))
    from tutorial import servers
    from tutorial.devtools.kernel_runs import run_cells

    result = NotebookResult(path.stem)
    kind = servers.NOTEBOOKS_ON_A_SERVER.get(path.stem)
    required = kind and os.environ.get(f"TUTORIAL_REQUIRE_{kind.upper()}") == "1"  # as in conftest.py: then it runs, and fails
    if kind and not required and (reason := servers.unreachable(kind)):
        result.skipped = reason
        return result
    stored = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(stored)
    code = [index for index, cell in enumerate(stored.cells) if cell.cell_type == "code"]
    for index in code:
        fresh.cells[index].update(outputs=[], execution_count=None)
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _time_out)
    signal.alarm(NOTEBOOK_LIMIT)
    try:
        run_cells(fresh, path.parent)
    except Exception as error:  # a cell that raised, the time limit, a kernel that died: the cell that ran last failed
        ran = [number for number, index in enumerate(code) if fresh.cells[index].execution_count is not None]
        last = ran[-1] if ran else 0
        result.failure = (last, _first_error_lines(fresh.cells[code[last]] if code else None, error))
    finally:
        signal.alarm(0)
    result.seconds = time.perf_counter() - started
    patterns = sanitize_patterns()
    for number, index in enumerate(code):
        old, new = stored.cells[index], fresh.cells[index]
        if new.execution_count is None or (result.failure and result.failure[0] == number):
            break  # not run (after a failing cell)
        options = dict(find_metadata_tags(old.metadata)) | dict(find_comment_markers(old.source))
        if options.get("check", True) and old.execution_count is not None:
            if diff := output_diff(old.outputs, new.outputs, patterns):
                result.changes.append((number, diff))
    return result


def _first_error_lines(cell, error: Exception) -> list[str]:
    """The first lines of what failed: the cell's error (its name and message), else the exception's."""
    errors = [output for output in (cell.outputs if cell else []) if output.output_type == "error"]
    text = f"{errors[-1].ename}: {errors[-1].evalue}" if errors else f"{type(error).__name__}: {error}"
    return ANSI.sub("", text).strip().splitlines()[:ERROR_LINES]


# --- the report --------------------------------------------------------------------------------------------


def summary(results: list[NotebookResult]) -> str:
    """The report's first line: how many notebooks are unchanged, have changed outputs, have failing cells, were skipped."""
    count = {verdict: sum(result.verdict == verdict for result in results) for verdict in ("unchanged", "changed", "failing", "skipped")}
    line = f"{count['unchanged']} notebooks unchanged, {count['changed']} with changed outputs, {count['failing']} with failing cells"
    return line + (f", {count['skipped']} skipped" if count["skipped"] else "")


def version_rows(pinned: dict[str, str], latest: dict[str, str | None]) -> list[tuple[str, str, str]]:
    """``(package, pinned, latest)`` for every pin, those whose latest differs first, each part by name."""
    rows = [(name, version, latest.get(name) or "not installed") for name, version in pinned.items()]
    return sorted(rows, key=lambda row: (row[1] == row[2], row[0].lower()))


def report(results: list[NotebookResult], versions: list[tuple[str, str, str]], unit_tests: tuple[int, str], pre: bool) -> str:
    """The drift report, in Markdown."""
    code, unit_output = unit_tests
    moved = sum(pinned != latest for _, pinned, latest in versions)
    lines = [
        f"# Drift: {summary(results)}",
        "",
        f"Unit tests of the helper package: {'passed' if code == 0 else 'FAILED'}. "
        f"{moved} of {len(versions)} pinned packages have a newer release{' (pre-releases included)' if pre else ''}. "
        f"Tried {datetime.date.today()} with Python {sys.version.split()[0]}, by `make test-latest`.",
        "",
        "A notebook counts once: failing (a cell raised; the cells after it did not run), else changed (a stored output",
        "differs from the fresh one after tests/sanitize.cfg), else unchanged. Cells are numbered as nbval numbers them.",
        "",
        "## Versions",
        "",
        "| package | pinned | latest |",
        "|---|---|---|",
        *[f"| {name} | {pinned} | {'**' + latest + '**' if latest != pinned else latest} |" for name, pinned, latest in versions],
        "",
        "## Notebooks",
    ]
    for result in results:
        lines += ["", f"### {result.name}: {result.verdict}" + (f" ({result.seconds:.0f} s)" if not result.skipped else ""), ""]
        if result.skipped:
            lines.append(f"Skipped: {result.skipped}")
        if result.failure:
            number, error = result.failure
            lines += [f"- Cell {number} FAILS:", "", "  ```", *[f"  {line}" for line in error], "  ```"]
        for number, diff in result.changes:
            lines += [f"- Cell {number} would change:", "", "  ```diff", *[f"  {line}" for line in diff], "  ```"]
    tail = unit_output.strip().splitlines()[-15:]
    lines += ["", "## Unit tests", "", f"`pytest {' '.join(UNIT_TESTS)}`", "", "```", *tail, "```", ""]
    return "\n".join(lines)


def install_failure(pip_output: str, pre: bool) -> str:
    """The drift report when pip cannot install the newest releases together: pip's last lines."""
    tail = pip_output.splitlines()[-30:]
    what = "newest releases (pre-releases included)" if pre else "newest releases"
    return "\n".join([f"# Drift: the {what} of the pinned packages could not be installed together", "", "```", *tail, "```", ""])


# --- the whole run -----------------------------------------------------------------------------------------


def run_unit_tests() -> tuple[int, str]:
    """Run ``UNIT_TESTS`` with this environment's pytest (two workers, as ``make test``); return its exit code and output."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *UNIT_TESTS], cwd=REPOSITORY, capture_output=True, text=True, timeout=1800
    )
    return completed.returncode, completed.stdout + completed.stderr


def installed_versions(names) -> dict[str, str | None]:
    """The version of each package in this environment (None when it is not installed)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def check(pre: bool, jobs: int) -> int:
    """In ``.venv-latest``: run the notebooks and the unit tests, write the report; 1 when a cell or a test failed."""
    sys.path.insert(0, str(NOTEBOOKS))
    from tutorial.envcheck import pinned_versions

    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # this venv's alembic, ruff
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"No notebooks found in {NOTEBOOKS}", file=sys.stderr)
        return 1
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = []
        for result in pool.map(try_notebook, paths):
            print(f"{result.name}: {result.verdict}", flush=True)
            results.append(result)
    unit_tests = run_unit_tests()
    pinned = pinned_versions(REQUIREMENTS)
    versions = version_rows(pinned, installed_versions(pinned))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report(results, versions, unit_tests, pre), encoding="utf-8")
    print(f"{summary(results)}; unit tests {'passed' if unit_tests[0] == 0 else 'FAILED'}. Report: {REPORT.relative_to(REPOSITORY)}")
    return 1 if unit_tests[0] != 0 or any(result.failure for result in results) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pre", action="store_true", help="pre-releases too")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="notebooks run at once")
    parser.add_argument("--check-only", action="store_true", help="skip the install: run in the environment as it is")
    args = parser.parse_args()
    if args.check_only:
        return check(args.pre, args.jobs)
    REPORT.unlink(missing_ok=True)  # no report from an earlier run is left to be read as this one's
    problem = make_environment(args.pre)
    if problem:
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(install_failure(problem, args.pre), encoding="utf-8")
        print(f"The newest releases could not be installed together: see {REPORT.relative_to(REPOSITORY)}", file=sys.stderr)
        return 1
    command = [str(LATEST / "bin" / "python"), __file__, "--check-only", "--jobs", str(args.jobs), *(["--pre"] if args.pre else [])]
    return subprocess.run(command, cwd=REPOSITORY).returncode


if __name__ == "__main__":
    sys.exit(main())
