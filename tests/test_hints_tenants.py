"""The hint rules of tutorial/hints/tenants.py, about schemas and tenants: each fires for its mistake, made for
real on PostgreSQL in notebook 29's project, and stays silent where the project says otherwise.

Without a PostgreSQL server these tests skip, saying why (TUTORIAL_REQUIRE_POSTGRES=1 makes them fail instead).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from support import lessons
from support.hints import fires, message_silent, outcome, silent
from support.servers import require
from tutorial import database, inspection, snapshot, terminal

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



NAMES_THE_TENANT = 'tenant = context.get_x_argument(as_dictionary=True).get("tenant")'
SCHEMAS = ("public", "tenant_acme", "tenant_globex", "tenant_initech")


def version(seen: snapshot.Snapshot, schema: str) -> str:
    """The revision in ``schema``'s own alembic_version, read on the database."""
    return seen.rows(f"SELECT version_num FROM {schema}.alembic_version")[0][0]


def create_schema(crm, name: str, drop: bool = False) -> None:
    """CREATE SCHEMA ``name`` on the project's database (or drop it, and what it holds, if it is there)."""
    engine = inspection.engine(crm.folder)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE" if drop else f"CREATE SCHEMA {name}")
    finally:
        engine.dispose()


@contextlib.contextmanager
def a_third_revision(crm):
    """A revision 0009 above the lesson's 0002; afterwards every schema is back at 0002 and the file is gone."""
    terminal.run('alembic revision --rev-id 0009 -m "tenant notes"', crm.folder, echo=False)
    try:
        yield
    finally:
        for schema in SCHEMAS:
            tenant = f"-x tenant={schema.removeprefix('tenant_')} " if schema != "public" else ""
            terminal.run(f"alembic {tenant}downgrade 0002", crm.folder, echo=False)
        crm.path("alembic/versions/0009_tenant_notes.py").unlink()


def test_an_upgrade_without_a_tenant_names_the_tenants_left_behind(crm):
    silent("tenant-not-given", "alembic upgrade head", crm.folder)  # everyone at 0002: nothing left behind
    env = crm.path("alembic/env.py")
    saved = env.read_text(encoding="utf-8")
    with a_third_revision(crm):
        try:
            seen = outcome("alembic upgrade head", crm.folder)
            assert "Running upgrade 0002 -> 0009, tenant notes" in seen.output  # it worked, for public
            assert version(seen, "public") == "0009" and version(seen, "tenant_acme") == "0002"  # the tenants did not move
            hint = fires("tenant-not-given", seen)
            assert hint.startswith("without `-x tenant=...`, this command migrated `public` only (now at 0009); the "
                                   "tenants stay where they were: `tenant_acme` at 0002, `tenant_globex` at 0002, "
                                   "`tenant_initech` at 0002.")
            assert hint.endswith("`alembic -x tenant=acme upgrade head` for one, or all of them with the loop, "
                                 "`python migrate_tenants.py`.")
            create_schema(crm, "tenant_hooli")  # a tenant signs up: its schema has no alembic_version yet
            hint = fires("tenant-not-given", "alembic upgrade head", crm.folder)
            assert "`tenant_globex` at 0002, `tenant_hooli` not migrated yet, `tenant_initech` at 0002." in hint

            seen = outcome("alembic -x tenant=acme upgrade head", crm.folder)  # a tenant named: silent
            assert version(seen, "tenant_acme") == "0009"
            silent("tenant-not-given", seen)
            silent("tenant-not-given", "alembic current", crm.folder)  # another command: silent, globex still behind

            assert NAMES_THE_TENANT in saved  # an env.py that reads no tenant migrates one schema: nothing is behind
            env.write_text(saved.replace(NAMES_THE_TENANT, "tenant = None"), encoding="utf-8")
            silent("tenant-not-given", "alembic upgrade head", crm.folder)
            env.write_text(saved, encoding="utf-8")
            hint = fires("tenant-not-given", "alembic upgrade head", crm.folder)
            assert "stay where they were: `tenant_globex` at 0002, `tenant_hooli` not migrated yet, `tenant_initech` " in hint
        finally:
            env.write_text(saved, encoding="utf-8")
            create_schema(crm, "tenant_hooli", drop=True)


def test_a_downgrade_without_a_tenant_names_the_tenants_left_ahead(crm):
    with a_third_revision(crm):
        for schema in SCHEMAS[1:]:
            terminal.run(f"alembic -x tenant={schema.removeprefix('tenant_')} upgrade head", crm.folder, echo=False)
        seen = outcome("alembic upgrade head", crm.folder)
        silent("tenant-not-given", seen)  # everyone at 0009
        seen = outcome("alembic downgrade -1", crm.folder)
        assert version(seen, "public") == "0002" and version(seen, "tenant_globex") == "0009"
        hint = fires("tenant-not-given", seen)
        assert hint.startswith("without `-x tenant=...`, this command migrated `public` only (now at 0002); the "
                               "tenants stay where they were: `tenant_acme` at 0009, `tenant_globex` at 0009")
        assert hint.endswith("`alembic -x tenant=acme downgrade 0002` for one.")  # no loop: it upgrades to the head
        for schema in SCHEMAS[1:]:
            silent("tenant-not-given", f"alembic -x tenant={schema.removeprefix('tenant_')} downgrade 0002", crm.folder)
        silent("tenant-not-given", "alembic downgrade 0002", crm.folder)  # everyone at 0002 again
