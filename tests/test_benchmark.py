"""``make benchmark``'s table of the slowest test files, added up from pytest's ``--durations=0`` report."""

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
