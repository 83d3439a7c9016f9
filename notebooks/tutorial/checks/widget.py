"""The "Check my work" button: a checker's report in a notebook, checked again on each click."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from .report import Report


class CheckMyWork(widgets.VBox):
    """A "Check my work" button above the report of a checker; each click checks again.

    :param check: an exercise's checker, e.g. :func:`tutorial.exercises.check_last_payment`.
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
