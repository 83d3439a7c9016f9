"""Keeping the pins current: the pins stripped (``make test-latest``) and moved (``make bump``), the drift of a
cell's outputs as nbval would see it, and the drift report's summary line. No network, no kernel."""

from __future__ import annotations

from support.tools import tool
from tutorial.envcheck import pinned_versions

test_latest = tool("test_latest")
bump = tool("bump")


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def result(text, count=1, **data):
    return {"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": {"text/plain": text, **data}}


def test_a_pin_is_stripped_and_its_extras_kept():
    assert test_latest.strip_pin("alembic==1.20.1") == "alembic"
    assert test_latest.strip_pin("psycopg[binary]==3.3.9") == "psycopg[binary]"
    assert test_latest.strip_pin("tomli==2.0.1; python_version < '3.11'") == "tomli; python_version < '3.11'"


def test_the_unpinned_requirements_follow_the_included_files(tmp_path):
    (tmp_path / "base.txt").write_text("# the learner's\nalembic==1.20.1\n\nSQLAlchemy==2.1.9  # pinned\n")
    (tmp_path / "test.txt").write_text("-r base.txt\npsycopg[binary]==3.3.9\nnbval==0.11.0\n")
    assert test_latest.unpinned(tmp_path / "test.txt") == ["alembic", "SQLAlchemy", "psycopg[binary]", "nbval"]


def test_the_real_files_unpin_to_every_pinned_package():
    requirements = test_latest.unpinned(test_latest.REQUIREMENTS)
    assert {"alembic", "SQLAlchemy", "psycopg[binary]", "nbval", "jupyterlite-core"} <= set(requirements)
    assert not [line for line in requirements if "==" in line or line.startswith("-")]


def test_pins_move_to_the_newest_and_the_rest_of_the_file_stays():
    text = "# What a learner needs.\n-r other.txt\nFlask_SQLAlchemy==3.1.1\npsycopg[binary]==3.3.9\nalembic==1.20.1\nruff==0.17.6  # formats\n"
    newest = {"flask-sqlalchemy": "3.2.0", "psycopg": "3.4.0", "alembic": "1.20.1", "sqlalchemy": "2.2.0"}
    moved_text, moved = bump.rewrite_pins(text, newest)
    assert moved_text == (
        "# What a learner needs.\n-r other.txt\nFlask_SQLAlchemy==3.2.0\npsycopg[binary]==3.4.0\nalembic==1.20.1\nruff==0.17.6  # formats\n"
    )
    assert moved == [("Flask_SQLAlchemy", "3.1.1", "3.2.0"), ("psycopg[binary]", "3.3.9", "3.4.0")]


def test_rewriting_the_real_files_to_their_own_pins_changes_nothing(tmp_path):
    for path in bump.FILES:
        text = path.read_text()
        own = {bump.normalized(name): version for name, version in pinned_versions(path).items()}
        assert own, f"{path.name} pins nothing"
        assert bump.rewrite_pins(text, own) == (text, [])


def test_outputs_that_differ_only_where_the_sanitize_file_erases_do_not_drift():
    patterns = test_latest.sanitize_patterns()
    assert patterns, "tests/sanitize.cfg gives no patterns"
    stored = [stream("Running upgrade  -> 1f2e3d4c5b6a, add users\n"), result("'ok'", count=3)]
    fresh = [stream("Running upgrade  -> "), stream("a9b8c7d6e5f4, add users\n"), result("'ok'", count=7)]
    assert test_latest.output_diff(stored, fresh, patterns) == []


def test_widget_views_and_images_are_not_compared_as_in_nbval():
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    stored = [result("Button()", **{"application/vnd.jupyter.widget-view+json": widget, "image/png": "AAAA"})]
    fresh = [result("Button()", **{"application/vnd.jupyter.widget-view+json": {**widget, "model_id": "xyz"}, "image/png": "BBBB"})]
    assert test_latest.output_diff(stored, fresh, test_latest.sanitize_patterns()) == []


def test_a_changed_output_drifts_with_a_short_unified_diff():
    stored = [stream("INFO  [alembic] Will assume non-transactional DDL.\nsame\n")]
    fresh = [stream("INFO  [alembic] Will assume transactional DDL.\nsame\n")]
    diff = test_latest.output_diff(stored, fresh, test_latest.sanitize_patterns())
    assert diff[:2] == ["--- stored", "+++ fresh"]
    assert "-INFO  [alembic] Will assume non-transactional DDL." in diff
    assert "+INFO  [alembic] Will assume transactional DDL." in diff
    assert len(diff) <= test_latest.DIFF_LINES


def test_a_new_kind_of_output_drifts():
    stored = [stream("done\n")]
    fresh = [stream("done\n"), stream("DeprecationWarning: soon gone\n", name="stderr")]
    assert "+DeprecationWarning: soon gone" in test_latest.output_diff(stored, fresh, [])


def test_the_summary_counts_each_notebook_once():
    Result = test_latest.NotebookResult
    results = [
        Result("01"),
        Result("02"),
        Result("03", changes=[(4, ["-a", "+b"])]),
        Result("04", failure=(2, ["AssertionError"]), changes=[(1, ["-a", "+b"])]),
        Result("19", skipped="No PostgreSQL server answers"),
    ]
    assert [r.verdict for r in results] == ["unchanged", "unchanged", "changed", "failing", "skipped"]
    line = "2 notebooks unchanged, 1 with changed outputs, 1 with failing cells, 1 skipped"
    assert test_latest.summary(results) == line
    report = test_latest.report(results, [("alembic", "1.20.1", "1.21.0"), ("nbval", "0.11.0", "0.11.0")], (0, "24 passed"), pre=False)
    assert report.splitlines()[0] == f"# Drift: {line}"
    assert "| alembic | 1.20.1 | **1.21.0** |" in report and "Cell 2 FAILS" in report and "Cell 4 would change" in report


def test_the_versions_that_moved_come_first():
    rows = test_latest.version_rows({"alembic": "1.20.1", "SQLAlchemy": "2.1.9", "nbval": "0.11.0"}, {"alembic": "1.20.1", "SQLAlchemy": "2.2.0"})
    assert rows == [("nbval", "0.11.0", "not installed"), ("SQLAlchemy", "2.1.9", "2.2.0"), ("alembic", "1.20.1", "1.20.1")]


def test_the_pyodide_side_pins_are_held_and_the_rest_unpinned():
    wanted = bump.wanted()
    assert "jupyterlite-pyodide-kernel==" + pinned_versions(bump.REPOSITORY / "requirements-lite.txt")["jupyterlite-pyodide-kernel"] in wanted
    assert {"alembic", "setuptools", "psycopg[binary]", "nbval"} <= set(wanted)
    assert not [line for line in wanted if "==" in line and bump.normalized(line.split("==")[0]) not in bump.HELD]


def test_a_failed_install_is_reported_in_place_of_the_drift():
    report = test_latest.install_failure("Collecting alembic\nERROR: ResolutionImpossible: alembic needs SQLAlchemy>=3", pre=True)
    assert report.splitlines()[0] == "# Drift: the newest releases (pre-releases included) of the pinned packages could not be installed together"
    assert "ERROR: ResolutionImpossible: alembic needs SQLAlchemy>=3" in report
