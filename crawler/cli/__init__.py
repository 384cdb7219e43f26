"""The ``wirearchive`` command line.

`main` is the console entry point; `run` does the work against the streams it is given,
so tests call it directly. Each command group is one module with ``add_commands``:
`validate`, `intake` (ingest, extract), `records` (show, history, diff, export),
`upkeep` (verify, quarantine, reindex, summary) and `crawl`. This module owns the top of
the parser and the exit-status policy (`wirearchive.crawler.exits`): 0 all good, 1 some
input invalid or quarantined, or a problem found (the rest still processed: an
unreadable or missing path is one such input), 2 usage error or a fault of the archive
(one that is missing, locked or cannot be opened), 130 interrupted.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from typing import TextIO

from wirearchive import __version__
from wirearchive.archive import ArchiveError
from wirearchive.validators import SchemaNotFound

from ..exits import EXIT_FATAL, EXIT_OK
from . import crawl, intake, records, upkeep, validate
from ._shared import Parser, UsageError

__all__ = ["main", "run"]

#: The command groups, in the order ``--help`` lists their commands.
GROUPS = (validate, intake, records, upkeep, crawl)


def _parser() -> Parser:
    parser = Parser(prog="wirearchive", description="Archive news wire articles as IPTC ninjs.")
    parser.add_argument("--version", action="version", version=f"wirearchive {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in GROUPS:
        group.add_commands(commands)
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run one command; return its exit status. Never raises for bad input or usage."""
    try:
        args = _parser().parse_args(list(argv))
        args.argv = list(argv)
        status: int = args.handler(args, stdout, stderr)
        return status
    except UsageError as exc:
        print(exc, file=stderr)
        return EXIT_FATAL
    except (SchemaNotFound, ArchiveError, sqlite3.Error) as exc:
        print(f"wirearchive: {exc}", file=stderr)
        return EXIT_FATAL
    except OSError as exc:  # an archive folder we may not create or write, a full disk
        print(f"wirearchive: {exc.filename or ''}: {exc.strerror or exc}", file=stderr)
        return EXIT_FATAL
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
