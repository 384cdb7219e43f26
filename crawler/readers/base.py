"""What every reader gives back, and the protocol a reader implements.

A reader turns the bytes of one input (a `Source`: a file the walker found, or a crawled
response) into items: `Extracted` carries the ninjs 3.1
item (or the problem that kept the input from becoming one), the exact bytes it came from,
and the provenance facts only the reader knows: its name and version, the steps it
applied, and warnings about guesses it had to make. Readers never raise for bad content;
a truncated, mis-encoded or hostile file becomes an `Extracted` with a `Problem`, so the
batch goes on and the input is quarantined with its reason.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from wirearchive.validators import DEFAULT_MAX_BYTES, Problem, printable

__all__ = [
    "PICTURE_OR_VIDEO",
    "TEXT",
    "Extracted",
    "ReadContext",
    "Reader",
    "Source",
    "WholeReader",
    "step",
    "too_large",
]

#: The schema choice for text items: the archive's profile plus the rules.
TEXT = "profile"
#: The schema choice for picture and video items: the official ninjs 3.1 schema.
PICTURE_OR_VIDEO = "ninjs-3.1"


@dataclass(frozen=True, slots=True)
class Source:
    """One input's bytes and where they came from: a file found by the walker, or a response.

    Readers take a `Source`, not a path, so the file walker and the spider share them.
    """

    #: What messages and provenance call it: a path (bytes that are not UTF-8 escaped as
    #: ``\xe9``, see `printable`) or a URL.
    name: str
    #: Exact: ``file:///...`` percent-encoded from the file name's own bytes, or the URL.
    uri: str
    #: The bytes when already in memory (a crawled page, a gunzipped file) ...
    data: bytes | None = None
    #: ... else the file to read them from (JSON Lines streams it).
    path: Path | None = None

    @classmethod
    def from_path(cls, path: Path) -> Source:
        """A file; its URI names the file itself (absolute, links inside the path kept)."""
        return cls(printable(path), Path(os.path.abspath(path)).as_uri(), path=path)

    @classmethod
    def from_bytes(cls, data: bytes, url: str, name: str | None = None) -> Source:
        """Bytes in memory, e.g. a fetched page named by its URL."""
        return cls(name if name is not None else url, url, data=data)

    @property
    def file_name(self) -> str:
        """The last segment of the name (a URL's path too), for suffix and stem hints."""
        if self.path is not None:
            return printable(self.path.name)
        parts = urlsplit(self.name)
        if parts.scheme and parts.netloc:
            return PurePosixPath(unquote(parts.path)).name
        return PurePosixPath(self.name).name

    @property
    def suffix(self) -> str:
        """The lower-case suffix of `file_name` (``".jsonl"``), a hint only."""
        return PurePosixPath(self.file_name).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.file_name).stem

    def open(self) -> BinaryIO:
        """A binary stream of the bytes; the caller closes it."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is None:
            raise ValueError(f"{self.name}: a Source needs data or a path")
        return self.path.open("rb")

    def read(self, max_bytes: int) -> bytes | None:
        """The bytes, or None when there are more than `max_bytes` (never reads more)."""
        if self.data is not None:
            return None if len(self.data) > max_bytes else self.data
        with self.open() as handle:
            data = handle.read(max_bytes + 1)
        return None if len(data) > max_bytes else data

    def head(self, size: int = 4096) -> bytes:
        """The first `size` bytes, for `Reader.sniff`."""
        if self.data is not None:
            return self.data[:size]
        with self.open() as handle:
            return handle.read(size)


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

    def sniff(self, head: bytes, name: str) -> int:
        """How sure this reader is that it can read an input starting with `head` (0-100).

        `head` is the first 4 KiB, `name` the input's file name (or a URL's last segment).
        Content decides; the suffix only breaks ties.
        """

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        """Every item in the input, streaming where the format allows."""


class WholeReader:
    """A reader of a format read as one document: `read` takes the capped bytes and hands
    them to `read_bytes`, so a reader that unwraps bytes (gzip) can hand them on without a
    file. Subclasses set `name`, `version`, `suffixes`, `media_type` and define `sniff` and
    `read_bytes`.
    """

    name: str
    version: str
    suffixes: tuple[str, ...] = ()
    #: The media type of an input refused before it was read (over the size cap).
    media_type: str = "application/octet-stream"

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        """Every item in one input's bytes."""
        raise NotImplementedError

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        data = source.read(context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(source.name, self.name, self.version, None, self.media_type,
                            problem=problem)  # fmt: skip
            return
        yield from self.read_bytes(data, source.name, context)
