"""What is wrong with a document: one `Problem` per finding, ranked for display.

A problem carries structure (where in the instance, which rule, which schema keyword),
so that callers never have to parse messages; `rank` orders problems the way
python-jsonschema's `best_match` does, so the first one shown is the most useful.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Problem", "Severity", "format_json_path", "rank"]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

# Keywords that only say "none of the alternatives fit"; a sibling error at the same
# place is more telling (the same choice as jsonschema.exceptions.WEAK_MATCHES).
_WEAK_KEYWORDS = frozenset({"anyOf", "oneOf"})


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def format_json_path(path: Sequence[str | int]) -> str:
    """Render an instance location as a JSONPath, e.g. ``$.headlines[0].value``."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.match(step):
            parts.append(f".{step}")
        else:
            escaped = step.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one document.

    ``rule`` is a stable code (``schema.required``, ``time.future``, ``json.syntax`` ...)
    that scripts may match on; ``message`` is for people and may change.
    """

    rule: str
    message: str
    path: tuple[str | int, ...] = ()
    severity: Severity = Severity.ERROR
    keyword: str | None = None
    schema_path: tuple[str | int, ...] = field(default=(), compare=False)

    @property
    def json_path(self) -> str:
        return format_json_path(self.path)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.json_path, "rule": self.rule, "message": self.message}
        if self.schema_path:
            out["schema_path"] = "/".join(str(step) for step in self.schema_path)
        return out


def _relevance(problem: Problem) -> tuple[int, bool, bool]:
    # Shallower first: an error high in the document says that more is wrong there
    # (best_match's rule). Weak keywords last, and schema findings before rule findings
    # at the same depth, since a broken structure explains most rule findings.
    return (len(problem.path), problem.keyword in _WEAK_KEYWORDS, problem.keyword is None)


def rank(problems: Iterable[Problem]) -> list[Problem]:
    """Order problems most useful first, once each; stable for equal relevance.

    A profile that restates a rule of the schema it extends (both require ``uri``) would
    otherwise report the same problem twice.
    """
    return sorted(dict.fromkeys(problems), key=_relevance)
