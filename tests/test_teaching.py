"""The teacher's pack: the slides and the cheat sheet are built, and work, in a real browser; catch-up is said.

- The slides (``teaching/slides.ipynb``, nbconvert's reveal.js) are built into a temporary folder,
  served on 127.0.0.1 and shown in headless Chromium: every slide renders, with no console error,
  no failed request and no request leaving 127.0.0.1. Screenshots: test-artifacts/screenshots/slides-*.png.
- The cheat sheet (``teaching/cheatsheet.html``) is printed to PDF by headless Chromium, as
  ``make cheatsheet`` does, and fits one page, on A4 and on Letter.
  Screenshot: test-artifacts/screenshots/cheatsheet.png.

They need Chromium (and npm, for reveal.js): without them they skip, unless
``TUTORIAL_REQUIRE_BROWSER=1`` (as in CI), which makes them fail.
"""

from __future__ import annotations

import io
import os
import re
from urllib.parse import urlsplit

import nbformat
import pytest

from support.browser import serve_folder, skip_or_fail
from support.notebook_page import SCREENSHOTS
from support.paths import NOTEBOOKS, REPOSITORY
from support.tools import tool

build_teaching = tool("build_teaching")



def build(function, *args):
    try:
        return function(*args)
    except build_teaching.BuildProblem as problem:
        skip_or_fail(str(problem))


@pytest.fixture
def chromium(tmp_path):
    """A headless Chromium page, with a fresh profile, and the list of what went wrong in it."""
    if build_teaching.find_chromium() is None:
        skip_or_fail("Chromium not found: install it with `bash .ci/install-browser` to run the teaching tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("The Python package `playwright` is missing: pip install -r requirements-test.txt (make test does)")
    home = tmp_path / "chromium-home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=build_teaching.find_chromium(), args=build_teaching.CHROMIUM_FLAGS, headless=True, env=env, timeout=60_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            problems: list[str] = []
            page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
            page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"))

            def only_local(route):
                if urlsplit(route.request.url).hostname == "127.0.0.1":
                    return route.continue_()
                problems.append(f"left 127.0.0.1: {route.request.url}")
                return route.abort()

            page.route("**/*", only_local)
            yield page, problems
        finally:
            browser.close()




# --------------------------------------------------------------------------- the slides


def slide_cells() -> list:
    notebook = nbformat.read(REPOSITORY / "teaching" / "slides.ipynb", as_version=4)
    return [cell for cell in notebook.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "slide"]


def test_the_slides_are_marked_up_for_reveal():
    cells = slide_cells()
    assert len(cells) >= 6
    assert all(cell.cell_type == "markdown" for cell in cells), "the slides run no code: no kernel is needed"
    assert all(re.match(r"#{1,2} ", cell.source) for cell in cells), "each slide starts with its title"


def test_every_slide_renders_offline(tmp_path, chromium):
    page, problems = chromium
    html = build(build_teaching.slides, tmp_path / "build")
    loaded = re.findall(r"(?:src|href)=[\"'](https?://[^\"']+)", html.read_text(encoding="utf-8"))
    assert loaded == [], "the slides load something from the network"
    titles = [cell.source.splitlines()[0].lstrip("# ").strip() for cell in slide_cells()]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("slides-*.png"):
        old.unlink()
    with serve_folder(html.parent) as base:
        page.goto(f"{base}/{html.name}", wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        assert page.evaluate("Reveal.getTotalSlides()") == len(titles)
        for number, title in enumerate(titles):
            page.evaluate(f"Reveal.slide({number})")
            page.wait_for_function(f"() => Reveal.getState().indexh === {number}")
            slide = page.locator("section.present").last
            assert slide.is_visible(), f"slide {number + 1} is not shown"
            heading = slide.locator("h1, h2").first
            assert heading.text_content().strip().startswith(title.replace("`", "")), f"slide {number + 1}"
            box = slide.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100, f"slide {number + 1} is empty: {box}"
            assert box["y"] >= 0 and box["y"] + box["height"] <= 800 + 1, f"slide {number + 1} runs off the screen: {box}"
            page.screenshot(path=SCREENSHOTS / f"slides-{number + 1:02d}.png")
    assert problems == []


# --------------------------------------------------------------------------- the cheat sheet


def pages(pdf) -> list:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf if isinstance(pdf, bytes) else pdf.read_bytes())).pages


def test_the_cheat_sheet_fits_one_page(tmp_path, chromium):
    page, problems = chromium
    html, pdf = build(build_teaching.cheatsheet, tmp_path / "build")
    printed = pages(pdf)
    assert len(printed) == 1, f"the cheat sheet takes {len(printed)} pages"
    width, height = (float(value) * 25.4 / 72 for value in printed[0].mediabox.upper_right)
    assert (round(width), round(height)) == (210, 297), "make cheatsheet prints on A4"
    assert "alembic upgrade head" in printed[0].extract_text()
    with serve_folder(html.parent) as base:
        page.goto(f"{base}/{html.name}", wait_until="load")
        assert len(pages(page.pdf(format="Letter", prefer_css_page_size=False))) == 1, "it does not fit on Letter"
        assert len(pages(page.pdf(format="A4"))) == 1
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "cheatsheet.png", full_page=True)
    assert problems == []


# --------------------------------------------------------------------------- catch-up


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))[1:], ids=lambda path: path.stem[:2])
def test_each_notebook_says_what_was_built_for_a_learner_who_catches_up(path):
    """A learner who jumps to the class's notebook is told, by its first cell, what it built for them."""
    notebook = nbformat.read(path, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert f'tutorial.start("{path.stem}"' in first.source
    printed = "".join(output.get("text", "") for output in first.outputs)
    assert re.search(r"^Project folder: workspace/\S+ \(now the working directory\)$", printed, re.MULTILINE), printed
    assert re.search(r"^It holds: \S.+$", printed, re.MULTILINE), printed
    builds_on = re.search(r"built afresh, as notebook (\d\d)'s lesson leaves it", printed)
    if builds_on:
        assert re.search(rf"your own project of notebook {builds_on.group(1)}, if any, is untouched in workspace/", printed)


# --------------------------------------------------------------------------- the guide


def test_the_guide_links_resolve_and_labels_its_minutes_as_estimates():
    guide = REPOSITORY / "TEACHING.md"
    text = guide.read_text(encoding="utf-8")
    for link in re.findall(r"\]\(([^)#]+)\)", text):
        if not re.match(r"^[a-z]+:", link):
            assert (guide.parent / link).exists(), f"TEACHING.md: the link {link} leads nowhere"
    assert "## How the minutes were obtained" in text and "**estimates**" in text
    for heading in ("## The 90-minute class", "## The half-day workshop", "## The problems a class really hits",
                    "## Catch-up", "## My progress", "## The answer key"):
        assert heading in text
    assert "(TEACHING.md)" in (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_the_guide_quotes_what_the_tutorial_really_prints():
    """The hints the guide quotes are the ones the tutorial's code prints (tests/test_hints_*.py prove them)."""
    text = " ".join((REPOSITORY / "TEACHING.md").read_text(encoding="utf-8").split())
    hints = sorted((NOTEBOOKS / "tutorial" / "hints").glob("*.py"))  # the hint rules' modules
    source = " ".join(" ".join(path.read_text(encoding="utf-8") for path in hints).split())
    for said in ("this migration is empty: your models and the database already match.",
                 "run `alembic upgrade head` first, then autogenerate.",
                 "this folder has no alembic.ini, so it is not an Alembic project."):
        assert said in text and said in source.replace('" "', ""), said
