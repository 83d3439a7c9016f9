"""The course's website (``make site``, ``tools/build_site.py``): built once, checked over its HTML and in a browser.

The site is built as ``make site`` builds it, browser version included, into a temporary folder, once
per session. Then:

- over the built HTML: every notebook is a page that shows its stored outputs (errors, graphs, widgets
  with their one-line note); every internal link and anchor of every page resolves; no page loads a
  script, a stylesheet, a font or a picture from outside its own folder; the launch menu's hub and Binder
  links carry the notebook's path;
- served on 127.0.0.1 in headless Chromium, every other address refused: every page loads with no
  console error, no failed or refused request; the search finds a notebook; a core notebook's *Run in your browser* opens it in the
  browser version and its kernel becomes ready; axe-core (``site/package-lock.json``) finds no serious
  or critical accessibility violation on the home page, a notebook and the teaching guide.

Screenshots: test-artifacts/screenshots/site-*.png. The browser tests need Chromium and npm: without
them they skip, unless ``TUTORIAL_REQUIRE_BROWSER=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import html.parser
import shutil
import time
import urllib.parse
from pathlib import Path

import pytest

from support import tools
from support.browser import ABORTED, CHROMIUM_MISSING, serve_folder, skip_or_fail
from support.paths import REPOSITORY as REPO
from tutorial.devtools import lite_page
from tutorial.devtools.chromium import FLAGS as CHROMIUM_FLAGS
from tutorial.devtools.chromium import find_chromium

build_lite = tools.tool("build_lite")
build_site = tools.tool("build_site")
launch_menu = tools.load(REPO / "site" / "launch_menu.py")

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
NOTEBOOK_NAMES = sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb"))
CORE = "02-connect-alembic.ipynb"
AUDITED = ["index.html", "notebooks/04-upgrade-the-database.html", "TEACHING.html"]
AXE = build_site.SITE / "node_modules" / "axe-core" / "axe.min.js"


# --------------------------------------------------------------------------- the build, once


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built as ``make site`` builds it (browser version included), into a temporary folder."""
    if shutil.which("npm") is None:
        skip_or_fail("npm not found: the site's build fetches Mermaid, the widgets' manager and Pyodide with it")
    folder = tmp_path_factory.mktemp("site")
    started = time.monotonic()
    try:
        output = build_site.build(folder / "site", stage=folder / "source")
    except (build_site.BuildError, build_lite.BuildError, build_site.build_teaching.BuildProblem) as error:
        pytest.fail(f"make site's build failed: {error}", pytrace=False)
    print(f"make site's build: {time.monotonic() - started:.0f} s")
    lite_page.expose_app(output / "lite")
    return output


def pages_of(site: Path) -> list[Path]:
    """Every HTML page of the site, the browser version's app (lite/) left out."""
    return sorted(path for path in site.rglob("*.html") if path.relative_to(site).parts[0] not in ("lite", "_static"))


class Page(html.parser.HTMLParser):
    """A page's ids, its links (``<a href>``) and what it loads (scripts, stylesheets, pictures, frames)."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}

    def __init__(self, path: Path):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in self.LOADS and attrs.get(self.LOADS[tag]):
            if tag != "link" or (attrs.get("rel") or "") in ("stylesheet", "icon", "preload", "modulepreload"):
                self.loads.append(attrs[self.LOADS[tag]])


# --------------------------------------------------------------------------- over the built HTML


def test_every_notebook_is_a_page_with_its_stored_outputs(site):
    for name in NOTEBOOK_NAMES:
        page = (site / "notebooks" / name).with_suffix(".html").read_text(encoding="utf-8")
        assert 'class="cell_output' in page or name.startswith("00"), f"{name}'s page shows no output"
    errors = (site / "notebooks" / "16-troubleshoot-common-errors.html").read_text(encoding="utf-8")
    assert errors.count("output traceback") >= 5, "notebook 16's page lacks the errors it provokes"
    graph = (site / "notebooks" / "07-read-the-history.html").read_text(encoding="utf-8")
    assert graph.count('<pre class="mermaid">') >= 4 and "```mermaid" not in graph
    checked = (site / "notebooks" / "04-upgrade-the-database.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in checked and "widgets-embed.js" in checked
    assert "The <em>Check my work</em> button checks your own project" in checked
    assert "The migration explorer works once the notebook runs" in checked
    for name in NOTEBOOK_NAMES:  # the page's download button gives the notebook itself
        assert (site / "_sources" / "notebooks" / name).read_bytes() == (REPO / "notebooks" / name).read_bytes(), name
    left_out = (site / "notebooks" / "18-move-to-postgresql.html").read_text(encoding="utf-8")
    assert 'id="not-in-your-browser"' in left_out and "needs a PostgreSQL server" in left_out


def test_every_internal_link_and_anchor_resolves(site):
    problems = []
    parsed: dict[Path, Page] = {}

    def page(path: Path) -> Page:
        if path not in parsed:
            parsed[path] = Page(path)
        return parsed[path]

    pages = pages_of(site)
    assert len(pages) > len(NOTEBOOK_NAMES) + 3
    for path in pages:
        for link in page(path).links + page(path).loads:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("javascript:", "mailto:")):
                continue
            target = path if not parts.path else (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)}: {link}"
            if not target.is_file():
                problems.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html" and not target.is_relative_to(site / "lite"):
                if urllib.parse.unquote(parts.fragment) not in page(target).ids:
                    problems.append(f"{where}: no anchor #{parts.fragment}")
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems[:40])


def test_no_page_loads_anything_from_outside_its_folder(site):
    outside = []
    for path in pages_of(site):
        for load in Page(path).loads:
            if urllib.parse.urlsplit(load).scheme in ("http", "https") or load.startswith("//"):
                outside.append(f"{path.relative_to(site)}: {load}")
    assert not outside, "\n".join(outside)


def launch_links(site: Path, name: str) -> dict[str, str]:
    """The launch menu's entries on ``name``'s page: {text: href}."""
    text = (site / "notebooks" / name).with_suffix(".html").read_text(encoding="utf-8")
    menu = text.split('dropdown-launch-buttons', 1)[1].split("</ul>", 1)[0]
    links = {}
    for chunk in menu.split("<li>")[1:]:
        label = chunk.split('btn__text-container">', 1)[1].split("<", 1)[0]
        href = chunk.split('href="', 1)[1].split('"', 1)[0] if 'href="' in chunk else ""
        links[label] = html.unescape(href)
    return links


def test_the_launch_menu_names_the_notebook_for_the_hub_binder_and_the_browser(site):
    settings = build_site._conf()
    for name in (CORE, "18-move-to-postgresql.ipynb"):
        links = launch_links(site, name)
        hub = urllib.parse.urlsplit(links["JupyterHub"])
        query = urllib.parse.parse_qs(hub.query)
        repository = settings["REPOSITORY_URL"].rstrip("/").rsplit("/", 1)[1]
        assert links["JupyterHub"].startswith(settings["JUPYTERHUB_URL"] + "/hub/user-redirect/git-pull?")
        assert query["repo"] == [settings["REPOSITORY_URL"]] and query["branch"] == [settings["REPOSITORY_BRANCH"]]
        assert query["urlpath"] == [f"lab/tree/{repository}/notebooks/{name}"]
        assert links["Binder"].startswith(settings["BINDERHUB_URL"] + "/v2/gh/")
        assert links["Binder"].endswith(f"?urlpath=lab/tree/notebooks/{name}")
    assert launch_links(site, CORE)["Run in your browser"] == f"../lite/lab/index.html?path={CORE}"
    assert "Not in your browser: why" in launch_links(site, "18-move-to-postgresql.ipynb")
    for name in NOTEBOOK_NAMES:
        entry = launch_menu.browser_entry(f"notebooks/{Path(name).stem}")
        assert (entry["type"] == "link") == (name in build_lite.INCLUDED), name


# --------------------------------------------------------------------------- the Pages workflow

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"  # actionlint checks it with the others (tests/test_workflows.py)


def test_the_pages_workflow_builds_with_make_site_on_main_and_deploys_build_site():
    import yaml

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step for step in build["steps"] if "run" in step]
    assert [step["run"] for step in runs] == ["make site"]
    assert runs[0]["env"]["SITE_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "build/site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    python = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"  # pyproject.toml's oldest


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser(site):
    """A headless Chromium on the served site; every request off 127.0.0.1 is refused and recorded.

    For this module only: a Playwright left running would stop the next module's on the same worker.
    """
    if find_chromium() is None:
        skip_or_fail(CHROMIUM_MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    with serve_folder(site) as url, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), headless=True, timeout=60_000,
                                              args=CHROMIUM_FLAGS + lite_page.OFFLINE_FLAGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.problems = []

        def only_local(route):
            if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
                return route.continue_()
            context.problems.append(f"refused: {route.request.url}")
            return route.abort()

        context.route("**/*", only_local)
        context.url = url
        try:
            yield context
        finally:
            context.close()
            chromium.close()


def watched(context, page):
    """``page`` with what goes wrong in it appended to ``context.problems``."""
    problems = context.problems
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # ABORTED: the next page was opened before a late favicon came.
    page.on("requestfailed", lambda request: request.failure != ABORTED and problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"))
    return page


def screenshot(page, name: str, **options) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"site-{name}.png"
    page.screenshot(path=str(path), **options)
    print(f"screenshot: {path}")
    return path


# Every Mermaid graph of the page drawn, and its widgets (when it has some) drawn from their stored state.
DRAWN = """() => [...document.querySelectorAll('pre.mermaid')].every(graph => graph.querySelector('svg'))
    && (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')
        || !!document.querySelector('.jupyter-widgets'))"""


@pytest.mark.browser
def test_every_page_loads_with_no_error_and_nothing_from_outside(site, browser):
    page = watched(browser, browser.new_page())
    problems = []
    for path in pages_of(site):
        relative = path.relative_to(site).as_posix()
        browser.problems.clear()
        page.goto(f"{browser.url}/{relative}", wait_until="networkidle")
        try:
            page.wait_for_function(DRAWN, timeout=30_000)
        except Exception:
            problems.append(f"{relative}: its graphs or widgets were not drawn within 30 s")
        problems += [f"{relative}: {problem}" for problem in browser.problems]
    page.goto(f"{browser.url}/notebooks/07-read-the-history.html", wait_until="networkidle")
    page.wait_for_function("() => document.querySelectorAll('pre.mermaid svg').length >= 4", timeout=30_000)
    page.wait_for_selector(".widget-button", timeout=30_000)  # the widgets' stored state, drawn
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_full_text_search_finds_the_notebooks_offline(browser):
    page = watched(browser, browser.new_page())
    browser.problems.clear()
    page.goto(f"{browser.url}/search.html?q=merge+heads", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=30_000)
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(link => link.getAttribute('href'))")
    page.close()
    assert any("14-branch-and-merge" in href for href in found), found
    assert not browser.problems, "\n".join(browser.problems)


@pytest.mark.browser
def test_screenshots_of_the_home_page_a_notebook_and_the_launch_menu(browser):
    page = watched(browser, browser.new_page())
    browser.problems.clear()
    page.goto(f"{browser.url}/index.html", wait_until="networkidle")  # the favicon too: leaving earlier aborts it
    screenshot(page, "home")
    page.goto(f"{browser.url}/notebooks/14-branch-and-merge.html", wait_until="networkidle")  # the favicon too: leaving earlier aborts it
    page.wait_for_function("() => document.querySelectorAll('pre.mermaid svg').length >= 1", timeout=30_000)
    page.locator(".output.traceback").first.scroll_into_view_if_needed()
    screenshot(page, "notebook-error")
    page.locator("pre.mermaid svg").first.scroll_into_view_if_needed()
    screenshot(page, "notebook-graph")
    page.goto(f"{browser.url}/notebooks/{Path(CORE).stem}.html", wait_until="networkidle")  # the favicon too: leaving earlier aborts it
    page.click(".dropdown-launch-buttons button")
    page.wait_for_selector(".dropdown-launch-buttons .dropdown-menu.show")
    screenshot(page, "launch-menu")
    page.close()
    assert not browser.problems, "\n".join(browser.problems)


@pytest.mark.browser
def test_run_in_your_browser_opens_the_notebook_with_its_kernel_ready(browser):
    page = watched(browser, browser.new_page())
    page.goto(f"{browser.url}/notebooks/{Path(CORE).stem}.html", wait_until="load")
    page.click(".dropdown-launch-buttons button")
    started = time.monotonic()
    with browser.expect_page() as opened:
        page.click(".dropdown-launch-buttons a.btn-run-in-browser")
    lite = watched(browser, opened.value)
    lite.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)", timeout=120_000, polling=250)
    lite.wait_for_function(
        """(path) => {
            const widget = window.jupyterapp.shell.currentWidget;
            const kernel = widget && widget.context && widget.context.path === path && widget.sessionContext.session?.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        arg=CORE, timeout=lite_page.KERNEL_TIMEOUT * 1000, polling=250,
    )
    print(f"{CORE}: from the launch menu to an idle kernel in the browser version: {time.monotonic() - started:.1f} s")
    screenshot(lite, "launched")
    lite.close()
    page.close()
    assert not [problem for problem in browser.problems if problem.startswith("refused")], "\n".join(browser.problems)


@pytest.mark.browser
@pytest.mark.parametrize("relative", AUDITED)
def test_no_serious_accessibility_violation(browser, relative):
    page = browser.new_page()
    page.goto(f"{browser.url}/{relative}", wait_until="load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    page.close()
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}; e.g. {violation['nodes'][0]['target']}"
        for violation in result["violations"] if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{relative}:\n" + "\n".join(serious)

