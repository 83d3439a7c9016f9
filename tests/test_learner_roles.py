"""hub/learner_roles.py: the SQL a teacher runs to give each learner a role that may only create databases."""

from __future__ import annotations

import subprocess
import sys

from support.hub import HUB_FOLDER, learner_roles


def test_each_role_may_log_in_and_create_databases_and_nothing_more():
    assert learner_roles.create_role("ada") == 'CREATE ROLE "ada" LOGIN CREATEDB NOSUPERUSER NOCREATEROLE;'


def test_a_name_with_a_quote_stays_one_name():
    assert learner_roles.create_role('o"brien').startswith('CREATE ROLE "o""brien" ')


def test_with_a_secret_each_learner_gets_a_password_of_their_own_that_the_hub_can_derive_again():
    ada, grace = (learner_roles.password_for(name, "class-secret") for name in ("ada", "grace"))
    assert ada != grace and ada == learner_roles.password_for("ada", "class-secret")
    assert ada != learner_roles.password_for("ada", "another-secret")
    assert learner_roles.create_role("ada", "class-secret").endswith(f" PASSWORD '{ada}';")


def test_the_script_prints_one_statement_per_learner_of_the_list(tmp_path):
    learners = tmp_path / "learners.txt"
    learners.write_text("ada\n\n# a comment\ngrace\n")
    printed = subprocess.run(
        [sys.executable, str(HUB_FOLDER / "learner_roles.py"), str(learners)], capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert printed.splitlines() == [learner_roles.create_role("ada"), learner_roles.create_role("grace")]
