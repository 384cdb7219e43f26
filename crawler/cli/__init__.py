"""The ``wirearchive`` command line.

`main` is the console entry point; `run` does the work against the streams it is given,
so tests call it directly. Each command group is one module with ``add_commands``:
`validate`, `intake` (ingest, extract), `records` (show, history, diff, export),
`upkeep` (verify, quarantine, reindex, summary), `crawl` and `serve`. This module owns the top of
the parser and the exit-status policy (`wirearchive.crawler.exits`): 0 all good, 1 some
input invalid or quarantined, or a problem found (the rest still processed: an
unreadable or missing path is one such input), 2 usage error or a fault of the archive
(one that is missing, locked or cannot be opened), 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

from wirearchive import __version__
from wirearchive.validators import SchemaNotFound

from ..exits import EXIT_FATAL, EXIT_OK
from ._shared import Parser, UsageError

__all__ = ["main", "run"]

#: The command groups (modules of this package), in the order ``--help`` lists them.
GROUP_NAMES = ("validate", "intake", "records", "upkeep", "crawl", "serve")


def _groups(argv: Sequence[str]) -> list[ModuleType]:
    """The command groups to build the parser from: all of them, except for ``validate``,
    which needs only its own (it is run on whole feeds, often from scripts, and must not
    pay for importing the archive, the readers and their libraries at each start)."""
    names = ["validate"] if argv[:1] == ["validate"] else GROUP_NAMES
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def __getattr__(name: str) -> tuple[ModuleType, ...]:
    if name == "GROUPS":  # every command group, imported on demand
        return tuple(_groups(()))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _parser(argv: Sequence[str] = ()) -> Parser:
    parser = Parser(prog="wirearchive", description="Archive news wire articles as IPTC ninjs.")
    parser.add_argument("--version", action="version", version=f"wirearchive {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in _groups(argv):
        group.add_commands(commands)
    return parser


def _archive_fault(exc: Exception) -> bool:
    """Whether the error is the archive's own (or its catalog's: sqlite3's, PostgreSQL's); none can
    be when its module was never imported, as in ``validate``, which imports neither."""
    archive, sqlite3 = sys.modules.get("wirearchive.archive"), sys.modules.get("sqlite3")
    psycopg = sys.modules.get("psycopg")  # a PostgreSQL catalog's server errors
    return (
        (sqlite3 is not None and isinstance(exc, sqlite3.Error))
        or (psycopg is not None and isinstance(exc, psycopg.Error))
        or (archive is not None and isinstance(exc, archive.ArchiveError | archive.CatalogError))
    )


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run one command; return its exit status. Never raises for bad input or usage."""
    try:
        args = _parser(argv).parse_args(list(argv))
        args.argv = list(argv)
        status: int = args.handler(args, stdout, stderr)
        return status
    except UsageError as exc:
        print(exc, file=stderr)
        return EXIT_FATAL
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except Exception as exc:
        if isinstance(exc, SchemaNotFound) or _archive_fault(exc):
            print(f"wirearchive: {exc}", file=stderr)
            return EXIT_FATAL
        if isinstance(exc, OSError):  # an archive folder we may not create or write, a full disk
            print(f"wirearchive: {exc.filename or ''}: {exc.strerror or exc}", file=stderr)
            return EXIT_FATAL
        raise


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
