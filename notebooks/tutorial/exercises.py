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

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as widgets
from sqlalchemy import DateTime, Float, Integer, Numeric, String

from . import browser, inspection

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"

APPS = {
    "billtracker": ("billtracker.data.__all_models", "billtracker.data.modelbase:SqlAlchemyBase"),
    "hovershare": ("hovershare.data.__all_models", "hovershare.data.modelbase:SqlAlchemyBase"),
}


@dataclass
class Finding:
    """One check: whether it passed, and what it found, in words.

    :param step: the exercise step it belongs to (1 for the first), so a check can stop at a step.
    """

    ok: bool
    text: str
    step: int = 1


@dataclass
class Report:
    """What a checker found; ``passed`` when every check passed."""

    title: str
    findings: list[Finding] = field(default_factory=list)
    success: str = ""
    partial: bool = False  # only the checks of the first steps (see up_to)

    @property
    def passed(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def to_do(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.ok]

    def up_to(self, step: int | None) -> Report:
        """The same report, limited to the checks of steps 1 to ``step``."""
        if step is None or step >= max((finding.step for finding in self.findings), default=0):
            return self
        return Report(self.title, [finding for finding in self.findings if finding.step <= step], self.success, True)

    def add(self, ok: bool, text: str, step: int = 1) -> bool:
        self.findings.append(Finding(ok, text, step))
        return ok

    def verdict(self) -> str:
        if self.passed and self.partial:
            return "So far, so good: on to the next step."
        if self.passed:
            return f"All done! {self.success}".strip()
        count = len(self.to_do)
        return f"Not done yet: {count} {'thing' if count == 1 else 'things'} to do (marked ✗)."

    def text(self) -> str:
        lines = [f"Check my work: {self.title}"]
        lines += [f"{'✓' if finding.ok else '✗'} {finding.text}" for finding in self.findings]
        lines.append(self.verdict())
        return "\n".join(lines)

    def html(self) -> str:
        items = "".join(
            f'<li style="list-style:none;margin:1px 0"><b style="color:{"#2e7d32" if finding.ok else "#c62828"}">'
            f'{"✓" if finding.ok else "✗"}</b> {_code(finding.text)}</li>'
            for finding in self.findings
        )
        color = "#2e7d32" if self.passed else "#b26a00"
        return (
            f"<div><b>Check my work:</b> {_code(self.title)}"
            f'<ul style="padding-left:0.5em;margin:4px 0">{items}</ul>'
            f'<b style="color:{color}">{_code(self.verdict())}</b></div>'
        )

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()


def _code(text: str) -> str:
    """Escape ``text`` for HTML, showing `backquoted` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


class CheckMyWork(widgets.VBox):
    """A "Check my work" button above the report of a checker; each click checks again.

    :param check: a checker of this module, e.g. :func:`check_last_payment`.
    :param step: show only the checks of steps 1 to ``step``.
    :param folder: the project folder (the current folder by default).
    """

    def __init__(self, check: Callable[..., Report], step: int | None = None, folder: Path | str = "."):
        self.check, self.step, self.folder = check, step, Path(folder).resolve()
        self.checks = 0
        self.button = widgets.Button(
            description="Check my work", icon="check", layout=widgets.Layout(width="auto", align_self="flex-start")
        )
        self.view = widgets.HTML()
        self.button.on_click(lambda _: self.check_again())
        super().__init__([self.button, self.view])
        self.check_again()

    def check_again(self) -> Report:
        """Run the checker again and show its report."""
        self.checks += 1
        self.report = self.check(self.folder).up_to(self.step)
        again = f"<small>(checked {self.checks} times)</small>" if self.checks > 1 else ""
        self.view.value = self.report.html() + again
        return self.report

    def __repr__(self) -> str:
        return self.report.text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.report.text()
        return bundle


def button(check: Callable[..., Report], step: int | None = None, folder: Path | str = ".") -> CheckMyWork:
    """A "Check my work" button for ``check``, showing its report now and after every click."""
    return CheckMyWork(check, step, folder)


# --------------------------------------------------------------------------- what the checkers share


def _models(folder: Path, report: Report, app: str = "billtracker", step: int = 1):
    """The models' MetaData, or None (and a finding saying why) when they do not import."""
    module, base = APPS[app]
    try:
        return inspection.model_tables(folder, module, base)
    except inspection.ProjectProblem as problem:
        report.add(False, f"Your models do not import, so nothing else can be checked: {problem}", step)
        return None


def _type_name(column) -> str:
    return type(column.type).__name__


def _a(word: str) -> str:
    """``word`` with its article: "a String", "an Integer"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _check_column(
    report: Report, metadata, table: str, model: str, name: str, kind: type, kind_words: str,
    file: str, nullable: bool = True, index: bool = False, step: int = 1,
) -> bool:
    """Check that the model of ``table`` has the column ``name`` of type ``kind``; one finding per problem."""
    if table not in metadata.tables:
        return report.add(False, f"There is no `{table}` table in your models any more: was {file} changed?", step)
    column = metadata.tables[table].columns.get(name)
    if column is None:
        elsewhere = [other for other, defined in metadata.tables.items() if name in defined.columns]
        if elsewhere:
            return report.add(False, f"`{name}` is in the `{elsewhere[0]}` table; it belongs to {model} (table `{table}`), in {file}.", step)
        return report.add(False, f"The {model} model has no `{name}` column yet ({file}).", step)
    problems = []
    if not isinstance(column.type, kind):
        problems.append(f"it is {_a(_type_name(column))} column; it should be {kind_words}")
    if nullable and not column.nullable:
        problems.append(
            "it is NOT NULL: the rows already in the table have no value for it, so it must be allowed to be "
            "empty (`Mapped[... | None]`)"
        )
    indexed = column.index or any(name in index_.columns for index_ in metadata.tables[table].indexes)
    if index and not indexed:
        problems.append("it has no index: add `index=True` to its `mapped_column(...)`")
    if problems:
        return report.add(False, f"{model}.{name} is there, but " + "; and ".join(problems) + ".", step)
    words = f"{kind_words}{', may be empty' if column.nullable else ''}{', indexed' if indexed else ''}"
    return report.add(True, f"{model} has `{name}` ({words}).", step)


def _revisions(folder: Path, report: Report, step: int):
    """Alembic's ScriptDirectory, or None (and a finding saying why)."""
    try:
        return inspection.script_directory(folder)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step)
        return None


def _one_head(script, report: Report, step: int) -> bool:
    heads = script.get_heads()
    if len(heads) > 1:
        return report.add(
            False,
            f"There are {len(heads)} heads ({', '.join(sorted(heads))}): two revisions follow the same one. "
            "Delete the one you made by mistake (not applied yet), or merge them with `alembic merge heads`.",
            step,
        )
    return True


def _revision_doing(script, table: str, operation: str, name: str) -> list[str]:
    """The revisions whose ``upgrade()`` calls ``operation`` (e.g. ``add_column``) on ``table`` with ``name``."""
    table_quoted, name_quoted = rf"['\"]{re.escape(table)}['\"]", rf"['\"]{re.escape(name)}['\"]"
    found = []
    for revision in script.walk_revisions():
        body = inspection.upgrade_source(script, revision.revision)
        in_batch = re.search(rf"batch_alter_table\(\s*{table_quoted}", body)
        for line in body.splitlines():
            if f"{operation}(" in line and re.search(name_quoted, line):
                if re.search(table_quoted, line) or (in_batch and f"batch_op.{operation}(" in line):
                    found.append(revision.revision)
                    break
    return found


def _newest_is_empty(script) -> str | None:
    """The newest revision, if its ``upgrade()`` does nothing (autogenerate found no change)."""
    heads = script.get_heads()
    if len(heads) != 1:
        return None
    body = inspection.upgrade_source(script, heads[0])
    return heads[0] if "op." not in body and "batch_op." not in body else None


def _database_table(folder: Path, report: Report, table: str, step: int):
    """The database's ``table`` (inspector); None if it has no such table; False (and a finding) with no database."""
    try:
        return inspection.schema(folder).get(table)
    except inspection.ProjectProblem as problem:
        report.add(False, str(problem), step)
        return False


def _at_head(folder: Path, script, report: Report, step: int) -> bool:
    try:
        current = inspection.current_revisions(folder)
    except inspection.ProjectProblem as problem:
        return report.add(False, str(problem), step)
    heads = tuple(sorted(script.get_heads()))
    if current == heads:
        return report.add(True, f"The database is at the head ({', '.join(heads)}): every revision is applied.", step)
    where = ", ".join(current) if current else "base (no revision applied)"
    return report.add(False, f"The database is at {where}, not at the head ({', '.join(heads)}): run `alembic upgrade head`.", step)


def _page(folder: Path, report: Report, app: str, step: int, missing: str) -> bool:
    try:
        page = browser.browse("/", app=f"{app}.app", folder=folder)
    except Exception as error:  # the app does not import at all
        return report.add(False, f"The app does not start: {type(error).__name__}: {error}", step)
    if page.status_code == 200:
        return report.add(True, "The page works (200 OK).", step)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    error = re.search(r"(\w+(Error|Exception): [^\n]*)", text)  # the first line of the error, as the page shows it
    error = error.group(1).strip() if error else page.status
    return report.add(False, f"The page fails ({page.status}): {error}. {missing}", step)


# --------------------------------------------------------------------------- the exercises


@dataclass(frozen=True)
class Exercise:
    """A notebook's "Your turn": its checker, and the prefix of its solution files in ``notebooks/solutions/``."""

    notebook: str  # the notebook's name, which is also its project folder's: "04-upgrade-the-database"
    title: str  # what the learner does, in a few words
    check: Callable[..., Report]
    solutions: str  # the solution files' prefix, "04_": they run in order, as the exercise's cells


EXERCISES: dict[str, Exercise] = {}  # every notebook's exercise, by notebook, in the order of the series


def exercise(notebook: str, title: str, solutions: str):
    """Register the decorated checker as ``notebook``'s exercise (see :data:`EXERCISES`)."""

    def register(check: Callable[..., Report]) -> Callable[..., Report]:
        EXERCISES[notebook] = Exercise(notebook, title, check, solutions)
        return check

    return register


@exercise("01-build-the-models", "Bill.due_date in the model", solutions="01_")
def check_due_date(folder: Path | str = ".") -> Report:
    """Notebook 01: the ``Bill`` model gets ``due_date``, a date and time that may be empty."""
    folder = Path(folder).resolve()
    report = Report("Bill.due_date in the model", success="The model has due_date; a migration would add it to the database.")
    metadata = _models(folder, report)
    if metadata is not None:
        _check_column(
            report, metadata, "bills", "Bill", "due_date", DateTime, "a DateTime", "billtracker/data/bills.py"
        )
    return report


@exercise("02-connect-alembic", "a payments table, from model to database", solutions="02_")
def check_payments(folder: Path | str = ".") -> Report:
    """Notebook 02: a ``Payment`` model in its own module, registered, migrated: a ``payments`` table."""
    folder = Path(folder).resolve()
    report = Report("a payments table, from model to database", success="Alembic saw the new model and created its table.")
    module = folder / "billtracker" / "data" / "payments.py"
    report.add(
        module.is_file(),
        "billtracker/data/payments.py exists." if module.is_file() else "There is no billtracker/data/payments.py yet.",
    )
    metadata = _models(folder, report)
    with_payments = None
    if module.is_file() and metadata is not None:
        try:
            modules = [APPS["billtracker"][0], "billtracker.data.payments"]  # registered or not
            with_payments = inspection.model_tables(folder, modules, APPS["billtracker"][1])
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
                f"{name} is {_type_name(table.columns[name])}" for name, kind in wanted.items()
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
    script = _revisions(folder, report, 3)
    if script is not None:
        creating = _revision_doing(script, "payments", "create_table", "payments")
        empty = _newest_is_empty(script)
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
        if _one_head(script, report, 3) and creating:
            _at_head(folder, script, report, 4)
        table = _database_table(folder, report, "payments", 4)
        if table is not False:
            report.add(bool(table), "The database has the payments table." if table else "The database has no payments table yet.", 4)
    return report


@exercise("03-change-a-model", "users.phone: the model and its revision", solutions="03_")
def check_phone(folder: Path | str = ".") -> Report:
    """Notebook 03: ``users.phone`` in the model, and a revision that adds it, autogenerated."""
    folder = Path(folder).resolve()
    report = Report("users.phone: the model and its revision", success="Read the file: `op.add_column('users', ...)`. Notebook 04 applies revisions.")
    metadata = _models(folder, report)
    if metadata is not None:
        _check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py")
    users = _database_table(folder, report, "users", 2)
    if users is not False:
        applied = bool(users) and users.column("last_login") is not None
        report.add(
            applied,
            "The database is up to date with the last_login revision, so Alembic can autogenerate." if applied else
            "The last_login revision is not applied yet, so Alembic refuses to autogenerate "
            "(`Target database is not up to date`): run `alembic upgrade head` first.",
            2,
        )
    script = _revisions(folder, report, 3)
    if script is not None:
        adding = _revision_doing(script, "users", "add_column", "phone")
        empty = _newest_is_empty(script)
        if adding:
            report.add(True, f"Revision {adding[0]} adds users.phone.", 3)
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was users.py saved with phone in it? Delete that file and autogenerate again.", 3)
        else:
            report.add(False, "No revision adds users.phone yet: autogenerate one.", 3)
        _one_head(script, report, 3)
    return report


@exercise("04-upgrade-the-database", "bills.last_payment, from model to database", solutions="04_")
def check_last_payment(folder: Path | str = ".") -> Report:
    """Notebook 04: ``bills.last_payment`` (DateTime, indexed): model, revision, upgrade, and the page."""
    folder = Path(folder).resolve()
    report = Report("bills.last_payment, from model to database", success="Model, revision and database agree, and the site works.")
    metadata = _models(folder, report)
    if metadata is not None:
        _check_column(
            report, metadata, "bills", "Bill", "last_payment", DateTime, "a DateTime", "billtracker/data/bills.py", index=True
        )
    script = _revisions(folder, report, 2)
    if script is not None:
        adding = _revision_doing(script, "bills", "add_column", "last_payment")
        indexing = _revision_doing(script, "bills", "create_index", "last_payment")
        empty = _newest_is_empty(script)
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
        if _one_head(script, report, 2) and adding:
            _at_head(folder, script, report, 3)
    bills = _database_table(folder, report, "bills", 3)
    if bills is not False and bills is not None:
        column = bills.column("last_payment")
        if column is None:
            report.add(False, "The database's bills table has no last_payment column yet.", 3)
        elif not bills.indexes_on("last_payment"):
            report.add(False, "The database has bills.last_payment but no index on it.", 3)
        else:
            report.add(True, f"The database has bills.last_payment ({column[1]}) and its index.", 3)
    _page(folder, report, "billtracker", 4, "The database lacks a column the models have: migrate it.")
    return report


@exercise("05-your-turn-hovershare", "Location.postal_code, from model to page", solutions="05_")
def check_postal_code(folder: Path | str = ".") -> Report:
    """Notebook 05 (hovershare): ``Location.postal_code``: model, revision, upgrade, and the page.

    Steps: 1 the model, 2 the revision, 3 the database, 4 the page.
    """
    folder = Path(folder).resolve()
    report = Report("Location.postal_code, from model to page", success="You migrated hovershare on your own.")
    metadata = _models(folder, report, app="hovershare")
    if metadata is not None:
        _check_column(
            report, metadata, "locations", "Location", "postal_code", String, "a String", "hovershare/data/locations.py"
        )
    script = _revisions(folder, report, 2)
    if script is not None:
        adding = _revision_doing(script, "locations", "add_column", "postal_code")
        empty = _newest_is_empty(script)
        if adding:
            report.add(True, f"Revision {adding[0]} adds locations.postal_code.", 2)
        elif empty:
            report.add(False, f"The newest revision, {empty}, is empty: was locations.py saved with postal_code in it? Delete that file and autogenerate again.", 2)
        else:
            report.add(False, "No revision adds locations.postal_code yet: autogenerate one.", 2)
        if _one_head(script, report, 2) and adding:
            _at_head(folder, script, report, 3)
    locations = _database_table(folder, report, "locations", 3)
    if locations is not False and locations is not None:
        column = locations.column("postal_code")
        report.add(
            column is not None,
            f"The database has locations.postal_code ({column[1]})." if column else
            "The database's locations table has no postal_code column yet.",
            3,
        )
    _page(folder, report, "hovershare", 4, "The database lacks a column the models have: migrate it.")
    return report


@exercise("19-migrate-a-live-database", "an index on users.phone, built concurrently", solutions="19_")
def check_phone_index(folder: Path | str = ".") -> Report:
    """Notebook 19: an index on ``users.phone``, built concurrently: model, revision, and database.

    Steps: 1 the model and the revision, 3 the revision builds (and drops) the index concurrently,
    4 the database has it (steps as in the notebook; step 2 runs the linter).
    """
    folder = Path(folder).resolve()
    report = Report("an index on users.phone, built without blocking writes",
                    success="The index is there, and was built while the site could go on writing.")
    metadata = _models(folder, report)
    if metadata is not None:
        _check_column(report, metadata, "users", "User", "phone", String, "a String", "billtracker/data/users.py", index=True)
    script = _revisions(folder, report, 1)
    if script is None:
        return report
    indexing = _revision_doing(script, "users", "create_index", "phone")
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
        if _one_head(script, report, 4):
            _at_head(folder, script, report, 4)
    users = _database_table(folder, report, "users", 4)
    if users is not False and users is not None:
        if users.indexes_on("phone"):
            report.add(True, f"The database has the index {users.indexes_on('phone')[0]} on users.phone.", 4)
        else:
            report.add(False, "The database has no index on users.phone yet.", 4)
    return report
