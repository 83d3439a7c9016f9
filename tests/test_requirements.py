"""One source of dependency truth: requirements.txt, pinned exactly; environment.yml installs it."""

from __future__ import annotations

import re

from conftest import REPOSITORY
from tutorial.envcheck import environment_report, pinned_versions

MUST_BE_PINNED = {"alembic", "SQLAlchemy", "jupyterlab", "ipywidgets", "nbval", "pytest", "nbclient"}


def test_the_packages_that_shape_outputs_are_pinned_exactly():
    pins = pinned_versions(REPOSITORY / "requirements.txt")
    assert MUST_BE_PINNED <= set(pins)
    for line in (REPOSITORY / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"not pinned exactly: {line}"


def test_environment_yml_installs_requirements_txt_and_nothing_else_from_pip():
    text = (REPOSITORY / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    assert re.findall(r"^\s+- (.+)$", pip_section, re.MULTILINE) == ["-r requirements.txt"]
    python = re.search(r"- python=(\S+)", text).group(1)
    assert python.startswith("3.1") and int(python.split(".")[1]) >= 11


def test_this_environment_matches_the_pins():
    problems = [verdict for name, verdict, ok in environment_report(REPOSITORY / "requirements.txt") if not ok]
    assert problems == []
