"""What a checker found: one finding per check, then a verdict, as text and as HTML.

One rule for every exercise: a checker checks each step whose inputs exist (a revision can be read once there is
one; the database can be checked once a revision is there to reach it). A step it could not check yet is not left
out: the report lists it as waiting (○), and the steps after it too, where they are not done yet, so that what is
to do (✗) is always what comes next, and "not started" reads the same in every notebook: every step, the first
ones to do, the later ones waiting for them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field


@dataclass
class Finding:
    """One check: whether it passed, and what it found, in words.

    :param step: the exercise step it belongs to (1 for the first), so a check can stop at a step.
    :param id: what was checked, or what is missing, for tests and tools: ``"04.revision.empty"``, the
        notebook's number first (the report adds it).
    :param waiting: not checked yet: a step before it must be done first.
    """

    ok: bool
    text: str
    step: int = 1
    id: str = ""
    waiting: bool = False

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "○" if self.waiting else "✗"


@dataclass
class Report:
    """What a checker found; ``passed`` when every check passed.

    :param prefix: the notebook's number, which starts every finding's id ("04").
    :param steps: the exercise's steps, in a few words each, in order; a step with no finding is waiting.
        ``None`` stands for a step of the notebook that has nothing to check (running a test, say), so that
        the others keep the numbers the notebook gives them.
    """

    title: str
    findings: list[Finding] = field(default_factory=list)
    success: str = ""
    partial: bool = False  # only the checks of the first steps (see up_to)
    prefix: str = ""
    steps: tuple[str | None, ...] = ()

    @property
    def passed(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def to_do(self) -> list[Finding]:
        """The checks that failed (not those still waiting)."""
        return [finding for finding in self.findings if not finding.ok and not finding.waiting]

    @property
    def waiting(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.waiting]

    @property
    def ids(self) -> list[str]:
        """Every finding's id, in order."""
        return [finding.id for finding in self.findings]

    @property
    def missing(self) -> list[str]:
        """The ids of the findings that did not pass (those to do, then those waiting)."""
        return [finding.id for finding in self.findings if not finding.ok]

    def up_to(self, step: int | None) -> Report:
        """The same report, limited to the checks of steps 1 to ``step``."""
        if step is None or step >= max((finding.step for finding in self.findings), default=0):
            return self
        kept = [finding for finding in self.findings if finding.step <= step]
        return Report(self.title, kept, self.success, True, self.prefix, self.steps)

    def add(self, ok: bool, text: str, step: int = 1, id: str = "") -> bool:
        """Add a finding; ``id`` is what it checked, without the notebook's number (``"revision.empty"``)."""
        self.findings.append(Finding(ok, text, step, self._full(id)))
        return ok

    def close(self) -> Report:
        """List as waiting each declared step that no check reached, and every step after the first of those
        that is not done yet: its misses are for later, once the steps before it are done (its passes stay)."""
        waiting_from = None
        for number, words in enumerate(self.steps, start=1):
            reached = [finding for finding in self.findings if finding.step == number]
            if words is None or (waiting_from is None and reached) or (reached and all(f.ok for f in reached)):
                continue
            waiting_from = waiting_from or number
            self.findings = [finding for finding in self.findings if finding.step != number or finding.ok]
            waiting = Finding(False, f"{words[:1].upper()}{words[1:]}: checked once the steps before it are done.",
                              number, self._full(f"step{number}.waiting"), waiting=True)
            before = [index for index, finding in enumerate(self.findings) if finding.step <= number]
            self.findings.insert(before[-1] + 1 if before else 0, waiting)  # the others keep their order
        return self

    def verdict(self) -> str:
        if self.passed and self.partial:
            return "So far, so good: on to the next step."
        if self.passed:
            return f"All done! {self.success}".strip()
        count, waiting = len(self.to_do), len(self.waiting)
        verdict = f"Not done yet: {count} {'thing' if count == 1 else 'things'} to do (marked ✗)"
        if waiting:
            verdict += f", then {waiting} {'step' if waiting == 1 else 'steps'} to check (marked ○)"
        return verdict + "."

    def text(self) -> str:
        lines = [f"Check my work: {self.title}"]
        lines += [f"{finding.mark} {finding.text}" for finding in self.findings]
        lines.append(self.verdict())
        return "\n".join(lines)

    def html(self) -> str:
        colors = {"✓": "#2e7d32", "✗": "#c62828", "○": "#757575"}
        items = "".join(
            f'<li style="list-style:none;margin:1px 0"><b style="color:{colors[finding.mark]}">'
            f'{finding.mark}</b> {_code(finding.text)}</li>'
            for finding in self.findings
        )
        color = "#2e7d32" if self.passed else "#b26a00"
        return (
            f"<div><b>Check my work:</b> {_code(self.title)}"
            f'<ul style="padding-left:0.5em;margin:4px 0">{items}</ul>'
            f'<b style="color:{color}">{_code(self.verdict())}</b></div>'
        )

    def _full(self, id: str) -> str:
        return f"{self.prefix}.{id}" if self.prefix and id else id

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()


def _code(text: str) -> str:
    """Escape ``text`` for HTML, showing `backquoted` words as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
