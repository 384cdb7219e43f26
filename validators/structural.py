"""Structural validation: a JSON Schema verdict and the list of what fails where.

`StructuralValidator` runs on jsonschema-rs and compiles each schema once.
`ReferenceValidator` runs the same schemas on python-jsonschema, the reference
implementation; the tests hold the two to the same verdicts and error locations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import jsonschema_rs

from .problems import Problem, format_json_path, rank
from .registry import SchemaRegistry

if TYPE_CHECKING:  # python-jsonschema is imported only when a reference check runs
    from jsonschema.exceptions import ValidationError as ReferenceError_
    from jsonschema.protocols import Validator as ReferenceProtocol

__all__ = ["Engine", "ReferenceValidator", "StructuralValidator"]


class Engine(Protocol):
    """What the rest of the package needs from a JSON Schema engine."""

    def is_valid(self, schema: str, instance: Any) -> bool: ...

    def problems(self, schema: str, instance: Any) -> list[Problem]: ...


# When jsonschema-rs meets `additionalProperties: false` beside other keywords it may
# report a bare false schema ("False schema does not allow {...}") without naming the
# unexpected keys; python-jsonschema names them, so such messages are taken from it.
_TERSE_KEYWORDS = frozenset({"additionalProperties", "unevaluatedProperties", "additionalItems"})


#: Longest schema message shown whole: both engines start a message with the whole
#: offending value ("[{...}, ...] is not of type 'object'"), which may be a whole file.
_LONGEST_MESSAGE = 300


def _shortened(message: str) -> str:
    """A long message with the middle of its value cut out, its verdict (the end) kept."""
    if len(message) <= _LONGEST_MESSAGE:
        return message
    cut = len(message) - _LONGEST_MESSAGE
    return f"{message[:160]} … ({cut:,} characters left out) … {message[-140:]}"


def _rs_problem(error: Any, description: str | None) -> Problem:
    keyword = str(error.kind.name)
    message = _shortened(str(error.message))
    if keyword == "falseSchema" and error.schema_path and error.schema_path[-1] in _TERSE_KEYWORDS:
        keyword = str(error.schema_path[-1])
    if description:
        message = f"{message}; expected: {description}"
    context = getattr(error.kind, "context", None)
    if context:
        # anyOf/oneOf say only "none fits"; name the alternative that came closest, the
        # way best_match descends into an error's context.
        closest = min(
            (sub for branch in context for sub in branch),
            key=lambda sub: (-len(sub.instance_path), len(sub.schema_path)),
            default=None,
        )
        if closest is not None:
            where = format_json_path(tuple(closest.instance_path))
            message = f"{message}; closest alternative fails at {where}: {closest.message}"
    return Problem(
        rule=f"schema.{keyword}",
        message=message,
        path=tuple(error.instance_path),
        keyword=keyword,
        schema_path=tuple(error.schema_path),
    )


class StructuralValidator:
    """jsonschema-rs validators, compiled on first use and kept for the process."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self._registry = registry
        self._compiled: dict[str, Any] = {}
        self._reference: ReferenceValidator | None = None

    def compiled(self, schema: str) -> Any:
        validator = self._compiled.get(schema)  # by the name asked for, then the real one
        if validator is not None:
            return validator
        name = self._registry.resolve_name(schema)
        validator = self._compiled.get(name)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                self._registry.for_rust(name),
                registry=self._registry.rs_registry,
                # ninjs treats "format" as an annotation, as python-jsonschema does by
                # default; our profile states its formats as patterns instead.
                validate_formats=False,
                base_uri=self._registry.uri(name),
            )
            self._compiled[name] = validator
        self._compiled[schema] = validator
        return validator

    def is_valid(self, schema: str, instance: Any) -> bool:
        return bool(self.compiled(schema).is_valid(instance))

    def problems(self, schema: str, instance: Any) -> list[Problem]:
        describe = self._registry.describe
        problems = []
        terse = False
        for error in self.compiled(schema).iter_errors(instance):
            problems.append(_rs_problem(error, describe(schema, tuple(error.schema_path))))
            terse = terse or str(error.kind.name) == "falseSchema"
        if terse:
            problems = self._with_reference_messages(schema, instance, problems)
        return rank(problems)

    def _with_reference_messages(
        self, schema: str, instance: Any, problems: list[Problem]
    ) -> list[Problem]:
        if self._reference is None:
            self._reference = ReferenceValidator(self._registry)
        messages = {
            (p.path, p.keyword): p.message for p in self._reference.problems(schema, instance)
        }
        return [
            replace(p, message=messages.get((p.path, p.keyword), p.message))
            if p.keyword in _TERSE_KEYWORDS
            else p
            for p in problems
        ]


def _reference_problem(error: ReferenceError_) -> Problem:
    keyword = error.validator if isinstance(error.validator, str) else "falseSchema"
    return Problem(
        rule=f"schema.{keyword}",
        message=_shortened(error.message),
        path=tuple(error.absolute_path),
        keyword=keyword,
        schema_path=tuple(error.absolute_schema_path),
    )


class ReferenceValidator:
    """The same schemas on python-jsonschema, for differential checks and slow paths."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self._registry = registry
        self._compiled: dict[str, ReferenceProtocol] = {}

    def compiled(self, schema: str) -> ReferenceProtocol:
        name = self._registry.resolve_name(schema)
        validator = self._compiled.get(name)
        if validator is None:
            import jsonschema.validators

            contents = self._registry.contents(name)
            cls = jsonschema.validators.validator_for(contents)
            validator = cls(contents, registry=self._registry.referencing_registry)
            self._compiled[name] = validator
        return validator

    def is_valid(self, schema: str, instance: Any) -> bool:
        return bool(self.compiled(schema).is_valid(instance))

    def problems(self, schema: str, instance: Any) -> list[Problem]:
        return rank(_reference_problem(e) for e in self.compiled(schema).iter_errors(instance))
