"""Reading documents from files: every bad input becomes a problem, and the batch goes on."""

from __future__ import annotations

import codecs
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from wirearchive.crawler.cli import run
from wirearchive.validators import Document, read_documents, walk
from wirearchive.validators.inputs import _SUFFIXES as SUFFIXES
from wirearchive.validators.inputs import parse

# A valid profile item: the first line of the example feed.
GOOD_BYTES = (
    (Path(__file__).parents[2] / "examples" / "wire-feed.jsonl").read_bytes().splitlines()[0]
)
GOOD_ITEM: dict[str, Any] = json.loads(GOOD_BYTES)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _one(path: Path, **kwargs: Any) -> Document:
    documents = list(read_documents([path], **kwargs))
    assert len(documents) == 1, documents
    return documents[0]


def _rule(document: Document) -> str:
    assert document.problem is not None, document
    assert document.data is None
    return document.problem.rule


# --- files that parse ----------------------------------------------------------------------


def test_good_json_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "item.json", GOOD_BYTES)
    document = _one(path)
    assert document.problem is None
    assert document.data == GOOD_ITEM
    assert document.path == str(path)
    assert document.line is None


def test_a_top_level_array_is_one_document_per_item_each_with_its_index(
    tmp_path: Path,
) -> None:
    other = {**GOOD_ITEM, "uri": "urn:newsml:example.org:other"}
    data = json.dumps([GOOD_ITEM, other, [GOOD_ITEM]], indent=2).encode()
    path = _write(tmp_path / "export.json", data)
    documents = list(read_documents([path]))
    assert [d.index for d in documents] == [0, 1, 2]
    assert [d.data for d in documents] == [GOOD_ITEM, other, [GOOD_ITEM]]  # one level only
    assert all(d.raw == data and d.line is None and d.problem is None for d in documents)


def test_an_empty_array_is_an_input_with_nothing_in_it(tmp_path: Path) -> None:
    document = _one(_write(tmp_path / "export.json", b" [ ]\n"))
    assert _rule(document) == "input.empty"
    assert document.raw == b" [ ]\n"


def test_an_array_on_a_json_lines_line_stays_one_document(tmp_path: Path) -> None:
    path = _write(tmp_path / "feed.jsonl", b"[" + GOOD_BYTES + b"]\n" + GOOD_BYTES + b"\n")
    first, second = read_documents([path])
    assert (first.line, first.index, first.data) == (1, None, [GOOD_ITEM])
    assert (second.line, second.index) == (2, None)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.json", codecs.BOM_UTF8 + GOOD_BYTES)
    document = _one(path)
    assert document.problem is None
    assert document.data == GOOD_ITEM


def test_utf8_bom_on_the_first_jsonl_line_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.jsonl", codecs.BOM_UTF8 + b'{"a": 1}\n{"b": 2}\n')
    documents = list(read_documents([path]))
    assert [(d.line, d.data, d.problem) for d in documents] == [
        (1, {"a": 1}, None),
        (2, {"b": 2}, None),
    ]


def test_cyrillic_utf8_is_read_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "ru.json", '{"headline": "Курс тенге"}'.encode())
    assert _one(path).data == {"headline": "Курс тенге"}


def test_jsonl_blank_and_bad_lines(tmp_path: Path) -> None:
    lines = [b'{"n": 1}', b"", b"   ", b'{"n": 2,', b'{"n": 3}', b'{"n": 4}']
    path = _write(tmp_path / "batch.jsonl", b"\n".join(lines) + b"\n")
    documents = list(read_documents([path]))
    assert [d.line for d in documents] == [1, 4, 5, 6]
    assert all(d.path == str(path) for d in documents)
    assert [d.data for d in documents] == [{"n": 1}, None, {"n": 3}, {"n": 4}]
    bad = documents[1]
    assert _rule(bad) == "json.truncated"
    assert [d.problem for d in documents if d is not bad] == [None, None, None]


def test_jsonl_crlf_and_no_final_newline(tmp_path: Path) -> None:
    path = _write(tmp_path / "crlf.ndjson", b'{"n": 1}\r\n\r\n{"n": 2}')
    documents = list(read_documents([path]))
    assert [(d.line, d.data, d.problem) for d in documents] == [
        (1, {"n": 1}, None),
        (3, {"n": 2}, None),
    ]


def test_jsonl_syntax_error_mid_batch(tmp_path: Path) -> None:
    path = _write(tmp_path / "batch.jsonl", b'{"n": 1}\n{"n" 2}\n{"n": 3}\n')
    documents = list(read_documents([path]))
    assert [d.line for d in documents] == [1, 2, 3]
    assert _rule(documents[1]) == "json.syntax"
    assert documents[2].data == {"n": 3}


# --- walking ---------------------------------------------------------------------------


def test_directory_is_searched_recursively_and_sorted(tmp_path: Path) -> None:
    root = tmp_path / "feed"
    for name in ["b.json", "a.jsonl", "sub/deeper/c.ndjson", "sub/d.JSON", "z.jsonl"]:
        _write(root / name, b"{}\n")
    for name in ["notes.txt", "sub/readme.md", "sub/item.json.bak", "image.png", "jsonl"]:
        _write(root / name, b"{}\n")
    (root / "folder.json").mkdir()  # a directory with a JSON-like name is not a file
    found = [walked.path for walked in walk([root], suffixes=SUFFIXES)]
    assert found == [
        root / "a.jsonl",
        root / "b.json",
        root / "sub" / "d.JSON",
        root / "sub" / "deeper" / "c.ndjson",
        root / "z.jsonl",
    ]


def test_read_documents_follows_the_order_of_the_paths(tmp_path: Path) -> None:
    first = _write(tmp_path / "z.json", b'{"n": 1}')
    folder = tmp_path / "dir"
    _write(folder / "b.json", b'{"n": 3}')
    _write(folder / "a.jsonl", b'{"n": 2}\n')
    documents = list(read_documents([first, folder]))
    assert [d.data for d in documents] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert [Path(d.path).name for d in documents] == ["z.json", "a.jsonl", "b.json"]
    assert [d.line for d in documents] == [None, 1, None]


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path / "item.txt", b'{"n": 1}')
    assert [walked.path for walked in walk([path], suffixes=SUFFIXES)] == [path]
    assert _one(path).data == {"n": 1}


def test_a_missing_path_is_one_invalid_document_and_the_rest_is_read(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", GOOD_BYTES)
    missing = tmp_path / "nowhere" / "feed.jsonl"
    first, second = read_documents([missing, good])
    assert (first.path, _rule(first)) == (str(missing), "input.not-found")
    assert str(missing) in first.problem.message  # type: ignore[union-attr]
    assert second.problem is None


def test_a_file_that_cannot_be_opened_is_one_invalid_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = _write(tmp_path / "locked.json", GOOD_BYTES)
    good = _write(tmp_path / "good.json", GOOD_BYTES)
    real_open = Path.open

    def open_refusing_locked(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_refusing_locked)
    first, second = read_documents([locked, good])
    assert _rule(first) == "input.unreadable"
    assert "Permission denied" in first.problem.message  # type: ignore[union-attr]
    assert second.problem is None


# --- bad content becomes a problem -----------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        GOOD_BYTES[:-1],
        GOOD_BYTES[: len(GOOD_BYTES) // 2],
        b'{"a": [1, 2',
        b'{"a": tru',
        b'{"a": 1\n\n',
        '{"headline": "Курс тенге к доллару'.encode(),  # orjson counts characters
        '{"headline": "Курс т'.encode()[:-1],  # cut inside a two-byte character
    ],
    ids=["last-brace", "half", "array", "literal", "whitespace", "cyrillic", "mid-character"],
)
def test_truncated_json(tmp_path: Path, data: bytes) -> None:
    document = _one(_write(tmp_path / "cut.json", data))
    assert _rule(document) == "json.truncated"
    assert document.problem is not None
    assert "truncated" in document.problem.message


def test_truncated_json_names_where_the_data_ends() -> None:
    _, problem = parse('{"a":\n "Курс т'.encode())
    assert problem is not None
    assert problem.rule == "json.truncated"
    assert "line 2, column 9" in problem.message  # characters, not bytes
    _, cut = parse('{"a":\n "Курс т'.encode()[:-1])
    assert cut is not None
    assert cut.rule == "json.truncated"
    assert "line 2, column 8" in cut.message  # where the cut character starts


def test_syntax_error_in_the_middle(tmp_path: Path) -> None:
    data = b'{\n  "a": 1,,\n  "b": 2\n}\n'
    document = _one(_write(tmp_path / "bad.json", data))
    assert _rule(document) == "json.syntax"
    assert document.problem is not None
    assert "line 2, column 10" in document.problem.message


@pytest.mark.parametrize(
    "data",
    [b'{"a": 1}}', b'{"a" 1}', b"[1, 2,]", b"{'a': 1}", '{"Курс": 1,, "b": 2}'.encode()],
)
def test_syntax_errors_are_not_called_truncation(data: bytes) -> None:
    parsed, problem = parse(data)
    assert parsed is None
    assert problem is not None
    assert problem.rule == "json.syntax"
    assert re.search(r"at line \d+, column \d+", problem.message)


@pytest.mark.parametrize("data", [b"", b"   \n\t\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    document = _one(_write(tmp_path / "empty.json", data))
    assert _rule(document) == "json.syntax"
    assert document.problem is not None
    assert "empty" in document.problem.message


@pytest.mark.parametrize(
    "bom_and_codec",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_utf16_and_utf32_with_bom_are_read(
    tmp_path: Path, bom_and_codec: tuple[bytes, str]
) -> None:
    # RFC 8259 §8.1: a parser may accept a byte order mark; with one the encoding is certain.
    bom, codec = bom_and_codec
    data = bom + json.dumps(GOOD_ITEM, ensure_ascii=False).encode(codec)
    document = _one(_write(tmp_path / "wide.json", data))
    assert document.problem is None
    assert document.data == GOOD_ITEM
    assert document.raw == data  # the archive keeps the bytes as they came


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    data = json.dumps(GOOD_ITEM).encode(encoding)
    document = _one(_write(tmp_path / "wide.json", data))
    assert _rule(document) == "input.encoding"
    assert document.problem is not None
    assert "UTF-16" in document.problem.message
    assert "without a byte order mark" in document.problem.message


def test_windows_1251_names_the_byte_and_line(tmp_path: Path) -> None:
    data = '{"uri": "urn:x",\n "headline": "Привет"}'.encode("windows-1251")
    document = _one(_write(tmp_path / "legacy.json", data))
    assert _rule(document) == "input.encoding"
    assert document.problem is not None
    message = document.problem.message
    assert "0xCF" in message  # П in windows-1251
    assert "line 2" in message
    assert "column 15" in message
    assert "windows-1251" in message


def test_windows_1251_line_in_jsonl_does_not_stop_the_batch(tmp_path: Path) -> None:
    data = b'{"n": 1}\n' + '{"n": "два"}\n'.encode("windows-1251") + b'{"n": 3}\n'
    documents = list(read_documents([_write(tmp_path / "mixed.jsonl", data)]))
    assert [d.line for d in documents] == [1, 2, 3]
    assert _rule(documents[1]) == "input.encoding"
    assert [documents[0].data, documents[2].data] == [{"n": 1}, {"n": 3}]


def test_binary_png(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    document = _one(_write(tmp_path / "picture.json", png))
    assert _rule(document) == "input.binary"
    assert document.problem is not None
    assert "offset 8" in document.problem.message


# --- size limit ----------------------------------------------------------------------------


def test_oversized_json_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.json", b'{"a": "' + b"x" * 200 + b'"}')
    document = _one(path, max_bytes=100)
    assert _rule(document) == "input.too-large"
    assert document.problem is not None
    assert "100" in document.problem.message
    assert document.path == str(path)


def test_json_file_at_the_limit_is_parsed(tmp_path: Path) -> None:
    data = b'{"a": "' + b"x" * 91 + b'"}'
    assert len(data) == 100
    assert _one(_write(tmp_path / "edge.json", data), max_bytes=100).data == {"a": "x" * 91}
    over = _write(tmp_path / "over.json", data + b" ")
    assert _rule(_one(over, max_bytes=100)) == "input.too-large"


def test_oversized_jsonl_line_and_the_next_line_is_still_read(tmp_path: Path) -> None:
    big = b'{"a": "' + b"x" * 5000 + b'"}'
    path = _write(tmp_path / "batch.jsonl", b'{"n": 1}\n' + big + b'\n{"n": 3}\n\n{"n": 5}')
    documents = list(read_documents([path], max_bytes=100))
    assert [d.line for d in documents] == [1, 2, 3, 5]
    assert _rule(documents[1]) == "input.too-large"
    assert [d.data for d in documents if d.problem is None] == [{"n": 1}, {"n": 3}, {"n": 5}]


def test_oversized_last_jsonl_line_without_newline(tmp_path: Path) -> None:
    path = _write(tmp_path / "batch.jsonl", b'{"n": 1}\n{"a": "' + b"x" * 300 + b'"}')
    documents = list(read_documents([path], max_bytes=100))
    assert [d.line for d in documents] == [1, 2]
    assert _rule(documents[1]) == "input.too-large"


def test_jsonl_line_at_the_limit_is_parsed(tmp_path: Path) -> None:
    line = b'{"a": "' + b"x" * 91 + b'"}'
    assert len(line) == 100
    path = _write(tmp_path / "edge.jsonl", line + b"\n" + line + b"\n")
    documents = list(read_documents([path], max_bytes=100))
    assert [(d.line, d.problem) for d in documents] == [(1, None), (2, None)]


# --- end to end through the command line ----------------------------------------------------


def test_cli_batch_with_a_truncated_and_a_valid_file(tmp_path: Path) -> None:
    bad = _write(tmp_path / "a-truncated.json", GOOD_BYTES[:-40])
    good = _write(tmp_path / "b-good.json", GOOD_BYTES)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["validate", "--json", str(bad), str(good)], stdout, stderr)
    assert stderr.getvalue() == ""
    lines = stdout.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["path"] == str(bad)
    assert first["valid"] is False
    assert [e["rule"] for e in first["errors"]] == ["json.truncated"]
    assert second["path"] == str(good)
    assert second["valid"] is True
    assert second["errors"] == []
    assert code == 1


def test_cli_directory_with_bad_inputs_reports_each_and_goes_on(tmp_path: Path) -> None:
    _write(tmp_path / "feed" / "1.json", GOOD_BYTES)
    _write(tmp_path / "feed" / "2.jsonl", GOOD_BYTES + b"\n\x89PNG\x00\n" + GOOD_BYTES + b"\n")
    _write(tmp_path / "feed" / "3.json", '{"a": "Привет"}'.encode("windows-1251"))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["validate", "--json", str(tmp_path / "feed")], stdout, stderr)
    assert stderr.getvalue() == ""
    reports = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [(Path(r["path"]).name, r["line"], r["valid"]) for r in reports] == [
        ("1.json", None, True),
        ("2.jsonl", 1, True),
        ("2.jsonl", 2, False),
        ("2.jsonl", 3, True),
        ("3.json", None, False),
    ]
    assert reports[2]["errors"][0]["rule"] == "input.binary"
    assert reports[4]["errors"][0]["rule"] == "input.encoding"
    assert code == 1


def test_cli_missing_path_is_an_invalid_document_and_the_rest_is_checked(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    good = _write(tmp_path / "good.json", GOOD_BYTES)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["validate", "--json", str(missing), str(good)], stdout, stderr)
    assert code == 1
    first, second = (json.loads(line) for line in stdout.getvalue().splitlines())
    assert (first["path"], first["errors"][0]["rule"]) == (str(missing), "input.not-found")
    assert second["valid"] is True
    assert stderr.getvalue() == ""


def test_cli_without_paths_is_still_a_usage_error() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["validate", "--json"], stdout, stderr) == 2
    assert "Traceback" not in stderr.getvalue()
