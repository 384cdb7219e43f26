"""Read documents to validate from files: ``.json`` (one, or each item of a top-level
array), ``.jsonl``/``.ndjson`` (one per line) and directories (recursively).

Reading never raises for bad content: truncated JSON, a wrong encoding, binary data and
oversized input each become a `Document` that carries the `Problem` instead of data, so
the batch goes on and the bad input is reported with its file and line. A path that
cannot be read at all (missing, a dangling link, a FIFO) is such a document too: one bad
path never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .jsontext import parse as parse  # re-exported: callers import it from here
from .problems import Problem
from .walk import walk

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "is_lines",
    "read_documents",
    "read_stream",
]

#: The largest single document (a .json file or one JSONL line) we parse.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_SUFFIXES = _LINE_SUFFIXES | {".json"}
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Document:
    """One document read from a file: its data, or the problem that kept it from parsing."""

    path: str
    line: int | None
    data: Any = None
    problem: Problem | None = None
    #: The exact bytes the document was read from (a line without its newline, or the
    #: whole file of an array's item); None when they were not read because the input is
    #: over the size limit.
    raw: bytes | None = None
    #: The document's place (0-based) in a file that is one top-level JSON array of them.
    index: int | None = None


def _problem(rule: str, message: str) -> Problem:
    return Problem(rule=rule, message=message)


def _too_large(limit: int) -> Problem:
    return _problem("input.too-large", f"larger than the {limit:,}-byte limit; not parsed")


def _read_whole(handle: BinaryIO, name: str, limit: int) -> Iterator[Document]:
    data = handle.read(limit + 1)
    if len(data) > limit:
        yield Document(name, None, problem=_too_large(limit))
        return
    parsed, problem = parse(data)
    if problem is not None or not isinstance(parsed, list):
        yield Document(name, None, parsed, problem, data)
    elif not parsed:
        empty = _problem("input.empty", "an empty JSON array: no document in it")
        yield Document(name, None, problem=empty, raw=data)
    else:  # an export or an API's answer: a list of items, each a document of its own
        for index, value in enumerate(parsed):
            yield Document(name, None, value, None, data, index)


def _skip_rest_of_line(handle: BinaryIO) -> None:
    while chunk := handle.readline(_CHUNK):
        if chunk.endswith(b"\n"):
            return


def _read_lines(handle: BinaryIO, name: str, limit: int) -> Iterator[Document]:
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(handle)
            yield Document(name, number, problem=_too_large(limit))
            continue
        if line.isspace():  # a blank line (isspace stops at the first other byte)
            continue
        parsed, problem = parse(line)
        yield Document(name, number, parsed, problem, line.removesuffix(b"\n"))


def is_lines(name: str) -> bool:
    """Whether a file of this name holds JSON Lines (one document per line)."""
    return Path(name).suffix.lower() in _LINE_SUFFIXES


def read_stream(
    handle: BinaryIO, name: str, *, lines: bool, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document]:
    """The documents in an open binary stream: one, or one per line; `name` labels them."""
    if lines:
        yield from _read_lines(handle, name, max_bytes)
    else:
        yield from _read_whole(handle, name, max_bytes)


def read_documents(
    paths: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document]:
    """Every document under the paths, in order; see the module docstring.

    An entry the walk left out (not found, a dangling link, a link out of the folder) and
    a file that cannot be opened are each one document carrying the problem.
    """
    for walked in walk(paths, suffixes=_SUFFIXES):
        name = walked.name
        if walked.problem is not None:
            yield Document(name, None, problem=walked.problem)
            continue
        try:
            with walked.path.open("rb") as handle:
                yield from read_stream(handle, name, lines=is_lines(name), max_bytes=max_bytes)
        except OSError as exc:
            problem = _problem("input.unreadable", f"{name}: {exc.strerror or exc}")
            yield Document(name, None, problem=problem)
