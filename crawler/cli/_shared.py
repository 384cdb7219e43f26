"""What the command groups share: the parser class, common options, the archive, output.

Private to the CLI package: the names here carry no underscore because the module does.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import orjson
from wirearchive.validators import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # imported where used: ``validate`` needs neither the archive nor readers
    from wirearchive.archive import Store

#: What every command function is: parsed arguments and the two streams in, exit status out.
Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]


class UsageError(Exception):
    """A command line that cannot run; `run` prints it and exits 2."""


class Parser(argparse.ArgumentParser):
    # argparse would print to the real stderr and exit; `run` reports to its own streams.
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def command(commands: Any, name: str, handler: Handler, **kwargs: Any) -> argparse.ArgumentParser:
    """Add subcommand ``name`` to ``commands``, dispatched to ``handler``."""
    parser: argparse.ArgumentParser = commands.add_parser(name, **kwargs)
    parser.set_defaults(handler=handler)
    return parser


def archive_option(parser: argparse.ArgumentParser, *, catalog: bool = True) -> None:
    """``--archive``, and ``--catalog`` for the commands that open it through `open_store`."""
    parser.add_argument(
        "--archive",
        metavar="DIR",
        help="the archive: a directory or s3://bucket/prefix "
        "(default: $WIREARCHIVE_ARCHIVE, else ./archive-data)",
    )
    if catalog:
        parser.add_argument(
            "--catalog",
            metavar="PATH|URL",
            help="the catalog: an SQLite file, or a postgresql:// URL shared by writers on "
            "several hosts (default: $WIREARCHIVE_CATALOG, else catalog.sqlite in the "
            "archive's directory, or for s3:// under $XDG_CACHE_HOME/wirearchive/)",
        )


def json_option(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return number


def format_options(parser: argparse.ArgumentParser) -> None:
    """``--max-bytes`` and ``--format``, for the commands that read inputs."""
    parser.add_argument(
        "--max-bytes",
        type=positive,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse inputs larger than N bytes (default {DEFAULT_MAX_BYTES:,})",
    )
    parser.add_argument(
        "--format",
        metavar="F",
        help="read every input as this format instead of telling from its content "
        "(ninjs, text, newsml-g2, nitf, html, feed)",
    )


def checked_format(name: str | None) -> str | None:
    from ..readers import readers

    if name is not None and name not in readers():
        raise UsageError(
            f"wirearchive: unknown --format {name!r} (choose from {', '.join(sorted(readers()))})"
        )
    return name


@contextmanager
def open_store(
    args: argparse.Namespace, *, readonly: bool = True, create: bool = False
) -> Iterator[Store]:
    """The archive of ``--archive``; read-only unless asked, and never made unless asked.

    A typo in ``--archive`` must not leave an empty archive behind: every command but
    ``ingest`` (and ``crawl``, which opens its own) exits 2 with ``no archive at PATH``.
    """
    from wirearchive.archive import Store, resolve_location

    store = Store.open(
        resolve_location(args.archive),
        readonly=readonly,
        create=create,
        catalog=getattr(args, "catalog", None),
    )
    try:
        yield store
    finally:
        store.close()


def print_json(stdout: TextIO, value: Any, *, pretty: bool) -> None:
    option = orjson.OPT_INDENT_2 if pretty else 0
    stdout.write(orjson.dumps(value, option=option).decode() + "\n")


def write_bytes(stdout: TextIO, data: bytes) -> None:
    """Bytes as they are to a binary stream; decoded (bad bytes replaced) to a text one."""
    binary = getattr(stdout, "buffer", None)
    if binary is not None:
        stdout.flush()
        binary.write(data)
        binary.flush()
    else:
        stdout.write(data.decode("utf-8", "replace"))


def console(stream: TextIO) -> Any:
    from rich.console import Console  # imported here: --json output never pays for it

    return Console(file=stream, highlight=False, soft_wrap=True)


__all__ = [
    "Handler",
    "Parser",
    "UsageError",
    "archive_option",
    "checked_format",
    "command",
    "console",
    "format_options",
    "json_option",
    "open_store",
    "positive",
    "print_json",
    "write_bytes",
]
