"""Build a project up to a stage of an app's story: the engine that :mod:`tutorial.story` (billtracker)
and :mod:`tutorial.hovershare` share.

An app's story is a dict of stages (name: what the project holds then, in order) and a dict of steps
(name: the function that brings the project from the stage before to this one). :func:`build_stages`
runs the steps in order; a step edits files with :func:`replace`, which fails loudly when the text it
expects is missing, and copies an app's files from :data:`TEMPLATES`.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"  # one folder per app, copied by its first step


def build_stages(stages: dict, steps: dict, stage: str, folder: Path, project_name: str,
                 built_on: dict | None = None) -> None:
    """Run, in order, the ``steps`` of ``stage`` and of every stage it is built on.

    A stage is built on the one listed before it, or on the one ``built_on`` names for it.

    :param stages: the app's stages, first the empty one: name to what the project holds then.
    :param steps: name of a stage to the function ``step(folder, project_name)`` that builds it.
    :param stage: the stage to bring ``folder`` to.
    :param folder: the project folder, empty.
    :param project_name: the notebook's project name (its database's name).
    :param built_on: the stages not built on the one listed before them, and the stage each is built on.
    :raises ValueError: ``stage`` is none of ``stages``.
    """
    if stage not in stages:
        raise ValueError(f"Unknown stage {stage!r}; choose one of: {', '.join(stages)}")
    names, chain = list(stages), []
    while stage != names[0]:
        chain.append(stage)
        stage = (built_on or {}).get(stage) or names[names.index(stage) - 1]
    for step in reversed(chain):
        steps[step](folder, project_name)


def replace(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in a file; fail loudly if ``old`` is missing."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{path.name} does not contain the expected text:\n{old}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
