"""Every notebook's exercise, declared once: its notebook, its title, its solutions, its checker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .report import Report


@dataclass(frozen=True)
class Exercise:
    """A notebook's "Your turn": its checker, and the prefix of its solution files in ``notebooks/solutions/``."""

    notebook: str  # the notebook's name, which is also its project folder's: "04-upgrade-the-database"
    title: str  # what the learner does, in a few words; also the title of the checker's report
    check: Callable[..., Report]
    solutions: str  # the solution files' prefix, "04_": they run in order, as the exercise's cells
    steps: tuple[str | None, ...] = ()  # the steps, in a few words each ("the model", "the revision", "the database")

    @property
    def number(self) -> str:
        """The notebook's number, which starts the id of every finding: "04"."""
        return self.notebook.split("-", 1)[0]


EXERCISES: dict[str, Exercise] = {}  # every notebook's exercise, by notebook, in the order of the series


def exercise(notebook: str, title: str, solutions: str, steps: tuple[str | None, ...] = (), success: str = ""):
    """Register the decorated function as ``notebook``'s exercise (see :data:`EXERCISES`).

    The decorated function takes the project folder and an empty :class:`Report` titled ``title``, and adds its
    findings to it. What the decorator returns is the checker: it takes a folder (the current one by default)
    and returns that report.

    :param steps: the exercise's steps in a few words each (``None`` for a step with nothing to check); a step
        that no check reached is reported as waiting.
    :param success: what the report says after "All done!".
    """
    number = notebook.split("-", 1)[0]

    def register(fill: Callable[[Path, Report], None]) -> Callable[..., Report]:
        def check(folder: Path | str = ".") -> Report:
            report = Report(title, success=success, prefix=number, steps=steps)
            fill(Path(folder).resolve(), report)
            return report.close()

        check.__module__, check.__name__, check.__qualname__ = fill.__module__, fill.__name__, fill.__qualname__
        check.__doc__ = fill.__doc__
        EXERCISES[notebook] = Exercise(notebook, title, check, solutions, steps)
        in_order = sorted(EXERCISES.items())  # notebooks' names start with their number
        EXERCISES.clear()
        EXERCISES.update(in_order)
        return check

    return register
