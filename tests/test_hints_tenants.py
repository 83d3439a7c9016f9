"""The hint rules of tutorial/hints/tenants.py, about schemas and tenants: each fires for its mistake, made for
real on PostgreSQL in notebook 29's project, and stays silent where the project says otherwise.

Without a PostgreSQL server these tests skip, saying why (TUTORIAL_REQUIRE_POSTGRES=1 makes them fail instead).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import lessons
from support.hints import fires, message_silent, outcome, silent
from support.servers import require
from tutorial import database, snapshot

pytestmark = pytest.mark.postgres

NOTEBOOK = "29-schemas-and-tenants"
INCLUDE_NAME = ",\n                          include_name=include_name)"
DROPS_ONLY_JOBS = '''"""drops the job queue's table"""

from alembic import op

revision = "0009"
down_revision = "0002"


def upgrade() -> None:
    op.drop_table('queue', schema='jobs')


def downgrade() -> None:
    pass
'''
AUDIT_LOG = '''"""an audit table, in a schema that no one created"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0002"


def upgrade() -> None:
    op.create_table("audit_log", sa.Column("id", sa.Integer(), primary_key=True), schema="audit")


def downgrade() -> None:
    op.drop_table("audit_log", schema="audit")
'''


@pytest.fixture(scope="module")
def crm(tmp_path_factory, shell):
    """Notebook 29's project at the end of its lesson: public and three tenants at 0002, a `jobs` schema beside."""
    root = tmp_path_factory.mktemp("hints-29")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALEMBIC_TUTORIAL_WORKSPACE", str(root / "workspace"))
        patch.setenv("DATABASE_URL", require("postgres"))
        patch.setenv("CRM_DATABASE_URL", "")
        patch.chdir(root)
        try:
            project = lessons.run_lesson(shell, NOTEBOOK)
            shutil.copytree(project.folder, root / "files")
            patch.chdir(project.folder)
            yield project
        finally:
            database.drop(NOTEBOOK)


def test_a_misspelled_tenant_is_told_the_schemas_there_are(crm):
    seen = outcome("alembic -x tenant=acmee upgrade head", crm.folder)
    assert '(psycopg.errors.InvalidSchemaName) schema "tenant_acmee" does not exist' in seen.message  # PostgreSQL's own
    hint = fires("no-such-tenant", seen)
    assert hint.startswith("the schema `tenant_acmee` does not exist in this database")
    assert "closest first: tenant_acme, " in hint and "`CREATE SCHEMA tenant_acmee`" in hint


def test_no_such_tenant_stays_silent_when_the_schema_is_there_or_no_tenant_was_given(crm):
    message = 'sqlalchemy.exc.ProgrammingError: (psycopg.errors.InvalidSchemaName) schema "tenant_acme" does not exist'
    message_silent("no-such-tenant", message, crm.folder, "alembic -x tenant=acme upgrade head")  # it exists (now)
    missing = message.replace('"tenant_acme"', '"tenant_nobody"')
    message_silent("no-such-tenant", missing, crm.folder, "alembic upgrade head")  # not a tenant given with -x


def test_no_such_tenant_stays_silent_for_a_schema_that_no_x_named(crm):
    revision = crm.path("alembic/versions/0009_audit_log.py")
    revision.write_text(AUDIT_LOG, encoding="utf-8")
    try:
        seen = outcome("alembic -x tenant=acme upgrade head", crm.folder)  # the tenant is there; audit is not
        assert '(psycopg.errors.InvalidSchemaName) schema "audit" does not exist' in seen.message
        silent("no-such-tenant", seen)
    finally:
        revision.unlink()


def test_include_schemas_without_a_filter_drops_other_schemas_tables(crm):
    env = crm.path("alembic/env.py")
    saved = env.read_text(encoding="utf-8")
    assert INCLUDE_NAME in saved
    env.write_text(saved.replace(INCLUDE_NAME, ")"), encoding="utf-8")
    try:
        seen = outcome('alembic revision --autogenerate --rev-id 0009 -m "every schema"', crm.folder)
        written = crm.path("alembic/versions/0009_every_schema.py").read_text(encoding="utf-8")
        assert "op.drop_table('queue', schema='jobs')" in written  # the trap, for real
        hint = fires("include-schemas-drops-other-schema", seen)
        assert hint.startswith("this migration drops tables of schemas that neither your models nor your revisions "
                               "name (jobs, tenant_acme, tenant_globex, tenant_initech)")
        assert "`include_name`" in hint
    finally:
        env.write_text(saved, encoding="utf-8")
        crm.path("alembic/versions/0009_every_schema.py").unlink(missing_ok=True)


def test_include_schemas_stays_silent_for_a_schema_the_project_names(crm):
    revision = crm.path("alembic/versions/0009_drop_queue.py")
    revision.write_text(DROPS_ONLY_JOBS, encoding="utf-8")
    command = 'alembic revision --autogenerate --rev-id 0009 -m "drop queue"'
    seen = snapshot.Snapshot(command, Path(crm.folder), "  Generating alembic/versions/0009_drop_queue.py ...  done")
    try:
        fires("include-schemas-drops-other-schema", seen)  # jobs is named nowhere else
        crm.path("crm/queue.py").write_text('"""The job queue."""\n\nSCHEMA = "jobs"\n', encoding="utf-8")
        silent("include-schemas-drops-other-schema", snapshot.Snapshot(command, Path(crm.folder), seen.output))
    finally:
        revision.unlink()
        crm.path("crm/queue.py").unlink(missing_ok=True)


def test_the_filtered_project_autogenerates_quietly(crm):
    seen = outcome("alembic check", crm.folder)  # include_name keeps the default schema: nothing to drop
    assert not seen.failed and "No new upgrade operations detected." in seen.output
