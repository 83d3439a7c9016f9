"""Build the teacher's pack: the slides (reveal.js, offline) and the one-page cheat sheet (HTML and PDF).

Usage::

    python tools/build_teaching.py slides        # build/teaching/slides.slides.html (make slides)
    python tools/build_teaching.py cheatsheet    # build/teaching/cheatsheet.html and .pdf (make cheatsheet)

The slides come from ``teaching/slides.ipynb`` through nbconvert's reveal.js exporter; reveal.js
itself is the npm package pinned in ``teaching/package-lock.json``, installed with ``npm ci`` and
copied beside the slides, and the template ``teaching/templates/offline-reveal`` loads nothing else, so
that they open without a network. The cheat sheet is
``teaching/cheatsheet.html``, printed to PDF by headless Chromium.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "notebooks"))
from tutorial.devtools.chromium import FLAGS as CHROMIUM_FLAGS  # noqa: E402  (the helper package, in notebooks/)
from tutorial.devtools.chromium import find_chromium  # noqa: E402

TEACHING = REPOSITORY / "teaching"
BUILD = REPOSITORY / "build" / "teaching"
REVEAL = TEACHING / "node_modules" / "reveal.js"
REVEAL_PREFIX = "reveal.js"  # the folder beside the slides that holds reveal.js's dist/ and plugin/


class BuildProblem(Exception):
    """Something the build needs is missing; the message says what to install."""


def install_reveal() -> Path:
    """reveal.js at the version of ``teaching/package-lock.json`` (``npm ci``, only when needed).

    One install at a time: the slides are built by the teaching tests and by the website's, which may run at once.
    """
    lock = TEACHING / "package-lock.json"
    marker = TEACHING / "node_modules" / ".package-lock.json"  # npm writes it on each install
    with open(lock, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if REVEAL.is_dir() and marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return REVEAL
        npm = shutil.which("npm")
        if npm is None:
            raise BuildProblem("npm not found: install Node.js (e.g. `sudo apt-get install -y npm`) to build the slides")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=TEACHING, check=True)
    return REVEAL


def slides(out: Path = BUILD) -> Path:
    """Build the slides into ``out``; return the HTML file."""
    reveal = install_reveal()
    out.mkdir(parents=True, exist_ok=True)
    target = out / REVEAL_PREFIX
    shutil.rmtree(target, ignore_errors=True)
    for part in ("dist", "plugin", "LICENSE"):
        copy = shutil.copytree if (reveal / part).is_dir() else shutil.copy2
        copy(reveal / part, target / part)
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "slides", str(TEACHING / "slides.ipynb"),
         "--output-dir", str(out), f"--reveal-prefix={REVEAL_PREFIX}",
         f"--TemplateExporter.extra_template_basedirs={TEACHING / 'templates'}", "--template=offline-reveal",
         "--SlidesExporter.reveal_theme=white", "--SlidesExporter.reveal_transition=none", "--log-level=WARN"],
        check=True,
    )
    return out / "slides.slides.html"


def cheatsheet(out: Path = BUILD) -> tuple[Path, Path]:
    """Copy the cheat sheet's HTML into ``out`` and print it to PDF there; return both files."""
    chromium = find_chromium()
    if chromium is None:
        raise BuildProblem("Chromium not found: install it (`bash .ci/install-browser`) to print the cheat sheet")
    out.mkdir(parents=True, exist_ok=True)
    page = shutil.copy2(TEACHING / "cheatsheet.html", out / "cheatsheet.html")
    pdf = out / "cheatsheet.pdf"
    with tempfile.TemporaryDirectory(prefix="alembic-tutorial-chromium-") as profile:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}", Path(page).as_uri()],
            check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": profile},
        )
    if not pdf.is_file():
        raise BuildProblem(f"Chromium printed no PDF to {pdf}")
    return Path(page), pdf


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["slides", "cheatsheet"])
    args = parser.parse_args()
    try:
        if args.what == "slides":
            print(f"Slides: {slides().relative_to(REPOSITORY)}")
        else:
            print("Cheat sheet: " + ", ".join(str(path.relative_to(REPOSITORY)) for path in cheatsheet()))
    except BuildProblem as problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
