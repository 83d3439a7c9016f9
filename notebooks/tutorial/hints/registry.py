"""The table of hint rules, and how one snapshot of the project is read through it.

A subject module registers each of its rules with :func:`rule`; the package
(``hints/__init__.py``) then puts them in the order it declares with
:func:`arrange`, and :func:`diagnose` asks them in that order: the first that
speaks is the one the learner hears. Nothing here knows a rule by name.

A rule that speaks returns a :class:`Hint`: what it found, and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..snapshot import Snapshot, quiet


@dataclass(frozen=True)
class Hint:
    """What a rule found, and what to do about it, kept apart as Django's checks keep
    ``msg`` and ``hint``; the learner reads them as one text (:meth:`text`).

    :param problem: what happened, ending with its own punctuation: a colon when
        ``fix`` goes on with its sentence, a full stop otherwise.
    :param fix: what to do about it (or why there is nothing to do).
    """

    problem: str
    fix: str

    def text(self) -> str:
        """The hint as the learner reads it: the problem, a space, the fix."""
        return f"{self.problem} {self.fix}"


@dataclass(frozen=True)
class Rule:
    """One mistake, recognised: ``check`` returns the hint for a snapshot, or None."""

    id: str
    mistake: str
    after: str  # "failure" or "success": which commands it looks at
    check: Callable[[Snapshot], Hint | None]


RULES: list[Rule] = []  # in the declared order (see :func:`arrange`)
_REGISTERED: dict[str, Rule] = {}  # by id, as the subject modules define them


def rule(id: str, mistake: str, after: str = "failure"):
    """Register the decorated function as the check of a new rule."""

    def register(check: Callable[[Snapshot], Hint | None]):
        if id in _REGISTERED:
            raise ValueError(f"two hint rules have the id {id!r}")
        _REGISTERED[id] = Rule(id, mistake, after, check)
        return check

    return register


def arrange(order: list[str]) -> list[Rule]:
    """Put every registered rule in :data:`RULES`, in ``order`` (a list of rule ids).

    ``order`` must name each registered rule exactly once, and nothing else: a rule
    left out would never speak, and one named twice would hide a mistake in the list.
    """
    repeated = sorted({id for id in order if order.count(id) > 1})
    unknown = [id for id in order if id not in _REGISTERED]
    left_out = [id for id in _REGISTERED if id not in order]
    if repeated or unknown or left_out:
        raise ValueError(
            f"the order of the hint rules names {repeated} twice, names {unknown} that "
            f"no module defines, and leaves out {left_out}"
        )
    RULES[:] = [_REGISTERED[id] for id in order]
    return RULES


def diagnose(snapshot: Snapshot) -> tuple[str, str] | None:
    """The first rule that speaks: ``(rule id, hint)``, or None."""
    after = "failure" if snapshot.failed else "success"
    for candidate in RULES:
        if candidate.after != after:
            continue
        try:
            with quiet():
                hint = candidate.check(snapshot)
        except Exception:  # a rule that cannot read the project says nothing
            hint = None
        if hint is not None:
            return candidate.id, hint.text()
    return None


def advise(command: str, folder: Path, output: str, message: str | None) -> str | None:
    """The hint for a command that ran in ``folder``, or None.

    ``message`` is Alembic's error message if the command failed, else None.
    """
    if not command.split()[:1] == ["alembic"]:
        return None
    found = diagnose(Snapshot(command, Path(folder), output, message))
    return found[1] if found else None
