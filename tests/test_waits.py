"""The picture of who waits for whom, drawn from rows of pg_stat_activity (no database needed)."""

from __future__ import annotations

from tutorial import waits

ROWS = [
    ("report", "idle in transaction", [], "Client", "SELECT count(*) FROM bills"),
    ("alembic", "active", ["report"], "Lock", "ALTER TABLE bills ADD COLUMN note VARCHAR"),
    ("site", "active", ["alembic"], "Lock", "SELECT count(*) FROM bills"),
]


def test_the_picture_has_an_arrow_from_each_waiting_session_to_its_blocker():
    graph = waits.picture(ROWS)
    assert graph.waits == (("alembic", "report"), ("site", "alembic"))
    assert graph.text() == "alembic waits for report\nsite waits for alembic"
    mermaid = graph.mermaid()
    assert "s_alembic -->|waits for| s_report" in mermaid and "s_site -->|waits for| s_alembic" in mermaid
    assert "style s_report" not in mermaid  # the blocker itself waits for nobody
    assert graph._repr_markdown_().startswith("```mermaid\n")


def test_nobody_waits():
    assert waits.picture([("site", "idle", [], "Client", "SELECT 1")]).text() == "nobody waits"


def test_the_table_is_printed_in_columns(capsys):
    waits.table(ROWS[:2], ("who", "state", "waits_for", "waiting_on", "query"))
    assert capsys.readouterr().out.splitlines() == [
        "who     | state               | waits_for | waiting_on | query",
        "--------+---------------------+-----------+------------+------------------------------------------",
        "report  | idle in transaction | {}        | Client     | SELECT count(*) FROM bills",
        "alembic | active              | {report}  | Lock       | ALTER TABLE bills ADD COLUMN note VARCHAR",
    ]
