"""The hint rules of tutorial/hints/types.py, about PostgreSQL's enum types: each fires for its mistake, produced
for real on the server, and stays silent where the project says otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import tutorial
from support.hints import fires, project_on_server, silent, upgrade_with
from tutorial import story

pytestmark = pytest.mark.postgres

CREATE_KIND = 'sa.Enum("card", "cash", name="paymentkind").create(op.get_bind())'
STATUS_MODEL = (
    "import datetime\nimport enum\n",
    "class Bill(SqlAlchemyBase):\n",
    "class BillStatus(enum.Enum):\n    unpaid = \"unpaid\"\n    paid = \"paid\"\n    disputed = \"disputed\"\n\n\n",
    "    total: Mapped[float] = mapped_column(Float)\n",
    "    status: Mapped[BillStatus] = mapped_column(server_default=\"unpaid\")\n",
)


def run_sql(url: str, *statements: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_an_enum_type_left_by_a_downgrade(workspace):
    with project_on_server("postgres", "h-enum-left") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        run_sql(url, "CREATE TYPE paymentkind AS ENUM ('card', 'cash')")  # what a downgrade left
        seen = upgrade_with(project, CREATE_KIND)
        assert '(psycopg.errors.DuplicateObject) type "paymentkind" already exists' in seen.message
        hint = fires("enum-type-exists", seen)
        assert hint.startswith("the database already has the enum type `paymentkind` (card, cash), and no column")
        assert 'sa.Enum(name="paymentkind").drop(op.get_bind(), checkfirst=True)' in hint
        run_sql(url, "CREATE TABLE payments (kind paymentkind)")  # a column uses it: not a leftover
        seen = upgrade_with(project, CREATE_KIND)
        assert 'type "paymentkind" already exists' in seen.message
        silent("enum-type-exists", seen)


def add_status_to_the_model(project, with_disputed: bool = True) -> None:
    bills = project.path("billtracker/data/bills.py")
    imports, before_class, enum_class, after_line, column = STATUS_MODEL
    story.replace(bills, "import datetime\n", imports)
    if not with_disputed:
        enum_class = enum_class.replace("    disputed = \"disputed\"\n", "")
    story.replace(bills, before_class, enum_class + before_class)
    story.replace(bills, after_line, after_line + column)


@pytest.mark.parametrize("with_disputed", [True, False])
def test_a_value_in_the_model_that_the_database_type_lacks(workspace, with_disputed):
    name = "h-enum-value" if with_disputed else "h-enum-value-not-modelled"
    with project_on_server("postgres", name) as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        run_sql(url, "CREATE TYPE billstatus AS ENUM ('unpaid', 'paid')",
                "ALTER TABLE bills ADD COLUMN status billstatus NOT NULL DEFAULT 'unpaid'")
        add_status_to_the_model(project, with_disputed)
        seen = upgrade_with(project, "op.execute(\"UPDATE bills SET status = 'disputed'\")")
        assert '(psycopg.errors.InvalidTextRepresentation) invalid input value for enum billstatus: "disputed"' in seen.message
        if with_disputed:
            hint = fires("enum-value-missing", seen)
            assert "`disputed`, but the database's type does not (unpaid, paid)" in hint
            assert "ALTER TYPE billstatus ADD VALUE IF NOT EXISTS 'disputed'" in hint
            run_sql(url, "ALTER TYPE billstatus ADD VALUE 'disputed'")  # now the type has it: another cause
            silent("enum-value-missing", seen)
        else:
            silent("enum-value-missing", seen)  # a typo in the revision, not a value the database lacks


def test_a_missing_value_where_env_py_compares_enum_values(workspace):
    with project_on_server("postgres", "h-enum-value-compared") as (project, url):
        tutorial.run("alembic upgrade head", project.folder, echo=False)
        run_sql(url, "CREATE TYPE billstatus AS ENUM ('unpaid', 'paid')",
                "ALTER TABLE bills ADD COLUMN status billstatus NOT NULL DEFAULT 'unpaid'")
        add_status_to_the_model(project)
        story.replace(project.path("alembic/env.py"), "from alembic import context\n",
                      "from alembic import context\nimport alembic_postgresql_enum  # noqa: F401\n")
        seen = upgrade_with(project, "op.execute(\"UPDATE bills SET status = 'disputed'\")")
        hint = fires("enum-value-missing", seen)
        assert "env.py imports alembic-postgresql-enum" in hint and "does not compare" not in hint
        assert "`op.add_enum_value(...)` inside `with op.get_context().autocommit_block():`" in hint
