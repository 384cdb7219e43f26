"""The log: self-checking lines that catch any altered byte, and segment names."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from wirearchive.archive.log import (
    KINDS,
    LogError,
    decode_at,
    encode_entry,
    parse_segment_name,
    read_entries,
    segment_name,
)

SEGMENT = "log/000000000001.jsonl"
BODY: dict[str, Any] = {
    "id": "urn:newsml:example.org:x",
    "version": 2,
    "item": {"headlines": [{"role": "main", "value": "Курс тенге — café"}], "n": 1.5},
    "previous": None,
    "flags": [True, False],
}


def _read(data: bytes, segment: str = SEGMENT) -> list[Any]:
    return list(read_entries(segment, io.BytesIO(data)))


def test_encode_then_read_round_trips() -> None:
    line = encode_entry(17, "version", BODY)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    [entry] = _read(line)
    assert (entry.segment, entry.line, entry.offset, entry.length) == (SEGMENT, 1, 0, len(line))
    assert (entry.seq, entry.kind) == (17, "version")
    assert entry.body == BODY


def test_the_line_is_json_that_starts_with_the_hash_of_the_rest() -> None:
    line = encode_entry(3, "run", {"run": "run-1"})
    fields = json.loads(line)
    assert fields == {"check": fields["check"], "seq": 3, "kind": "run", "run": "run-1"}
    prefix = b'{"check":"' + fields["check"].encode() + b'",'
    assert line.startswith(prefix)
    assert fields["check"] == "sha256:" + hashlib.sha256(line[len(prefix) : -1]).hexdigest()


def test_several_lines_get_their_offsets_and_numbers() -> None:
    lines = [encode_entry(seq, kind, {"n": seq}) for seq, kind in enumerate(sorted(KINDS), 1)]
    entries = _read(b"".join(lines))
    assert [e.line for e in entries] == list(range(1, len(KINDS) + 1))
    assert [e.kind for e in entries] == sorted(KINDS)
    assert [e.length for e in entries] == [len(line) for line in lines]
    assert [e.offset for e in entries] == [sum(map(len, lines[:i])) for i in range(len(KINDS))]
    data = b"".join(lines)
    for entry in entries:
        again = decode_at(SEGMENT, data[entry.offset : entry.offset + entry.length])
        assert (again.seq, again.kind, again.body) == (entry.seq, entry.kind, entry.body)


def test_every_single_byte_change_is_detected() -> None:
    line = encode_entry(1, "run", {"run": "r-1", "n": 5})
    kept_valid_json = 0
    for position, byte in enumerate(line):
        for new in {byte ^ 0x01, byte ^ 0x20, byte ^ 0x80, *b"0 \n"} - {byte}:
            altered = line[:position] + bytes([new]) + line[position + 1 :]
            with pytest.raises(LogError, match=rf"^{SEGMENT}:1: ") as caught:
                _read(altered)
            if position == len(line) - 1:
                assert "truncated line" in str(caught.value)
                continue
            try:
                json.loads(altered)
            except ValueError:
                continue
            # The JSON is still fine, so only the check hash can have caught it.
            kept_valid_json += 1
            assert "check hash" in str(caught.value), (position, new)
            with pytest.raises(LogError, match="check hash"):
                decode_at(SEGMENT, altered)
    assert kept_valid_json > 20  # digits, letters and spaces inside the JSON


def test_a_damaged_line_is_named_by_its_number() -> None:
    lines = [encode_entry(seq, "run", {"run": f"r-{seq}"}) for seq in (1, 2, 3)]
    middle = lines[1].replace(b"r-2", b"r-9")
    segment = "log/000000000042.jsonl"
    stream = read_entries(segment, io.BytesIO(lines[0] + middle + lines[2]))
    assert next(stream).seq == 1  # lines before the damage are still read
    with pytest.raises(LogError, match=rf"^{segment}:2: check hash does not match"):
        next(stream)


@pytest.mark.parametrize("cut", [1, 2, 10, 80, 100])
def test_a_truncated_line_is_detected(cut: int) -> None:
    first = encode_entry(1, "run", {"run": "r-1"})
    last = encode_entry(2, "run", {"run": "r-2"})
    stream = read_entries(SEGMENT, io.BytesIO(first + last[:-cut]))
    assert next(stream).seq == 1
    with pytest.raises(LogError, match=rf"^{SEGMENT}:2: truncated line"):
        next(stream)
    with pytest.raises(LogError, match="truncated line"):
        decode_at(SEGMENT, last[:-cut])


def test_a_line_that_does_not_start_with_its_hash_is_rejected() -> None:
    for line in (b"\n", b'{"seq":1,"kind":"run"}\n', b'{"check":"sha256:00"}\n'):
        with pytest.raises(LogError, match=rf"^{SEGMENT}:1: line does not start"):
            _read(line)


def test_an_unknown_kind_or_missing_seq_is_rejected() -> None:
    with pytest.raises(LogError, match="unknown kind 'bogus'"):
        _read(encode_entry(1, "bogus", {}))
    rest = b'"kind":"run"}'
    line = b'{"check":"sha256:' + hashlib.sha256(rest).hexdigest().encode() + b'",' + rest + b"\n"
    with pytest.raises(LogError, match="missing seq"):
        _read(line)


def test_an_empty_segment_has_no_entries() -> None:
    assert _read(b"") == []


@pytest.mark.parametrize("number", [1, 9, 10, 12345, 999_999_999_999])
def test_segment_names_round_trip(number: int) -> None:
    name = segment_name(number)
    assert name.startswith("log/")
    assert name.endswith(".jsonl")
    assert len(name) == len("log/000000000001.jsonl")
    assert parse_segment_name(name) == number


def test_segment_names_sort_in_number_order() -> None:
    numbers = [1, 2, 9, 10, 11, 100, 1000]
    assert sorted(segment_name(n) for n in numbers) == [segment_name(n) for n in numbers]
    assert segment_name(1) == "log/000000000001.jsonl"


@pytest.mark.parametrize(
    "name",
    [
        "log/1.jsonl",
        "log/0000000000001.jsonl",
        "log/00000000000a.jsonl",
        "log/-00000000001.jsonl",
        "log/000000000001.json",
        "log/000000000001.jsonl.tmp",
        "warc/000000000001.jsonl",
        "000000000001.jsonl",
        "log/x/00000001.jsonl",
        "log/.tmp-000001.jsonl",
        "log/00000000000\u00b2.jsonl",  # a superscript two: str.isdigit says yes, int says no
        "log/\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662.jsonl",
    ],
)
def test_other_names_are_not_segments(name: str) -> None:
    assert parse_segment_name(name) is None
