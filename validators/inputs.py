"""Read documents to validate from files: ``.json`` (one), ``.jsonl``/``.ndjson`` (one per
line) and directories (recursively).

Reading never raises for bad content: truncated JSON, a wrong encoding, binary data and
oversized input each become a `Document` that carries the `Problem` instead of data, so
the batch goes on and the bad input is reported with its file and line. Only a path
that cannot be read at all raises `InputError`, before any work starts.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .jsontext import parse as parse  # re-exported: callers import it from here
from .problems import Problem

__all__ = ["DEFAULT_MAX_BYTES", "Document", "InputError", "collect_files", "read_documents"]

#: The largest single document (a .json file or one JSONL line) we parse.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_SUFFIXES = _LINE_SUFFIXES | {".json"}
_CHUNK = 1024 * 1024


class InputError(OSError):
    """A path that does not exist or cannot be read; it is named in the message."""


@dataclass(frozen=True, slots=True)
class Document:
    """One document read from a file: its data, or the problem that kept it from parsing."""

    path: str
    line: int | None
    data: Any = None
    problem: Problem | None = None
    #: The exact bytes the document was read from (a line without its newline); None
    #: when they were not read because the input is over the size limit.
    raw: bytes | None = None


def collect_files(
    paths: Iterable[str | os.PathLike[str]], *, suffixes: Collection[str] | None = _SUFFIXES
) -> list[Path]:
    """Expand the paths to the files to read, checking each exists and can be read.

    Folders are searched recursively for files with one of `suffixes` (any file when
    None); hidden files and folders are left out. A file named directly is always taken.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (suffixes is None or p.suffix.lower() in suffixes)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{raw}: no such file or directory")
    for path in found:
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: permission denied")
    return found


def _problem(rule: str, message: str) -> Problem:
    return Problem(rule=rule, message=message)


def _too_large(limit: int) -> Problem:
    return _problem("input.too-large", f"larger than the {limit:,}-byte limit; not parsed")


def _read_whole(path: Path, limit: int) -> Document:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return Document(str(path), None, problem=_too_large(limit))
    parsed, problem = parse(data)
    return Document(str(path), None, parsed, problem, data)


def _skip_rest_of_line(handle: BinaryIO) -> None:
    while chunk := handle.readline(_CHUNK):
        if chunk.endswith(b"\n"):
            return


def _read_lines(path: Path, limit: int) -> Iterator[Document]:
    name = str(path)
    with path.open("rb") as handle:
        number = 0
        while line := handle.readline(limit + 1):
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                _skip_rest_of_line(handle)
                yield Document(name, number, problem=_too_large(limit))
                continue
            if not line.strip():
                continue
            parsed, problem = parse(line)
            yield Document(name, number, parsed, problem, line.removesuffix(b"\n"))


def read_documents(
    paths: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document]:
    """Every document under the paths, in order; see the module docstring."""
    for path in collect_files(paths):
        if path.suffix.lower() in _LINE_SUFFIXES:
            yield from _read_lines(path, max_bytes)
        else:
            yield _read_whole(path, max_bytes)
