"""The archive's log: numbered, immutable segment files of self-checking JSON lines.

Every fact the archive holds (a version, a sighting, an event such as a withdrawal, a
quarantined input, the fixity of a WARC file) is one line in a segment,
``log/<number>.jsonl``. Segments are written whole, one per commit group, and numbered
without gaps, so the log is the archive's truth and the catalog is an index that can be
rebuilt from it. Each line starts with its own hash::

    {"check":"sha256:<hex of the bytes after this prefix>","seq":17,"kind":"version",...}

so any altered byte is caught, and ``seq`` runs without gaps across segments, so a lost
line or segment is caught too.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

__all__ = [
    "KINDS",
    "DamagedLine",
    "LogEntry",
    "LogError",
    "decode_at",
    "encode_entry",
    "parse_segment_name",
    "read_entries",
    "scan_lines",
    "segment_name",
]

KINDS = frozenset({"version", "sighting", "event", "quarantine", "warc", "run"})

_PREFIX = b'{"check":"sha256:'
_HEX = 64
_REST = len(_PREFIX) + _HEX + 2  # the closing quote and the comma
_DIGITS = 12


class LogError(ValueError):
    """A damaged log line; the message names the segment and line."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One parsed line: its place in the segment and its fields."""

    segment: str
    line: int
    offset: int
    length: int
    seq: int
    kind: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DamagedLine:
    """A line that does not decode: where it is and why, without the segment's name twice."""

    segment: str
    line: int
    offset: int
    length: int
    message: str


def segment_name(number: int) -> str:
    return f"log/{number:0{_DIGITS}d}.jsonl"


def parse_segment_name(name: str) -> int | None:
    stem = name.removeprefix("log/").removesuffix(".jsonl")
    if name.startswith("log/") and name.endswith(".jsonl") and len(stem) == _DIGITS:
        return int(stem) if stem.isascii() and stem.isdigit() else None
    return None


_RESERVED = frozenset({"check", "seq", "kind"})


def encode_entry(seq: int, kind: str, body: dict[str, Any]) -> bytes:
    """One log line, newline included; the body may not use the line's own field names."""
    if not _RESERVED.isdisjoint(body):
        raise ValueError(f"a log entry body may not have {sorted(_RESERVED & body.keys())}")
    rest = orjson.dumps({"seq": seq, "kind": kind, **body})[1:]
    check = hashlib.sha256(rest).hexdigest().encode()
    return _PREFIX + check + b'",' + rest + b"\n"


def _decode(segment: str, number: int, line: bytes) -> tuple[int, str, dict[str, Any]]:
    where = f"{segment}:{number}"
    if not line.endswith(b"\n"):
        raise LogError(f"{where}: truncated line (no newline at the end)")
    text = line[:-1]
    if not text.startswith(_PREFIX) or len(text) < _REST or text[_REST - 2 : _REST] != b'",':
        raise LogError(f"{where}: line does not start with its check hash")
    expected = text[len(_PREFIX) : len(_PREFIX) + _HEX].decode("ascii", "replace")
    if hashlib.sha256(text[_REST:]).hexdigest() != expected:
        raise LogError(f"{where}: check hash does not match the line: the line was altered")
    try:
        fields = orjson.loads(b"{" + text[_REST:])
    except orjson.JSONDecodeError as exc:  # only reachable if the writer was wrong
        raise LogError(f"{where}: not JSON: {exc}") from None
    fields.pop("check", None)
    seq, kind = fields.pop("seq", None), fields.pop("kind", None)
    if not isinstance(seq, int) or kind not in KINDS:
        raise LogError(f"{where}: missing seq or unknown kind {kind!r}")
    return seq, kind, fields


def read_entries(segment: str, stream: BinaryIO) -> Iterator[LogEntry]:
    """Every entry of a segment, in order; raises `LogError` at the first damaged line."""
    offset = 0
    for number, line in enumerate(stream, start=1):
        seq, kind, body = _decode(segment, number, line)
        yield LogEntry(segment, number, offset, len(line), seq, kind, body)
        offset += len(line)


def scan_lines(segment: str, data: bytes) -> Iterator[LogEntry | DamagedLine]:
    """Every line of a segment in order, each an entry or a `DamagedLine`; never raises.

    For rebuilding an index: one altered byte costs the line it is in, not the segment.
    """
    offset = 0
    for number, line in enumerate(io.BytesIO(data), start=1):
        try:
            seq, kind, body = _decode(segment, number, line)
        except LogError as exc:
            message = str(exc).removeprefix(f"{segment}:{number}: ")
            yield DamagedLine(segment, number, offset, len(line), message)
        else:
            yield LogEntry(segment, number, offset, len(line), seq, kind, body)
        offset += len(line)


def decode_at(segment: str, data: bytes) -> LogEntry:
    """The entry whose bytes (one line) were read from the catalog's offset and length."""
    seq, kind, body = _decode(segment, 0, data)
    return LogEntry(segment, 0, 0, len(data), seq, kind, body)
