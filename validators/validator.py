"""`Validator`: the one entry point that turns a document into a `Report`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .detect import VersionDetector
from .problems import Problem
from .registry import PROFILE, SchemaRegistry, default_registry
from .report import Report
from .structural import Engine, StructuralValidator

if TYPE_CHECKING:  # imported when the profile is chosen: no other schema runs rules
    from .rules import Rule, RuleContext

__all__ = ["AUTO", "Validator"]

#: Choose the ninjs version from the document itself.
AUTO = "auto"


class Validator:
    """Validate documents against one schema choice: ``profile``, ``auto`` or ``ninjs-X.Y``.

    ``profile`` is the archive's ninjs 3.1 profile plus the semantic rules; ``auto`` and
    ``ninjs-X.Y`` check conformance to the official schema only. Build one and reuse it:
    schemas are compiled on first use and kept.
    """

    def __init__(
        self,
        schema: str = PROFILE,
        *,
        registry: SchemaRegistry | None = None,
        engine: Engine | None = None,
        context: RuleContext | None = None,
        rules: Sequence[Rule] | None = None,
    ) -> None:
        self.registry = registry or default_registry()
        self.engine: Engine = engine or StructuralValidator(self.registry)
        self.schema = schema
        self._context = context
        self._rules = rules
        if schema == PROFILE:
            from . import rules as rule_module

            self._check_rules = rule_module.check_rules
            self._rules = rule_module.RULES if rules is None else rules
            self._new_context = rule_module.RuleContext
        self._detector: VersionDetector | None = None
        if schema == AUTO:
            self._detector = VersionDetector(self.registry, self.engine.is_valid)
            self._fixed_schema = None
        else:
            self._fixed_schema = self.registry.resolve_name(schema)  # fails early on a typo
            self.engine.is_valid(self._fixed_schema, {})  # compile now, not mid-batch

    def validate(
        self, document: Any, *, path: str | None = None, line: int | None = None
    ) -> Report:
        note = None
        if self._detector is not None:
            detection = self._detector.detect(document)
            schema, note = detection.schema, detection.reason
        else:
            schema = self._fixed_schema or ""
        problems: list[Problem] = []
        if not self.engine.is_valid(schema, document):
            problems = self.engine.problems(schema, document)
        if self.schema == PROFILE and isinstance(document, dict):
            context = self._context or self._new_context()
            problems += self._check_rules(document, context, self._rules or ())
        return Report.from_problems(problems, path=path, line=line, schema=schema, note=note)

    def invalid_input(self, problem: Problem, *, path: str | None, line: int | None) -> Report:
        """The report for an input that never became a document (unparsable, binary ...)."""
        return Report.from_problems([problem], path=path, line=line, schema=self._fixed_schema)
