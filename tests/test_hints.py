"""The hint rules as a table: a healthy project hears nothing, a rule that cannot read the project says
nothing, the rules are asked in the order declared in tutorial/hints/__init__.py, and the imports go one way.

Every rule of :data:`tutorial.hints.RULES` has at least one test named ``fires(...)`` and one
``silent(...)`` in the tests/test_hints_<subject>.py files, one for each module of tutorial/hints/
(a test here checks that).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import tutorial
from support.hints import add_payments_module, add_phone, outcome
from tutorial import hints, snapshot, story

# --- a healthy project gets no hint -------------------------------------------------------------------


def test_a_healthy_project_gets_no_hint_from_everyday_commands(workspace, capsys):
    project = tutorial.start("h-healthy", stage="last_login-applied")
    add_phone(project)
    for command in [
        "alembic current",
        "alembic history",
        'alembic revision --autogenerate -m "add phone"',
        "alembic upgrade head",
        "alembic upgrade head",  # twice: nothing to do, and nothing to say
        "alembic check",
        'alembic revision -m "a data migration, written by hand"',
        "alembic upgrade head",
        "alembic downgrade -1",
        "alembic upgrade head",
        "alembic stamp head",
        "alembic heads",
        "alembic upgrade head --sql",
    ]:
        assert hints.diagnose(outcome(command, project.folder)) is None, command


def test_the_terminal_cells_show_the_hint_once_under_the_output(workspace, capsys):
    project = tutorial.start("h-shown", stage="tables")
    capsys.readouterr()
    tutorial.run('alembic revision --autogenerate -m "nothing changed"', project.folder)
    printed = capsys.readouterr().out
    assert printed.count("Hint: this migration is empty") == 1
    with pytest.raises(tutorial.CommandFailed) as failure:
        tutorial.run("alembic downgrade -5", project.folder, echo=False)
    assert failure.value.hint.startswith("the database is at")
    assert "Hint: the database is at" in "\n".join(failure.value._render_traceback_())


def test_commands_run_by_the_tutorial_itself_pay_for_no_hint(workspace, monkeypatch):
    monkeypatch.setattr(hints.registry, "diagnose", lambda _: pytest.fail("story steps must not compute hints"))
    tutorial.start("h-story", stage="last_login-applied")


def test_failures_unrelated_to_the_common_mistakes_get_no_hint(tmp_path):
    for message in [
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: users",
        "NameError: name 'Strin' is not defined",
    ]:
        assert hints.advise("alembic upgrade head", tmp_path, "", message) is None


def test_a_rule_that_cannot_read_the_project_says_nothing(tmp_path, monkeypatch):
    def broken(_):
        raise RuntimeError("cannot read")

    monkeypatch.setattr(hints.registry, "RULES", [hints.Rule("broken", "a broken rule", "failure", broken)])
    assert hints.advise("alembic upgrade head", tmp_path, "", "anything") is None


def test_the_hints_leave_nothing_of_the_project_behind(workspace):
    project = tutorial.start("h-clean", stage="last_login-applied")
    add_phone(project)
    assert snapshot.model_differences(project.folder) == ["added column 'users.phone'"]
    assert not [name for name in sys.modules if name.split(".")[0] == "billtracker"]
    assert not list(project.folder.rglob("__pycache__"))


# --- the table of rules itself ------------------------------------------------------------------------


def test_every_rule_has_a_test_that_it_fires_and_one_that_it_stays_silent():
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.glob("test_hints*.py")))
    fired = set(re.findall(r'fires\(\s*"([\w-]+)"', source))
    silenced = set(re.findall(r'silent\(\s*"([\w-]+)"', source))
    ids = [rule.id for rule in hints.RULES]
    assert len(ids) == len(set(ids)), "two rules share an id"
    assert not set(ids) - fired, f"rules never shown to fire: {set(ids) - fired}"
    assert not set(ids) - silenced, f"rules never shown to stay silent: {set(ids) - silenced}"


def test_the_rules_are_asked_in_the_declared_order_each_once():
    assert [rule.id for rule in hints.RULES] == hints.ORDER == hints.AFTER_A_FAILURE + hints.AFTER_SUCCESS
    assert len(hints.ORDER) == len(set(hints.ORDER)), "a rule is declared twice"
    assert {rule.id: rule.after for rule in hints.RULES} == {
        **{id: "failure" for id in hints.AFTER_A_FAILURE}, **{id: "success" for id in hints.AFTER_SUCCESS}
    }, "a rule is declared among the commands it does not look at"


def test_an_order_that_leaves_out_repeats_or_invents_a_rule_is_refused():
    declared = list(hints.RULES)
    for order in (hints.ORDER[1:], hints.ORDER + hints.ORDER[:1], hints.ORDER + ["no-such-rule"]):
        with pytest.raises(ValueError, match="the order of the hint rules"):
            hints.registry.arrange(order)
    assert hints.RULES == declared


def overlap(first: str, then: str, seen: snapshot.Snapshot) -> None:
    """Both rules speak of this outcome, and the one declared first is the one shown."""
    for rule_id in (first, then):
        rule = next(rule for rule in hints.RULES if rule.id == rule_id)
        assert rule.check(seen), f"{rule_id} says nothing of {seen.command}"
    assert hints.ORDER.index(first) < hints.ORDER.index(then)
    assert hints.diagnose(seen)[0] == first


def test_a_missing_driver_is_named_rather_than_called_not_installed(workspace):
    project = tutorial.start("h-overlap-driver", stage="tables")
    story.replace(project.path("alembic.ini"), "sqlite:///billtracker.sqlite", "mysql+mysqldb://root@127.0.0.1/billtracker")
    overlap("missing-driver", "module-not-found", outcome("alembic current", project.folder))


def test_a_module_beside_a_config_elsewhere_is_named_rather_than_called_not_installed(workspace, monkeypatch):
    # As in a new terminal: no billtracker imported or findable in this process from an earlier test's project,
    # else module-not-found takes it for an installed package and stays silent.
    for name in [name for name in sys.modules if name.split(".")[0] == "billtracker"]:
        monkeypatch.delitem(sys.modules, name)
    # (an earlier test's lesson may leave "." on sys.path: here "." becomes the project folder)
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path
                                      if Path(entry).is_absolute() and not (Path(entry) / "billtracker").is_dir()])
    project = tutorial.start("h-overlap-elsewhere", stage="tables")
    project.path("deploy").mkdir()
    overlap("module-beside-the-config", "module-not-found", outcome("alembic -c ../alembic.ini current", project.folder / "deploy"))


def test_a_plain_revision_without_a_message_hears_of_the_message_first(workspace):
    project = tutorial.start("h-overlap-plain", stage="last_login-applied")
    add_phone(project)
    overlap("revision-without-message", "plain-revision-models-differ", outcome("alembic revision", project.folder))


def test_a_misspelled_variable_is_named_rather_than_the_empty_current(workspace, monkeypatch):
    project = tutorial.start("h-overlap-variable", stage="last_login-applied")
    tutorial.run("alembic downgrade base", project.folder, echo=False)
    monkeypatch.setenv("BILLTRACKER_DATABSE_URL", "sqlite:///elsewhere.sqlite")
    overlap("misspelled-database-variable", "current-prints-nothing", outcome("alembic current", project.folder))


def tutorial_imports(module: str) -> set[str]:
    """The tutorial's modules that ``module`` (``snapshot``, ``hints/registry``) imports, named the same way."""
    package = Path(tutorial.__file__).parent
    path = package / f"{module}.py" if (package / f"{module}.py").is_file() else package / module / "__init__.py"
    folder = module.split("/")[:-1] if path.name != "__init__.py" else module.split("/")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = [*folder[:len(folder) - node.level + 1], *(node.module.split(".") if node.module else [])]
            found |= {"/".join(base)} | {"/".join([*base, alias.name]) for alias in node.names}
    found.discard("")  # `from . import x` runs tutorial/__init__.py, already run: the package imports every module
    return {name for name in found if (package / f"{name}.py").is_file() or (package / name / "__init__.py").is_file()}


def test_the_hints_import_the_project_reading_never_the_reverse():
    """The modules the hints use (the snapshot, the inspection, and what they use) never import the hints."""
    rules = {f"hints/{path.stem}" for path in (Path(tutorial.__file__).parent / "hints").glob("*.py")} - {"hints/__init__"}
    assert {"hints/registry", "hints/commands"} <= rules
    below, todo = set(), set().union(*(tutorial_imports(module) for module in rules)) - rules - {"hints"}
    while todo:
        module = todo.pop()
        below.add(module)
        todo |= tutorial_imports(module) - below
    assert {"snapshot", "inspection"} <= below
    assert not [module for module in below if module.startswith("hints")], "the hints import themselves through another"
    assert not [module for module in below if "hints" in tutorial_imports(module)]
    assert tutorial_imports("hints/registry") == {"snapshot"}, "the machinery knows no rule"
    for module in rules - {"hints/registry"}:  # a rule reads the snapshot, and the table of drivers (a plain table)
        assert tutorial_imports(module) - {"snapshot", "drivers", "hints", "hints/registry"} == set(), module
    assert tutorial_imports("drivers") == set()


# --- the comparison itself ----------------------------------------------------------------------------


def test_model_differences_reads_the_files_as_they_are_now(workspace):
    project = tutorial.start("h-compare", stage="tables")
    assert snapshot.model_differences(project.folder) == []
    add_payments_module(project)  # not in __all_models: found all the same
    assert snapshot.model_differences(project.folder) == ["added table 'payments'"]


def test_tables_of_other_tools_are_not_differences(workspace):
    project = tutorial.start("h-other", stage="tables")
    with project.engine().begin() as connection:
        connection.execute(text("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)"))
    assert snapshot.model_differences(project.folder) == []


def test_no_models_or_no_database_means_no_comparison(workspace):
    project = tutorial.start("h-nothing", stage="models")
    assert snapshot.model_differences(project.folder) == []  # no database file: none is created
    assert not project.path("billtracker.sqlite").exists()
    assert snapshot.model_differences(Path(workspace)) == []


def test_the_inventory_names_every_rule_and_no_other():
    """tutorial/hints/INVENTORY.md names each rule in bold (**`id`**): the registry and the inventory cannot drift."""
    inventory = (Path(tutorial.__file__).parent / "hints" / "INVENTORY.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\*\*`([\w-]+)`\*\*", inventory))
    registered = {rule.id for rule in hints.RULES}
    assert not registered - named, f"rules the inventory does not name: {sorted(registered - named)}"
    assert not named - registered, f"rules the inventory names that do not exist: {sorted(named - registered)}"
