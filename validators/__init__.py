"""Validation of news items: offline schemas, ninjs version detection, semantic rules.

>>> from wirearchive.validators import Validator
>>> report = Validator("profile").validate({"uri": "urn:x"})
>>> report.valid, report.errors[0].rule
(False, 'schema.required')
"""

from typing import TYPE_CHECKING, Any

from .detect import Detection, VersionDetector
from .inputs import DEFAULT_MAX_BYTES, Document, is_lines, read_documents, read_stream
from .jsontext import MAX_DEPTH, decode_text, parse
from .problems import Problem, Severity, format_json_path, rank
from .registry import NINJS_VERSIONS, PROFILE, SchemaNotFound, SchemaRegistry, default_registry
from .report import Report
from .structural import Engine, ReferenceValidator, StructuralValidator
from .validator import AUTO, Validator
from .walk import Walked, printable, walk

if TYPE_CHECKING:
    from .rules import RULES, Rule, RuleContext


def __getattr__(name: str) -> Any:
    # The rules (and the chrome lexicon's large regexes under them) are compiled on first
    # use: only the profile needs them, and ``validate --schema ninjs-X.Y`` starts faster.
    if name in ("RULES", "Rule", "RuleContext"):
        from . import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AUTO",
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "NINJS_VERSIONS",
    "PROFILE",
    "RULES",
    "Detection",
    "Document",
    "Engine",
    "Problem",
    "ReferenceValidator",
    "Report",
    "Rule",
    "RuleContext",
    "SchemaNotFound",
    "SchemaRegistry",
    "Severity",
    "StructuralValidator",
    "Validator",
    "VersionDetector",
    "Walked",
    "decode_text",
    "default_registry",
    "format_json_path",
    "is_lines",
    "parse",
    "printable",
    "rank",
    "read_documents",
    "read_stream",
    "walk",
]
