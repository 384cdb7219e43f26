"""``wirearchive serve``: the read-only HTTP API and archive browser over an archive.

The archive is opened before the server starts, so a mistyped ``--archive`` is exit 2
with ``no archive at PATH`` rather than a server that answers every request with 500.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ..exits import EXIT_OK
from ._shared import archive_option, command, positive

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    serve = command(
        commands,
        "serve",
        _serve,
        help="serve the archive read-only over HTTP: a JSON API, Memento and a browser",
        description="Serve a JSON API (OpenAPI at /openapi.json), Memento TimeMaps and "
        "TimeGates, and an archive browser at /. Nothing served can change the archive.",
    )
    archive_option(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=positive, default=8000, help="the port to listen on (default 8000)"
    )
    serve.add_argument(
        "--readers",
        type=positive,
        help="requests served at once, each with the archive opened for it (default: 4 "
        "for an archive on object storage or with a PostgreSQL catalog, else 1)",
    )


def _serve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import uvicorn  # imported here: no other command pays for the web stack
    from wirearchive.archive import resolve_location
    from wirearchive.downstream.http import create_app

    app = create_app(resolve_location(args.archive), catalog=args.catalog, readers=args.readers)
    print(
        f"serving {resolve_location(args.archive)} at http://{args.host}:{args.port}/", file=stderr
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
