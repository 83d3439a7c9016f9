"""The core series' exercises, notebooks 01 to 05: a column, a table, a revision, an upgrade, a second app."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import DateTime, Float, Integer, Numeric, String

from .. import inspection
from . import probes
from .registry import exercise
from .report import Report


@exercise(
    "01-build-the-models", "Bill.due_date in the model", solutions="01_", steps=("the model",),
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
    steps=("the model", "its registration", "the revision", "the database"),
    success="Alembic saw the new model and created its table.",
)
def check_payments(folder: Path, report: Report) -> None:
    """Notebook 02: a ``Payment`` model in its own module, registered, migrated: a ``payments`` table.

    Steps: 1 the model, 2 its registration in ``__all_models.py``, 3 the revision, 4 the database.
    """
    module = folder / "billtracker" / "data" / "payments.py"
    report.add(
        module.is_file(),
        "billtracker/data/payments.py exists." if module.is_file() else "There is no billtracker/data/payments.py yet.",
        id="model.payments-file" if module.is_file() else "model.payments-file.missing",
    )
    metadata = probes.models(folder, report)
    with_payments = None
    if module.is_file() and metadata is not None:
        try:
            modules = [probes.APPS["billtracker"][0], "billtracker.data.payments"]  # registered or not
            with_payments = inspection.model_tables(folder, modules, probes.APPS["billtracker"][1])
        except inspection.ProjectProblem as problem:
            report.add(False, f"billtracker/data/payments.py does not import: {problem}", 1, id="model.payments-file.not-importing")
    if with_payments is not None:
        if "payments" not in with_payments.tables:
            report.add(False, 'payments.py defines no table named `payments`: is `__tablename__ = "payments"` in a class that inherits SqlAlchemyBase?', 1,
                       id="model.payments.missing")
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
                report.add(False, f"The payments table lacks {', '.join(f'`{name}`' for name in missing)}.", 1,
                           id="model.payments.missing-columns")
            elif wrong:
                report.add(False, f"Check the column types: {'; '.join(wrong)} (amount: Float, paid_date: DateTime).", 1,
                           id="model.payments.wrong-types")
            elif "bills.id" not in keys:
                report.add(False, '`bill_id` is not a foreign key to `bills.id`: use `mapped_column(ForeignKey("bills.id"))`.', 1,
                           id="model.bill_id.no-foreign-key")
            else:
                report.add(True, "The Payment model defines the payments table: id, bill_id -> bills.id, amount, paid_date.", 1,
                           id="model.payments")
    if metadata is not None:
        registered = "payments" in metadata.tables
        report.add(
            registered,
            "__all_models.py imports payments: Alembic sees the table." if registered else
            "__all_models.py does not import payments yet: env.py, and so Alembic, cannot see the table.",
            2,
            id="models.payments-registered" if registered else "models.payments-not-registered",
        )
    script = probes.revisions(folder, report, 3)
    if script is not None:
        creating = probes.revision_step(
            script, report, "payments", "payments", "payments.py", 3, operation="create_table",
            done="Revision {revision} creates the payments table.",
            empty="The newest revision, {revision}, is empty: autogenerate saw no new table (was payments in "
                  "__all_models.py?). Delete its file in alembic/versions and autogenerate again.",
            missing="No revision creates the payments table yet: autogenerate one.",
        )
        if probes.one_head(script, report, 3) and creating:
            probes.at_head(folder, script, report, 4)
        table = probes.database_table(folder, report, "payments", 4)
        if table is not False:
            report.add(bool(table), "The database has the payments table." if table else "The database has no payments table yet.", 4,
                       id="database.payments" if table else "database.payments.missing")


@exercise(
    "03-change-a-model", "users.phone: the model and its revision", solutions="03_",
    steps=("the model", "the database up to date", "the revision"),
    success="Read the file: `op.add_column('users', ...)`. Notebook 04 applies revisions.",
)
def check_phone(folder: Path, report: Report) -> None:
    """Notebook 03: ``users.phone`` in the model, and a revision that adds it, autogenerated.

    Steps: 1 the model, 2 the database up to date (or autogenerate refuses), 3 the revision.
    """
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
            id="database.last-login-applied" if applied else "database.last-login-not-applied",
        )
    script = probes.revisions(folder, report, 3)
    if script is not None:
        probes.revision_step(script, report, "users", "phone", "users.py", 3, done="Revision {revision} adds users.phone.")
        probes.one_head(script, report, 3)


@exercise(
    "04-upgrade-the-database", "bills.last_payment, from model to database", solutions="04_",
    steps=("the model", "the revision", "the database", "the page"),
    success="Model, revision and database agree, and the site works.",
)
def check_last_payment(folder: Path, report: Report) -> None:
    """Notebook 04: ``bills.last_payment`` (DateTime, indexed): model, revision, upgrade, and the page.

    Steps: 1 the model, 2 the revision, 3 the database, 4 the page.
    """
    metadata = probes.models(folder, report)
    if metadata is not None:
        probes.check_column(
            report, metadata, "bills", "Bill", "last_payment", DateTime, "a DateTime", "billtracker/data/bills.py", index=True
        )
    script = probes.revisions(folder, report, 2)
    if script is not None:
        adding = probes.revision_step(script, report, "bills", "last_payment", "bills.py", 2)
        if adding and probes.revision_doing(script, "bills", "create_index", "last_payment"):
            report.add(True, f"Revision {adding} adds bills.last_payment and its index.", 2, id="revision.adds-index")
        elif adding:
            report.add(
                False,
                f"Revision {adding} adds bills.last_payment but no index: the model had no `index=True` when you "
                "autogenerated. If it is not applied yet, delete the file and autogenerate again.",
                2,
                id="revision.no-index",
            )
        if probes.one_head(script, report, 2) and adding:
            probes.at_head(folder, script, report, 3)
    bills = probes.database_table(folder, report, "bills", 3)
    if bills is not False and bills is not None:
        column = bills.column("last_payment")
        if column is None:
            report.add(False, "The database's bills table has no last_payment column yet.", 3, id="database.last_payment.missing")
        elif not bills.indexes_on("last_payment"):
            report.add(False, "The database has bills.last_payment but no index on it.", 3, id="database.last_payment.no-index")
        else:
            report.add(True, f"The database has bills.last_payment ({column[1]}) and its index.", 3, id="database.last_payment")
    probes.page(folder, report, "billtracker", 4, "The database lacks a column the models have: migrate it.")


@exercise(
    "05-your-turn-hovershare", "Location.postal_code, from model to page", solutions="05_",
    steps=("the model", "the revision", "the database", "the page"),
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
        adding = probes.revision_step(
            script, report, "locations", "postal_code", "locations.py", 2, done="Revision {revision} adds locations.postal_code."
        )
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
            id="database.postal_code" if column else "database.postal_code.missing",
        )
    probes.page(folder, report, "hovershare", 4, "The database lacks a column the models have: migrate it.")
