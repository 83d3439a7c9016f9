"""Build the browser version of the tutorial (JupyterLite) and run its notebooks in the Pyodide kernel.

The site is built as ``make lite`` builds it (``tools/build_lite.py``), into a
temporary folder, and served on 127.0.0.1. One headless Chromium page opens each
included notebook in turn, clears its stored outputs (they are CPython's) and runs
it top to bottom in the Pyodide kernel, in the browser (the notebooks share one
kernel, as ``tutorial.devtools.lite_page.open_notebook`` explains). The test fails when:

- a request leaves 127.0.0.1 (Pyodide, the wheels and the notebooks must all come
  from the site itself);
- a cell does not run, or shows an error or red text, unless it is tagged
  ``raises-exception``; a Mermaid block is not drawn; a widget is not drawn, or
  clicking a ``browser-click`` cell's button changes nothing (the checks of
  ``test_jupyterlab.py``).

A screenshot of each notebook lands in ``test-artifacts/screenshots/lite-NN-....png``.

Needs Chromium and npm (the build fetches Pyodide with ``npm pack``); without them the
tests skip, unless ``TUTORIAL_REQUIRE_BROWSER=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from support.browser import ABORTED, CHROMIUM_MISSING, REPOSITORY, serve_folder, skip_or_fail
from support.notebook_page import check_cells, click_buttons, dialog_problems, screenshot, settled_report
from support.tools import tool
from tutorial.devtools import lite_page as lite
from tutorial.devtools.chromium import find_chromium

build_lite = tool("build_lite")

pytestmark = pytest.mark.browser

NOTEBOOK_TIMEOUT = float(os.environ.get("TUTORIAL_BROWSER_TIMEOUT", "120"))  # seconds per notebook's run
LONGER = {"16-troubleshoot-common-errors.ipynb": 3}  # the longest notebook in the browser: this many times the time


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built as ``make lite`` builds it, into a temporary folder."""
    if find_chromium() is None:
        skip_or_fail(CHROMIUM_MISSING)
    if shutil.which("npm") is None:
        skip_or_fail("npm not found: the browser version's build fetches Pyodide with it (apt-get install -y npm)")
    output = tmp_path_factory.mktemp("lite") / "site"
    try:
        build_lite.build(output)
    except build_lite.BuildError as error:
        pytest.fail(f"make lite's build failed: {error}", pytrace=False)
    lite.expose_app(output)
    return output


@pytest.fixture(scope="module")
def page(site):
    """One Chromium page for every notebook; each request that would leave 127.0.0.1 is refused and recorded."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    with serve_folder(site) as url, lite.site_page(url) as page:
        print(f"JupyterLite's page loaded in {page.load_seconds:.1f} s")
        page.site_url = url
        yield page


def test_the_left_out_notebooks_are_all_the_others_and_the_readme_says_why():
    every = sorted(path.name for path in (REPOSITORY / "notebooks").glob("*.ipynb"))
    assert sorted([*build_lite.INCLUDED, *build_lite.LEFT_OUT]) == every
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it in your browser", 1)[1].split("\n## ", 1)[0]
    for name in build_lite.LEFT_OUT:
        assert f"- {name[:2]} · " in section, f"the README's 'Try it in your browser' does not say why {name} is left out"


def test_each_notebook_on_the_site_says_what_differs_and_links_only_to_notebooks_there():
    for name in build_lite.INCLUDED:
        notebook = build_lite.for_the_browser(json.loads((REPOSITORY / "notebooks" / name).read_text(encoding="utf-8")), name)
        assert notebook["cells"][1]["source"].startswith("> **In your browser.**"), name
        markdown = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
        linked = {match.group(2) for match in build_lite.NOTEBOOK_LINK.finditer(markdown)}
        assert linked <= set(build_lite.INCLUDED), f"{name} links to {sorted(linked - set(build_lite.INCLUDED))}"
    original = (REPOSITORY / "notebooks" / "00-start-here.ipynb").read_text(encoding="utf-8")
    assert "](18-move-to-postgresql.ipynb)" in original  # so the test above has a link to take away


def test_the_start_page_on_the_site_names_the_notebooks_there_and_why_each_other_is_not():
    note = build_lite.browser_note("00-start-here.ipynb")
    assert f"notebooks {build_lite._numbers(build_lite.INCLUDED)}." in note
    for name, why in build_lite.LEFT_OUT.items():
        assert f">   - {name[:2]} {why}\n" in note
    assert "the environment check below says what runs here instead" in note
    assert build_lite._numbers(["00-a", "01-b", "02-c", "05-d", "07-e", "08-f"]) == "00 to 02, 05 and 07 to 08"
    assert build_lite._numbers(["00-a", "01-b"]) == "00 to 01"


def test_notebook_15_on_the_site_installs_pytest_from_the_site_and_says_where_it_runs():
    name = "15-test-your-migrations.ipynb"
    cells = build_lite.for_the_browser(json.loads((REPOSITORY / "notebooks" / name).read_text(encoding="utf-8")), name)["cells"]
    assert "**`pytest` runs inside this kernel** (`pytest.main`)" in cells[1]["source"]
    assert cells[2]["cell_type"] == "code" and cells[2]["source"].endswith("%pip install pytest pytest-alembic")
    pins = build_lite.read_pins()
    assert {"pytest", "pytest-alembic", "pluggy", "iniconfig"} <= set(pins)


def test_the_build_stops_saying_what_is_missing(monkeypatch, tmp_path):
    pins = tmp_path / "wheels.txt"
    pins.write_text("alembic>=1.0\n")
    with pytest.raises(build_lite.BuildError, match=r"cannot read 'alembic>=1\.0' \(name==version --hash=sha256:\.\.\.\)"):
        build_lite.read_pins(pins)
    failed = type("Process", (), {"returncode": 1, "stderr": "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE"})
    monkeypatch.setattr(build_lite.subprocess, "run", lambda *args, **kwargs: failed)
    monkeypatch.setattr(build_lite, "CACHE", tmp_path)
    with pytest.raises(build_lite.BuildError, match=r"alembic==0\.0\.1 with the sha256 of .* could not be downloaded .*\n.*DO NOT MATCH"):
        build_lite.fetch_pinned("alembic", "0.0.1", "0" * 64)


def test_a_wheels_dependencies_are_read_from_its_metadata_for_pyodide():
    metadata = ("Name: pytest\nRequires-Dist: pluggy<2,>=1.5\nRequires-Dist: colorama>=0.4; sys_platform == \"win32\"\n"
                "Requires-Dist: tomli>=1; python_version < \"3.11\"\nRequires-Dist: Pygments>=2.7.2\n"
                "Requires-Dist: hypothesis>=3.56; extra == \"dev\"\n")
    assert build_lite.dependencies(metadata) == ["pluggy", "pygments"]


def test_the_site_loads_everything_from_its_own_folder(site):
    pyodide = build_lite.pyodide_folder(site)
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert {"alembic", "sqlalchemy", "ipywidgets", "micropip", "ipython"} <= set(lock["packages"])
    assert all((pyodide / entry["file_name"]).is_file() for entry in lock["packages"].values())
    settings = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = settings["litePluginSettings"][build_lite.KERNEL_PLUGIN]
    assert kernel["pyodideUrl"] == f"./static/pyodide/{pyodide.name}/pyodide-with-progress.mjs"
    assert kernel["disablePyPIFallback"] is True
    assert kernel["loadPyodideOptions"]["packages"] == build_lite.PRELOADED


def test_the_pyodide_folder_is_named_after_its_files_so_browsers_may_keep_it(site, tmp_path):
    pyodide = build_lite.pyodide_folder(site)
    assert pyodide.name == build_lite.folder_digest(pyodide)
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "a.txt").write_text("one")
    first = build_lite.folder_digest(tmp_path)
    assert build_lite.folder_digest(tmp_path) == first
    (tmp_path / "inner" / "a.txt").write_text("two")
    changed = build_lite.folder_digest(tmp_path)
    (tmp_path / "inner" / "a.txt").rename(tmp_path / "a.txt")
    assert len({first, changed, build_lite.folder_digest(tmp_path)}) == 3


def test_only_the_pyodide_folder_is_served_for_browsers_to_keep(tmp_path):
    kept = tmp_path / "static" / "pyodide" / "0123456789abcdef"
    kept.mkdir(parents=True)
    (kept / "pyodide.mjs").write_text("export {};", encoding="utf-8")
    (tmp_path / "jupyter-lite.json").write_text("{}", encoding="utf-8")
    with serve_folder(tmp_path) as url:
        with urllib.request.urlopen(f"{url}/static/pyodide/0123456789abcdef/pyodide.mjs") as response:
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        with urllib.request.urlopen(f"{url}/jupyter-lite.json") as response:
            assert response.headers["Cache-Control"] is None
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{url}/static/pyodide/0123456789abcdef/absent.whl")
        assert missing.value.headers["Cache-Control"] is None


def test_the_site_holds_the_pinned_files_with_their_bytecode_added(site):
    """Every file Python loads is the one pinned (PyPI's sha256, npm's integrity), plus bytecode and nothing else."""
    pyodide = build_lite.pyodide_folder(site)
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    pins = build_lite.read_pins()
    kernel = {build_lite._normalized(wheel.name.split("-")[0]): wheel for wheel in build_lite.kernel_wheels()}
    assert set(lock) == set(pins) | set(kernel) | {build_lite.TUTORIAL_WHEEL[0]}
    for name, entry in lock.items():
        shipped = pyodide / entry["file_name"]
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == entry["sha256"], f"{shipped.name} differs from the lock"
        if name in pins:
            pinned = build_lite.fetch_pinned(name, *pins[name])  # checked against the pin's sha256
            original = build_lite.build_pure_wheel(pinned) if name in build_lite.BUILT_FROM_SOURCE else pinned
        else:
            original = kernel.get(name) or build_lite.tutorial_wheel(site.parent / "helpers")
        assert only_bytecode_added(original, shipped, r"(.+/)?(__pycache__/[^/]+\.cpython-314\.pyc|[^/]+\.pyc)") == [], shipped.name
    with tarfile.open(build_lite.fetch_pyodide()) as npm:  # checked against npm's integrity
        for name in build_lite.PYODIDE_FILES:
            original = site.parent / name
            original.write_bytes(npm.extractfile(f"package/{name}").read())
            if name == "python_stdlib.zip":
                assert only_bytecode_added(original, pyodide / name, r".+\.pyc") == []
            elif name != "pyodide-lock.json":
                assert original.read_bytes() == (pyodide / name).read_bytes(), f"{name} differs from npm's"


def only_bytecode_added(original: Path, shipped: Path, bytecode: str) -> list[str]:
    """What ``shipped`` holds beyond ``original``'s members, unchanged, and their bytecode (``bytecode``, a pattern):
    a module's source may give way to its bytecode (the kernel's own packages, as Pyodide's builds have them)."""
    with zipfile.ZipFile(original) as before, zipfile.ZipFile(shipped) as after:
        old = {name: before.read(name) for name in before.namelist()}
        new = {name: after.read(name) for name in after.namelist()}

    def compiled(name: str) -> bool:  # its bytecode in its place, where Python imports a module without source
        return name.endswith(".py") and name + "c" in new

    problems = [f"{name} is missing" for name in old if name not in new and not compiled(name)]
    problems += [f"{name} changed" for name in old if name in new and old[name] != new[name] and not name.endswith(".dist-info/RECORD")]
    problems += [f"{name} was added" for name in new if name not in old and not re.fullmatch(bytecode, name)]
    return problems


def test_a_cold_start_says_what_is_loading(page):
    """The first notebook's kernel starts in a fresh browser, from the notebook's own address: the progress line
    names each step; the phases are printed (``make benchmark`` measures them on a fresh profile, page included)."""
    start = lite.start_notebook(page, page.site_url, build_lite.INCLUDED[0])
    for what, seconds in start["phases"]:
        print(f"cold start: {what:<60} {seconds:5.1f} s")
    print(f"cold start: opening {build_lite.INCLUDED[0]}'s address to its kernel idle: {start['seconds']:.1f} s")
    texts = [step["text"] for step in build_lite.START_STEPS]
    assert start["steps"] == ["Starting Python in your browser (Pyodide)", *texts, "Starting the kernel (IPython)", "Python is ready"]
    assert len(start["phases"]) == len(lite.START_PHASES)
    line = page.locator("#tutorial-progress")
    assert line.text_content() == "Python is ready" and line.get_attribute("role") == "status"
    line.wait_for(state="hidden", timeout=10_000)


def test_the_kernel_looks_in_its_folder_after_the_standard_library_as_in_jupyterlab(page):
    """The current folder ("") comes after the standard library and before site-packages on the kernel's sys.path,
    as in an ipykernel kernel on CPython, not first (Pyodide's own order): with the kernel in the file browser's
    drive, a look there is a request to the page, so that importing a standard module makes none (checked here
    through sys.path's order). Opens the first notebook, whose kernel runs the check."""
    lite.open_notebook(page, build_lite.INCLUDED[0])
    path = json.loads(lite.run_code(page, "import json, sys; print(json.dumps(sys.path))"))
    standard = [index for index, entry in enumerate(path) if entry.startswith("/lib/python") and "site-packages" not in entry]
    installed = [index for index, entry in enumerate(path) if entry.endswith("site-packages")]
    assert path.count("") == 1 and standard and installed, path
    assert max(standard) < path.index("") < min(installed), path
    assert all(entry.startswith("/lib/python") for entry in path[: path.index("")]), path


@pytest.mark.parametrize("name", build_lite.INCLUDED, ids=[Path(name).stem for name in build_lite.INCLUDED])
def test_notebook_in_the_browser(name: str, page, site):
    cells = json.loads((site / "files" / name).read_text(encoding="utf-8"))["cells"]
    started = time.monotonic()
    problems: list[str] = []
    try:
        kernel = lite.open_notebook(page, name)
        print(f"{name}: kernel {kernel['id'][:8]} ({'shared' if kernel['shared'] else 'its own'}) idle after {kernel['seconds']:.1f} s")
        lite.clear_outputs(page)
        run_started = time.monotonic()
        timeout = NOTEBOOK_TIMEOUT * LONGER.get(name, 1)
        stuck = lite.run_all(page, timeout)
        problems += [f"{stuck} (TUTORIAL_BROWSER_TIMEOUT)"] if stuck else []
        print(f"{name}: Run All took {time.monotonic() - run_started:.1f} s in the browser")
        deadline = time.monotonic() + timeout
        report = settled_report(page, deadline)
        assert len(report) == len(cells), f"JupyterLite shows {len(report)} cells, {name} has {len(cells)}"
        problems += click_buttons(page, cells, report)
        report = settled_report(page, deadline)
        problems += check_cells(cells, report, "/home/pyodide", name)
        problems += dialog_problems(page)
    finally:
        for shot in screenshot(page, f"lite-{Path(name).stem}"):
            print(f"screenshot: {shot}")
        print(f"{name}: {time.monotonic() - started:.1f} s in all")
    problems += [f"a request left 127.0.0.1: {url}" for url in page.outside]
    page.outside.clear()
    if page.errors:
        print("JavaScript errors in the page:", *page.errors, sep="\n  ")
        page.errors.clear()
    if problems:
        print(f"{name}: FAILED:", *problems, sep="\n- ")
        pytest.fail(f"{name} in the browser:\n- " + "\n- ".join(problems), pytrace=False)


def test_nothing_was_fetched_that_the_build_did_not_put_there(page, site):
    """Every request of the page and of its kernel (after the notebooks above) was for a file of the site, answered,
    or for JupyterLite's own service worker (its ``api/``, the file browser's ``drive``). A request the browser
    gave up itself (``net::ERR_ABORTED``, when the page moved on) counts if its file is the site's."""
    problems = []
    for url, status in page.answered:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        if url.startswith(("data:", "blob:")) or path.startswith("api/") or path.endswith("/drive") or path == "api":
            continue
        file = site / (path or "index.html")
        answered = (isinstance(status, int) and status < 400) or status == ABORTED
        if not (file.is_file() or (file / "index.html").is_file()) or not answered:
            problems.append(f"{url}: {status}")
    assert problems == [], "requests the site's files did not answer:\n" + "\n".join(problems[:20])
