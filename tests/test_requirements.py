"""Dependency truth in five files, each version pinned exactly once; environment.yml installs the learner's.

- ``requirements.txt``: what the notebooks need (``make lab``, the conda route);
- ``requirements-servers.txt``: the database drivers (``make lab SERVERS=1``);
- ``requirements-lite.txt``: what builds the browser version (``make lite``);
- ``requirements-site.txt``: what builds the course's website (``make site``);
- ``requirements-test.txt``: those four, then what only the tests and tools/ need (``make test``).
"""

from __future__ import annotations

import re

from support.paths import REPOSITORY
from support.tools import tool
from tutorial.envcheck import environment_report, pinned_versions

LEARNER, SERVERS, LITE, SITE, TEST = (
    REPOSITORY / name
    for name in ("requirements.txt", "requirements-servers.txt", "requirements-lite.txt", "requirements-site.txt", "requirements-test.txt")
)
FILES = (LEARNER, SERVERS, LITE, SITE, TEST)

# The packages whose versions shape what the notebooks generate and show, and the tests that compare it.
MUST_BE_PINNED = {
    LEARNER: {"alembic", "SQLAlchemy", "jupyterlab", "ipykernel", "ipython", "ipywidgets", "pygments", "pytest", "pytest-alembic"},
    SERVERS: {"psycopg", "PyMySQL"},
    LITE: {"jupyterlite-core", "jupyterlite-pyodide-kernel"},
    SITE: {"Sphinx", "myst-nb", "sphinx-book-theme"},
    TEST: {"nbval", "nbclient", "nbformat", "pytest-xdist"},
}


def requirement_lines(path):
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.strip().startswith("#")]


def own_pins(path) -> list[str]:
    """The normalized names pinned in ``path`` itself (its ``-r`` lines not followed)."""
    return [re.split(r"[\[=]", line, 1)[0].lower().replace("_", "-") for line in requirement_lines(path) if not line.startswith("-r")]


def test_every_line_is_pinned_exactly():
    for path in FILES:
        for line in requirement_lines(path):
            if not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.-]+(\[[A-Za-z0-9_,-]+\])?==[0-9][^\s;]*", line), f"{path.name}: not pinned exactly: {line}"


def test_the_test_set_includes_the_other_four_and_only_they_include():
    assert [line for line in requirement_lines(TEST) if line.startswith("-r")] == [
        "-r requirements.txt", "-r requirements-servers.txt", "-r requirements-lite.txt", "-r requirements-site.txt"
    ]
    for path in (LEARNER, SERVERS, LITE, SITE):
        assert not [line for line in requirement_lines(path) if line.startswith("-")], f"{path.name} has options or includes"


def test_no_package_is_pinned_twice():
    names = [name for path in FILES for name in own_pins(path)]
    assert sorted(set(names)) == sorted(names), f"pinned more than once: {sorted({n for n in names if names.count(n) > 1})}"


def test_the_packages_that_shape_outputs_are_pinned_where_they_belong():
    for path, names in MUST_BE_PINNED.items():
        assert {name.lower() for name in names} <= set(own_pins(path)), f"{path.name} lacks some of {sorted(names)}"
    assert set(pinned_versions(TEST)) == set(pinned_versions(LEARNER)) | set(pinned_versions(SERVERS)) | set(pinned_versions(LITE)) | set(pinned_versions(SITE)) | set(
        re.split(r"[\[=]", line, 1)[0] for line in requirement_lines(TEST) if not line.startswith("-r")
    )


def test_the_learner_set_has_no_test_tools_or_drivers():
    learner = set(own_pins(LEARNER))
    assert not learner & {"nbval", "nbclient", "pytest-xdist", "playwright", "psycopg", "pymysql", "jupyterlite-core"}


def test_the_browser_version_runs_the_learners_pins():
    """Every wheel of the site is pinned with a sha256; those requirements.txt pins too are at its versions."""
    build_lite = tool("build_lite")

    learner = {name.lower().replace("_", "-"): version for name, version in pinned_versions(LEARNER).items()}
    pins = build_lite.read_pins()
    assert {"alembic", "sqlalchemy", "ipywidgets", "micropip", "ipython"} <= set(pins)
    for name, (version, _) in pins.items():
        if name in learner:
            assert version == learner[name], f"lite/wheels.txt pins {name}=={version}, requirements.txt {learner[name]}: run tools/build_lite.py --pin"


def test_environment_yml_installs_requirements_txt_and_nothing_else_from_pip():
    text = (REPOSITORY / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    assert re.findall(r"^\s+- (.+)$", pip_section, re.MULTILINE) == ["-r requirements.txt"]
    python = re.search(r"- python=(\S+)", text).group(1)
    assert python.startswith("3.1") and int(python.split(".")[1]) >= 11
    comment = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "requirements-servers.txt" in comment and "requirements-test.txt" in comment  # how to add the others


def test_this_environment_matches_every_pin():
    problems = [verdict for name, verdict, ok in environment_report(TEST, servers=None) if not ok]
    assert problems == []


def test_the_start_page_checks_the_learners_set_and_reports_the_drivers_without_requiring_them(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    names = [name for name, _, _ in environment_report()]
    assert names == ["Python", *pinned_versions(LEARNER), *pinned_versions(SERVERS)]
    monkeypatch.setattr("tutorial.envcheck._installed", lambda name: None)
    report = {name: (verdict, ok) for name, verdict, ok in environment_report()}
    assert report["psycopg"] == ("not installed: only needed on PostgreSQL (make lab SERVERS=1, or pip install -r requirements-servers.txt)", True)
    assert report["PyMySQL"][1] and not report["alembic"][1]
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://you@127.0.0.1:5432/postgres")
    report = {name: (verdict, ok) for name, verdict, ok in environment_report()}
    assert not report["psycopg"][1] and "DATABASE_URL names PostgreSQL" in report["psycopg"][0]
    assert report["PyMySQL"][1]
