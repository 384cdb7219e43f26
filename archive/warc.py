"""Raw captures as WARC 1.1 files (ISO 28500), written and read with warcio.

Each commit group writes one WARC file: a ``warcinfo`` record, then one ``resource`` record
per capture, each its own gzip member so that a reader can seek straight to it by offset,
as CDX indexes and pywb do. The writer fills in record ids, dates and sha256 digests (block
and payload, base16, which warcio's checker accepts); the reader verifies them.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from .canonical import sha256

__all__ = ["Capture", "CaptureRef", "WarcBuilder", "WarcEntry", "iter_warc", "read_payload"]

_GZIP_LEVEL = 6  # warcio's own wrapper uses 9: twice the time for a few percent


@dataclass(frozen=True, slots=True)
class Capture:
    """Raw input bytes and what is known about how they were obtained."""

    data: bytes
    target_uri: str
    media_type: str = "application/octet-stream"
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where a capture's bytes are kept: the provenance ``capture`` fields the writer fills."""

    warc_file: str
    record_id: str
    offset: int
    sha256: str
    size: int

    def to_provenance(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "warcFile": self.warc_file,
            "warcRecordId": self.record_id,
            "warcOffset": self.offset,
        }


def _warc_date(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Sink(io.RawIOBase):
    """Collects what warcio writes, gzipping each record as its own member."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self._record: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._record.append(bytes(data))
        return len(data)

    def end_record(self, gzip: bool) -> None:
        raw = b"".join(self._record)
        self._record.clear()
        if gzip:
            compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
            raw = compressor.compress(raw) + compressor.flush()
        self.parts.append(raw)
        self.size += len(raw)


class WarcBuilder:
    """Builds one WARC file in memory; `chunks` then goes to the backend in one `create`."""

    def __init__(self, name: str, *, software: str, gzip: bool = True) -> None:
        self.name = name
        self._gzip = gzip
        self._sink = _Sink()
        self._writer = WARCWriter(self._sink, gzip=False, warc_version="WARC/1.1")
        self._count = 0
        info = self._writer.create_warcinfo_record(
            name.rsplit("/", 1)[-1],
            {
                "software": software,
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iso.org/standard/68004.html",
            },
        )
        # warcio would digest it with sha1; every hash in the archive is sha256.
        info.rec_headers.replace_header("WARC-Block-Digest", sha256(info.raw_stream.getvalue()))
        self._write(info)

    def __len__(self) -> int:
        return self._count

    def _write(self, record: Any) -> int:
        offset = self._sink.size
        self._writer.write_record(record)
        self._sink.end_record(self._gzip)
        return offset

    def add(self, capture: Capture) -> CaptureRef:
        digest = capture.sha256
        base16 = digest.removeprefix("sha256:")
        record = self._writer.create_warc_record(
            capture.target_uri,
            "resource",
            payload=io.BytesIO(capture.data),
            length=len(capture.data),
            warc_content_type=capture.media_type,
            warc_headers_dict={
                "WARC-Date": _warc_date(capture.retrieved_at),
                "WARC-Block-Digest": f"sha256:{base16}",
                "WARC-Payload-Digest": f"sha256:{base16}",
            },
        )
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset = self._write(record)
        self._count += 1
        return CaptureRef(self.name, record_id, offset, digest, len(capture.data))

    def chunks(self) -> list[bytes]:
        return self._sink.parts


@dataclass(frozen=True, slots=True)
class WarcEntry:
    """One record as read back, with the result of warcio's digest check."""

    offset: int
    record_type: str
    record_id: str
    target_uri: str | None
    payload_sha256: str
    size: int
    digest_problems: tuple[str, ...]


def iter_warc(stream: BinaryIO) -> Iterator[WarcEntry]:
    """Every record of a WARC file, payload re-hashed and digests checked.

    warcio raises on a damaged file (a broken gzip member, a bad header); callers name
    the file in the error.
    """
    records = ArchiveIterator(stream, check_digests=True)
    for record in records:
        payload = record.content_stream().read()
        # Reading to the end is what makes warcio compare the digests.
        checker = record.digest_checker
        yield WarcEntry(
            offset=records.get_record_offset(),
            record_type=record.rec_type,
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            target_uri=record.rec_headers.get_header("WARC-Target-URI"),
            payload_sha256=sha256(payload),
            size=len(payload),
            digest_problems=tuple(str(p) for p in checker.problems) if checker else (),
        )


def read_payload(stream: BinaryIO, offset: int) -> tuple[str, bytes]:
    """The record id and payload of the record at `offset` in a WARC stream."""
    stream.seek(offset)
    for record in ArchiveIterator(stream):
        return record.rec_headers.get_header("WARC-Record-ID"), record.content_stream().read()
    raise ValueError(f"no WARC record at offset {offset}")
