"""`Report`: the verdict on one document, with its problems ranked for display."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .problems import Problem, Severity, rank

__all__ = ["Report"]


@dataclass(slots=True)
class Report:
    """Where a document came from, which schema judged it, and what is wrong with it.

    ``errors`` make the document invalid; ``warnings`` do not. Both are ranked so that
    the first entry is the one to show a person first.
    """

    path: str | None
    line: int | None
    schema: str | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    note: str | None = None
    #: The document's place in a file that is a JSON array of them (its problems' paths
    #: start with it: ``$[2].uri``).
    index: int | None = None

    @classmethod
    def from_problems(
        cls,
        problems: list[Problem],
        *,
        path: str | None,
        line: int | None,
        schema: str | None,
        note: str | None = None,
    ) -> Report:
        if not problems:  # the common case: skip ranking and sorting
            return cls(path=path, line=line, schema=schema, note=note)
        ordered = rank(problems)
        return cls(
            path=path,
            line=line,
            schema=schema,
            errors=[p for p in ordered if p.severity is Severity.ERROR],
            warnings=[p for p in ordered if p.severity is Severity.WARNING],
            note=note,
        )

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def best_error(self) -> Problem | None:
        return self.errors[0] if self.errors else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "valid": self.valid,
            "schema": self.schema,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }
        if self.note is not None:
            out["note"] = self.note
        if self.index is not None:
            out["index"] = self.index
        return out

    def in_array(self, index: int) -> Report:
        """This report for the item at `index` of a top-level array: paths from the file's
        root (``$[index]...``)."""
        self.index = index
        self.errors = [replace(p, path=(index, *p.path)) for p in self.errors]
        self.warnings = [replace(p, path=(index, *p.path)) for p in self.warnings]
        return self
