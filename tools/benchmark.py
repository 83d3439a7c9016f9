"""Measure what a learner waits for: one Alembic command from a cell, each notebook, the whole test suite.

Usage::

    python tools/benchmark.py             # everything
    python tools/benchmark.py --no-suite  # skip the (long) full test run

Targets on a 2-core machine: an Alembic command from a cell well under 0.5 s;
the notebook suite under 60 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import NOTEBOOKS, REPOSITORY, run  # noqa: E402

COMMANDS = ["alembic current", "alembic history", "alembic check", "alembic downgrade -1", "alembic upgrade head"]


def command_latency(repeats: int = 10) -> dict[str, list[float]]:
    """Seconds for each command in COMMANDS, typed in a ``%%terminal`` cell of a live kernel."""
    with tempfile.TemporaryDirectory() as workspace:
        env = {**os.environ, "ALEMBIC_TUTORIAL_WORKSPACE": workspace}
        env.pop("DATABASE_URL", None)
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS), env=env)
        try:
            client.execute_interactive('import tutorial\nproject = tutorial.start("benchmark", stage="last_login-applied")',
                                       timeout=60, output_hook=lambda message: None)
            timings: dict[str, list[float]] = {command: [] for command in COMMANDS}
            for _ in range(repeats):
                for command in COMMANDS:
                    started = time.perf_counter()
                    reply = client.execute_interactive(f"%%terminal\n{command}", timeout=60, output_hook=lambda message: None)
                    timings[command].append(time.perf_counter() - started)
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"{command} failed in the benchmark kernel")
            return timings
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-suite", action="store_true", help="do not time the whole test suite")
    args = parser.parse_args()

    print("One Alembic command from a %%terminal cell (10 runs each):")
    for command, seconds in command_latency().items():
        print(f"  {command:<24} median {statistics.median(seconds) * 1000:6.1f} ms   max {max(seconds) * 1000:6.1f} ms")

    print("\nEach notebook, top to bottom in a fresh kernel (kernel start included):")
    total = 0.0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        _, seconds = run(path)
        total += seconds
        print(f"  {path.name:<45} {seconds:5.1f} s")
    print(f"  {'all, one after the other':<45} {total:5.1f} s")

    if not args.no_suite:
        print("\nThe whole test suite (python -m pytest, as `make test` runs it):")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=REPOSITORY, capture_output=True, text=True)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
        print(f"  {time.perf_counter() - started:.1f} s wall time: {summary}")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "not browser and not postgres"],
                                cwd=REPOSITORY, capture_output=True, text=True)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(no output)"
        print(f"  {time.perf_counter() - started:.1f} s wall time without the browser and PostgreSQL passes: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
