"""Notebook 04's *Do it for real*, done by hand in a real JupyterLab: a terminal, and the site through the proxy.

In headless Chromium, the test opens a JupyterLab terminal (started with the settings ``make lab``
uses), types the commands a learner types, reads the terminal's screen, and checks that it shows what a
``%%terminal`` cell shows. Meanwhile the app is served by waitress, started with ``tutorial.serve()``, and
its page is opened through JupyterLab's proxy: a 500 with the real error before the upgrade, the bills
after it. Then the learner's other way: waitress started from the terminal with its one command.
Screenshots land in ``test-artifacts/screenshots/terminal-*.png``.

Needs Chromium, like ``test_jupyterlab.py``: it skips without it unless ``TUTORIAL_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from support.browser import JupyterLab, copy_notebooks
from support.notebook_page import SCREENSHOTS
from tutorial import project, sandbox, terminal, web

pytestmark = pytest.mark.browser

PROJECT = "04-upgrade-the-database"
TYPED_TIMEOUT = 30_000  # milliseconds for a typed command's output to show


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):  # noqa: F811
    """A JupyterLab of its own, and notebook 04's project in its workspace, at the revision not applied yet."""
    root = tmp_path_factory.mktemp("terminal")
    copy_notebooks(root)
    server = JupyterLab(root)
    saved = os.environ["ALEMBIC_TUTORIAL_WORKSPACE"], os.getcwd()
    os.environ["ALEMBIC_TUTORIAL_WORKSPACE"] = str(root / "workspace")
    try:
        project.start(PROJECT, stage="last_login-revision")
        server.start()
        yield server
    finally:
        web.stop_all()
        server.stop()
        os.environ["ALEMBIC_TUTORIAL_WORKSPACE"], cwd = saved
        os.chdir(cwd)


def test_a_terminal_and_the_served_site(lab: JupyterLab, browser):  # noqa: F811
    folder = lab.root / "workspace" / PROJECT
    site = web.serve(folder=folder)
    page = browser.new_page()
    try:
        page.goto(f"{lab.base_url}/lab?reset&token={lab.token}", timeout=60_000)
        page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('terminal:create-new'))",
                               timeout=60_000)
        page.evaluate("() => { window.jupyterapp.commands.execute('terminal:create-new'); }")
        page.wait_for_selector(".jp-Terminal .xterm-accessibility-tree", timeout=30_000)
        screen = TerminalScreen(page)
        screen.wait_for_prompt()

        # The terminal starts in the workspace, with the tutorial's alembic first on PATH.
        screen.type("pwd; command -v alembic")
        screen.wait_for(str(Path(sys.executable).parent / "alembic"))
        assert str((lab.root / "workspace").resolve()) in screen.text()

        screen.type(f"cd {PROJECT} && alembic current")
        before = terminal.run("alembic current", folder, echo=False).output
        screen.wait_for_lines(before, folder)

        # Before the upgrade, the proxied page is the app's 500 page with the real error.
        proxied = browser.new_page()
        answer = proxied.goto(f"{lab.base_url}{site.proxy_path}", timeout=30_000)
        assert answer.status == 500
        assert "no such column: users.last_login" in proxied.text_content("body")
        photograph(proxied, "terminal-site-before-upgrade")

        screen.type("alembic upgrade head")
        screen.wait_for("Running upgrade")
        screen.type("alembic current")
        after = terminal.run("alembic current", folder, echo=False).output
        assert "(head)" in after
        screen.wait_for_lines(after, folder)
        assert "Hint:" not in screen.text(), "a terminal gives no hints"

        answer = proxied.reload(timeout=30_000)
        assert answer.status == 200
        assert "Bill tracker" in proxied.text_content("h1") and "Ada" in proxied.text_content("body")
        photograph(proxied, "terminal-site-after-upgrade")
        photograph(page, "terminal-alembic")

        # The terminal's own way to serve the site: the command that tutorial.serve() runs.
        port = site.port
        site.stop()
        screen.type(site.command)
        screen.wait_for(f"Serving on http://127.0.0.1:{port}")
        answer = proxied.reload(timeout=30_000)
        assert answer.status == 200 and "Ada" in proxied.text_content("body")
        page.bring_to_front()
        page.click(".jp-Terminal .xterm-screen")
        page.keyboard.press("Control+C")
        screen.wait_for_prompt(after=f"Serving on http://127.0.0.1:{port}")
        photograph(page, "terminal-waitress")
        proxied.close()
    finally:
        page.close()


class TerminalScreen:
    """The JupyterLab terminal in ``page``: typing into it, and reading its rows as text."""

    def __init__(self, page):
        self.page = page

    def text(self) -> str:
        rows = self.page.eval_on_selector_all(
            ".jp-Terminal .xterm-accessibility-tree > div", "rows => rows.map(row => row.textContent)"
        )
        return "\n".join(row.replace("\u00a0", " ").rstrip() for row in rows)

    def type(self, command: str) -> None:
        self.page.click(".jp-Terminal .xterm-screen")
        self.page.keyboard.type(command)
        self.page.keyboard.press("Enter")

    def wait_for(self, text: str, timeout: float = TYPED_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout / 1000
        while text not in self.text():
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal never showed {text!r}; its screen:\n{self.text()}")
            time.sleep(0.1)

    def wait_for_prompt(self, after: str = "", timeout: float = TYPED_TIMEOUT) -> None:
        """Wait until the last row with text ends like a shell's prompt (``$`` or ``#``), below ``after``."""
        deadline = time.monotonic() + timeout / 1000
        while True:
            text = self.text()
            tail = text.split(after)[-1] if after else text
            rows = [row for row in tail.splitlines() if row.strip()]
            if rows and re.search(r"[$#]$", rows[-1]) and (not after or after in text):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no prompt in the terminal; its screen:\n{text}")
            time.sleep(0.1)

    def wait_for_lines(self, cell_output: str, folder: Path) -> None:
        """Wait until the screen shows every line of a cell's output, in order, paths as the cell shows them."""
        expected = [line for line in cell_output.splitlines() if line.strip()]
        deadline = time.monotonic() + TYPED_TIMEOUT / 1000
        while True:
            shown = sandbox.relative_paths(self.text(), folder).splitlines()
            if contains_in_order(shown, expected):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal does not show the cell's lines {expected}; its screen:\n"
                                     + "\n".join(shown))
            time.sleep(0.1)


def contains_in_order(lines: list[str], expected: list[str]) -> bool:
    """``expected`` appear in ``lines`` one after the other (the last such run counts)."""
    for start in range(len(lines) - len(expected), -1, -1):
        if [line.strip() for line in lines[start:start + len(expected)]] == [line.strip() for line in expected]:
            return True
    return False


def photograph(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
