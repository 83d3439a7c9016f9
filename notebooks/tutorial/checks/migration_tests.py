"""Notebook 15's exercise (15-test-your-migrations): a test of one migration, with rows in the table."""

from __future__ import annotations

import re
from pathlib import Path

from .. import inbrowser, sandbox, terminal
from .registry import exercise
from .report import Report

DATA_TEST = "tests/test_due_date.py"  # notebook 15's exercise: a test of one migration, with rows in the table


def _pytest(folder: Path, *arguments: str) -> tuple[int, str]:
    """Run the project's own tests, as ``pytest`` in a terminal there would; its exit status and output.

    In the browser, which has no processes, in the kernel (:func:`tutorial.terminal.pytest_in_kernel`).
    """
    import subprocess
    import sys

    arguments = ("-p", "no:cacheprovider", "--color=no", "--no-header", "-q", "-rA", "--tb=line", *arguments)
    if inbrowser.IN_BROWSER:
        result = terminal.pytest_in_kernel(list(arguments), folder)
        return result.status, result.output
    environment = sandbox.new_terminal_environment()  # none of a surrounding test run's PYTEST_* variables
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *arguments],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


@exercise(
    "15-test-your-migrations", "a test of the due_date migration, with rows", solutions="15_",
    steps=("the test file", "the test passes"),
    success="pytest-alembic now checks what the migration does to existing rows, on every run of your tests.",
)
def check_data_test(folder: Path, report: Report) -> None:
    """Notebook 15: ``tests/test_due_date.py`` stops before the due_date revision, inserts rows, upgrades one step.

    Steps: 1 the test file, 2 the test passes (and the four standard ones still do).
    """
    file = folder / DATA_TEST
    if not file.is_file():
        report.add(False, f"There is no {DATA_TEST} yet: write it with `%%writefile {DATA_TEST}`.", id="test.file-missing")
        return
    text = file.read_text(encoding="utf-8")
    used = ["alembic_runner", "migrate_up_before", "insert_into", "migrate_up_one"]
    missing = [name for name in used if name not in text]
    report.add(
        not missing,
        f"{DATA_TEST} uses {', '.join(f'`{name}`' for name in used)}." if not missing else
        f"{DATA_TEST} does not use {', '.join(f'`{name}`' for name in missing)}: stop before the revision, "
        "insert a row, then upgrade one step, with `alembic_runner`.",
        id="test.uses-runner" if not missing else "test.runner-calls-missing",
    )
    if re.search(r"sqlite:///[^'\"]*billtracker\.sqlite|project\.engine\(|^\s*(from|import) billtracker", text, re.MULTILINE):
        report.add(
            False,
            f"{DATA_TEST} reaches for your own database or models: a migration test uses only the empty database "
            "pytest-alembic hands it (`alembic_engine`, `alembic_runner`), as tests/test_migrations.py does. "
            "(The check does not run it: it would migrate your database down and up.)",
            id="test.own-database",
        )
        return
    try:
        status, output = _pytest(folder)
    except Exception as error:  # pytest missing or hung
        report.add(False, f"pytest did not run: {type(error).__name__}: {error}", 2, id="test.pytest-did-not-run")
        return
    results = dict(
        (match[2], match[1]) for match in re.finditer(r"^(PASSED|FAILED|ERROR) (\S+)", output, re.MULTILINE)
    )
    ours = {name: result for name, result in results.items() if name.startswith(DATA_TEST)}
    if not ours:
        errors = re.findall(r"^E\s+(.+)$|^(\S+Error: .+)$", output, re.MULTILINE)
        why = next((" ".join(part for part in error if part) for error in errors), "")
        report.add(
            False,
            f"pytest ran no test in {DATA_TEST}: " + (
                f"it does not import ({why})." if "error" in output.lower() and why else
                "a test is a function whose name starts with `test_`, taking `alembic_runner`."
            ),
            2,
            id="test.none-ran",
        )
    elif all(result == "PASSED" for result in ours.values()):
        report.add(True, f"pytest runs {len(ours)} test{'s' if len(ours) > 1 else ''} of {DATA_TEST}, and {'they pass' if len(ours) > 1 else 'it passes'}.", 2,
                   id="test.passes")
    else:
        failed = [name for name, result in ours.items() if result != "PASSED"]
        where = re.search(rf"^\S*{re.escape(DATA_TEST)}:(\d+): (.+)$", output, re.MULTILINE)  # --tb=line's line
        why = f"line {where[1]}: {where[2]}" if where else output.strip().splitlines()[-1]
        report.add(False, f"{failed[0].split('::')[-1]} fails, {why}", 2, id="test.fails")
    others = {name: result for name, result in results.items() if not name.startswith(DATA_TEST)}
    broken = [name.split("::")[-1] for name, result in others.items() if result != "PASSED"]
    report.add(
        bool(others) and not broken,
        f"The {len(others)} other tests pass too." if others and not broken else
        f"Another test fails: {', '.join(broken)}." if broken else "pytest ran none of the tests of tests/test_migrations.py.",
        2,
        id="test.others-pass" if others and not broken else "test.other-fails" if broken else "test.others-not-run",
    )
