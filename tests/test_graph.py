"""The revision graph: read from Alembic's files and database, drawn as Mermaid and as plain text."""

from __future__ import annotations

import re

import pytest

import tutorial
from tutorial import graph


def alembic(project, command: str) -> None:
    tutorial.run(f"alembic {command}", project.folder, echo=False)


def mermaid_edges(diagram: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^\s+(\w+) --> (\w+)$", diagram, re.MULTILINE))


def mermaid_marked(diagram: str) -> set[str]:
    """The nodes linked to the database node and styled as current."""
    linked = set(re.findall(r"^\s+(\w+) -\.- database$", diagram, re.MULTILINE))
    styled = re.search(r"^\s+class (\S+) current$", diagram, re.MULTILINE)
    assert styled, diagram
    assert linked == set(styled.group(1).split(",")), diagram
    return linked


def marked_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("* ")]


@pytest.fixture
def linear(workspace):
    """Three revisions in a row, nothing applied: a1 <- b2 <- c3."""
    project = tutorial.start("g-linear", stage="alembic")
    alembic(project, 'revision -m "first" --rev-id a1')
    alembic(project, 'revision -m "second" --rev-id b2')
    alembic(project, 'revision -m "third" --rev-id c3')
    return project


@pytest.fixture
def branched(workspace):
    """a1, then two revisions on a1: b2 and c3 (two heads)."""
    project = tutorial.start("g-branch", stage="alembic")
    alembic(project, 'revision -m "root" --rev-id a1')
    alembic(project, 'revision -m "left" --rev-id b2')
    alembic(project, 'revision -m "right" --head a1 --splice --rev-id c3')
    return project


def test_a_linear_history(linear):
    history = graph.revision_graph(linear.folder)
    assert history.ids == ["a1", "b2", "c3"]
    assert history.edges == [("base", "a1"), ("a1", "b2"), ("b2", "c3")]
    assert history.heads == ["c3"]
    assert [revision.message for revision in history.revisions] == ["first", "second", "third"]
    diagram = history.mermaid()
    assert diagram.startswith("flowchart BT\n")
    assert mermaid_edges(diagram) == {("base", "r_a1"), ("r_a1", "r_b2"), ("r_b2", "r_c3")}
    assert 'r_c3["c3 (head)<br>third"]' in diagram


def test_nothing_applied_marks_base_and_creates_no_database(linear):
    history = graph.revision_graph(linear.folder)
    assert history.current == ()
    assert history.marked == ["base"]
    assert mermaid_marked(history.mermaid()) == {"base"}
    assert marked_lines(repr(history)) == ["* base"]
    assert not linear.path("billtracker.sqlite").exists()


def test_the_marker_follows_upgrade_and_downgrade(linear):
    alembic(linear, "upgrade b2")
    middle = graph.revision_graph(linear.folder)
    assert middle.current == ("b2",)
    assert mermaid_marked(middle.mermaid()) == {"r_b2"}
    assert [line.split()[1] for line in marked_lines(repr(middle))] == ["b2"]

    alembic(linear, "upgrade head")
    assert mermaid_marked(graph.revision_graph(linear.folder).mermaid()) == {"r_c3"}

    alembic(linear, "downgrade base")  # alembic_version is left empty
    assert graph.revision_graph(linear.folder).marked == ["base"]


def test_a_branch_has_two_heads(branched):
    history = graph.revision_graph(branched.folder)
    assert set(history.edges) == {("base", "a1"), ("a1", "b2"), ("a1", "c3")}
    assert history.heads == ["b2", "c3"]  # same depth: ordered by message, "left" before "right"
    assert history.labels(history.revisions[0]) == ["branchpoint"]
    assert mermaid_edges(history.mermaid()) == {("base", "r_a1"), ("r_a1", "r_b2"), ("r_a1", "r_c3")}
    assert "(branchpoint)" in repr(history)


def test_two_heads_applied_are_both_marked(branched):
    alembic(branched, "upgrade heads")
    history = graph.revision_graph(branched.folder)
    assert history.current == ("b2", "c3")
    assert mermaid_marked(history.mermaid()) == {"r_b2", "r_c3"}
    assert len(marked_lines(repr(history))) == 2


def test_a_merge_joins_the_heads(branched):
    alembic(branched, 'merge heads -m "merge" --rev-id d4')
    alembic(branched, "upgrade head")
    history = graph.revision_graph(branched.folder)
    assert history.ids[-1] == "d4"
    assert history.revisions[-1].parents == ("b2", "c3")
    assert history.heads == ["d4"]
    assert history.labels(history.revisions[-1]) == ["head", "mergepoint"]
    assert mermaid_edges(history.mermaid()) == {
        ("base", "r_a1"), ("r_a1", "r_b2"), ("r_a1", "r_c3"), ("r_b2", "r_d4"), ("r_c3", "r_d4"),
    }
    assert mermaid_marked(history.mermaid()) == {"r_d4"}
    assert "<- b2, c3" in marked_lines(repr(history))[0]


def test_an_empty_project(workspace):
    project = tutorial.start("g-empty", stage="alembic")
    history = graph.revision_graph(project.folder)
    assert history.revisions == () and history.edges == [] and history.heads == []
    assert mermaid_edges(history.mermaid()) == set()
    assert mermaid_marked(history.mermaid()) == {"base"}
    assert repr(history).splitlines() == ["Revisions, newest first (* = the database is here):", "* base"]


def test_a_revision_the_database_records_but_no_file_has(linear):
    alembic(linear, "upgrade head")
    next(linear.path("alembic/versions").glob("c3_*.py")).unlink()
    history = graph.revision_graph(linear.folder)
    assert history.unknown_current == ["c3"]
    assert mermaid_marked(history.mermaid()) == {"r_c3"}
    assert 'r_c3["c3<br>(no revision file)"]' in history.mermaid()


def test_the_tutorial_story_and_its_displays(workspace):
    project = tutorial.start("g-story", stage="last_login-applied")
    history = graph.revision_graph()  # the current folder: start() made it the project's
    assert [revision.message for revision in history.revisions] == [
        "create users and bills tables", "add last_login to users",
    ]
    assert history.current == (history.ids[-1],)
    markdown = history._repr_markdown_()
    assert markdown.startswith("```mermaid\nflowchart BT\n") and markdown.endswith("\n```")
    assert repr(history).splitlines()[1].startswith(f"* {history.ids[-1]} (head)  add last_login to users")
    assert project.folder.samefile(".")


def test_labels_are_escaped_for_mermaid(workspace):
    project = tutorial.start("g-escape", stage="alembic")
    alembic(project, """revision -m 'say "hi" <b> #1' --rev-id a1""")
    diagram = graph.revision_graph(project.folder).mermaid()
    assert 'say #quot;hi#quot; #lt;b#gt; #35;1"]' in diagram
