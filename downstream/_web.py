"""What the HTTP API and the browser share: access to the archive, errors, links, JSON.

Private to `wirearchive.downstream`'s web modules (`http`, `browser`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import Response

from .reader import Archive

__all__ = [
    "Access",
    "JSONBody",
    "Problem",
    "error_body",
    "id_path",
    "json_response",
]


class Problem(Exception):
    """A request the archive cannot answer: an HTTP status, a rule code and a message.

    The rule codes are the project's (``archive.not-found``, ``request.bad-cursor``, ...):
    a client tells errors apart by them, not by parsing the message.
    """

    def __init__(self, status: int, rule: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.rule = rule
        self.message = message


class Access:
    """The one open archive, used by one request at a time.

    A read-only SQLite connection may not be driven by two threads at once (a feed holds
    a read transaction while it streams), and requests run in a thread pool; a lock is
    the simplest correct answer for a local, read-only server.
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self) -> Iterator[Archive]:
        with self._lock:
            yield self._archive

    def close(self) -> None:
        with self._lock:
            self._archive.close()


def id_path(item_id: str) -> str:
    """An item id as one path segment: ``/``, ``?``, ``#`` and ``%`` percent-encoded,
    so that any URI id (``https://host/a?b``) round-trips through a route."""
    return quote(item_id, safe=":@,;=+!*'()$~")


def error_body(rule: str, message: str) -> bytes:
    return orjson.dumps({"error": {"rule": rule, "message": message}})


class JSONBody(Response):
    """JSON written by orjson: records hold non-ASCII text and can be large."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(
    content: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return JSONBody(content, status_code=status, headers=headers)
