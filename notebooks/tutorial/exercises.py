""""Your turn" exercises: checkers that read your project and say what is right and what is missing.

Each checker looks at the project in the current folder (your notebook's project) the way Alembic
and SQLAlchemy see it: the models imported afresh from your files, the revision files through
Alembic's ``ScriptDirectory``, the database through SQLAlchemy's inspector, and the page through
the app itself. It changes nothing. In a notebook::

    from tutorial import exercises
    exercises.check_last_payment()            # a report: one line per check, then a verdict
    exercises.button(exercises.check_last_payment)   # the same, with a "Check my work" button

The solutions are in ``notebooks/solutions/``; ``%load`` one into a cell to see it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import DateTime, Float, Integer, Numeric, String, Text, UniqueConstraint

from . import inspection, terminal
from .checks import probes
from .checks.registry import EXERCISES, Exercise, exercise  # noqa: F401
from .checks.report import Finding, Report, _code  # noqa: F401  (the notebooks' and progress' names)
from .checks.widget import CheckMyWork, button  # noqa: F401

# --------------------------------------------------------------------------- the exercises


@exercise(
    "01-build-the-models", "Bill.due_date in the model", solutions="01_",
    success="The model has due_date; a migration would add it to the database.",
)
def check_due_date(folder: Path, report: Report) -> None:
    """Notebook 01: the ``Bill`` model gets ``due_date``, a date and time that may be empty."""
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(
            report, metadata, "bills", "Bill", "due_date", DateTime, "a DateTime", "billtracker/data/bills.py"
        )


@exercise(
    "02-connect-alembic", "a payments table, from model to database", solutions="02_",
    success="Alembic saw the new model and created its table.",
)
def check_payments(folder: Path, report: Report) -> None:
    """Notebook 02: a ``Payment`` model in its own module, registered, migrated: a ``payments`` table."""
    module = folder / "billtracker" / "data" / "payments.py"
    report.add(
        module.is_file(),
        "billtracker/data/payments.py exists." if module.is_file() else "There is no billtracker/data/payments.py yet.",
    )
    metadata = probes.models(folder, report)
    with_payments = None
    if module.is_file() and metadata is not None:
        try:
            modules = [probes.APPS["billtracker"][0], "billtracker.data.payments"]  # registered or not
            with_payments = inspection.model_tables(folder, modules, probes.APPS["billtracker"][1])
        except inspection.ProjectProblem as problem:
            report.add(False, f"billtracker/data/payments.py does not import: {problem}", 1)
    if with_payments is not None:
        if "payments" not in with_payments.tables:
            report.add(False, 'payments.py defines no table named `payments`: is `__tablename__ = "payments"` in a class that inherits SqlAlchemyBase?', 1)
        else:
            table = with_payments.tables["payments"]
            wanted = {"id": Integer, "bill_id": Integer, "amount": Float | Numeric, "paid_date": DateTime}
            missing = [name for name in wanted if name not in table.columns]
            wrong = [
                f"{name} is {probes.type_name(table.columns[name])}" for name, kind in wanted.items()
                if name in table.columns and not isinstance(table.columns[name].type, kind)
            ]
            keys = {key.target_fullname for key in table.columns["bill_id"].foreign_keys} if "bill_id" in table.columns else set()
            if missing:
                report.add(False, f"The payments table lacks {', '.join(f'`{name}`' for name in missing)}.", 1)
            elif wrong:
                report.add(False, f"Check the column types: {'; '.join(wrong)} (amount: Float, paid_date: DateTime).", 1)
            elif "bills.id" not in keys:
                report.add(False, '`bill_id` is not a foreign key to `bills.id`: use `mapped_column(ForeignKey("bills.id"))`.', 1)
            else:
                report.add(True, "The Payment model defines the payments table: id, bill_id -> bills.id, amount, paid_date.", 1)
    if metadata is not None:
        registered = "payments" in metadata.tables
        report.add(
            registered,
            "__all_models.py imports payments: Alembic sees the table." if registered else
            "__all_models.py does not import payments yet: env.py, and so Alembic, cannot see the table.",
            2,
        )
    script = probes.revisions(folder, report, 3)
    if script is not None:
        creating = probes.revision_doing(script, "payments", "create_table", "payments")
        empty = probes.newest_is_empty(script)
        if creating:
            report.add(True, f"Revision {creating[0]} creates the payments table.", 3)
        elif empty:
            report.add(
                False,
                f"The newest revision, {empty}, is empty: autogenerate saw no new table (was payments in "
                "__all_models.py?). Delete its file in alembic/versions and autogenerate again.",
                3,
            )
        else:
            report.add(False, "No revision creates the payments table yet: autogenerate one.", 3)
        if probes.one_head(script, report, 3) and creating:
            probes.at_head(folder, script, report, 4)
        table = probes.database_table(folder, report, "payments", 4)
        if table is not False:
            report.add(bool(table), "The database has the payments table." if table else "The database has no payments table yet.", 4)


@exercise(
    "03-change-a-model", "users.phone: the model and its revision", solutions="03_",
    success="Read the file: `op.add_column('users', ...)`. Notebook 04 applies revisions.",
)
def check_phone(folder: Path, report: Report) -> None:
    """Notebook 03: ``users.phone`` in the model, and a revision that adds it, autogenerated."""
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py")
    users = probes.database_table(folder, report, "users", 2)
    if users is not False:
        applied = bool(users) and users.column("last_login") is not None
        report.add(
            applied,
            "The database is up to date with the last_login revision, so Alembic can autogenerate." if applied else
            "The last_login revision is not applied yet, so Alembic refuses to autogenerate "
            "(`Target database is not up to date`): run `alembic upgrade head` first.",
            2,
        )
    script = probes.revisions(folder, report, 3)
    if script is not None:
        adding = probes.revision_doing(script, "users", "add_column", "phone")
        empty = probes.newest_is_empty(script)
        if adding:
            report.add(True, f"Revision {adding[0]} adds users.phone.", 3)
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was users.py saved with phone in it? Delete that file and autogenerate again.", 3)
        else:
            report.add(False, "No revision adds users.phone yet: autogenerate one.", 3)
        probes.one_head(script, report, 3)


@exercise(
    "04-upgrade-the-database", "bills.last_payment, from model to database", solutions="04_",
    success="Model, revision and database agree, and the site works.",
)
def check_last_payment(folder: Path, report: Report) -> None:
    """Notebook 04: ``bills.last_payment`` (DateTime, indexed): model, revision, upgrade, and the page."""
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(
            report, metadata, "bills", "Bill", "last_payment", DateTime, "a DateTime", "billtracker/data/bills.py", index=True
        )
    script = probes.revisions(folder, report, 2)
    if script is not None:
        adding = probes.revision_doing(script, "bills", "add_column", "last_payment")
        indexing = probes.revision_doing(script, "bills", "create_index", "last_payment")
        empty = probes.newest_is_empty(script)
        if adding and indexing:
            report.add(True, f"Revision {adding[0]} adds bills.last_payment and its index.", 2)
        elif adding:
            report.add(
                False,
                f"Revision {adding[0]} adds bills.last_payment but no index: the model had no `index=True` when you "
                "autogenerated. If it is not applied yet, delete the file and autogenerate again.",
                2,
            )
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was bills.py saved with last_payment in it? Delete that file and autogenerate again.", 2)
        else:
            report.add(False, "No revision adds bills.last_payment yet: autogenerate one.", 2)
        if probes.one_head(script, report, 2) and adding:
            probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills is not False and bills is not None:
        column = bills.column("last_payment")
        if column is None:
            report.add(False, "The database's bills table has no last_payment column yet.", 3)
        elif not bills.indexes_on("last_payment"):
            report.add(False, "The database has bills.last_payment but no index on it.", 3)
        else:
            report.add(True, f"The database has bills.last_payment ({column[1]}) and its index.", 3)
    probes.page(folder, report, "billtracker", 4, "The database lacks a column the models have: migrate it.")


@exercise(
    "05-your-turn-hovershare", "Location.postal_code, from model to page", solutions="05_",
    success="You migrated hovershare on your own.",
)
def check_postal_code(folder: Path, report: Report) -> None:
    """Notebook 05 (hovershare): ``Location.postal_code``: model, revision, upgrade, and the page.

    Steps: 1 the model, 2 the revision, 3 the database, 4 the page.
    """
    metadata = probes.models(folder, report, app="hovershare")
    if metadata is not None:
        probes.check_column(
            report, metadata, "locations", "Location", "postal_code", String, "a String", "hovershare/data/locations.py"
        )
    script = probes.revisions(folder, report, 2)
    if script is not None:
        adding = probes.revision_doing(script, "locations", "add_column", "postal_code")
        empty = probes.newest_is_empty(script)
        if adding:
            report.add(True, f"Revision {adding[0]} adds locations.postal_code.", 2)
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was locations.py saved with postal_code in it? Delete that file and autogenerate again.", 2)
        else:
            report.add(False, "No revision adds locations.postal_code yet: autogenerate one.", 2)
        if probes.one_head(script, report, 2) and adding:
            probes.at_head(folder, script, report, 3)
    locations = probes.database_table(folder, report, "locations", 3)
    if locations is not False and locations is not None:
        column = locations.column("postal_code")
        report.add(
            column is not None,
            f"The database has locations.postal_code ({column[1]})." if column else
            "The database's locations table has no postal_code column yet.",
            3,
        )
    probes.page(folder, report, "hovershare", 4, "The database lacks a column the models have: migrate it.")


@exercise(
    "19-migrate-a-live-database", "bills.due_date, deployed while a report reads bills", solutions="19_",
    success="The revision is applied, and env.py's lock_timeout holds for it: a blocked deploy fails fast.",
)
def check_due_date_on_a_busy_table(folder: Path, report: Report) -> None:
    """Notebook 19: ``bills.due_date`` added by a revision that runs under env.py's ``lock_timeout``, then applied.

    Steps: 1 the model and the revision, 2 the revision's SQL sets the lock_timeout before its ALTER TABLE
    (as ``alembic upgrade --sql`` writes it), 3 the database has the column (the retry went through).
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "bills", "Bill", "due_date", DateTime, "a DateTime", "billtracker/data/bills.py")
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    revision = probes.revision_step(script, report, "bills", "due_date", "billtracker/data/bills.py", 1)
    if revision is not None:
        report.add(True, f"Revision {revision} adds bills.due_date.", 1)
        parent = script.get_revision(revision).down_revision or "base"
        try:
            sql = terminal.run(f"alembic upgrade {parent}:{revision} --sql", folder, echo=False).output
        except terminal.CommandFailed as failure:
            report.add(False, f"`alembic upgrade {parent}:{revision} --sql` fails: {failure.message.splitlines()[0]}", 2)
        else:
            timeout = sql.find("SET lock_timeout")
            if 0 <= timeout < sql.find("ALTER TABLE bills ADD COLUMN due_date"):
                report.add(True, "Its SQL sets a lock_timeout before the ALTER TABLE: a blocked deploy fails fast.", 2)
            else:
                report.add(False, "Its SQL sets no lock_timeout before the ALTER TABLE: env.py must still call "
                                  "`set_timeouts()` in `begin_transaction()`, as section 2 made it.", 2)
        if probes.one_head(script, report, 3):
            probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills is not False and bills is not None:
        if bills.column("due_date") is not None:
            report.add(True, "The database has bills.due_date.", 3)
        else:
            report.add(False, "The database has no bills.due_date yet: when the report has ended, run `alembic upgrade head`.", 3)


@exercise(
    "20-change-a-live-schema-safely", "an index on users.phone, built without blocking writes", solutions="20_",
    success="The index is there, and was built while the site could go on writing.",
)
def check_phone_index(folder: Path, report: Report) -> None:
    """Notebook 20: an index on ``users.phone``, built concurrently: model, revision, and database.

    Steps: 1 the model and the revision, 3 the revision builds (and drops) the index concurrently,
    4 the database has it (steps as in the notebook; step 2 runs the linter).
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py", index=True)
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    indexing = probes.revision_doing(script, "users", "create_index", "phone")
    if not indexing:
        report.add(False, "No revision creates an index on users.phone yet: autogenerate one.", 1)
    else:
        report.add(True, f"Revision {indexing[0]} creates the index on users.phone.", 1)
        text = inspection.revision_source(script, indexing[0])
        upgrade, _, downgrade = text.split("def upgrade()", 1)[-1].partition("def downgrade()")
        for function, body, operation in (("upgrade()", upgrade, "create_index"), ("downgrade()", downgrade, "drop_index")):
            call = next((line for line in body.splitlines() if f"op.{operation}(" in line and "phone" in line), "")
            if "postgresql_concurrently=True" not in call:
                report.add(False, f"Its {function} calls `op.{operation}` without `postgresql_concurrently=True`: "
                                  "a plain index build blocks every write to users.", 3)
            elif "autocommit_block()" not in body:
                report.add(False, f"Its {function} builds concurrently, but outside `op.get_context().autocommit_block()`: "
                                  "PostgreSQL refuses CONCURRENTLY inside a transaction.", 3)
            else:
                report.add(True, f"Its {function} runs `op.{operation}(..., postgresql_concurrently=True)` in an autocommit block.", 3)
        if probes.one_head(script, report, 4):
            probes.at_head(folder, script, report, 4)
    users = probes.database_table(folder, report, "users", 4)
    if users is not False and users is not None:
        if users.indexes_on("phone"):
            report.add(True, f"The database has the index {users.indexes_on('phone')[0]} on users.phone.", 4)
        else:
            report.add(False, "The database has no index on users.phone yet.", 4)


# --- notebooks 06-11


def _base_revision(script):
    """The first revision of the history: the one that follows ``base``."""
    return next(revision for revision in script.walk_revisions() if not revision.down_revision)


@exercise(
    "06-go-back-with-downgrade", "no index on bills.last_payment: step back, change, step forward", solutions="06_",
    success="You changed a revision that was applied: down, edit, up.",
)
def check_no_index(folder: Path, report: Report) -> None:
    """Notebook 06: change an applied revision: downgrade it, drop its index from model and revision, upgrade.

    Steps: 1 the downgrade (the database loses the index), 2 the model, 3 the revision, 4 the upgrade.
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    adding = probes.revision_doing(script, "bills", "add_column", "last_payment")
    indexing = probes.revision_doing(script, "bills", "create_index", "last_payment")
    bills = probes.database_table(folder, report, "bills", 1)
    if bills is not False:
        indexes = bills.indexes_on("last_payment") if bills else []
        if not indexes:
            report.add(True, "The database has no index on bills.last_payment: the downgrade dropped it.", 1)
        elif adding and not indexing:
            report.add(
                False,
                f"The database still has {indexes[0]}: you changed the revision while it was applied, and Alembic "
                "never runs an applied revision again. Put the index lines back in the revision, run "
                "`alembic downgrade -1`, then remove them again.",
                1,
            )
        else:
            report.add(
                False,
                f"The database still has {indexes[0]} on bills.last_payment: step back first with "
                "`alembic downgrade -1`, which runs the revision's downgrade() and drops it.",
                1,
            )
    metadata = probes.models(folder, report, step=2)
    if metadata is not None and "bills" in metadata.tables:
        column = metadata.tables["bills"].columns.get("last_payment")
        if column is None:
            report.add(False, "The Bill model has no `last_payment` column any more: keep the column, remove only `index=True`.", 2)
        elif column.index or any("last_payment" in index.columns for index in metadata.tables["bills"].indexes):
            report.add(False, "Bill.last_payment still has `index=True` (billtracker/data/bills.py): remove it.", 2)
        else:
            report.add(True, "Bill.last_payment has no index in the model.", 2)
    if not adding:
        report.add(False, "No revision adds bills.last_payment any more: keep the revision, remove only its index lines.", 3)
    else:
        dropping_later = [
            revision.revision for revision in script.walk_revisions()
            if revision.revision not in adding
            and re.search(r"drop_index\(.*ix_bills_last_payment", inspection.upgrade_source(script, revision.revision))
        ]
        downgrade = probes.downgrade_source(script, adding[0])
        if indexing and dropping_later:
            report.add(True, f"Revision {dropping_later[0]} drops the index again: that works too (and is the way once others have applied {adding[0]}).", 3)
        elif indexing:
            report.add(
                False,
                f"Revision {adding[0]} still creates the index: remove `op.create_index(...)` from its upgrade() and "
                "`op.drop_index(...)` from its downgrade() (or delete the file and autogenerate again).",
                3,
            )
        elif "drop_index(" in downgrade:
            report.add(
                False,
                f"Revision {adding[0]}'s downgrade() still drops the index its upgrade() no longer creates: remove "
                "the `op.drop_index(...)` line too, or the next downgrade fails.",
                3,
            )
        else:
            report.add(True, f"Revision {adding[0]} adds bills.last_payment, with no index.", 3)
    if probes.one_head(script, report, 3) and probes.current(folder, script, report, 4) is not None:
        probes.at_head(folder, script, report, 4)
    if bills:
        report.add(
            bills.column("last_payment") is not None,
            "The database has bills.last_payment." if bills.column("last_payment") else
            "The database's bills table has no last_payment column: run `alembic upgrade head`.",
            4,
        )


@exercise(
    "07-read-the-history", "the database of release 1.0", solutions="07_",
    success="You found a revision in the history and went there by its id.",
)
def check_release_1(folder: Path, report: Report) -> None:
    """Notebook 07: move the database to the revision that release 1.0 shipped with: the first one.

    Steps: 1 the database at that revision (found in the history, named by its id).
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    first = _base_revision(script).revision
    current = probes.current(folder, script, report, 1)
    if current is None:
        return
    heads = tuple(sorted(script.get_heads()))
    if current == (first,):
        report.add(True, f"The database is at {probes.revision_words(script, first)}: the users and bills tables, no last_login yet.", 1)
    elif not current:
        report.add(
            False,
            "The database is at base: it has no tables at all, and release 1.0 had users and bills. "
            "`alembic upgrade <id>`, with the id of the revision that creates them (`alembic history`).",
            1,
        )
    elif current == heads:
        report.add(
            False,
            f"The database is still at the head, {probes.revision_words(script, heads[0])}. Find release 1.0's revision in "
            "`alembic history` and go there with `alembic downgrade <id>`.",
            1,
        )
    else:
        words = ", ".join(probes.revision_words(script, revision) for revision in current)
        report.add(
            False,
            f"The database is at {words}, which came after release 1.0: go further back, to the revision whose "
            "parent is <base> (`alembic show <id>` prints the parent).",
            1,
        )


@exercise(
    "08-write-offline-sql", "downgrade.sql, for the DBA", solutions="08_",
    success="A DBA can run downgrade.sql; your database did not change.",
)
def check_downgrade_sql(folder: Path, report: Report) -> None:
    """Notebook 08: the SQL that undoes the newest revision, saved in ``downgrade.sql``; the database untouched.

    Steps: 1 the script, 2 the database (not changed).
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    head = script.get_current_head() if probes.one_head(script, report, 1) else None
    if head is None:
        return
    previous = script.get_revision(head).down_revision
    file = folder / "downgrade.sql"
    if not file.is_file():
        report.add(False, "There is no downgrade.sql in the project folder yet.", 1)
    else:
        sql = file.read_text(encoding="utf-8")
        back = f"UPDATE alembic_version SET version_num='{previous}' WHERE alembic_version.version_num = '{head}'"
        forward = f"UPDATE alembic_version SET version_num='{head}' WHERE alembic_version.version_num = '{previous}'"
        if "INFO  [" in sql:
            report.add(
                False,
                "downgrade.sql has Alembic's `INFO  [...]` log lines: leave them out, as the notebook did for "
                "upgrade.sql; they are not SQL, and the DBA's tool stops at the first one.",
                1,
            )
        elif back in sql and "DELETE FROM alembic_version" not in sql and "Running downgrade" in sql and sql.count("-- Running downgrade") == 1:
            report.add(True, f"downgrade.sql undoes {probes.revision_words(script, head)} and sets alembic_version back to {previous}.", 1)
        elif forward in sql or "-- Running upgrade" in sql:
            report.add(
                False,
                f"downgrade.sql is an upgrade script: it moves alembic_version forward. Write the downgrade: "
                f"`alembic downgrade {head}:{previous} --sql` (from the head back to the revision before it).",
                1,
            )
        elif "-- Running downgrade" in sql:
            report.add(
                False,
                f"downgrade.sql undoes more than the newest revision. Give the range `{head}:{previous}`: from the "
                "head back to the revision before it only.",
                1,
            )
        else:
            report.add(False, f"downgrade.sql is not the SQL of `alembic downgrade {head}:{previous} --sql`.", 1)
    current = probes.current(folder, script, report, 2)
    if current is not None:
        if current == (head,):
            report.add(True, f"The database is still at the head, {head}: writing SQL changed nothing.", 2)
        else:
            where = ", ".join(current) if current else "base"
            report.add(
                False,
                f"The database is at {where}, not at the head {head}: a downgrade ran on it. `--sql` only writes "
                "the SQL, for the DBA's database; bring yours back with `alembic upgrade head`.",
                2,
            )


@exercise(
    "09-keep-models-and-database-in-sync", "an index on bills.user_id, with both checks green", solutions="09_",
    success="`alembic current --check-heads` and `alembic check` both pass.",
)
def check_user_index(folder: Path, report: Report) -> None:
    """Notebook 09: index ``bills.user_id``; `alembic check` and `alembic current --check-heads` pass after.

    Steps: 1 the model, 2 the revision, 3 the upgrade and both checks.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(
            report, metadata, "bills", "Bill", "user_id", Integer, "an Integer", "billtracker/data/bills.py",
            nullable=False, index=True,
        )
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    indexing = probes.revision_doing(script, "bills", "create_index", "user_id")
    empty = probes.newest_is_empty(script)
    if indexing:
        report.add(True, f"Revision {indexing[0]} creates the index on bills.user_id.", 2)
    elif empty:
        report.add(False, f"The newest revision, {empty}, is empty: was bills.py saved with `index=True` on user_id? Delete that file and autogenerate again.", 2)
    else:
        report.add(False, "No revision creates an index on bills.user_id yet: `alembic check` tells you one is needed; autogenerate it.", 2)
    if not (probes.one_head(script, report, 3) and probes.current(folder, script, report, 3) is not None):
        return
    current = inspection.current_revisions(folder)
    heads = tuple(sorted(script.get_heads()))
    if current == heads:
        report.add(True, "`alembic current --check-heads` passes: the database is at the head.", 3)
    else:
        where = ", ".join(current) if current else "base"
        report.add(False, f"`alembic current --check-heads` fails: the database is at {where}, the head is {', '.join(heads)}. Run `alembic upgrade head`.", 3)
    try:
        differences = inspection.differences(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, f"`alembic check` cannot compare: {problem}", 3)
        return
    if differences:
        report.add(
            False,
            "`alembic check` fails: it finds " + "; ".join(inspection.describe(diff) for diff in differences) + ".",
            3,
        )
    else:
        report.add(True, "`alembic check` passes: models and database agree.", 3)


@exercise(
    "10-use-batch-mode-on-sqlite", "bills.description as Text, in batch mode", solutions="10_",
    success="Batch mode rebuilt the table, and the bills came along.",
)
def check_description_text(folder: Path, report: Report) -> None:
    """Notebook 10: ``Bill.description`` becomes ``Text``: a type change SQLite makes in batch mode.

    Steps: 1 the model, 2 the revision (batch mode), 3 the upgrade, with the bills kept.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        if probes.check_column(report, metadata, "bills", "Bill", "description", String, "a String", "billtracker/data/bills.py"):
            if not isinstance(metadata.tables["bills"].columns["description"].type, Text):
                report.findings.pop()
                report.add(False, "Bill.description is still a String: make it `mapped_column(Text)` (import Text from sqlalchemy).", 1)
            else:
                report.findings[-1].text = "Bill has `description` (a Text, may be empty)."
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    changing = [
        revision for revision in probes.revision_doing(script, "bills", "alter_column", "description")
        if "Text(" in inspection.upgrade_source(script, revision)
    ]
    empty = probes.newest_is_empty(script)
    if changing and "batch_alter_table(" not in inspection.upgrade_source(script, changing[0]):
        report.add(
            False,
            f"Revision {changing[0]} calls `op.alter_column` outside batch mode: SQLite cannot ALTER a column, so the "
            "upgrade fails. Delete the file and autogenerate again: env.py's `render_as_batch=True` writes "
            "`with op.batch_alter_table('bills') as batch_op:`.",
            2,
        )
    elif changing:
        report.add(True, f"Revision {changing[0]} changes bills.description to Text, in batch mode.", 2)
    elif empty:
        report.add(False, f"The newest revision, {empty}, is empty: was bills.py saved with `Text`? Delete that file and autogenerate again.", 2)
    else:
        report.add(False, "No revision changes bills.description to Text yet: autogenerate one.", 2)
    if probes.one_head(script, report, 2) and changing and probes.current(folder, script, report, 3) is not None:
        probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills:
        column = bills.column("description")
        report.add(
            column is not None and column[1] == "TEXT",
            f"The database's bills.description is {column[1] if column else 'missing'}"
            + (": the table was rebuilt." if column and column[1] == "TEXT" else ", not TEXT yet: upgrade."),
            3,
        )
        count, described = probes.rows(folder, "SELECT count(*), count(description) FROM bills")[0]
        report.add(
            count > 0 and count == described,
            f"The {count} bills kept their descriptions." if count and count == described else
            f"Of {count} bills, {count - described} lost their description.",
            3,
        )


@exercise(
    "11-rename-a-column-safely", "bills.description renamed to details, with its values", solutions="11_",
    success="A rename, not a drop and an add: every description kept.",
)
def check_details(folder: Path, report: Report) -> None:
    """Notebook 11: rename ``bills.description`` to ``details``: model, a revision that renames, the values kept.

    Steps: 1 the model, 2 autogenerate, 3 the revision rewritten as a rename, 4 the upgrade.
    """
    metadata = probes.models(folder, report)
    if metadata is not None and "bills" in metadata.tables:
        columns = metadata.tables["bills"].columns
        if "details" in columns and "description" in columns:
            report.add(False, "Bill has both `details` and `description`: rename the attribute, do not add a second one.", 1)
        elif "details" in columns:
            report.add(True, "The Bill model has `details`, and no `description`.", 1)
        else:
            report.add(False, "The Bill model has no `details` column yet: rename `description` in billtracker/data/bills.py.", 1)
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    renaming = probes.revision_doing(script, "bills", "alter_column", "description")
    renaming = [r for r in renaming if "new_column_name='details'" in inspection.upgrade_source(script, r).replace('"', "'")]
    dropping = probes.revision_doing(script, "bills", "drop_column", "description")
    if renaming:
        report.add(True, f"Revision {renaming[0]} is about bills.details.", 2)
        downgrade = probes.downgrade_source(script, renaming[0]).replace('"', "'")
        report.add(
            "new_column_name='description'" in downgrade and "drop_column" not in downgrade,
            f"Revision {renaming[0]} renames description to details, and its downgrade() renames it back."
            if "new_column_name='description'" in downgrade and "drop_column" not in downgrade else
            f"Revision {renaming[0]}'s upgrade() renames, but its downgrade() does not rename back: rewrite it with "
            "`batch_op.alter_column('details', new_column_name='description')`.",
            3,
        )
    elif dropping:
        report.add(True, f"Revision {dropping[0]} is about bills.details.", 2)
        report.add(
            False,
            f"Revision {dropping[0]} drops bills.description and adds details, as autogenerate wrote it: the "
            "descriptions would be lost. Rewrite upgrade() and downgrade() as a rename (`rewrite.function`, as above).",
            3,
        )
    else:
        empty = probes.newest_is_empty(script)
        report.add(
            False,
            f"The newest revision, {empty}, is empty: was bills.py saved? Delete that file and autogenerate again." if empty
            else "No revision is about bills.details yet: autogenerate one, then read it.",
            2,
        )
    if probes.one_head(script, report, 4) and (renaming or dropping) and probes.current(folder, script, report, 4) is not None:
        probes.at_head(folder, script, report, 4)
    bills = probes.database_table(folder, report, "bills", 4)
    if bills and bills.column("details") is not None:
        count, kept = probes.rows(folder, "SELECT count(*), count(details) FROM bills")[0]
        report.add(
            count > 0 and count == kept,
            f"The database has bills.details, and its {count} bills kept their descriptions." if count and count == kept else
            f"The database has bills.details, but {count - kept} of {count} bills have none: a drop and an add ran, and "
            "the descriptions are gone. Run `alembic downgrade -1`, rewrite the revision as a rename, and run the "
            "notebook again from the top to get the bills back (your files are kept in a backup).",
            4,
        )
    elif bills is not False:
        report.add(False, "The database's bills table has no details column yet: run `alembic upgrade head`.", 4)


# --- notebooks 12-18


@exercise(
    "12-name-your-constraints", "users.phone, unique, by a constraint with a name", solutions="12_",
    success="The convention named the constraint: a later revision can drop it by that name, on any database.",
)
def check_unique_phone(folder: Path, report: Report) -> None:
    """Notebook 12: ``users.phone``, unique by a constraint the naming convention names ``uq_users_phone``.

    Steps: 1 the model, 2 the revision (with the constraint's name), 3 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        if "uq" not in (metadata.naming_convention or {}):
            report.add(
                False,
                "The models' MetaData has no naming convention for unique constraints (`uq`) any more: "
                "put back `metadata = MetaData(naming_convention=NAMING_CONVENTION)` in billtracker/data/modelbase.py.",
            )
        if probes.check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py"):
            users = metadata.tables["users"]
            constraint = any(
                isinstance(one, UniqueConstraint) and list(one.columns.keys()) == ["phone"] for one in users.constraints
            )
            unique_index = any(index.unique and list(index.columns.keys()) == ["phone"] for index in users.indexes)
            if constraint:
                report.add(True, "User.phone is unique, by a unique constraint.")
            elif unique_index:
                report.add(
                    False,
                    "User.phone is unique through a unique index (`unique=True, index=True`), as `email` is: "
                    "the task asks for a unique constraint. Leave out `index=True`.",
                )
            else:
                report.add(False, "User.phone is not unique yet: add `unique=True` to its `mapped_column(...)`.")
    script = probes.revisions(folder, report, 2)
    adding = None
    if script is not None:
        adding = probes.revision_step(script, report, "users", "phone", "billtracker/data/users.py", 2)
        if adding:
            named = probes.revision_calling(script, adding, "create_unique_constraint", "uq_users_phone")
            unnamed = [line for line in inspection.upgrade_source(script, adding).splitlines() if "create_unique_constraint(None" in line]
            unique_index = [
                line for line in inspection.upgrade_source(script, adding).splitlines()
                if "create_index(" in line and "unique=True" in line
            ]
            if named:
                report.add(True, f"Revision {adding} adds users.phone and creates its constraint by name, `uq_users_phone`.", 2)
            elif unnamed:
                report.add(
                    False,
                    f"Revision {adding} creates the unique constraint without a name (`None`): the naming convention "
                    "was not in modelbase.py when you autogenerated. Put it back; if the revision is not applied, "
                    "delete it and autogenerate again.",
                    2,
                )
            elif unique_index:
                report.add(False, f"Revision {adding} creates a unique index, not a unique constraint: leave out `index=True`, then make the revision again.", 2)
            else:
                report.add(
                    False,
                    f"Revision {adding} adds users.phone but no unique constraint: the model had no `unique=True` when "
                    "you autogenerated. If it is not applied yet, delete the file and autogenerate again.",
                    2,
                )
        if probes.one_head(script, report, 2) and adding:
            probes.at_head(folder, script, report, 3)
    uniques = probes.database_answer(folder, report, 3, lambda inspector: (
        [column["name"] for column in inspector.get_columns("users")],
        {one["name"]: one["column_names"] for one in inspector.get_unique_constraints("users")},
    ))
    if uniques is not None:
        columns, constraints = uniques
        if "phone" not in columns:
            report.add(False, "The database's users table has no phone column yet.", 3)
        elif constraints.get("uq_users_phone") == ["phone"]:
            report.add(True, "The database has users.phone and its constraint `uq_users_phone`.", 3)
        else:
            names = ", ".join(f"`{name}`" for name, on in constraints.items() if on == ["phone"])
            report.add(
                False,
                f"The database has users.phone, but no unique constraint named `uq_users_phone` on it"
                f"{f' (it has {names})' if names else ''}.",
                3,
            )


@exercise(
    "13-migrate-data", "bills.amount_due: add, fill, constrain", solutions="13_",
    success="Every bill got what is left to pay, and the column refuses NULL: a data migration of your own.",
)
def check_amount_due(folder: Path, report: Report) -> None:
    """Notebook 13: ``bills.amount_due`` (NOT NULL), filled with ``total - paid`` by the revision that adds it.

    Steps: 1 the model, 2 the revision, 3 its add, fill, constrain, 4 the database and its rows.
    """
    metadata = probes.models(folder, report)
    if metadata is not None and probes.check_column(
        report, metadata, "bills", "Bill", "amount_due", Float, "a Float", "billtracker/data/bills.py", nullable=False
    ):
        if metadata.tables["bills"].columns["amount_due"].nullable:
            report.findings.pop()
            report.add(False, "Bill.amount_due may be empty: every bill has an amount due, so make it NOT NULL (`Mapped[float]`).")
    script = probes.revisions(folder, report, 2)
    adding = None
    if script is not None:
        adding = probes.revision_step(script, report, "bills", "amount_due", "billtracker/data/bills.py", 2)
        if adding:
            report.add(True, f"Revision {adding} adds bills.amount_due.", 2)
            probes.one_head(script, report, 2)
            text = inspection.revision_source(script, adding)
            body = inspection.upgrade_source(script, adding)
            added = next(line for line in body.splitlines() if "add_column(" in line and "amount_due" in line)
            if re.search(r"^\s*(from|import) billtracker", text, re.MULTILINE):
                report.add(
                    False,
                    f"Revision {adding} imports your models: it must run unchanged when they change. Describe the "
                    "columns it uses with `sa.table('bills', sa.column(...), ...)` instead.",
                    3,
                )
            if "nullable=False" in added:
                report.add(
                    False,
                    f"Revision {adding} still adds amount_due NOT NULL at once, as autogenerate wrote it: on a table with "
                    "rows the upgrade fails. Add it with `nullable=True`, fill it, then make it NOT NULL.",
                    3,
                )
            else:
                report.add(True, "It adds the column allowing NULL first.", 3)
            fills = "op.execute(" in body or ".update(" in body
            report.add(
                fills,
                "It fills the column from the rows (`op.execute(...)`)." if fills else
                "It does not fill the column: add `op.execute(bills.update().values(amount_due=...))` between the two steps.",
                3,
            )
            constrains = bool(re.search(
                r"alter_column\(\s*(?:['\"]bills['\"],\s*)?['\"]amount_due['\"](?:[^()]|\([^()]*\))*nullable=False", body
            ))
            report.add(
                constrains,
                "Then it makes the column NOT NULL (`alter_column(..., nullable=False)`)." if constrains else
                "It never makes the column NOT NULL: end `upgrade()` with `batch_op.alter_column('amount_due', "
                "existing_type=sa.Float(), nullable=False)`.",
                3,
            )
            probes.at_head(folder, script, report, 4)
    found = probes.database_answer(folder, report, 4, lambda inspector: {column["name"]: column for column in inspector.get_columns("bills")})
    if found is not None:
        if "amount_due" not in found:
            report.add(False, "The database's bills table has no amount_due column yet.", 4)
        else:
            report.add(
                not found["amount_due"]["nullable"],
                "The database's bills.amount_due is NOT NULL." if not found["amount_due"]["nullable"] else
                "The database's bills.amount_due still accepts NULL.",
                4,
            )
            rows = probes.database_answer(folder, report, 4, lambda inspector: probes.engine_rows(
                inspector.bind, "SELECT description, total, paid, amount_due FROM bills ORDER BY id"
            ))
            if rows is not None:
                wrong = [
                    f"{description}: {amount_due}, not {total - paid:g}" for description, total, paid, amount_due in rows
                    if amount_due is None or abs(amount_due - (total - paid)) > 0.005
                ]
                report.add(
                    not wrong and bool(rows),
                    f"Each of the {len(rows)} bills has amount_due = total - paid." if not wrong else
                    f"Some bills have the wrong amount_due ({'; '.join(wrong)}): fill it with `bills.c.total - bills.c.paid`.",
                    4,
                )


def _parents(revision) -> tuple[str, ...]:
    """The revisions a revision follows (two or more for a merge), from its ``down_revision``."""
    down = revision.down_revision
    return tuple(down) if isinstance(down, tuple | list) else (down,) if down else ()


TEAMMATE_REVISION = "1f3c9a7e2b04"  # notebook 14's teammate's "add phone to users"


@exercise(
    "14-branch-and-merge", "a fork of your own, merged", solutions="14_",
    success="Two heads became one again, and everyone's `alembic upgrade head` works.",
)
def check_second_merge(folder: Path, report: Report) -> None:
    """Notebook 14: ``bills.note`` after the merge, a teammate's revision on their old head, and a second merge.

    Steps: 1 the model and its revision, 2 the teammate's revision, 3 the merge, 4 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "bills", "Bill", "note", String, "a String", "billtracker/data/bills.py")
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    note = probes.revision_step(script, report, "bills", "note", "billtracker/data/bills.py", 1)
    if note:
        report.add(True, f"Revision {note} adds bills.note.", 1)
    children = [
        revision.revision for revision in script.walk_revisions()
        if TEAMMATE_REVISION in _parents(revision) and not revision.is_merge_point
    ]
    if TEAMMATE_REVISION not in {revision.revision for revision in script.walk_revisions()}:
        report.add(False, f"Your teammate's revision {TEAMMATE_REVISION} is gone: run the notebook again from its first cell.", 2)
    elif children:
        report.add(True, f"Revision {children[0]} follows your teammate's {TEAMMATE_REVISION}: the history forked there.", 2)
    else:
        report.add(
            False,
            f"No revision follows your teammate's {TEAMMATE_REVISION} yet, besides the merge: "
            f'`alembic revision -m "..." --head {TEAMMATE_REVISION} --splice`.',
            2,
        )
    merges = [revision for revision in script.walk_revisions() if revision.is_merge_point]
    heads = script.get_heads()
    if len(heads) > 1:
        report.add(
            False,
            f"There are {len(heads)} heads ({', '.join(sorted(heads))}): join them with `alembic merge heads -m \"...\"`.",
            3,
        )
    elif children and len(merges) < 2:
        report.add(False, "There is one head, but no second merge revision: did a revision take the place of the merge?", 3)
    elif children:
        newest = merges[0]
        report.add(True, f"Revision {newest.revision} merges {' and '.join(_parents(newest))}: one head again.", 3)
    if len(heads) == 1 and children and len(merges) >= 2:
        probes.at_head(folder, script, report, 4)
    table = probes.database_table(folder, report, "bills", 4)
    if table:
        column = table.column("note")
        report.add(column is not None, "The database has bills.note." if column else "The database's bills table has no note column yet.", 4)


DATA_TEST = "tests/test_due_date.py"  # notebook 15's exercise: a test of one migration, with rows in the table


def _pytest(folder: Path, *arguments: str) -> tuple[int, str]:
    """Run the project's own tests, as ``pytest`` in a terminal there would; its exit status and output."""
    import subprocess
    import sys

    environment = terminal.new_terminal_environment()  # none of a surrounding test run's PYTEST_* variables
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no", "--no-header", "-q", "-rA", "--tb=line",
         *arguments],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


@exercise(
    "15-test-your-migrations", "a test of the due_date migration, with rows", solutions="15_",
    success="pytest-alembic now checks what the migration does to existing rows, on every run of your tests.",
)
def check_data_test(folder: Path, report: Report) -> None:
    """Notebook 15: ``tests/test_due_date.py`` stops before the due_date revision, inserts rows, upgrades one step.

    Steps: 1 the test file, 2 the test passes (and the four standard ones still do).
    """
    file = folder / DATA_TEST
    if not file.is_file():
        report.add(False, f"There is no {DATA_TEST} yet: write it with `%%writefile {DATA_TEST}`.")
        return
    text = file.read_text(encoding="utf-8")
    used = ["alembic_runner", "migrate_up_before", "insert_into", "migrate_up_one"]
    missing = [name for name in used if name not in text]
    report.add(
        not missing,
        f"{DATA_TEST} uses {', '.join(f'`{name}`' for name in used)}." if not missing else
        f"{DATA_TEST} does not use {', '.join(f'`{name}`' for name in missing)}: stop before the revision, "
        "insert a row, then upgrade one step, with `alembic_runner`.",
    )
    if re.search(r"sqlite:///[^'\"]*billtracker\.sqlite|project\.engine\(|^\s*(from|import) billtracker", text, re.MULTILINE):
        report.add(
            False,
            f"{DATA_TEST} reaches for your own database or models: a migration test uses only the empty database "
            "pytest-alembic hands it (`alembic_engine`, `alembic_runner`), as tests/test_migrations.py does. "
            "(The check does not run it: it would migrate your database down and up.)",
        )
        return
    try:
        status, output = _pytest(folder)
    except Exception as error:  # pytest missing or hung
        report.add(False, f"pytest did not run: {type(error).__name__}: {error}", 2)
        return
    results = dict(
        (match[2], match[1]) for match in re.finditer(r"^(PASSED|FAILED|ERROR) (\S+)", output, re.MULTILINE)
    )
    ours = {name: result for name, result in results.items() if name.startswith(DATA_TEST)}
    if not ours:
        errors = re.findall(r"^E\s+(.+)$|^(\S+Error: .+)$", output, re.MULTILINE)
        why = next((" ".join(part for part in error if part) for error in errors), "")
        report.add(
            False,
            f"pytest ran no test in {DATA_TEST}: " + (
                f"it does not import ({why})." if "error" in output.lower() and why else
                "a test is a function whose name starts with `test_`, taking `alembic_runner`."
            ),
            2,
        )
    elif all(result == "PASSED" for result in ours.values()):
        report.add(True, f"pytest runs {len(ours)} test{'s' if len(ours) > 1 else ''} of {DATA_TEST}, and {'they pass' if len(ours) > 1 else 'it passes'}.", 2)
    else:
        failed = [name for name, result in ours.items() if result != "PASSED"]
        where = re.search(rf"^\S*{re.escape(DATA_TEST)}:(\d+): (.+)$", output, re.MULTILINE)  # --tb=line's line
        why = f"line {where[1]}: {where[2]}" if where else output.strip().splitlines()[-1]
        report.add(False, f"{failed[0].split('::')[-1]} fails, {why}", 2)
    others = {name: result for name, result in results.items() if not name.startswith(DATA_TEST)}
    broken = [name.split("::")[-1] for name, result in others.items() if result != "PASSED"]
    report.add(
        bool(others) and not broken,
        f"The {len(others)} other tests pass too." if others and not broken else
        f"Another test fails: {', '.join(broken)}." if broken else "pytest ran none of the tests of tests/test_migrations.py.",
        2,
    )


NICKNAME_REVISION = "5eed1e55f00d"  # notebook 16's teammate's "add nickname to users", applied in case 7


@exercise(
    "16-troubleshoot-common-errors", "an index on users.nickname, in a new revision", solutions="16_",
    success="A change to an applied revision goes in a new one: every database that ran the old one gets it too.",
)
def check_nickname_index(folder: Path, report: Report) -> None:
    """Notebook 16: ``users.nickname`` gets an index: in the model, in a new revision (not the applied one), applied.

    Steps: 1 the model, 2 the revision, 3 the database.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(report, metadata, "users", "User", "nickname", String, "a String", "billtracker/data/users.py", index=True)
    script = probes.revisions(folder, report, 2)
    if script is not None:
        indexing = [
            revision for revision in probes.revision_doing(script, "users", "create_index", "ix_users_nickname")
            if revision != NICKNAME_REVISION
        ]
        edited = NICKNAME_REVISION in {revision.revision for revision in script.walk_revisions()} and "create_index" in (
            inspection.upgrade_source(script, NICKNAME_REVISION)
        )
        if edited:
            report.add(
                False,
                f"Revision {NICKNAME_REVISION} (add nickname to users) creates an index now, but it ran already: Alembic "
                "will never run it again, here or anywhere. Put it back as it was, and make the index in a new revision.",
                2,
            )
        empty = probes.newest_is_empty(script)
        if indexing:
            report.add(True, f"Revision {indexing[0]} creates the index ix_users_nickname.", 2)
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was users.py saved with `index=True` on nickname? Delete that file and autogenerate again.", 2)
        elif not edited:
            report.add(False, "No new revision creates an index on users.nickname yet: autogenerate one.", 2)
        if probes.one_head(script, report, 2) and indexing:
            probes.at_head(folder, script, report, 3)
    users = probes.database_table(folder, report, "users", 3)
    if users:
        indexes = users.indexes_on("nickname")
        report.add(
            bool(indexes),
            f"The database has an index on users.nickname ({indexes[0]})." if indexes else
            "The database has no index on users.nickname yet.",
            3,
        )


@exercise(
    "17-survive-a-failed-migration", "bills.reminder: repaired by hand, then stamped", solutions="17_",
    success="Schema, alembic_version, revision and model agree again, and every other database will run the fixed revision.",
)
def check_stamp_repair(folder: Path, report: Report) -> None:
    """Notebook 17: a revision adding ``bills.reminder`` and its index fails halfway; the index is made by hand,
    the revision stamped, the typo fixed, the model brought along.

    Steps: 1 the revision, 2 the database repaired and recorded, 3 the model.
    """
    from sqlalchemy import Date

    script = probes.revisions(folder, report, 1)
    adding = None
    if script is not None:
        adding = next(iter(probes.revision_doing(script, "bills", "add_column", "reminder")), None)
        empty = probes.newest_is_empty(script)
        if not adding and empty:
            report.add(False, f"The newest revision, {empty}, does nothing yet: fill in its `upgrade()` and `downgrade()`.", 1)
        elif not adding:
            report.add(False, 'No revision adds bills.reminder yet: write one, `alembic revision -m "add a reminder to bills"`, and fill it in.', 1)
    if adding:
        typo = probes.revision_calling(script, adding, "create_index", "ix_bills_reminder")
        right = [line for line in typo if re.search(r"\[\s*['\"]reminder['\"]\s*\]", line)]
        if not typo:
            report.add(False, f"Revision {adding} adds bills.reminder but creates no index `ix_bills_reminder`.", 1)
        elif right:
            report.add(True, f"Revision {adding} adds bills.reminder, then its index on `reminder`.", 1)
        else:
            report.add(
                False,
                f"Revision {adding} still creates its index on a column that does not exist ({typo[0]}): fix the typo, "
                "so that every other database runs it right.",
                1,
            )
    found = probes.database_answer(folder, report, 2, lambda inspector: (
        [column["name"] for column in inspector.get_columns("bills")],
        {index["name"]: index["column_names"] for index in inspector.get_indexes("bills")},
    ))
    if found is not None and script is not None and adding:
        columns, indexes = found
        try:
            current = inspection.current_revisions(folder)
        except inspection.ProjectProblem as problem:
            current = ()
            report.add(False, str(problem), 2)
        recorded = adding in current
        if "reminder" not in columns:
            report.add(
                False,
                "The database has no bills.reminder column: "
                + ("`alembic_version` says the revision ran, yet nothing of it is there. Stamp back "
                   "(`alembic stamp -1`) and upgrade." if recorded else
                   "upgrade once, with the typo in, to see it fail halfway (SQLite keeps the column)."),
                2,
            )
        elif indexes.get("ix_bills_reminder") != ["reminder"]:
            report.add(
                False,
                "The database has bills.reminder but no index ix_bills_reminder on it"
                + (": `alembic stamp` records a revision and runs nothing, so create the index by hand first "
                   "(`CREATE INDEX ix_bills_reminder ON bills (reminder)`)." if recorded else
                   ", and `alembic_version` does not name the revision: the failed upgrade left the column behind. "
                   "Finish by hand (`CREATE INDEX ix_bills_reminder ON bills (reminder)`), then `alembic stamp head`."),
                2,
            )
        else:
            report.add(True, "The database has bills.reminder and its index ix_bills_reminder.", 2)
            if probes.one_head(script, report, 2):
                if recorded:
                    probes.at_head(folder, script, report, 2)
                else:
                    report.add(
                        False,
                        f"The database has everything revision {adding} makes, but `alembic_version` does not name it: "
                        "record it, running nothing, with `alembic stamp head`.",
                        2,
                    )
    metadata = probes.models(folder, report, step=3)
    if metadata is not None and probes.check_column(
        report, metadata, "bills", "Bill", "reminder", Date, "a Date", "billtracker/data/bills.py", index=True, step=3
    ):
        try:
            left = inspection.differences(folder)
        except inspection.ProjectProblem as problem:
            report.add(False, str(problem), 3)
        else:
            report.add(
                not left,
                "`alembic check` finds nothing to do: models and database agree." if not left else
                f"`alembic check` would still find: {'; '.join(inspection.describe(diff) for diff in left)}.",
                3,
            )


ID_LENGTH = 32  # alembic_version.version_num is a VARCHAR(32)


@exercise(
    "18-move-to-postgresql", "revision ids that fit PostgreSQL", solutions="18_",
    success="Every id fits `alembic_version.version_num`: the history can move to PostgreSQL.",
)
def check_short_revision_ids(folder: Path, report: Report) -> None:
    """Notebook 18: the 33-character revision id shortened in its file, and the database's record repaired.

    Steps: 1 every id of 32 characters or fewer, 2 the database at the head.
    """
    script = probes.revisions(folder, report, 1)
    if script is None:
        return
    revisions = {revision.revision for revision in script.walk_revisions()}
    long = sorted(revision for revision in revisions if len(revision) > ID_LENGTH)
    report.add(
        not long,
        f"Every revision id has {ID_LENGTH} characters or fewer." if not long else
        f"Revision {long[0]} has {len(long[0])} characters; PostgreSQL's `alembic_version` holds {ID_LENGTH}: change "
        "`revision = ...` in its file (the docstring's Revision ID too, and the file's name, to keep them alike).",
    )
    if long or not probes.one_head(script, report, 1):
        return
    try:
        current = inspection.current_revisions(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), 2)
        return
    unknown = [revision for revision in current if revision not in revisions]
    if unknown:
        report.add(
            False,
            f"The database still records {unknown[0]}, an id no revision file has any more: Alembic cannot locate it. "
            "That revision changed nothing, so record the one before it, `alembic stamp --purge <its id>` "
            "(`--purge` empties alembic_version first), then `alembic upgrade head`.",
            2,
        )
    else:
        probes.at_head(folder, script, report, 2)


# Notebook 21: Configure the database URL

NOTES_VARIABLE = "NOTES_DATABASE_URL"
# A URL whose password holds a `%` (p@ss, percent-encoded): configparser refuses it, Alembic takes it straight.
PERCENT_URL = "postgresql+psycopg://notes:p%40ss@db.example.com/notes"
NOTES_COMMAND = "alembic -c notes/pyproject.toml -c notes/alembic.ini"


@exercise(
    "21-configure-the-database-url", "notes: one setting, from the environment", solutions="21_",
    success="One URL, in the project's own code; Alembic takes it from there, from any folder, whatever it holds.",
)
def check_notes_settings(folder: Path, report: Report) -> None:
    """Notebook 21: the ``notes`` project reads ``NOTES_DATABASE_URL`` (else ``notes.sqlite`` beside its settings,
    absolute) in ``notes/settings.py``; ``env.py`` takes it straight; ``alembic.ini`` has no URL; it runs from any folder.

    Steps: 1 the setting, 2 env.py and the config files, 3 the database, from the project folder.
    """
    import configparser
    import os

    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from . import fresh

    notes = folder / "notes"
    if not (notes / "pyproject.toml").is_file() or not (notes / "alembic" / "env.py").is_file():
        report.add(False, "There is no notes project (notes/pyproject.toml, notes/alembic/) yet: run the lesson's cells first.")
        return

    # Step 1: the setting, with and without the variable.
    default = None
    if not (notes / "settings.py").is_file():
        report.add(False, "There is no notes/settings.py yet: write it with `%%writefile notes/settings.py`.")
    else:
        saved = os.environ.pop(NOTES_VARIABLE, None)
        try:
            default = getattr(fresh.import_fresh("settings", notes), "DATABASE_URL", None)
            os.environ[NOTES_VARIABLE] = "sqlite:///from-the-variable.sqlite"
            chosen = getattr(fresh.import_fresh("settings", notes), "DATABASE_URL", None)
        except Exception as error:
            default = chosen = None
            report.add(False, f"notes/settings.py does not import: {type(error).__name__}: {error}")
        finally:
            os.environ.pop(NOTES_VARIABLE, None)
            if saved is not None:
                os.environ[NOTES_VARIABLE] = saved
            fresh.forget_project_modules(notes)
        expected = (notes / "notes.sqlite").as_posix()
        if default is None and not report.findings:
            report.add(False, "notes/settings.py defines no `DATABASE_URL`.")
        elif default is not None:
            path = default.removeprefix("sqlite:///") if isinstance(default, str) and default.startswith("sqlite:///") else None
            if path is None:
                report.add(False, f"Without {NOTES_VARIABLE}, DATABASE_URL is {default!r}: it should be a SQLite URL, `sqlite:///...`.")
            elif not Path(path).is_absolute():
                report.add(
                    False,
                    f"Without {NOTES_VARIABLE}, DATABASE_URL is {default!r}, a relative path, which depends on the folder a "
                    "command runs from: build it from the module's own folder, `Path(__file__).resolve().parent`.",
                )
            elif Path(path).as_posix() != expected:
                report.add(False, f"Without {NOTES_VARIABLE}, DATABASE_URL names {path}: it should be notes.sqlite beside settings.py.")
            else:
                report.add(True, f"Without {NOTES_VARIABLE}, DATABASE_URL is notes.sqlite beside settings.py, as an absolute path.")
            report.add(
                chosen == "sqlite:///from-the-variable.sqlite",
                f"With {NOTES_VARIABLE} set, DATABASE_URL is its value." if chosen == "sqlite:///from-the-variable.sqlite" else
                f"With {NOTES_VARIABLE} set, DATABASE_URL is still {chosen!r}: read `os.environ.get({NOTES_VARIABLE!r})` first.",
            )
    setting_ok = report.passed

    # Step 2: alembic.ini without a URL, and env.py taking the setting straight, from the project folder.
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(notes / "alembic.ini", encoding="utf-8")
    has_url = ini.has_option("alembic", "sqlalchemy.url")
    report.add(
        not has_url,
        "notes/alembic.ini has no sqlalchemy.url: nobody can read a second copy." if not has_url else
        "notes/alembic.ini still has a sqlalchemy.url: delete it, so that the setting is the only copy.",
        2,
    )
    saved = os.environ.get(NOTES_VARIABLE)
    os.environ[NOTES_VARIABLE] = PERCENT_URL
    try:
        offline = terminal.run(f"{NOTES_COMMAND} upgrade head --sql", folder, echo=False)
        failure = None
    except terminal.CommandFailed as error:
        offline, failure = None, error.message
    finally:
        os.environ.pop(NOTES_VARIABLE, None)
        if saved is not None:
            os.environ[NOTES_VARIABLE] = saved
    if failure and "No module named 'settings'" in failure:
        report.add(
            False,
            f"`{NOTES_COMMAND} ...` cannot import settings from this folder: make notes/pyproject.toml's "
            '`prepend_sys_path` the folder of the config, `["%(here)s"]` (or env.py does not import it yet).',
            2,
        )
    elif failure and "interpolation" in failure:
        report.add(
            False,
            "With a `%` in the URL's password, env.py fails in configparser: it passes the URL through "
            "`config.set_main_option()`. Give DATABASE_URL straight to `context.configure(url=...)` and `create_engine()`.",
            2,
        )
    elif failure:
        report.add(False, f"notes' env.py fails, offline, with {NOTES_VARIABLE} naming PostgreSQL: {failure.splitlines()[0]}", 2)
    elif "PostgresqlImpl" not in offline.output:
        report.add(
            False,
            f"With {NOTES_VARIABLE} naming PostgreSQL, notes' env.py still wrote SQL for another database: "
            "make it use DATABASE_URL from settings (`from settings import DATABASE_URL`), in both modes.",
            2,
        )
    else:
        report.add(True, f"notes' env.py uses {NOTES_VARIABLE}, `%` and all, from this folder (offline, PostgreSQL's SQL).", 2)

    # Step 3: the database the setting names is at the head, and no other appeared.
    strays = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("notes.sqlite") if path.parent != notes)
    report.add(
        not strays,
        "No stray notes.sqlite outside notes/." if not strays else
        f"A stray database {strays[0]} appeared: a relative path was used from another folder. Delete it.",
        3,
    )
    if setting_ok and default is not None and (notes / "notes.sqlite").is_file():
        config = Config(file_=str(notes / "alembic.ini"), toml_file=str(notes / "pyproject.toml"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        engine = create_engine(make_url(default), poolclass=NullPool)
        try:
            with engine.connect() as connection:
                current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except Exception:
            current = set()
        finally:
            engine.dispose()
        report.add(
            current == heads,
            "notes.sqlite is at the head." if current == heads else
            f"notes.sqlite is not at the head: run `{NOTES_COMMAND} upgrade head`.",
            3,
        )
    elif setting_ok:
        report.add(False, f"There is no notes/notes.sqlite: run `{NOTES_COMMAND} upgrade head`.", 3)


# Notebook 22: Adopt an existing database

# What the cell "A second old database" of notebook 22 puts in bookshelf/branch.sqlite.
BRANCH_ROWS = {
    "authors": [(1, "Octavia E. Butler"), (2, "Jorge Luis Borges")],
    "books": [(1, "Kindred", 1979, 1), (2, "Parable of the Sower", 1993, 1), (3, "Ficciones", 1944, 2)],
}
BRANCH_DATABASE = "bookshelf/branch.sqlite"
RELEASE_1 = "release-1"  # the copy of release 1's alembic.ini and alembic/ that notebook 22 keeps


@exercise(
    "22-adopt-an-existing-database", "the branch's old database, brought to release 2's head", solutions="22_",
    success="The branch's database took release 1's baseline by stamp, then both releases' revisions, rows and all.",
)
def check_branch_adopted(folder: Path, report: Report) -> None:
    """Notebook 22: ``bookshelf/branch.sqlite`` (made before Alembic) stamped, upgraded to the head, rows kept.

    Steps: 1 a revision recorded in its ``alembic_version``, 2 at the head with the models' schema and its rows.
    """
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.pool import NullPool

    path = folder / BRANCH_DATABASE
    if not path.is_file():
        report.add(False, f"There is no {BRANCH_DATABASE}: run the cell under *A second old database* to make it.")
        return
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            recorded = (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
                if "alembic_version" in tables else None
            )
            found = {
                "authors": connection.execute(text("SELECT id, name FROM authors ORDER BY id")).all(),
                "books": connection.execute(text("SELECT id, title, year, author_id FROM books ORDER BY id")).all(),
            } if {"authors", "books"} <= set(tables) else None
    finally:
        engine.dispose()

    if recorded is None:
        report.add(False, f"{BRANCH_DATABASE} has no alembic_version table yet: Alembic has not touched it. Point "
                          "`BOOKSHELF_DATABASE_URL` at it, then record (`alembic stamp`) the baseline its tables match.")
    elif not recorded:
        report.add(False, f"{BRANCH_DATABASE} has an alembic_version table with no revision in it (a failed `alembic "
                          "upgrade` or `stamp` leaves it so): record the baseline its tables match with `alembic stamp`. "
                          "Which release still has that baseline?")
    else:
        report.add(True, f"{BRANCH_DATABASE} records a revision ({', '.join(recorded)}).")
    if found is None:
        report.add(False, f"{BRANCH_DATABASE} has lost its authors or books table: run the cell under *A second old "
                          "database* again (it makes the file afresh), then start over.", 2)
        return
    rows_kept = {table: [tuple(row) for row in rows] for table, rows in found.items()} == BRANCH_ROWS
    if not recorded:
        return

    script = probes.revisions(folder, report, 2)
    if script is None or not probes.one_head(script, report, 2):
        return
    heads = sorted(script.get_heads())
    at_head = sorted(recorded) == heads
    if at_head:
        report.add(True, f"It is at the head of release 2 ({', '.join(heads)}).", 2)
    else:
        in_release_2 = {revision.revision for revision in script.walk_revisions()}
        release_1 = set(_release_1_revisions(folder))
        where = recorded[0]
        if where in in_release_2:
            report.add(False, f"It is at {where}, not at the head ({', '.join(heads)}): run `alembic upgrade head` on it.", 2)
        elif where in release_1:
            report.add(False, f"It is at {where}, a revision of release 1 that release 2 squashed: upgrade it with release 1 "
                              f"first (`alembic -c {RELEASE_1}/alembic.ini upgrade head`), then `alembic upgrade head`.", 2)
        else:
            report.add(False, f"It records {where}, a revision neither release has: stamp it again, with the "
                              "baseline its tables match (`alembic stamp --purge <id>`).", 2)
    if at_head:
        differences = _differences_from_models(folder, path)
        if differences is None:
            report.add(False, "Your models (bookshelf/models.py) do not import: run the lesson's %%writefile cells again.", 2)
        elif differences:
            baseline = next((revision for revision, parent in _release_1_revisions(folder).items() if parent is None),
                            "<release 1's baseline>")
            report.add(False, f"It says it is at the head, but its tables differ from the models ({differences}): it was "
                              "stamped past revisions that never ran on it. Record what it really has, release 1's baseline "
                              f"(`alembic -c {RELEASE_1}/alembic.ini stamp --purge {baseline}`), then upgrade with release 1, "
                              "then with release 2.", 2)
        else:
            report.add(True, "Its tables match the models: `alembic check` would pass on it.", 2)
    report.add(
        rows_kept,
        "Its authors and books are all there, as the branch entered them." if rows_kept else
        "Its rows are not the branch's any more: a database you adopt keeps its rows. Run the cell under *A second old "
        "database* again (it makes the file afresh), then stamp and upgrade it.",
        2,
    )


def _release_1_revisions(folder: Path) -> dict[str, str | None]:
    """The revisions of the release 1 that notebook 22 keeps, each with its parent; empty if there is none."""
    try:
        script = inspection.script_directory(folder / RELEASE_1)
    except inspection.ProjectProblem:
        return {}
    return {revision.revision: revision.down_revision for revision in script.walk_revisions()}


def _differences_from_models(folder: Path, database: Path) -> str | None:
    """What autogenerate would change in ``database`` to match the bookshelf models, in words; None if they do not import."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    try:
        metadata = inspection.model_tables(folder, "bookshelf.models", "bookshelf.models:Base")
    except inspection.ProjectProblem:
        return None
    engine = create_engine(f"sqlite:///{database}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    words = []
    for difference in differences:
        first = difference[0] if isinstance(difference, list) else difference
        operation = first[0]
        if operation == "add_column":
            words.append(f"no {first[2]}.{first[3].name}")
        elif operation == "add_index":
            words.append(f"no index {first[1].name}")
        else:
            words.append(operation.replace("_", " "))
    shown = ", ".join(words[:4]) + (f", and {len(words) - 4} more" if len(words) > 4 else "")
    return shown


# Notebook 23: Tune autogenerate

DATED_NAME = re.compile(r"^\d{4}_\d\d_\d\d_[0-9a-f]+_")  # file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s


def _bookshelf_engine(folder: Path):
    """An engine on the bookshelf's database, at the URL its own ``bookshelf/settings.py`` gives.

    :raises inspection.ProjectProblem: the settings do not import, or the SQLite file does not exist yet.
    """
    import importlib
    import sys

    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    with terminal.as_in_a_terminal(folder):  # the settings as they are on disk now, cached copies forgotten
        sys.path.insert(0, str(folder))
        try:
            url = importlib.import_module("bookshelf.settings").DATABASE_URL
        except Exception as error:
            raise inspection.ProjectProblem(f"bookshelf/settings.py does not give a DATABASE_URL: {error}") from None
    missing = inspection.missing_database(url)
    if missing:
        raise inspection.ProjectProblem(f"There is no database yet: {missing} does not exist. `alembic upgrade head` creates it.")
    return create_engine(url, poolclass=NullPool)


def _ruff_formatted(path: Path) -> bool:
    """Whether ``ruff format --check`` (the project's own settings) finds the file formatted."""
    import subprocess
    import sys

    process = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--quiet", str(path)],
        cwd=path.parent, capture_output=True, text=True, env=terminal.new_terminal_environment(),
    )
    return process.returncode == 0


@exercise(
    "23-tune-autogenerate", "Book.rating, never empty, with a server default", solutions="23_",
    success="Every book has a rating, and the database fills it in for new ones, whoever inserts them.",
)
def check_rating(folder: Path, report: Report) -> None:
    """Notebook 23: ``Book.rating``, an Integer NOT NULL with ``server_default="0"``, autogenerated and applied.

    Steps: 1 the model, 2 the revision (dated name, formatted by the ruff hook), 3 the upgrade and `alembic check`.
    """
    metadata = probes.models(folder, report, app="bookshelf")
    if metadata is None:
        return
    column = metadata.tables["books"].columns.get("rating") if "books" in metadata.tables else None
    if column is None:
        report.add(False, "The Book model has no `rating` column yet (bookshelf/models.py).")
    else:
        problems = []
        if not isinstance(column.type, Integer):
            problems.append(f"it is {probes.with_article(probes.type_name(column))} column; it should be an Integer")
        if column.nullable:
            problems.append("it may be empty: write `Mapped[int]`, not `Mapped[int | None]`")
        if column.server_default is None:
            problems.append(
                "it has `default=` only, which the database never sees: the rows already there would get no value"
                if column.default is not None else "it has no `server_default`, so the rows already there would get no value"
            )
            problems[-1] += '; use `server_default="0"`'
        if problems:
            report.add(False, "Book.rating is there, but " + "; and ".join(problems) + ".")
        else:
            report.add(True, "Book has `rating` (an Integer, never empty, with a server default).")
    script = probes.revisions(folder, report, 2)
    if script is None or not probes.one_head(script, report, 2):
        return
    adding = probes.revision_doing(script, "books", "add_column", "rating")
    if not adding:
        empty = probes.newest_is_empty(script)
        report.add(False, "No revision adds books.rating yet: autogenerate one." if not empty else
                   f"No revision adds books.rating; the newest, {empty}, is empty: was bookshelf/models.py saved?", 2)
        return
    revision = script.get_revision(adding[0])
    path = Path(revision.path)
    upgrade = inspection.upgrade_source(script, revision.revision)
    report.add(
        "server_default" in upgrade,
        f"Revision {revision.revision} adds books.rating with its server default." if "server_default" in upgrade else
        f"Revision {revision.revision} adds books.rating without a server default: the model had none when it was "
        "autogenerated. If it is not applied yet, delete the file, fix the model and autogenerate again.",
        2,
    )
    report.add(
        bool(DATED_NAME.match(path.name)),
        f"Its file name starts with the date: {path.name}." if DATED_NAME.match(path.name) else
        f"Its file name, {path.name}, has no date: is `file_template` still set in alembic.ini?",
        2,
    )
    formatted = _ruff_formatted(path)
    report.add(
        formatted,
        "ruff finds it formatted: the post-write hook ran." if formatted else
        f"ruff would reformat {path.name}: is the `ruff_format` hook still in alembic.ini's [post_write_hooks]?",
        2,
    )
    try:
        engine = _bookshelf_engine(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), 3)
        return
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import text

    try:
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            heads = tuple(sorted(script.get_heads()))
            if current != heads:
                report.add(False, probes.not_at_head(current, heads), 3)
                return
            report.add(True, f"The database is at the head ({', '.join(heads)}).", 3)
            ratings = [row[0] for row in connection.execute(text("SELECT rating FROM books"))]
    finally:
        engine.dispose()
    others = [value for value in ratings if value != 0]
    report.add(
        bool(ratings) and not others,
        f"All {len(ratings)} books have rating 0." if ratings and not others else
        "The books table is empty: the lesson's books should be there (run the notebook's cells from the top)."
        if not ratings else f"Some books have a rating other than 0 ({others[0]!r}): the default should be 0.",
        3,
    )
    try:
        terminal.run("alembic check", folder, echo=False)
    except terminal.CommandFailed as failure:
        report.add(False, f"`alembic check` fails: {failure.message.splitlines()[-1]}", 3)
    else:
        report.add(True, "`alembic check` passes: models and database agree, server defaults included.", 3)


# Notebook 24: An async app with FastAPI

def _fastbills_engine(folder: Path):
    """A sync engine on the database the app's settings name (the checks read it with the sync inspector)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from . import fresh

    url = fresh.import_fresh("fastbills.settings", folder).DATABASE_URL
    fresh.forget_project_modules(folder)
    return create_engine(inspection.resolved_url(url, folder), poolclass=NullPool)


def _fastbills_page(folder: Path, path: str):
    """GET ``path`` from fastbills' FastAPI app, with its test client, as the files are now."""
    import warnings

    from . import fresh

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient
    previous = Path.cwd()
    try:
        app = fresh.import_fresh("fastbills.app", folder).app
        with TestClient(app, raise_server_exceptions=False) as client:
            return client.get(path)
    finally:
        import os

        os.chdir(previous)
        fresh.forget_project_modules(folder)


@exercise(
    "24-an-async-app-with-fastapi", "a paid flag on the bills, from model to page", solutions="24_",
    success="The page shows which bills are paid.",
)
def check_paid_flag(folder: Path, report: Report) -> None:
    """Notebook 24: ``Bill.paid``, a NOT NULL Boolean with a server default, migrated, and shown by /bills.

    Steps: 1 the model, 2 the revision, 3 the database at the head with the column, 4 the page.
    """
    from sqlalchemy import Boolean, inspect
    from sqlalchemy import text as sql

    metadata = probes.models(folder, report, app="fastbills")
    if metadata is None or not probes.check_column(
        report, metadata, "bills", "Bill", "paid", Boolean, "a Boolean (`Mapped[bool]`)", "fastbills/models.py",
        nullable=False,
    ):
        return
    column = metadata.tables["bills"].columns["paid"]
    if column.nullable:
        report.add(False, "Bill.paid may be empty: make it `Mapped[bool]` (not `bool | None`), never empty.")
        return
    if column.server_default is None:
        report.add(
            False,
            "Bill.paid has no `server_default`: the two bills already in the table would have no value for a NOT NULL "
            "column. Give it `mapped_column(server_default=false())`.",
        )
        return
    report.add(True, "Bill has `paid` (a Boolean, never empty, with a server default for the bills already there).")

    script = probes.revisions(folder, report, 2)
    if script is None or not probes.one_head(script, report, 2):
        return
    adding = probes.revision_doing(script, "bills", "add_column", "paid")
    if not adding:
        report.add(False, 'No revision adds bills.paid yet: run `alembic revision --autogenerate -m "add a paid flag to bills"`.', 2)
        return
    body = inspection.upgrade_source(script, adding[0])
    if "server_default" not in body:
        report.add(
            False,
            f"Revision {adding[0]} adds bills.paid without its server default: autogenerated before the model had "
            "`server_default`? Delete it (not applied yet) and autogenerate again.",
            2,
        )
        return
    report.add(True, f"Revision {adding[0]} adds bills.paid, with its server default.", 2)

    engine = _fastbills_engine(folder)
    try:
        with engine.connect() as connection:
            current = tuple(sorted(connection.execute(sql("SELECT version_num FROM alembic_version")).scalars()))
            columns = {column["name"] for column in inspect(connection).get_columns("bills")}
    except Exception as error:
        report.add(False, f"The app's database cannot be read: {type(error).__name__}: {error}", 3)
        return
    finally:
        engine.dispose()
    heads = tuple(sorted(script.get_heads()))
    if current != heads or "paid" not in columns:
        report.add(False, probes.not_at_head(current, heads), 3)
        return
    report.add(True, f"The database is at the head ({', '.join(heads)}), and its bills table has `paid`.", 3)

    try:
        page = _fastbills_page(folder, "/bills")
    except Exception as error:  # the app does not import at all
        report.add(False, f"The app does not start: {type(error).__name__}: {error}", 4)
        return
    if page.status_code != 200:
        report.add(False, f"GET /bills answers {page.status_code}: run `ask(\"/bills\")` to see what the app logged.", 4)
        return
    bills = page.json()
    if not bills or any("paid" not in bill for bill in bills):
        report.add(False, 'GET /bills works, but its bills have no "paid": add `"paid": bill.paid` in fastbills/app.py.', 4)
        return
    report.add(True, f"GET /bills answers 200, with paid for each bill ({', '.join(str(bill['paid']) for bill in bills)}).", 4)


# Notebook 25: Let Flask-Migrate and SQLModel work with Alembic


def _notes_body_nullable(folder: Path, report: Report) -> tuple[bool, str] | None:
    """Whether the notes app's ``Note.body`` accepts NULL, and the app's database URL, read from its files as they
    are now; None (and a finding saying why) when the app does not import."""
    import importlib
    import sys

    with terminal.as_in_a_terminal(folder):  # forgets the cached modules, before and after
        sys.path.insert(0, str(folder))
        try:
            models = importlib.import_module("notes.models")
            settings = importlib.import_module("notes.settings")
            return bool(models.Note.__table__.c.body.nullable), settings.DATABASE_URL
        except Exception as error:
            message = terminal.relative_paths(terminal.describe_exception(error, folder), folder)
            report.add(False, f"Your notes app does not import, so nothing else can be checked: {message}")
            return None


@exercise(
    "25-flask-migrate-and-sqlmodel", "Note.body optional, in batch mode", solutions="25_",
    success="Batch mode is what Flask-Migrate turns on for you; in plain Alembic, you turn it on in env.py.",
)
def check_optional_note_body(folder: Path, report: Report) -> None:
    """Notebook 25: the SQLModel app's ``Note.body`` made optional, with batch mode turned on in ``env.py``.

    Steps: 1 the model, 2 env.py, 3 the revision, 4 the database.
    """
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine, func, inspect, select, table
    from sqlalchemy.pool import NullPool

    app = _notes_body_nullable(folder, report)
    if app is None:
        return
    nullable, url = app
    report.add(
        nullable,
        "Note.body may be empty (NULL) in the model." if nullable else
        "Note.body still refuses NULL: make it `body: str | None = None` in notes/models.py.",
    )
    env = folder / "alembic" / "env.py"
    env_text = env.read_text(encoding="utf-8") if env.is_file() else ""
    batch = bool(re.search(r"^[^#\n]*render_as_batch\s*=\s*True", env_text, re.MULTILINE))
    report.add(
        batch,
        "alembic/env.py turns on batch mode (`render_as_batch=True`)." if batch else
        "alembic/env.py does not turn on batch mode yet: add `render_as_batch=True` to the `context.configure(...)` "
        "of `run_migrations_online()`.",
        2,
    )
    script = probes.revisions(folder, report, 3)
    if script is None:
        return
    altering = probes.revision_doing(script, "notes", "alter_column", "body")
    in_batch = [revision for revision in altering if "batch_op.alter_column(" in inspection.upgrade_source(script, revision)]
    if in_batch:
        report.add(True, f"Revision {in_batch[0]} changes notes.body inside `batch_alter_table('notes')`.", 3)
    elif altering:
        report.add(
            False,
            f"Revision {altering[0]} changes notes.body with a plain `op.alter_column`, which SQLite refuses. It cannot "
            "have run: delete its file, turn on batch mode in env.py, and autogenerate again.",
            3,
        )
    elif probes.newest_is_empty(script):
        report.add(
            False,
            f"The newest revision, {probes.newest_is_empty(script)}, is empty: was notes/models.py saved? Delete that file "
            "and autogenerate again.",
            3,
        )
    else:
        report.add(False, "No revision changes notes.body yet: autogenerate one.", 3)
    if not (probes.one_head(script, report, 3) and in_batch):
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            columns = {column["name"]: column for column in inspect(connection).get_columns("notes")}
            count = connection.execute(select(func.count()).select_from(table("notes"))).scalar_one()
    except Exception as error:
        report.add(False, f"The notes database does not answer: {type(error).__name__}: {error}", 4)
        return
    finally:
        engine.dispose()
    if not probes.at_head(folder, script, report, 4, recorded=current):
        return
    body_nullable = columns.get("body", {}).get("nullable")
    report.add(
        bool(body_nullable),
        "The database's notes.body accepts NULL." if body_nullable else "The database's notes.body still refuses NULL.",
        4,
    )
    report.add(
        count >= 2,
        f"The notes table kept its {count} notes." if count >= 2 else
        f"The notes table has {count} notes; the two written in the lesson are gone. Run the notebook again from the top.",
        4,
    )


# Notebook 26: Migrate at deploy time


def _shop_database(folder: Path, report: Report, step: int):
    """An engine on the shop's database, from the URL its ``shop/settings.py`` gives; None (and a finding) if none."""
    import runpy

    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    settings = folder / "shop" / "settings.py"
    if not settings.is_file():
        report.add(False, "There is no shop/settings.py: run the notebook's cells from the top first.", step)
        return None
    try:
        url = runpy.run_path(str(settings))["DATABASE_URL"]
        return create_engine(url, poolclass=NullPool)
    except Exception as error:
        report.add(False, f"shop/settings.py gives no database URL that works: {error}", step)
        return None


@exercise(
    "26-migrate-at-deploy-time", "release three: a stock count", solutions="26_",
    success="Release three is out, deployed by the release step.",
)
def check_stock_release(folder: Path, report: Report) -> None:
    """Notebook 26: ``products.stock`` in the model, a revision adding it with a server default, deployed.

    Steps: 1 the model, 2 the revision, 3 the database at the head, matching the models, env.py still locking.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    metadata = probes.models(folder, report, app="shop")
    if metadata is not None and probes.check_column(
        report, metadata, "products", "Product", "stock", Integer, "an Integer", "shop/models.py", nullable=False
    ):
        column = metadata.tables["products"].columns["stock"]
        default = column.server_default
        if column.nullable:
            report.add(False, "Product.stock may be empty: a stock count is always a number, so write `Mapped[int]`.", 1)
        elif default is None or str(getattr(default, "arg", "")) != "0":
            report.add(False, 'Product.stock has no `server_default="0"`: the products already there need a value.', 1)
        else:
            report.add(True, 'Product.stock defaults to 0 on the server (`server_default="0"`).', 1)
    script = probes.revisions(folder, report, 2)
    if script is None:
        return
    adding = probes.revision_doing(script, "products", "add_column", "stock")
    if not adding:
        report.add(False, 'No revision adds products.stock yet: `alembic revision --rev-id 0003 -m "add stock"`, '
                          "then fill in its upgrade() and downgrade().", 2)
    else:
        body = inspection.upgrade_source(script, adding[0])
        call = next(line for line in body.splitlines() if "add_column(" in line and "stock" in line)
        if "server_default" not in call:
            report.add(False, f"Revision {adding[0]} adds products.stock without a `server_default`: as a NOT NULL "
                              "column, PostgreSQL refuses it on a table that has rows (the release fails, and "
                              "changes nothing). Add `server_default=\"0\"` to its `sa.Column(...)`.", 2)
        else:
            report.add(True, f"Revision {adding[0]} adds products.stock with a server default.", 2)
        downgrade = probes.downgrade_source(script, adding[0])
        if "drop_column(" not in downgrade or "stock" not in downgrade:
            report.add(False, f"Revision {adding[0]}'s downgrade() does not drop products.stock: "
                              'add `op.drop_column("products", "stock")`.', 2)
    if not probes.one_head(script, report, 2):
        return
    env = folder / "alembic" / "env.py"
    code = [line.split("#", 1)[0] for line in (env.read_text(encoding="utf-8") if env.is_file() else "").splitlines()]
    if not any("execute(" in line and ("pg_advisory" in line or "MIGRATION_LOCK" in line) for line in code):
        report.add(False, "alembic/env.py no longer takes the advisory lock (section 3): put it back, so that two "
                          "runs cannot collide.", 3)
    engine = _shop_database(folder, report, 3)
    if engine is None:
        return
    heads = tuple(sorted(script.get_heads()))
    try:
        with engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            columns = [column["name"] for column in inspect(connection).get_columns("products")]
            left = compare_metadata(MigrationContext.configure(connection), metadata) if metadata is not None else None
    except Exception as error:
        report.add(False, f"The database does not answer: {error}", 3)
        return
    finally:
        engine.dispose()
    if current != heads:
        where = ", ".join(current) if current else "base"
        report.add(False, f"The database is at {where}, not at the head ({', '.join(heads)}): deploy with "
                          "`python release.py`, and read its line.", 3)
    elif not adding:
        return
    elif "stock" not in columns:
        report.add(False, "The database is at the head, yet products has no stock column: was the revision "
                          "changed after it ran? Downgrade it, then release again.", 3)
    else:
        report.add(True, f"The database is at the head ({', '.join(heads)}), with products.stock.", 3)
        if left is not None:
            report.add(not left, "Models and database agree (`alembic check` finds nothing)." if not left else
                       f"`alembic check` would still find: {'; '.join(inspection.describe(diff) for diff in left)}.", 3)


