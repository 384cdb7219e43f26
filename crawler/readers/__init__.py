"""Readers: one module per input format, chosen from the content of each input.

`read_source` picks a reader for one input (the most confident `sniff`, or the one
``--format`` names) and streams what it extracts; `read_inputs` does that for every file
the walker finds under some paths. Every input yields at least one `Extracted`, an item or
a problem, so nothing handed over is dropped silently, and a reader that raises becomes
that input's ``ingest.reader-error``, not the end of the run.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from wirearchive.validators import Problem, walk

from .base import PICTURE_OR_VIDEO, TEXT, Extracted, ReadContext, Reader, Source, step

__all__ = [
    "HEAD_BYTES",
    "PICTURE_OR_VIDEO",
    "TEXT",
    "Extracted",
    "ReadContext",
    "Reader",
    "Source",
    "choose",
    "chosen_step",
    "read_inputs",
    "read_source",
    "reader_error",
    "readers",
    "step",
    "unreadable",
]

#: Modules in order of precedence when two readers are equally sure.
_MODULES = (
    "gunzip", "ninjs", "newsml", "newsml1", "nitf", "iptc7901", "anpa1312", "feed", "html", "text",
)  # fmt: skip
#: How much of an input `choose` looks at.
HEAD_BYTES = 4096
#: What JSON text starts with once a UTF-8 BOM and whitespace are skipped.
_JSON_START = (b"{", b"[")


#: The readers imported so far, by ``--format`` name; `readers` fills it in `_MODULES` order.
_LOADED: dict[str, Reader] = {}


def readers() -> dict[str, Reader]:
    """Every reader by its ``--format`` name, in order of precedence.

    Importing them all costs about 0.7 s (lxml, trafilatura, extruct, the text
    heuristics), so `choose` does it only for inputs that are not JSON text.
    """
    if len(_LOADED) < len(_MODULES):
        found = {reader.name: reader for reader in map(_reader, _MODULES)}
        found.update(_LOADED)  # a reader already handed out stays the one used
        _LOADED.clear()
        _LOADED.update((name, found[name]) for name in (_reader(m).name for m in _MODULES))
    return _LOADED


@cache
def _reader(module: str) -> Reader:
    reader: Reader = importlib.import_module(f"{__name__}.{module}").READER
    return reader


def _ninjs() -> Reader:
    """The ninjs reader, imported alone unless `readers` has run."""
    reader = _reader("ninjs")
    return _LOADED.setdefault(reader.name, reader)


def _only_json(head: bytes) -> bool:
    """Whether only the ninjs reader can be sure of an input starting with `head`.

    Every other reader needs markup (``<``), a control byte (``\x01``, IPTC 7901 and
    ANPA 1312), or the gzip or zip magic before anything else, and the text reader gives
    JSON text 1; so for JSON text the choice is ninjs whichever others are imported, and
    a folder of JSON Lines never loads the HTML and XML readers.
    """
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_JSON_START)


def choose(name: str, head: bytes, format: str | None = None) -> Reader:
    """The reader for an input: the one named, else the most confident; ties by suffix.

    When no reader is at all sure and the input is XML or a zip archive, the choice is
    the unknown-format reader, which refuses it (``input.unknown-format``,
    ``input.archive``) rather than letting the text reader make a story of markup.
    """
    if format is None and _only_json(head):
        return _ninjs()
    return _by_content(name, head) if format is None else _named(format)


def _named(format: str) -> Reader:
    known = readers()
    try:
        return known[format]
    except KeyError:
        raise ValueError(
            f"unknown format {format!r} (choose from {', '.join(sorted(known))})"
        ) from None


def _by_content(name: str, head: bytes) -> Reader:
    """The most confident of every reader (all imported); ties by suffix, then order."""
    known = readers()
    suffix = Path(name).suffix.lower()
    order = {reader: index for index, reader in enumerate(known)}
    scored = [
        (r.sniff(head, name), suffix in r.suffixes, -order[r.name], r) for r in known.values()
    ]
    best = max(scored, key=lambda entry: entry[:3])
    if best[0] <= 0 and (unknown := _reader("unknown")).sniff(head, name) > 0:
        return unknown
    return best[3]


def unreadable(name: str, message: str, rule: str = "input.unreadable") -> Extracted:
    """An input no reader got to: nothing was read, so there are no bytes to keep."""
    problem = Problem(rule=rule, message=message)
    return Extracted(name, "none", "", None, "application/octet-stream", problem=problem)


def _kept_bytes(source: Source, context: ReadContext) -> bytes | None:
    try:
        return source.read(context.max_bytes)
    except OSError:
        return None


def read_source(
    source: Source, *, format: str | None = None, context: ReadContext | None = None
) -> Iterator[Extracted]:
    """Everything the chosen reader extracts from one input; never raises for its faults.

    A file that cannot be opened is ``input.unreadable``; a reader that raises (a bug, or
    hostile input a library chokes on) ends that input with ``ingest.reader-error``,
    naming the exception, after whatever it had already yielded.
    """
    context = context or ReadContext()
    try:
        head = source.head(HEAD_BYTES)
    except OSError as exc:
        yield unreadable(source.name, f"{source.name}: {exc.strerror or exc}")
        return
    reader = choose(source.file_name, head, format)
    chosen = chosen_step(reader, format)
    try:
        for extracted in reader.read(source, context):
            yield replace(extracted, steps=(chosen, *extracted.steps))
    except OSError as exc:  # vanished or became unreadable while being read
        yield unreadable(source.name, f"{source.name}: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one input's fault must not end the run
        yield reader_error(source, reader, f"{type(exc).__name__}: {exc}", context, chosen)


def reader_error(
    source: Source, reader: Reader, error: str, context: ReadContext, chosen: dict[str, str]
) -> Extracted:
    """What is left of an input whose reader raised `error`: its bytes, for the quarantine."""
    return Extracted(
        source.name,
        reader.name,
        reader.version,
        _kept_bytes(source, context),
        "application/octet-stream",
        problem=Problem(
            rule="ingest.reader-error",
            message=f"the {reader.name} reader failed: {error}"[:500],
        ),
        steps=(chosen,),
    )


def chosen_step(reader: Reader, format: str | None) -> dict[str, str]:
    """The provenance step that says which reader was chosen and how."""
    return step("choose", reader.name + (" (--format)" if format else " (content)"))


def read_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    format: str | None = None,
    context: ReadContext | None = None,
) -> Iterator[Extracted]:
    """Everything extracted from every file under the paths, in order.

    An entry the walker left out (missing, a dangling link, a link out of the folder) is
    one `Extracted` carrying its problem and no bytes.
    """
    if format is not None:
        choose("", b"", format)  # an unknown name fails before any work
    for walked in walk(paths):
        if walked.problem is not None:
            yield unreadable(walked.name, walked.problem.message, walked.problem.rule)
            continue
        yield from read_source(Source.from_path(walked.path), format=format, context=context)
