"""The stage engine: an app's steps run in order, up to the stage asked for; an edit fails loudly."""

from __future__ import annotations

import pytest

from tutorial import hovershare, stages, story

STAGES = {"empty": "nothing", "one": "1", "two": "1, 2", "three": "1, 2, 3", "side": "1, and a side step"}


def recording(done: list[str]) -> dict:
    return {name: (lambda folder, project_name, name=name: done.append(f"{name} in {folder} for {project_name}"))
            for name in STAGES if name != "empty"}


def test_a_stage_is_built_on_every_stage_before_it_in_order(tmp_path):
    done: list[str] = []
    stages.build_stages(STAGES, recording(done), "three", tmp_path, "p")
    assert done == [f"{name} in {tmp_path} for p" for name in ("one", "two", "three")]


def test_a_stage_built_on_another_skips_the_ones_between(tmp_path):
    done: list[str] = []
    stages.build_stages(STAGES, recording(done), "side", tmp_path, "p", built_on={"side": "one"})
    assert done == [f"{name} in {tmp_path} for p" for name in ("one", "side")]


def test_the_first_stage_runs_no_step(tmp_path):
    done: list[str] = []
    stages.build_stages(STAGES, recording(done), "empty", tmp_path, "p")
    assert done == []


def test_an_unknown_stage_names_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="Unknown stage 'four'; choose one of: empty, one, two, three, side"):
        stages.build_stages(STAGES, recording([]), "four", tmp_path, "p")


def test_replace_changes_the_first_occurrence_only(tmp_path):
    path = tmp_path / "env.py"
    path.write_text("a = 1\na = 1\n", encoding="utf-8")
    stages.replace(path, "a = 1\n", "a = 2\n")
    assert path.read_text(encoding="utf-8") == "a = 2\na = 1\n"


def test_replace_fails_loudly_when_the_expected_text_is_missing(tmp_path):
    path = tmp_path / "env.py"
    path.write_text("target_metadata = None\n", encoding="utf-8")
    with pytest.raises(ValueError, match="env.py does not contain the expected text:\nno such line"):
        stages.replace(path, "no such line", "anything")
    assert path.read_text(encoding="utf-8") == "target_metadata = None\n"


def test_every_app_built_stage_by_stage_has_its_templates():
    assert (stages.TEMPLATES / "billtracker" / "billtracker" / "app.py").is_file()
    assert (stages.TEMPLATES / "hovershare" / "hovershare" / "app.py").is_file()


@pytest.mark.parametrize("app", [story, hovershare])
def test_every_stage_of_each_app_has_its_step(app):
    first, *others = app.STAGES
    assert set(others) == set(app.STEPS), f"{app.__name__}: a stage without its step, or a step without its stage"
