"""The hint rules of tutorial/hints/dependents.py, about a column that a view reads: each fires for PostgreSQL's
real refusal, and stays silent where the database says otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support.hints import fires, message_silent, project_on_server, silent, upgrade_with

pytestmark = pytest.mark.postgres

UNPAID = "CREATE VIEW unpaid AS SELECT id, total - paid AS due FROM bills WHERE paid < total"


def run_sql(url: str, *statements: str) -> None:
    """Run ``statements`` on the database at ``url``, in one transaction."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def test_dropping_a_column_a_view_reads(workspace):
    with project_on_server("postgres", "h-view-drop") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)  # the tables, in the new database
        run_sql(url, UNPAID)
        refused = upgrade_with(project, 'op.drop_column("bills", "total")')
        assert "(psycopg.errors.DependentObjectsStillExist) cannot drop column total of table bills" in refused.message
        assert "DETAIL:  view unpaid depends on column total of table bills" in refused.message
        hint = fires("objects-depend-on-it", refused)
        assert hint.startswith("the view `unpaid` reads `bills.total`, so PostgreSQL refused to drop the column.")
        assert 'op.execute("DROP VIEW unpaid")' in hint and "Not `CASCADE`" in hint

        run_sql(url, "CREATE VIEW big_unpaid AS SELECT id FROM unpaid WHERE due > 100")  # a view on the view
        refused = upgrade_with(project, 'op.drop_column("bills", "total")')
        assert "view big_unpaid depends on view unpaid" in refused.message
        hint = fires("objects-depend-on-it", refused)
        assert hint.startswith("the views `unpaid` and `big_unpaid` read `bills.total`")
        assert 'op.execute("DROP VIEW big_unpaid")' in hint  # the view that reads the other goes first

        # The same message, but the database has no such view (dropped since): the rule cannot tell, and says nothing.
        run_sql(url, "DROP VIEW big_unpaid", "DROP VIEW unpaid")
        message_silent("objects-depend-on-it", refused.message, project.folder)


def test_a_materialized_view_is_dropped_as_one(workspace):
    with project_on_server("postgres", "h-view-mat") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        run_sql(url, "CREATE MATERIALIZED VIEW due AS SELECT id, total - paid AS due FROM bills")
        refused = upgrade_with(project, 'op.drop_column("bills", "total")')
        assert "DETAIL:  materialized view due depends on column total of table bills" in refused.message
        assert 'op.execute("DROP MATERIALIZED VIEW due")' in fires("objects-depend-on-it", refused)

        refused = upgrade_with(project, 'op.alter_column("bills", "paid", type_=sa.Numeric(10, 2))')
        assert 'DETAIL:  rule _RETURN on materialized view due depends on column "paid"' in refused.message
        hint = fires("column-used-by-a-view", refused)
        assert hint.startswith("the materialized view `due` reads `paid`")
        assert 'op.execute("DROP MATERIALIZED VIEW due")' in hint  # DROP VIEW would be refused: "due" is not a view


def test_a_column_a_constraint_depends_on_is_not_a_view_matter(workspace):
    with project_on_server("postgres", "h-view-fk") as (project, _url):
        refused = upgrade_with(project, 'op.drop_column("users", "id")')
        assert "DependentObjectsStillExist" in refused.message and "constraint bills_user_id_fkey" in refused.message
        silent("objects-depend-on-it", refused)


def test_changing_the_type_of_a_column_a_view_reads(workspace):
    with project_on_server("postgres", "h-view-type") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        run_sql(url, UNPAID)
        refused = upgrade_with(project, 'op.alter_column("bills", "paid", type_=sa.Numeric(10, 2))')
        assert "(psycopg.errors.FeatureNotSupported) cannot alter type of a column used by a view or rule" in refused.message
        hint = fires("column-used-by-a-view", refused)
        assert hint.startswith("the view `unpaid` reads `paid`, and PostgreSQL cannot change a column's type under a view.")
        assert "drop the view before the `alter_column`" in hint
        silent("objects-depend-on-it", refused)

        run_sql(url, "DROP VIEW unpaid")  # the view gone, the old message no longer fits the database
        message_silent("column-used-by-a-view", refused.message, project.folder)
        assert not upgrade_with(project, 'op.alter_column("bills", "paid", type_=sa.Numeric(10, 2))').failed
