"""``wirearchive validate``: check JSON news items against a schema and the archive's rules.

It reads files only (no archive), one report per document, and never stops at a bad one:
an unreadable file, a JSON error or a rule that raises is that document's report.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, TextIO

import orjson
from wirearchive.validators import (
    AUTO,
    PROFILE,
    Document,
    Problem,
    Report,
    Validator,
    default_registry,
    read_documents,
)

from ..exits import EXIT_OK, EXIT_PROBLEMS
from ._shared import UsageError, command

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    validate = command(
        commands,
        "validate",
        _validate,
        help="check news items in JSON against a schema and the archive's rules",
        description="Check .json documents, .jsonl/.ndjson lines and folders of them.",
    )
    validate.add_argument(
        "--schema",
        default=PROFILE,
        metavar="auto|profile|ninjs-X.Y",
        help="profile (default): the archive's ninjs 3.1 profile and rules; auto: the ninjs "
        "version the document is written in; ninjs-X.Y: that official schema",
    )
    validate.add_argument("--json", action="store_true", help="one JSON report per document")
    validate.add_argument("paths", nargs="+", metavar="PATH")


def _schema_choices() -> list[str]:
    return [AUTO, PROFILE, *sorted(default_registry().names())]


class _JsonOut:
    """Buffered JSON Lines writer: orjson bytes straight to the binary stream when there is one."""

    def __init__(self, stream: TextIO, batch: int = 512) -> None:
        self._stream = stream
        self._binary = getattr(stream, "buffer", None)
        self._pending: list[bytes] = []
        self._batch = batch

    def write(self, report: Report) -> None:
        self._pending.append(orjson.dumps(report.to_dict(), option=orjson.OPT_APPEND_NEWLINE))
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self._pending)
        self._pending.clear()
        if self._binary is not None:
            self._stream.flush()
            self._binary.write(data)
            self._binary.flush()
        else:
            self._stream.write(data.decode())


class _TextOut:
    """One line per problem, ``path[:line]: $.json.path: rule: message``, then a summary."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console  # imported here: --json never pays for it

        self._console = Console(file=stream, highlight=False, soft_wrap=True)

    def write(self, report: Report) -> None:
        from rich.text import Text

        where = report.path or "-"
        if report.line is not None:
            where = f"{where}:{report.line}"
        for problem, style, label in [
            *((p, "bold red", p.rule) for p in report.errors),
            *((p, "yellow", f"{p.rule} (warning)") for p in report.warnings),
        ]:
            line = Text(f"{where}: {problem.json_path}: ")
            line.append(label, style=style)
            line.append(f": {problem.message}")
            self._console.print(line)

    def summary(self, counts: dict[str, int]) -> None:
        from rich.text import Text

        total = counts["valid"] + counts["invalid"]
        style = "green" if counts["invalid"] == 0 else "red"
        self._console.print(
            Text(
                f"{total} document{'s' if total != 1 else ''} checked: {counts['valid']} valid, "
                f"{counts['invalid']} invalid, {counts['warnings']} warning"
                f"{'s' if counts['warnings'] != 1 else ''}",
                style=style,
            )
        )

    def flush(self) -> None:
        pass


def _validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    choices = _schema_choices()
    if args.schema not in choices:
        raise UsageError(
            f"wirearchive validate: unknown --schema {args.schema!r} "
            f"(choose from {', '.join(choices)})"
        )
    validator = Validator(args.schema)
    documents = read_documents(args.paths)
    out: _JsonOut | _TextOut = _JsonOut(stdout) if args.json else _TextOut(stdout)
    counts = {"valid": 0, "invalid": 0, "warnings": 0}
    try:
        for report in _reports(validator, documents):
            counts["valid" if report.valid else "invalid"] += 1
            counts["warnings"] += len(report.warnings)
            out.write(report)
    finally:
        out.flush()
    if isinstance(out, _TextOut):
        out.summary(counts)
    return EXIT_PROBLEMS if counts["invalid"] else EXIT_OK


def _reports(validator: Validator, documents: Iterable[Document]) -> Iterable[Report]:
    """One report per document; a rule or the schema engine raising is that document's error."""
    for doc in documents:
        if doc.problem is not None:
            yield validator.invalid_input(doc.problem, path=doc.path, line=doc.line)
            continue
        try:
            report = validator.validate(doc.data, path=doc.path, line=doc.line)
        except Exception as exc:  # noqa: BLE001 - one document must not stop the others
            problem = Problem(
                rule="validate.rule-error",
                message=f"checking the document failed: {type(exc).__name__}: {exc}"[:500],
            )
            report = validator.invalid_input(problem, path=doc.path, line=doc.line)
        yield report if doc.index is None else report.in_array(doc.index)
