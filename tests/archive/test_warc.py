"""WARC files: readable by plain warcio, seekable by offset, and checked on the way back."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from wirearchive.archive import Capture, HttpExchange, Store, sha256, verify
from wirearchive.archive.warc import (
    CaptureRef,
    WarcBuilder,
    iter_warc,
    read_payload,
    resource_record,
)

NAME = "warc/000000000007.warc.gz"
MOMENT = datetime(2024, 5, 29, 7, 2, 11, 123456, tzinfo=UTC)
CAPTURES = [
    Capture(b'{"uri": "urn:x:1"}', "file:///in/a.json", "application/json", MOMENT),
    Capture(
        # Looks like an HTTP response, but a resource record's bytes are kept as they are.
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\xef\xbb\xbf{}\x00\xff\x1f\x8b",
        "https://example.org/news?id=2&x=%20",
        "text/html; charset=utf-8",
        MOMENT.astimezone(timezone(timedelta(hours=5))),
    ),
    Capture(b"", "file:///in/empty.json", retrieved_at=MOMENT),
    Capture(b"payload-three " * 500, "file:///in/big.jsonl", "application/x-ndjson", MOMENT),
]


def _build(gzip_records: bool) -> tuple[bytes, list[CaptureRef], WarcBuilder]:
    builder = WarcBuilder(NAME, software="wirearchive-test/1.0", gzip=gzip_records)
    assert len(builder) == 0
    refs = [builder.add(capture) for capture in CAPTURES]
    return b"".join(builder.chunks()), refs, builder


@pytest.mark.parametrize("gzip_records", [True, False])
def test_plain_warcio_reads_warcinfo_then_resources(gzip_records: bool) -> None:
    data, refs, builder = _build(gzip_records)
    assert len(builder) == len(CAPTURES)
    iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
    seen = []
    for record in iterator:
        payload = record.content_stream().read()
        headers = record.rec_headers
        assert headers.protocol == "WARC/1.1"
        assert not record.digest_checker.problems
        seen.append((record.rec_type, iterator.get_record_offset(), headers, payload))
    assert [kind for kind, *_ in seen] == ["warcinfo"] + ["resource"] * len(CAPTURES)

    _, info_offset, info_headers, info_payload = seen[0]
    assert info_offset == 0
    assert info_headers.get_header("WARC-Filename") == "000000000007.warc.gz"
    assert b"software: wirearchive-test/1.0" in info_payload
    assert b"format: WARC File Format 1.1" in info_payload

    for capture, ref, (_, offset, headers, payload) in zip(CAPTURES, refs, seen[1:], strict=True):
        assert payload == capture.data
        assert offset == ref.offset
        hexdigest = capture.sha256.removeprefix("sha256:")
        assert headers.get_header("WARC-Block-Digest") == f"sha256:{hexdigest}"
        assert headers.get_header("WARC-Payload-Digest") == f"sha256:{hexdigest}"
        assert headers.get_header("WARC-Record-ID") == ref.record_id
        assert headers.get_header("WARC-Target-URI") == capture.target_uri
        assert headers.get_header("Content-Type") == capture.media_type
        assert headers.get_header("Content-Length") == str(len(capture.data))
        assert headers.get_header("WARC-Date") == "2024-05-29T07:02:11.123456Z"
        assert ref.warc_file == NAME
        assert ref.sha256 == capture.sha256
        assert ref.size == len(capture.data)
    assert len({ref.record_id for ref in refs}) == len(refs)


def test_each_gzip_record_is_its_own_member() -> None:
    _, refs, builder = _build(True)
    chunks = builder.chunks()
    assert len(chunks) == 1 + len(CAPTURES)
    for chunk in chunks:
        assert chunk[:2] == b"\x1f\x8b"
        assert gzip.decompress(chunk).startswith(b"WARC/1.1\r\n")
    starts = [sum(map(len, chunks[:i])) for i in range(len(chunks))]
    assert [ref.offset for ref in refs] == starts[1:]


def test_uncompressed_records_are_plain_text() -> None:
    data, refs, _ = _build(False)
    assert data.startswith(b"WARC/1.1\r\n")
    for capture, ref in zip(CAPTURES, refs, strict=True):
        assert data[ref.offset :].startswith(b"WARC/1.1\r\n")
        assert capture.data in data[ref.offset :]


@pytest.mark.parametrize("gzip_records", [True, False])
def test_read_payload_returns_the_exact_bytes_at_each_offset(gzip_records: bool) -> None:
    data, refs, _ = _build(gzip_records)
    stream = io.BytesIO(data)
    for capture, ref in reversed(list(zip(CAPTURES, refs, strict=True))):
        assert read_payload(stream, ref.offset) == (ref.record_id, capture.data)


def test_read_payload_past_the_end_is_an_error() -> None:
    data, _, _ = _build(True)
    with pytest.raises(ValueError, match=f"no WARC record at offset {len(data)}"):
        read_payload(io.BytesIO(data), len(data))


@pytest.mark.parametrize("gzip_records", [True, False])
def test_iter_warc_lists_every_record_with_clean_digests(gzip_records: bool) -> None:
    data, refs, _ = _build(gzip_records)
    entries = list(iter_warc(io.BytesIO(data)))
    assert [e.record_type for e in entries] == ["warcinfo"] + ["resource"] * len(CAPTURES)
    assert all(e.digest_problems == () for e in entries)
    for capture, ref, entry in zip(CAPTURES, refs, entries[1:], strict=True):
        assert (entry.offset, entry.record_id) == (ref.offset, ref.record_id)
        assert entry.target_uri == capture.target_uri
        assert entry.payload_sha256 == capture.sha256
        assert entry.size == len(capture.data)


def test_iter_warc_reports_an_altered_payload_byte() -> None:
    data, refs, _ = _build(False)
    where = data.index(b'"urn:x:1"') + 2
    altered = bytearray(data)
    altered[where] ^= 0x01
    entries = list(iter_warc(io.BytesIO(bytes(altered))))
    damaged = [e for e in entries if e.digest_problems]
    assert [e.offset for e in damaged] == [refs[0].offset]
    assert damaged[0].payload_sha256 != CAPTURES[0].sha256
    assert any("digest" in problem for problem in damaged[0].digest_problems)
    assert [e.payload_sha256 for e in entries[2:]] == [c.sha256 for c in CAPTURES[1:]]


def test_capture_hash_and_provenance_fields() -> None:
    capture = CAPTURES[1]
    assert capture.sha256 == sha256(capture.data)
    assert Capture(b"x", "file:///x").media_type == "application/octet-stream"
    ref = CaptureRef(NAME, "<urn:uuid:1>", 42, capture.sha256, 9)
    assert ref.to_provenance() == {
        "sha256": capture.sha256,
        "size": 9,
        "warcFile": NAME,
        "warcRecordId": "<urn:uuid:1>",
        "warcOffset": 42,
    }


def test_an_http_capture_becomes_a_response_and_its_request() -> None:
    body = "<html><body>Привет</body></html>".encode("cp1251")
    exchange = HttpExchange(
        status=200,
        reason="OK",
        response_headers=(
            ("Content-Type", "text/html; charset=windows-1251"),
            ("Content-Encoding", "gzip"),  # the crawler already decoded the body
            ("ETag", '"abc"'),
        ),
        request_headers=(("User-Agent", "wirearchive-test"), ("Host", "127.0.0.1")),
    )
    builder = WarcBuilder(NAME, software="wirearchive test")
    capture = Capture(body, "http://127.0.0.1:8000/news/a.html?x=1", "text/html", http=exchange)
    ref = builder.add(capture)
    data = b"".join(builder.chunks())
    records = list(ArchiveIterator(io.BytesIO(data), check_digests="raise"))
    kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in records]
    assert kinds == [
        ("warcinfo", None),
        ("response", capture.target_uri),
        ("request", capture.target_uri),
    ]
    _, response, request = records
    assert response.rec_headers.get_header("WARC-Record-ID") == ref.record_id
    assert request.rec_headers.get_header("WARC-Concurrent-To") == ref.record_id
    assert response.http_headers.get_statuscode() == "200"
    assert response.http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert response.http_headers.get_header("Content-Encoding") is None
    assert request.http_headers.protocol == "GET"
    assert request.http_headers.statusline.startswith("/news/a.html?x=1")
    assert read_payload(io.BytesIO(data), ref.offset) == (ref.record_id, body)
    entries = list(iter_warc(io.BytesIO(data)))
    assert [e.digest_problems for e in entries] == [(), (), ()]
    assert entries[1].payload_sha256 == capture.sha256


def test_http_provenance_names_status_etag_and_last_modified(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "archive"))
    uri = "http://127.0.0.1:8000/news/a.html"
    item: dict[str, Any] = {
        "uri": uri,
        "type": "text",
        "headlines": [{"role": "main", "value": "A headline"}],
    }
    exchange = HttpExchange(
        200, "OK", (("ETag", '"v1"'), ("Last-Modified", "Wed, 29 May 2024 07:00:00 GMT"))
    )
    capture = Capture(b"<html>a</html>", uri, "text/html", http=exchange)
    outcome = store.put(item, capture, run="r", profile="p")
    record = store.get(uri)
    assert record is not None
    fields = record["provenance"]["capture"]
    assert (fields["httpStatus"], fields["etag"], fields["lastModified"]) == (
        200,
        '"v1"',
        "Wed, 29 May 2024 07:00:00 GMT",
    )
    assert outcome.status == "new"
    assert store.raw(uri) == b"<html>a</html>"
    assert verify(store).ok


@pytest.mark.parametrize("gzip_records", [True, False])
def test_a_resource_record_made_by_hand_reads_back_as_warcio_writes_it(
    gzip_records: bool,
) -> None:
    """`resource_record` (built without warcio, in an ingest's workers) must make the
    record warcio makes: the same headers in the same order, the same block."""
    when = datetime(2024, 5, 29, 8, 30, tzinfo=UTC)
    capture = Capture(b'{"uri":"urn:x"}', "file:///in/a%20b.jsonl#line=2,3", "application/json",
                      retrieved_at=when)  # fmt: skip
    ours = WarcBuilder("warc/1.warc", software="test", gzip=gzip_records)
    ours.add(capture, resource_record(capture, gzip=gzip_records))
    theirs = WarcBuilder("warc/2.warc", software="test", gzip=gzip_records)
    theirs._add_with_warcio(capture)

    def resource(builder: WarcBuilder) -> tuple[list[tuple[str, str]], bytes]:
        data = b"".join(builder.chunks())
        records = list(ArchiveIterator(io.BytesIO(data), check_digests="raise"))
        record = records[-1]
        headers = [(k, v) for k, v in record.rec_headers.headers if k != "WARC-Record-ID"]
        return headers, record.content_stream().read()

    assert resource(ours) == resource(theirs)
    (entry,) = [e for e in iter_warc(io.BytesIO(b"".join(ours.chunks())))][1:]
    assert (entry.record_type, entry.digest_problems) == ("resource", ())


def test_a_header_value_that_is_not_plain_ascii_is_left_to_warcio() -> None:
    capture = Capture(b"x", "file:///in/caf\u00e9.txt", "text/plain")
    assert resource_record(capture) is None
    builder = WarcBuilder("warc/1.warc.gz", software="test")
    ref = builder.add(capture)
    payload = read_payload(io.BytesIO(b"".join(builder.chunks())), ref.offset)
    assert payload == (ref.record_id, b"x")
