"""The ``wirearchive`` command line.

`main` is the console entry point; `run` does the work against the streams it is given,
so tests call it directly. Exit codes: 0 all good, 1 some input invalid or quarantined,
or a problem found (the rest still processed: an unreadable or missing path is one
such input), 2 usage error or a fatal fault (an archive that cannot be opened).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn, TextIO

import orjson
from wirearchive import __version__
from wirearchive.archive import ArchiveError
from wirearchive.validators import (
    AUTO,
    PROFILE,
    Document,
    Problem,
    Report,
    SchemaNotFound,
    Validator,
    default_registry,
    read_documents,
)

from ._archive_cli import COMMANDS, add_archive_commands

__all__ = ["main", "run"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    # argparse would print to the real stderr and exit; `run` reports to its own streams.
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _schema_choices() -> list[str]:
    return [AUTO, PROFILE, *sorted(default_registry().names())]


def _parser() -> _Parser:
    parser = _Parser(prog="wirearchive", description="Archive news wire articles as IPTC ninjs.")
    parser.add_argument("--version", action="version", version=f"wirearchive {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser(
        "validate",
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
    add_archive_commands(commands)
    return parser


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


def _validate(args: argparse.Namespace, stdout: TextIO) -> int:
    choices = _schema_choices()
    if args.schema not in choices:
        raise _UsageError(
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
    return EXIT_INVALID if counts["invalid"] else EXIT_OK


def _reports(validator: Validator, documents: Iterable[Document]) -> Iterable[Report]:
    """One report per document; a rule or the schema engine raising is that document's error."""
    for doc in documents:
        if doc.problem is not None:
            yield validator.invalid_input(doc.problem, path=doc.path, line=doc.line)
            continue
        try:
            yield validator.validate(doc.data, path=doc.path, line=doc.line)
        except Exception as exc:  # noqa: BLE001 - one document must not stop the others
            problem = Problem(
                rule="validate.rule-error",
                message=f"checking the document failed: {type(exc).__name__}: {exc}"[:500],
            )
            yield validator.invalid_input(problem, path=doc.path, line=doc.line)


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run one command; return its exit code. Never raises for bad input or usage."""
    try:
        args = _parser().parse_args(list(argv))
        args.argv = list(argv)
        if args.command == "validate":
            return _validate(args, stdout)
        return COMMANDS[args.command](args, stdout, stderr)
    except _UsageError as exc:
        print(exc, file=stderr)
        return EXIT_USAGE
    except (SchemaNotFound, ArchiveError, sqlite3.Error) as exc:
        print(f"wirearchive: {exc}", file=stderr)
        return EXIT_USAGE
    except OSError as exc:  # an archive folder we may not create or write, a full disk
        print(f"wirearchive: {exc.filename or ''}: {exc.strerror or exc}", file=stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
