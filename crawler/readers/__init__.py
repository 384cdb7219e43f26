"""Readers: one module per input format, chosen from the content of each file.

`read_inputs` expands the paths, picks a reader per file (the most confident `sniff`, or
the one ``--format`` names) and streams what it extracts. Every file yields at least one
`Extracted`, an item or a problem, so nothing handed over is dropped silently.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from wirearchive.validators import Problem, collect_files

from .base import PICTURE_OR_VIDEO, TEXT, Extracted, ReadContext, Reader, step
from .unknown import READER as UNKNOWN

__all__ = [
    "PICTURE_OR_VIDEO",
    "TEXT",
    "Extracted",
    "ReadContext",
    "Reader",
    "choose",
    "collect_inputs",
    "read_files",
    "read_inputs",
    "readers",
    "step",
]

#: Modules in order of precedence when two readers are equally sure.
_MODULES = (
    "gunzip", "ninjs", "newsml", "newsml1", "nitf", "iptc7901", "anpa1312", "feed", "html", "text",
)  # fmt: skip
_HEAD = 4096


@cache
def readers() -> dict[str, Reader]:
    """Every reader by its ``--format`` name."""
    found: dict[str, Reader] = {}
    for module in _MODULES:
        reader: Reader = importlib.import_module(f"{__name__}.{module}").READER
        found[reader.name] = reader
    return found


def collect_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files under the paths, folders searched recursively (hidden files left out)."""
    return collect_files(paths, suffixes=None)


def choose(path: Path, head: bytes, format: str | None = None) -> Reader:
    """The reader for a file: the one named, else the most confident; ties by suffix.

    When no reader is at all sure and the file is XML or a zip archive, the choice is
    `UNKNOWN`, which refuses it (``input.unknown-format``, ``input.archive``) rather than
    letting the text reader make a story of markup.
    """
    known = readers()
    if format is not None:
        try:
            return known[format]
        except KeyError:
            raise ValueError(
                f"unknown format {format!r} (choose from {', '.join(sorted(known))})"
            ) from None
    suffix = path.suffix.lower()
    order = {name: index for index, name in enumerate(known)}
    scored = [
        (r.sniff(head, path), suffix in r.suffixes, -order[r.name], r) for r in known.values()
    ]
    best = max(scored, key=lambda entry: entry[:3])
    if best[0] <= 0 and UNKNOWN.sniff(head, path) > 0:
        return UNKNOWN
    return best[3]


def read_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    format: str | None = None,
    context: ReadContext | None = None,
) -> Iterator[Extracted]:
    """Everything extracted from every file under the paths, in order."""
    return read_files(collect_inputs(paths), format=format, context=context)


def read_files(
    files: Iterable[Path], *, format: str | None = None, context: ReadContext | None = None
) -> Iterator[Extracted]:
    """Everything extracted from each file; a file that cannot be read is ``input.unreadable``."""
    context = context or ReadContext()
    if format is not None:
        choose(Path(), b"", format)  # an unknown name fails before any work
    for path in files:
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD)
            reader = choose(path, head, format)
            chosen = step("choose", reader.name + (" (--format)" if format else " (content)"))
            for extracted in reader.read(path, context):
                yield replace(extracted, steps=(chosen, *extracted.steps))
        except OSError as exc:  # vanished or unreadable between listing and reading
            yield Extracted(
                str(path),
                "none",
                "",
                None,
                "application/octet-stream",
                problem=Problem(rule="input.unreadable", message=f"{path}: {exc.strerror or exc}"),
            )
