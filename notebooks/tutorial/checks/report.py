"""What a checker found: one finding per check, then a verdict, as text and as HTML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field


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
