"""Build the course's website into build/site/ (``make site``): every notebook as a page, with a launch menu.

Usage::

    python tools/build_site.py                 # builds build/site/
    python -m http.server -d build/site -b 127.0.0.1 8000   # then open http://127.0.0.1:8000/

Sphinx, with myst-nb and sphinx-book-theme (settings in ``site/conf.py``), renders the pages from copies
staged in ``build/site-source/``, never running a notebook:

- the README is the home page and its table of notebooks the sidebar's tracks; TEACHING.md and a page
  for the slides and the cheat sheet follow; a link to a file of the repository becomes a download, a
  link to a folder goes to the repository;
- a notebook's Mermaid graph is drawn by Mermaid (from npm, ``site/package-lock.json``), its widgets from
  their stored state by ipywidgets' HTML manager (the same), each with one line saying that it works once
  the notebook runs; a notebook the browser version leaves out says why at its top;
- the slides and the cheat sheet (``tools/build_teaching.py``) and the browser version
  (``tools/build_lite.py``) are built into ``teaching/`` and ``lite/`` of the site.

The site loads nothing from outside its own folder.

Why these tools: Sphinx, myst-nb and sphinx-book-theme are the Jupyter Book 1 stack, installed from PyPI with
their themes and assets inside the wheels, so the build needs nothing but the package registries (Jupyter Book 2,
mystmd, fetches its theme from the web at build time, which fails offline and behind a firewall). jupyterlite-sphinx
is not used: it would build a second JupyterLite, whose kernel loads Pyodide from a CDN, beside the offline one
that tools/build_lite.py already builds and tests; the site ships that one in ``lite/`` and links to it.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SITE = REPOSITORY / "site"
OUTPUT = REPOSITORY / "build" / "site"
STAGE = REPOSITORY / "build" / "site-source"
NOTEBOOKS = REPOSITORY / "notebooks"

sys.path.insert(0, str(REPOSITORY / "tools"))
import build_lite  # noqa: E402
import build_teaching  # noqa: E402

# The npm packages the site serves from _static (site/package.json pins them).
SCRIPTS = {
    "mermaid.min.js": "mermaid/dist/mermaid.min.js",
    "widgets-embed.js": "@jupyter-widgets/html-manager/dist/embed.js",
}
LINK = re.compile(r"\]\(([^)\s]+)\)")
MERMAID_FENCE = re.compile(r"\A```mermaid\n(.*?)```\s*\Z", re.S)
NOTEBOOK_HREF = re.compile(r"""href=(["'])([0-9][0-9]-[a-z0-9-]+)\.ipynb""")
PROJECT_LINK = re.compile(r"""<a href=["'](?:\.\./workspace/|/proxy/)[^>]*>(.*?)</a>""", re.S)
TEACHING_PACK = "teaching/index.md"
# Where a link to one of these leads on the site.
LINK_TARGETS = {"teaching": TEACHING_PACK, "teaching/cheatsheet.html": TEACHING_PACK, "teaching/slides.ipynb": TEACHING_PACK,
                "notebooks/solutions": "notebooks/solutions/README.md"}
STATIC_WIDGET_NOTE = {
    "exercises.button": "The *Check my work* button checks your own project: it works once the notebook runs (the launch menu: the rocket at the top of the page).",
    "MigrationExplorer": "The migration explorer works once the notebook runs (the launch menu: the rocket at the top of the page): here it shows what it showed when the notebook was saved.",
}
STATIC_WIDGET_DEFAULT = "This widget works once the notebook runs (the launch menu: the rocket at the top of the page)."


class BuildError(Exception):
    """Something the build needs is missing or failed; the message says what."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the site (default build/site)")
    parser.add_argument("--no-lite", action="store_true", help="leave out the browser version (lite/)")
    arguments = parser.parse_args()
    started = time.monotonic()
    try:
        build(arguments.output.resolve(), lite=not arguments.no_lite)
    except (BuildError, build_lite.BuildError, build_teaching.BuildProblem) as error:
        print(f"make site: {error}", file=sys.stderr)
        return 1
    print(f"Site built in {arguments.output} in {time.monotonic() - started:.0f} s: serve it with "
          f"`python3 -m http.server -d {arguments.output} -b 127.0.0.1 8000`")
    return 0


def build(output: Path, lite: bool = True, stage: Path = STAGE) -> Path:
    """Build the whole site into ``output``; return ``output``."""
    scripts = install_scripts()
    if stage.exists():
        shutil.rmtree(stage)
    stage_pages(stage)
    if output.exists():
        shutil.rmtree(output)
    sphinx(stage, output, scripts)
    for notebook in NOTEBOOKS.glob("*.ipynb"):  # the download button offers the notebook as the repository has it
        shutil.copy2(notebook, output / "_sources" / "notebooks" / notebook.name)
    teaching = output / "teaching"
    build_teaching.slides(teaching)
    shutil.copy2(REPOSITORY / "teaching" / "cheatsheet.html", teaching / "cheatsheet.html")
    if lite:
        build_lite.build(output / "lite")
    return output


def install_scripts() -> Path:
    """site/node_modules at the versions of site/package-lock.json (``npm ci``, only when needed)."""
    modules = SITE / "node_modules"
    marker = modules / ".package-lock.json"  # npm writes it on each install
    if not (marker.is_file() and marker.stat().st_mtime >= (SITE / "package-lock.json").stat().st_mtime):
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError("npm not found: install Node.js (e.g. `sudo apt-get install -y npm`); it brings Mermaid")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], cwd=SITE, check=True)
    return modules


# --------------------------------------------------------------------------- the pages


def stage_pages(stage: Path) -> None:
    """Copy the pages into ``stage`` as Sphinx reads them: the home page, the guide, the notebooks."""
    (stage / "notebooks").mkdir(parents=True)
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    write(stage / "index.md", rewrite_links(readme, Path("."), stage) + sidebar(readme))
    write(stage / "TEACHING.md", rewrite_links((REPOSITORY / "TEACHING.md").read_text(encoding="utf-8"), Path("."), stage))
    write(stage / TEACHING_PACK, (SITE / "teaching.md").read_text(encoding="utf-8"))
    solutions = (NOTEBOOKS / "solutions" / "README.md").read_text(encoding="utf-8")
    write(stage / "notebooks" / "solutions" / "README.md", "---\norphan: true\n---\n" + rewrite_links(solutions, Path("notebooks/solutions"), stage))
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = for_the_site(json.loads(path.read_text(encoding="utf-8")), path.name, stage)
        write(stage / "notebooks" / path.name, json.dumps(notebook, indent=1, ensure_ascii=False))


def sidebar(readme: str) -> str:
    """The sidebar's tracks, from the README's table of notebooks: one hidden toctree per track."""
    table = readme.split("## The notebooks", 1)[1].split("\n## ", 1)[0]
    tracks: list[tuple[str, list[str]]] = [("Start here", [])]
    for line in table.splitlines():
        heading = re.fullmatch(r"\|\s*\*\*(.+?)\*\*\s*\|.*", line)
        entry = re.match(r"\|\s*\[([^\]]+)\]\((notebooks/[^)]+)\.ipynb\)", line)
        if heading:
            tracks.append((heading.group(1).rstrip(":"), []))
        elif entry:
            tracks[-1][1].append(f"{entry.group(1).replace('`', '')} <{entry.group(2)}>")  # a title in the sidebar is plain text
    tracks.append(("For teachers", ["The teaching guide <TEACHING>", TEACHING_PACK.removesuffix(".md")]))
    return "".join(
        f"\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n" + "\n".join(pages) + "\n```\n" for caption, pages in tracks
    )


def for_the_site(notebook: dict, name: str, stage: Path) -> dict:
    """``notebook`` as its page shows it: links that work on the site, graphs drawn, notes on what needs a kernel."""
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            cell = {**cell, "source": rewrite_links("".join(cell["source"]), Path("notebooks"), stage)}
        elif cell["cell_type"] == "code":
            cell = {**cell, "outputs": outputs_for_the_site(cell)}
        cells.append(cell)
    if name in build_lite.LEFT_OUT:  # the note goes under the title and its subtitle
        title, *rest = cells[0]["source"].split("\n\n", 2)
        note = ("(not-in-your-browser)=\n"
                f"> **Not in your browser.** The browser version leaves this notebook out: it {build_lite.LEFT_OUT[name]}. "
                "Open it on your JupyterHub or on Binder (the launch menu: the rocket at the top of the page), or on your own "
                "machine (`make lab`, in the home page's *Set up and run*).")
        cells[0] = {**cells[0], "source": "\n\n".join([title, *rest[:1], note, *rest[1:]])}
    return {**notebook, "metadata": widgets_drawn(notebook["metadata"]), "cells": cells}


def outputs_for_the_site(cell: dict) -> list[dict]:
    source = "".join(cell["source"])
    outputs = []
    for output in cell.get("outputs", []):
        output = drawn(output)
        data = output.get("data", {})
        outputs.append(output)
        if "application/vnd.jupyter.widget-view+json" in data:
            note = next((text for marker, text in STATIC_WIDGET_NOTE.items() if marker in source), STATIC_WIDGET_DEFAULT)
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"text/markdown": f"*{note}*", "text/plain": note}})
    return outputs


def drawn(output: dict) -> dict:
    """``output`` as its page shows it: a Mermaid graph (a Markdown fence) as an HTML block that the site's
    Mermaid draws; in HTML, a link to a notebook leads to its page, and a link into the learner's project
    (``../workspace/...``, or the app through JupyterLab's proxy) is left as its text: the site has no project."""
    data = output.get("data", {})
    mermaid = MERMAID_FENCE.match("".join(data.get("text/markdown", "")))
    if mermaid:
        return {**output, "data": {"text/html": f'<pre class="mermaid">{html.escape(mermaid.group(1))}</pre>',
                                   "text/plain": data.get("text/plain", "")}}
    if "text/html" in data:
        page = NOTEBOOK_HREF.sub(r"href=\1\2.html", "".join(data["text/html"]))
        page = PROJECT_LINK.sub(r"<span>\1</span>", page)
        return {**output, "data": {**data, "text/html": page}}
    return output


def widgets_drawn(metadata: dict) -> dict:
    """The notebook's metadata, the Mermaid graphs inside its Output widgets' stored outputs drawn too."""
    state = metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    if not state:
        return metadata
    models = {}
    for key, model in state["state"].items():
        outputs = model.get("state", {}).get("outputs")
        if model.get("model_name") == "OutputModel" and outputs:
            model = {**model, "state": {**model["state"], "outputs": [drawn(output) for output in outputs]}}
        models[key] = model
    widgets = {**metadata["widgets"], "application/vnd.jupyter.widget-state+json": {**state, "state": models}}
    return {**metadata, "widgets": widgets}


def rewrite_links(text: str, folder: Path, stage: Path) -> str:
    """Markdown ``text`` (of a file in ``folder``) whose links work on the site.

    A page or a notebook stays as it is; a file of the repository is copied beside the pages, and so becomes a
    download; the folders and the teacher's pack lead to their pages, and anything else to the repository.
    """
    def replace(match: re.Match) -> str:
        target = match.group(1)
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = _normal((folder / path).as_posix())
        if resolved in LINK_TARGETS:
            return f"]({_relative_to(LINK_TARGETS[resolved], folder)})"
        source = REPOSITORY / resolved
        if resolved.endswith((".ipynb", ".md")) and (resolved.startswith("notebooks/") and resolved.count("/") == 1
                                                      or resolved in ("README.md", "TEACHING.md")):
            if resolved == "README.md":
                return f"]({_relative_to('index.md', folder)}{'#' + anchor if anchor else ''})"
            return match.group(0)
        if source.is_file():
            copy = stage / resolved
            if resolved.endswith(".md"):  # a page of its own, reached only by this link
                write(copy, "---\norphan: true\n---\n" + source.read_text(encoding="utf-8"))
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
            return match.group(0)
        return f"]({repository_url()}/tree/{repository_branch()}/{resolved})"

    return LINK.sub(replace, text)


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _relative_to(target: str, folder: Path) -> str:
    depth = 0 if folder.as_posix() == "." else len(folder.parts)
    return "../" * depth + target


def repository_url() -> str:
    return _conf()["REPOSITORY_URL"]


def repository_branch() -> str:
    return _conf()["REPOSITORY_BRANCH"]


def _conf() -> dict:
    """The addresses set at the top of site/conf.py (or in the environment)."""
    namespace: dict = {"__file__": str(SITE / "conf.py")}
    exec(compile((SITE / "conf.py").read_text(encoding="utf-8"), str(SITE / "conf.py"), "exec"), namespace)
    return namespace


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- Sphinx


def sphinx(stage: Path, output: Path, scripts: Path) -> None:
    """Run Sphinx on the staged pages, with site/ as its configuration folder; any warning stops the build."""
    static = stage / "_static"
    static.mkdir(exist_ok=True)
    for name, path in SCRIPTS.items():
        shutil.copy2(scripts / path, static / name)
    for font in (scripts / SCRIPTS["widgets-embed.js"]).parent.iterdir():  # the widgets' icon fonts, beside it
        if font.suffix in (".woff", ".woff2", ".ttf", ".eot", ".svg"):
            shutil.copy2(font, static / font.name)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-c", str(SITE),
               "-D", f"html_static_path={SITE / '_static'},{static}", str(stage), str(output)]
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode:
        raise BuildError(f"Sphinx failed:\n{process.stderr[-4000:]}")


if __name__ == "__main__":
    sys.exit(main())
