"""What the HTTP API and the browser share: access to the archive, errors, links, JSON.

Private to `wirearchive.downstream`'s web modules (`http`, `browser`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
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
    """Open archives for the requests: each request has one to itself, at most `size` at
    once.

    A read-only SQLite connection may not be driven by two threads at once (a feed holds
    a read transaction while it streams), and requests run in a thread pool; so each
    archive serves one request at a time, and a pool of them lets `size` requests run
    together (one slow request, such as a capture read from object storage, no longer
    holds up the rest). Archives are opened when first needed and kept for the next
    request; `first` is the one opened at start, which tells a wrong location at once.
    """

    def __init__(
        self, first: Archive, opener: Callable[[], Archive] | None = None, *, size: int = 1
    ) -> None:
        if size < 1 or (size > 1 and opener is None):
            raise ValueError("an archive pool needs a size of 1, or more and an opener")
        self._opener = opener
        self._idle: queue.LifoQueue[Archive] = queue.LifoQueue()
        self._idle.put(first)
        self._opened = [first]
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.size = size

    @property
    def opened(self) -> int:
        """How many archives the pool has opened so far."""
        return len(self._opened)

    @contextmanager
    def __call__(self) -> Iterator[Archive]:
        with self._slots:
            try:
                archive = self._idle.get_nowait()
            except queue.Empty:  # all in use and room for one more (else no slot)
                assert self._opener is not None
                archive = self._opener()
                with self._lock:
                    self._opened.append(archive)
            try:
                yield archive
            finally:
                self._idle.put(archive)

    def close(self) -> None:
        for _ in range(self.size):  # wait (a while) for the requests still running
            self._slots.acquire(timeout=30)
        with self._lock:
            for archive in self._opened:
                archive.close()


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
