"""``wirearchive crawl SOURCE``: the parser only; the run is `wirearchive.crawler.crawl`.

Scrapy is imported when a crawl runs, never for the parser, so ``ingest`` and
``validate`` do not pay for it.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ._shared import archive_option, command, json_option

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    crawl = command(
        commands,
        "crawl",
        _crawl,
        help="crawl a source (its feeds, sitemaps and start URLs) into the archive",
        description="Fetch what is new or due for a revisit from one source, archive each "
        "page as a new or updated version, an unchanged sighting (304 or same content) or a "
        "quarantined entry, and print the run's counts.",
    )
    crawl.add_argument("source", metavar="SOURCE", help="the source's name (NAME.toml)")
    archive_option(crawl)
    crawl.add_argument(
        "--sources",
        metavar="DIR",
        help="the folder of source files (default: $WIREARCHIVE_SOURCES, else ./sources)",
    )
    crawl.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy or WIREARCHIVE_ setting (repeatable)",
    )
    crawl.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Scrapy's INFO log on stderr (default: only its errors)",
    )
    crawl.add_argument(
        "--log-level",
        type=str.upper,
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        metavar="LEVEL",
        help="Scrapy's log level on stderr: DEBUG, INFO, WARNING, ERROR or CRITICAL "
        "(wins over -v and -s LOG_LEVEL)",
    )
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="run as one worker of a distributed crawl sharing its frontier in this Redis "
        "(redis://HOST:PORT/DB; default: $WIREARCHIVE_REDIS_URL, else a plain crawl)",
    )
    crawl.add_argument(
        "--redis-idle-seconds",
        type=_seconds,
        metavar="N",
        help="with --redis: stop once the shared queue has been empty this long (default 10)",
    )
    json_option(crawl, "the run's counts")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give 0 or more seconds")
    return value


def _crawl(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..crawl import crawl  # imported here: Scrapy loads only for a crawl

    return crawl(args, stdout, stderr)
