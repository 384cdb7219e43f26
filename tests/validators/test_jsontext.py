"""Strict JSON: ambiguous or hostile text is refused with a rule, a JSON path and a line."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from wirearchive.validators import MAX_DEPTH, Problem, decode_text, parse, read_documents

DATA = Path(__file__).parents[1] / "data" / "hostile-json"
GOOD_BYTES = (
    (Path(__file__).parents[2] / "examples" / "wire-feed.jsonl").read_bytes().splitlines()[0]
)
GOOD_ITEM: dict[str, Any] = json.loads(GOOD_BYTES)


def _refused(data: bytes) -> Problem:
    value, problem = parse(data)
    assert value is None
    assert problem is not None, "accepted, but should have been refused"
    return problem


def _accepted(data: bytes) -> Any:
    value, problem = parse(data)
    assert problem is None, problem
    return value


# --- what stays accepted ----------------------------------------------------------------


def test_the_example_items_parse_as_before() -> None:
    examples = Path(__file__).parents[2] / "examples"
    for line in (examples / "wire-feed.jsonl").read_bytes().splitlines():
        assert _accepted(line) == orjson.loads(line)
    sample = (examples / "sputnik-kz-2024-05-29.json").read_bytes()
    assert _accepted(sample) == orjson.loads(sample)


def test_one_key_in_many_objects_is_no_duplicate() -> None:
    data = b'{"headlines": [{"value": "a"}, {"value": "b"}], "bodies": [{"value": "c"}]}'
    assert _accepted(data)["bodies"] == [{"value": "c"}]


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "x\\": y", "b": 1}',  # a quote and a colon inside a value
        b'{"a\\\\": 1, "a": 2}',  # a key ending in a backslash differs from "a"
        b'{"k": "\\" :", "l": {"m": "\\":"}}',
        b'{"a" : 1, "b"\n:\t2}',  # whitespace before the colon
    ],
)
def test_text_that_looks_like_extra_keys_is_not_a_duplicate(data: bytes) -> None:
    assert _accepted(data) == json.loads(data)


def test_control_characters_in_body_text_are_left_alone() -> None:
    item = dict(GOOD_ITEM)
    item["bodies"] = [{"role": "main", "value": "line one\nline two\u0085\x7f"}]
    item["headlines"] = [{"role": "main", "value": "tab\there"}]
    assert _accepted(json.dumps(item).encode()) == item


def test_a_non_ascii_identifier_is_not_a_control_character() -> None:
    # isprintable() is false for U+200B; only C0, DEL and C1 are refused.
    data = json.dumps({"uri": "urn:x:Курс\u200b", "altIds": [{"value": "é"}]}).encode()
    assert _accepted(data)["uri"].endswith("\u200b")


# --- json.duplicate-key -------------------------------------------------------------------


def test_duplicate_key_names_the_path_and_both_lines() -> None:
    problem = _refused((DATA / "duplicate-key.json").read_bytes())
    assert problem.rule == "json.duplicate-key"
    assert problem.json_path == "$.headlines[0].value"
    assert "line 12, column 7 and line 13, column 7" in problem.message
    assert "different values" in problem.message


def test_duplicate_key_with_the_same_value_is_refused_too() -> None:
    problem = _refused(b'{"uri": "urn:x", "n": {"a": [1, 2], "a": [1, 2]}}')
    assert problem.rule == "json.duplicate-key"
    assert problem.json_path == "$.n.a"
    assert "the same value" in problem.message


def test_duplicate_key_in_compact_text() -> None:
    # The compact text differs from orjson's own output only by the member it dropped.
    problem = _refused(b'{"uri":"urn:x","n":[{"a":1,"b":2,"a":3}]}')
    assert (problem.rule, problem.json_path) == ("json.duplicate-key", "$.n[0].a")


def test_duplicate_key_spelt_with_an_escape() -> None:
    problem = _refused(b'{"uri": "urn:x", "\\u0075ri": "urn:y"}')
    assert (problem.rule, problem.json_path) == ("json.duplicate-key", "$.uri")


def test_duplicate_key_with_space_before_the_colon() -> None:
    problem = _refused(b'{"a" : 1,\n "a"\t: 2}')
    assert (problem.rule, problem.json_path) == ("json.duplicate-key", "$.a")
    assert "line 2, column 2" in problem.message


def test_duplicate_key_hidden_behind_an_escaped_quote_colon() -> None:
    # A value holding `\":` adds to the cheap count of key ends; a duplicate must still show.
    problem = _refused(b'{"a": "\\u0022:", "b": 1, "b": 2}')
    assert (problem.rule, problem.json_path) == ("json.duplicate-key", "$.b")


def test_official_ninjs_example_with_three_broadband_renditions() -> None:
    # IPTC's own 1.4 example repeats a key; orjson would keep one rendition of three.
    path = (
        Path(__file__).parents[1]
        / "data/iptc/ninjs/examples/1.4/businesswire-newsml-20130731006140.json"
    )
    problem = _refused(path.read_bytes())
    assert problem.rule == "json.duplicate-key"
    assert problem.json_path == "$.associations.video.renditions.broadband"
    assert "line 89" in problem.message


# --- json.non-finite ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path", "token"),
    [
        (b'{"priority": NaN}', "$.priority", "NaN"),
        (b'{"a": [1, Infinity]}', "$.a[1]", "Infinity"),
        (b'{"a": {"b": -Infinity}}', "$.a.b", "-Infinity"),
        (b'{"a": 1e999}', "$.a", "1e999"),
        (b"[-2E+400]", "$[0]", "-2E+400"),
    ],
)
def test_non_finite_numbers(data: bytes, path: str, token: str) -> None:
    problem = _refused(data)
    assert (problem.rule, problem.json_path) == ("json.non-finite", path)
    assert problem.message.startswith(f"{token} at line 1, column")


def test_nan_file_names_its_line() -> None:
    # Python's json wrote it, and would read it back: a lenient parser is no proof.
    data = (DATA / "non-finite.json").read_bytes()
    assert json.loads(data)["priority"] != json.loads(data)["priority"]  # NaN
    problem = _refused(data)
    assert (problem.rule, problem.json_path) == ("json.non-finite", "$.priority")
    assert "line 33, column 15" in problem.message


# --- json.control-character ---------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\x7f", "\x80", "\x85", "\x9f"])
@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda c: {"uri": f"urn:x{c}"}, "$.uri"),
        (lambda c: {"altIds": [{"role": "r", "value": f"id{c}"}]}, "$.altIds[0].value"),
        (lambda c: {"altids": {"wire": f"id{c}"}}, "$.altids.wire"),  # ninjs 1.x
        (lambda c: {"associations": [{"name": "p", "uri": f"u{c}"}]}, "$.associations[0].uri"),
        (lambda c: {"associations": {"p": {"uri": f"u{c}"}}}, "$.associations.p.uri"),
        (lambda c: {"renditions": [{"name": "r", "href": f"h{c}"}]}, "$.renditions[0].href"),
        (lambda c: {"subjects": [{"name": "s", "uri": f"s{c}"}]}, "$.subjects[0].uri"),
        (lambda c: {"genres": [{"uri": "ok"}, {"uri": f"g{c}"}]}, "$.genres[1].uri"),
        (lambda c: {"guid": f"g{c}"}, "$.guid"),
    ],
    ids=["uri", "altIds", "altids", "assoc", "assoc-1x", "href", "subject", "genre", "guid"],
)
def test_control_character_in_an_identifier(char: str, where: Any, path: str) -> None:
    document = {"headlines": [{"value": "fine"}], **where(char)}
    problem = _refused(json.dumps(document).encode())
    assert (problem.rule, problem.json_path) == ("json.control-character", path)
    assert f"U+{ord(char):04X}" in problem.message


def test_raw_del_and_c1_bytes_are_caught_unescaped() -> None:
    # U+007F and U+0080-U+009F are legal unescaped in JSON strings; they still are refused.
    for raw in (b"\x7f", "\u0085".encode()):
        problem = _refused(b'{"uri": "urn:x' + raw + b'"}')
        assert (problem.rule, problem.json_path) == ("json.control-character", "$.uri")


def test_control_character_files() -> None:
    assert _refused((DATA / "control-uri.json").read_bytes()).json_path == "$.uri"
    problem = _refused((DATA / "control-altid.json").read_bytes())
    assert (problem.rule, problem.json_path) == ("json.control-character", "$.altIds[0].value")


# --- json.too-deep --------------------------------------------------------------------------


def test_nesting_at_the_limit_parses_and_can_be_logged() -> None:
    data = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    value = _accepted(data)
    record = {"kind": "version", "item": {"extra": value}}  # the log wraps items deeper
    assert orjson.loads(orjson.dumps(record)) == record


def test_one_level_past_the_limit_names_depth_and_path() -> None:
    problem = _refused(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert problem.rule == "json.too-deep"
    assert problem.json_path == "$" + "[0]" * MAX_DEPTH
    assert f"more than {MAX_DEPTH} levels" in problem.message
    assert f"level {MAX_DEPTH + 1} starts at line 1, column {MAX_DEPTH + 1}" in problem.message


def test_900_deep_parses_in_orjson_but_is_refused() -> None:
    data = (DATA / "deep-900.json").read_bytes()
    with pytest.raises(orjson.JSONEncodeError):  # what used to kill the log encoder
        orjson.dumps(orjson.loads(data))
    problem = _refused(data)
    assert problem.rule == "json.too-deep"
    assert problem.json_path == "$.extra" + "[0]" * (MAX_DEPTH - 1)


def test_10000_deep_is_a_clean_problem() -> None:
    problem = _refused((DATA / "deep-10000.json").read_bytes())
    assert problem.rule == "json.too-deep"
    assert problem.json_path == "$" + "[0]" * MAX_DEPTH


def test_deep_objects_name_their_keys() -> None:
    depth = 100
    data = b'{"a": ' * depth + b"1" + b"}" * depth
    problem = _refused(data)
    assert (problem.rule, problem.json_path) == ("json.too-deep", "$" + ".a" * MAX_DEPTH)


def test_too_deep_json_lines_line_leaves_its_neighbours() -> None:
    documents = list(read_documents([DATA / "deep-line.jsonl"]))
    assert [d.line for d in documents] == [1, 2, 3]
    assert [d.data for d in documents] == [GOOD_ITEM, None, GOOD_ITEM]
    assert documents[1].problem is not None
    assert documents[1].problem.rule == "json.too-deep"


def test_too_deep_wins_over_a_later_syntax_error() -> None:
    # orjson stops at its own limit (1,024) or at the error; the nesting is named first.
    problem = _refused(b"[" * 2000 + b"}")
    assert problem.rule == "json.too-deep"


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["utf16-bom.json", "utf32-bom.json"])
def test_wide_text_with_a_bom_is_read(name: str) -> None:
    assert _accepted((DATA / name).read_bytes()) == GOOD_ITEM


def test_utf16_without_a_bom_stays_refused() -> None:
    problem = _refused((DATA / "utf16-no-bom.json").read_bytes())
    assert problem.rule == "input.encoding"
    assert "without a byte order mark" in problem.message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (codecs.BOM_UTF16_LE + b'{\x00"', "UTF-16"),  # an odd number of bytes
        (codecs.BOM_UTF16_BE + b"\xd8\x00\x00{", "UTF-16"),  # a lone surrogate
        (codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00", "UTF-32"),  # past U+10FFFF
    ],
)
def test_a_bom_with_text_that_does_not_decode(data: bytes, name: str) -> None:
    problem = _refused(data)
    assert problem.rule == "input.encoding"
    assert f"{name} byte order mark, but not {name} text" in problem.message


def test_decode_text_transcodes_and_strips_boms() -> None:
    assert decode_text(codecs.BOM_UTF8 + b"{}") == (b"{}", None)
    wide = codecs.BOM_UTF16_BE + '{"a": "б"}'.encode("utf-16-be")
    assert decode_text(wide) == ('{"a": "б"}'.encode(), None)
    assert decode_text(b"{}") == (b"{}", None)


def test_json_lines_in_utf16_is_refused_line_by_line(tmp_path: Path) -> None:
    # JSON Lines is UTF-8 only; lines split on 0x0A cut UTF-16 apart, and each piece says so.
    path = tmp_path / "wide.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + '{"n": 1}\n{"n": 2}\n'.encode("utf-16-le"))
    documents = list(read_documents([path]))
    assert documents
    assert all(d.problem is not None and d.data is None for d in documents)
    assert documents[0].problem is not None
    assert documents[0].problem.rule == "input.encoding"


# --- never an exception -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_every_prefix_of_a_hostile_file_is_a_value_or_a_problem(name: str) -> None:
    data = (DATA / name).read_bytes()
    step = max(1, len(data) // 300)
    for end in range(0, len(data) + 1, step):
        value, problem = parse(data[:end])
        assert problem is None or value is None
        if problem is not None:
            assert re.fullmatch(r"[a-z]+\.[a-z-]+", problem.rule), problem


# --- markup handed over as JSON ----------------------------------------------------------

DATA_ROOT = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize(
    ("name", "kind", "root"),
    [
        ("newsml-g2/examples/LISTING_1_A_NewsML-G2_News_Item.xml", "XML", "newsItem"),
        ("nitf/NTB_nitf_sample.xml", "XML", "nitf"),
    ],
)
def test_a_real_xml_file_is_named_as_xml_with_its_root(name: str, kind: str, root: str) -> None:
    problem = _refused((DATA_ROOT / name).read_bytes())
    assert problem.rule == "input.not-json"
    assert problem.message.startswith(f"{kind} (root element <{root}>), not a JSON document")
    assert "wirearchive extract" in problem.message


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b"<!DOCTYPE html>\n<!-- saved -->\n<html lang='en'><body>x", "html"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<?xml-stylesheet href="a"?>\n<rss>', "rss"),
        (b"  \n<nitf:nitf xmlns:nitf='x'>", "nitf:nitf"),
    ],
)
def test_markup_is_named_even_when_truncated_or_with_a_prolog(data: bytes, root: str) -> None:
    problem = _refused(data)
    assert problem.rule == "input.not-json"
    assert f"(root element <{root}>)" in problem.message


@pytest.mark.parametrize("data", [b"<", b"< html>", b"{<a>}", b'"<a>"x', b"x<a>"])
def test_text_that_is_not_markup_stays_a_syntax_error(data: bytes) -> None:
    assert _refused(data).rule in {"json.syntax", "json.truncated"}
