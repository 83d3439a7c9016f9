"""``make benchmark``'s rows: the slowest test files, added up from pytest's ``--durations=0`` report, and the
browser version's starts, by their median."""

from __future__ import annotations

import pytest

from support import tools

benchmark = tools.tool("benchmark")

REPORT = """\
........                                                                 [100%]
============================= slowest durations ==============================
30.00s call     tests/test_web.py::test_the_page[sqlite]
10.00s setup    tests/test_web.py::test_the_page[sqlite]
20.00s call     notebooks/04-upgrade-the-database.ipynb::Cell 3
15.00s call     tests/test_hints.py::TestRevisions::test_a_typo
5.00s teardown tests/test_web.py::test_the_page[postgresql]
10.00s call     notebooks/04-upgrade-the-database.ipynb::Cell 0
8.00s call     tests/test_titles.py::test_every_title
2.00s call     tests/test_layers.py::test_no_circle

(12 durations < 0.005s hidden.  Use -vv to show these durations.)
================= 8 passed, 1 skipped in 51.02s ==================
"""


def test_a_files_time_adds_up_its_tests_setup_call_and_teardown_from_the_slowest_down():
    rows = benchmark.slowest_files(REPORT)
    assert [(path, seconds) for path, seconds, _ in rows] == [
        ("tests/test_web.py", 45.0),
        ("notebooks/04-upgrade-the-database.ipynb", 30.0),
        ("tests/test_hints.py", 15.0),
        ("tests/test_titles.py", 8.0),
        ("tests/test_layers.py", 2.0),
    ]
    assert [share for _, _, share in rows] == pytest.approx([45, 30, 15, 8, 2])


def test_only_the_slowest_files_are_listed():
    assert [path for path, _, _ in benchmark.slowest_files(REPORT, count=2)] == [
        "tests/test_web.py", "notebooks/04-upgrade-the-database.ipynb"]


def test_a_report_without_durations_gives_no_rows():
    assert benchmark.slowest_files("3 passed in 1.00s\n") == []


def test_a_start_is_reported_by_its_median_with_the_range_and_the_median_starts_phases():
    starts = [{"seconds": seconds, "phases": [("the page", seconds - 3)], "first cell": cell}
              for seconds, cell in [(5.1, 0.8), (4.7, 0.6), (4.9, 0.7)]]
    rows = benchmark._start_rows("warm", starts, "01-build-the-models.ipynb", "target <= 4 s")
    assert rows == [
        ("browser, warm: opening 01's address to its kernel ready", "4.9 s",
         "median of 3 fresh browsers (4.7 to 5.1 s); target <= 4 s"),
        ("  warm: the page", "1.9 s", "the median start"),
        ("  warm: the first cell (import tutorial, tutorial.start)", "0.7 s", "median (0.6 to 0.8 s)"),
    ]
