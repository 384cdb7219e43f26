"""What every reader gives back, and the protocol a reader implements.

A reader turns the bytes of one input file into items: `Extracted` carries the ninjs 3.1
item (or the problem that kept the input from becoming one), the exact bytes it came from,
and the provenance facts only the reader knows: its name and version, the steps it
applied, and warnings about guesses it had to make. Readers never raise for bad content;
a truncated, mis-encoded or hostile file becomes an `Extracted` with a `Problem`, so the
batch goes on and the input is quarantined with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from wirearchive.validators import DEFAULT_MAX_BYTES, Problem

__all__ = [
    "PICTURE_OR_VIDEO",
    "TEXT",
    "Extracted",
    "ReadContext",
    "Reader",
    "read_capped",
    "step",
    "too_large",
]

#: The schema choice for text items: the archive's profile plus the rules.
TEXT = "profile"
#: The schema choice for picture and video items: the official ninjs 3.1 schema.
PICTURE_OR_VIDEO = "ninjs-3.1"


def read_capped(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `max_bytes` (never reads more)."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def too_large(max_bytes: int) -> Problem:
    return Problem(
        rule="input.too-large",
        message=f"larger than the {max_bytes:,}-byte limit; not parsed",
    )


def step(name: str, detail: str = "") -> dict[str, str]:
    """One provenance step: what was done to the bytes, in order."""
    return {"name": name, "detail": detail} if detail else {"name": name}


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader may need besides the bytes."""

    #: Larger inputs are refused with ``input.too-large``.
    max_bytes: int = DEFAULT_MAX_BYTES
    #: When the bytes were obtained: a date without a year falls back to this year.
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The charset the transport named (HTTP ``Content-Type``), which outranks the page's own.
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """One item made from an input, or the problem that kept it from being made."""

    path: str
    reader: str
    reader_version: str
    #: The exact bytes this item came from: the whole file, or one line of JSON Lines.
    #: None only when the input was over the size limit and was not read.
    raw: bytes | None
    media_type: str
    item: dict[str, Any] | None = None
    problem: Problem | None = None
    #: 1-based line for JSON Lines; None for whole-file formats.
    line: int | None = None
    #: Which item of a multi-item file (a newsMessage's third newsItem, a feed's entry):
    #: a short label such as ``"newsItem 3"`` or ``"entry 2"``.
    part: str | None = None
    steps: tuple[dict[str, str], ...] = ()
    #: Guesses worth a person's attention, e.g. a year taken from the capture time.
    #: They join the validation warnings in the record.
    warnings: tuple[Problem, ...] = ()
    #: `TEXT` or `PICTURE_OR_VIDEO`: what the item is validated against.
    schema: str = TEXT


class Reader(Protocol):
    """One input format. Readers are stateless and chosen by `sniff`, or by name."""

    #: The ``--format`` name, e.g. ``"nitf"``.
    name: str
    version: str
    #: Lower-case file name suffixes this reader expects (".xml"); a hint, not a rule.
    suffixes: tuple[str, ...]

    def sniff(self, head: bytes, path: Path) -> int:
        """How sure this reader is that it can read a file starting with `head` (0-100).

        `head` is the first 4 KiB. Content decides; the suffix only breaks ties.
        """

    def read(self, path: Path, context: ReadContext) -> Iterator[Extracted]:
        """Every item in the file, streaming where the format allows."""
