"""What every part of the HTML reader shares: the page being read and its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wirearchive.validators import Problem, Severity

from ..base import step

_HEAD_LIMIT = 64 * 1024


def warning(rule: str, message: str, *path: str | int) -> Problem:
    """A guess worth a person's attention: a warning, never a reason to refuse."""
    return Problem(rule=rule, message=message, path=tuple(path), severity=Severity.WARNING)


@dataclass
class Page:
    """What the reader knows about a page so far: the item, steps and warnings."""

    item: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def note(self, name: str, detail: str = "") -> None:
        self.steps.append(step(name, detail))
