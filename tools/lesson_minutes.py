"""Estimate the minutes a class spends on each notebook, from what can be measured.

Usage::

    python tools/lesson_minutes.py           # counts only
    python tools/lesson_minutes.py --run     # and each notebook's run time in a fresh kernel

Measured: the words of Markdown (the reading; not the folded solutions), the code cells (each one
run and its output looked at), the commands in ``%%terminal`` cells, the steps of the exercise (its
empty cells, ``# Step N: your code here``), and (with
``--run``) the seconds the notebook takes top to bottom in a fresh kernel (tools/execute_notebooks.py).
The estimate is a model, not a measurement of a class; its rates are below:

- reading: ``READING_WORDS_PER_MINUTE`` words a minute (technical text with code, read with care);
- a code cell: ``SECONDS_PER_CELL`` seconds to run it and read what it prints, plus its run time;
- an exercise step: ``MINUTES_PER_STEP`` minutes to edit a file or type a command, and check it.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat
from execute_notebooks import NOTEBOOKS, run

READING_WORDS_PER_MINUTE = 130
SECONDS_PER_CELL = 20
MINUTES_PER_STEP = 3
STEP = re.compile(r"^# (?:Step (\d+)|Your turn)")  # an exercise's empty cell: "# Step 2: your code here"
SOLUTION = re.compile(r"<details>|^## Solution", re.MULTILINE)


def measure(path: Path, timed: bool) -> dict:
    """The counts of the notebook at ``path`` (and its run time in seconds, if ``timed``)."""
    notebook = nbformat.read(path, as_version=4)
    words = commands = cells = 0
    steps = set()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            if not SOLUTION.search(cell.source):  # the folded solution is not read by everyone
                words += len(re.sub(r"<[^>]+>|[`*#|]", " ", cell.source).split())
        elif cell.cell_type == "code":
            step = STEP.match(cell.source)
            if step:
                steps.add(step.group(1) or "1")
                continue
            cells += 1
            if cell.source.startswith("%%terminal"):
                commands += sum(1 for line in cell.source.splitlines()[1:] if line.strip())
    seconds = run(path)[1] if timed else 0.0
    reading = words / READING_WORDS_PER_MINUTE
    running = cells * SECONDS_PER_CELL / 60 + seconds / 60
    return {
        "notebook": path.stem, "words": words, "cells": cells, "commands": commands, "steps": len(steps),
        "seconds": seconds, "lesson": math.ceil(reading + running), "exercise": len(steps) * MINUTES_PER_STEP,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="also time each notebook's run in a fresh kernel")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = [path.resolve() for path in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    print("| notebook | words | code cells | commands | run (s) | exercise steps | lesson (min, est.) | exercise (min, est.) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        row = measure(path, args.run)
        run_time = f"{row['seconds']:.1f}" if args.run else "-"
        print(
            f"| {row['notebook']} | {row['words']} | {row['cells']} | {row['commands']} | {run_time} | "
            f"{row['steps']} | {row['lesson']} | {row['exercise']} |", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
