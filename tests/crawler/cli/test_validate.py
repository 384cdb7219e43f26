"""`wirearchive validate` end to end, through `run` with captured streams."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from wirearchive.crawler.cli import main, run

EXAMPLES = Path(__file__).parents[3] / "examples"
SUITE = Path(__file__).parents[2] / "data" / "iptc" / "ninjs" / "test_suite"


def _run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_valid_examples_exit_zero_with_summary() -> None:
    code, out, err = _run("validate", str(EXAMPLES))
    assert code == 0, out
    assert out.splitlines()[-1] == "4 documents checked: 4 valid, 0 invalid, 1 warning"
    assert "name.variant-spelling (warning)" in out
    assert err == ""


def test_text_lines_name_file_line_path_and_rule(tmp_path: Path) -> None:
    lines = (EXAMPLES / "wire-feed.jsonl").read_text().splitlines()
    broken = json.loads(lines[1])
    broken["language"] = "en"  # a Cyrillic body tagged English
    del broken["uri"]
    (tmp_path / "feed.jsonl").write_text("\n".join([lines[0], json.dumps(broken)]) + "\n")
    code, out, _ = _run("validate", str(tmp_path / "feed.jsonl"))
    assert code == 1
    where = f"{tmp_path / 'feed.jsonl'}:2"
    problems = out.splitlines()[:-1]
    assert problems == [
        f'{where}: $: schema.required: "uri" is a required property',
        f"{where}: $.language: language.script: language 'en' is written in Latn, but 100% "
        "of the letters in bodies are Cyrl",
    ]
    assert out.splitlines()[-1].startswith("2 documents checked: 1 valid, 1 invalid")


def test_json_output_has_one_object_per_document(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "wire-feed.jsonl", tmp_path / "a.jsonl")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.json").write_text('{"uri": "urn:x"}')
    (tmp_path / "nested" / "notes.txt").write_text("not picked up from a folder")
    code, out, err = _run("validate", "--json", str(tmp_path))
    assert code == 1
    assert err == ""
    reports = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["line"], r["valid"]) for r in reports] == [
        (str(tmp_path / "a.jsonl"), 1, True),
        (str(tmp_path / "a.jsonl"), 2, True),
        (str(tmp_path / "a.jsonl"), 3, True),
        (str(tmp_path / "nested" / "b.json"), None, False),
    ]
    assert set(reports[3]) >= {"path", "line", "valid", "schema", "errors", "warnings"}
    assert reports[3]["schema"] == "wire-item-1.0"
    first = reports[3]["errors"][0]
    assert set(first) >= {"path", "rule", "message"}
    assert first["rule"] == "schema.required"


def test_schema_choice_auto_and_explicit() -> None:
    path = str(SUITE / "1.0" / "should_pass" / "030_headline.json")
    code, out, _ = _run("validate", "--schema", "auto", "--json", path)
    assert code == 0
    assert json.loads(out)["schema"] == "ninjs-1.6"
    code, out, _ = _run("validate", "--schema", "ninjs-3.1", "--json", path)
    assert code == 1
    assert json.loads(out)["errors"][0]["rule"] == "schema.unevaluatedProperties"


def test_every_document_is_checked_after_an_invalid_one(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b'{"uri": ')
    (tmp_path / "b.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", tmp_path / "c.json")
    code, out, err = _run("validate", "--json", str(tmp_path))
    assert code == 1
    assert err == ""
    rules = [[e["rule"] for e in json.loads(line)["errors"]] for line in out.splitlines()]
    assert rules == [["json.truncated"], ["input.binary"], []]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["validate", "--schema", "ninjs-9.9", "x.json"], "unknown --schema 'ninjs-9.9'"),
        (["validate"], "the following arguments are required: PATH"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_two_and_say_why(argv: list[str], needle: str) -> None:
    code, out, err = _run(*argv)
    assert code == 2
    assert out == ""
    assert needle in err


def test_help_and_version_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "wirearchive" in capsys.readouterr().out


def test_console_script_runs_and_never_prints_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes('{"headline": "Привет"}'.encode("cp1251"))
    script = Path(sys.executable).parent / "wirearchive"
    result = subprocess.run(
        [str(script), "validate", str(tmp_path / "bad.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "input.encoding: not UTF-8: byte 0xCF at line 1, column 15" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_missing_path_is_an_invalid_input_not_a_usage_error() -> None:
    code, out, err = _run("validate", "does/not/exist.json")
    assert code == 1
    assert "does/not/exist.json: $: input.not-found: does/not/exist.json: no such file" in out
    assert "Traceback" not in err


def test_each_item_of_an_array_is_checked_and_named_by_its_json_path(tmp_path: Path) -> None:
    items = [json.loads(line) for line in (EXAMPLES / "wire-feed.jsonl").read_text().splitlines()]
    del items[1]["uri"]
    (tmp_path / "export.json").write_text(json.dumps([*items, "not an item"], indent=2))
    code, out, _ = _run("validate", str(tmp_path / "export.json"))
    assert code == 1
    lines = out.splitlines()
    assert f"{tmp_path / 'export.json'}: $[1]: schema.required: " in lines[0]
    assert f"{tmp_path / 'export.json'}: $[3]: schema.type: " in lines[1]
    assert "Wheat" not in out  # the message names the value, not the whole array
    assert lines[-1] == "4 documents checked: 2 valid, 2 invalid, 0 warnings"
    code, out, _ = _run("validate", "--json", str(tmp_path / "export.json"))
    reports = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in reports] == [0, 1, 2, 3]
    assert [r["valid"] for r in reports] == [True, False, True, False]
    assert reports[1]["errors"][0]["path"] == "$[1]"


def test_an_xml_file_handed_to_validate_is_named_for_what_it_is_and_the_rest_checked() -> None:
    xml = EXAMPLES / "iptc-newsml-g2-text.xml"
    code, out, _ = _run("validate", str(xml), str(EXAMPLES / "sputnik-kz-2024-05-29.json"))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{xml}: $: input.not-json: XML (root element <newsItem>)")
    assert "`wirearchive extract` and `ingest` read NewsML-G2" in first
    assert out.splitlines()[-1].startswith("2 documents checked: 1 valid, 1 invalid")


def test_validate_names_a_deep_document_and_an_odd_file_name_and_checks_the_rest(
    tmp_path: Path,
) -> None:
    item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_bytes())
    item["extra"] = json.loads("[" * 900 + "]" * 900)
    (tmp_path / "deep.json").write_text(json.dumps(item))
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.json"))
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", odd)
    code, out, err = _run("validate", "--json", str(tmp_path))
    assert (code, err) == (1, "")
    odd_report, deep_report = (json.loads(line) for line in out.splitlines())
    assert odd_report["path"] == f"{tmp_path}/caf\\xe9.json"
    assert odd_report["valid"] is True
    assert [e["rule"] for e in deep_report["errors"]] == ["json.too-deep"]
    assert "nested more than 64 levels deep" in deep_report["errors"][0]["message"]


HOSTILE_JSON = Path(__file__).parents[2] / "data" / "hostile-json"
#: Each hostile file and the rule `validate` must name; README.md there says what each is.
HOSTILE_RULES = {
    ("control-altid.json", None): "json.control-character",
    ("control-uri.json", None): "json.control-character",
    ("deep-10000.json", None): "json.too-deep",
    ("deep-900.json", None): "json.too-deep",
    ("deep-line.jsonl", 2): "json.too-deep",
    ("duplicate-key.json", None): "json.duplicate-key",
    ("non-finite.json", None): "json.non-finite",
    ("utf16-no-bom.json", None): "input.encoding",
}
HOSTILE_VALID = [
    ("deep-line.jsonl", 1),
    ("deep-line.jsonl", 3),
    ("good.json", None),
    ("utf16-bom.json", None),
    ("utf32-bom.json", None),
]


def test_hostile_json_is_invalid_by_rule_and_the_good_files_beside_it_are_valid() -> None:
    code, out, err = _run("validate", "--json", str(HOSTILE_JSON))
    assert code == 1
    assert err == ""
    reports = {
        (Path(r["path"]).name, r["line"]): r for r in (json.loads(x) for x in out.splitlines())
    }
    assert sorted(reports, key=str) == sorted([*HOSTILE_RULES, *HOSTILE_VALID], key=str)
    for key, rule in HOSTILE_RULES.items():
        assert reports[key]["valid"] is False, key
        assert [e["rule"] for e in reports[key]["errors"]] == [rule], key
        assert reports[key]["errors"][0]["message"]
    assert reports[("duplicate-key.json", None)]["errors"][0]["path"] == "$.headlines[0].value"
    assert reports[("control-uri.json", None)]["errors"][0]["path"] == "$.uri"
    for key in HOSTILE_VALID:
        assert reports[key]["valid"] is True, reports[key]


@pytest.mark.parametrize("key", sorted(HOSTILE_RULES, key=str), ids=lambda key: str(key[0]))
def test_each_hostile_file_alone_exits_one_with_its_rule(key: tuple[str, int | None]) -> None:
    code, out, err = _run("validate", str(HOSTILE_JSON / key[0]))
    assert code == 1
    assert err == ""
    assert f": {HOSTILE_RULES[key]}: " in out
    assert "1 invalid" in out.splitlines()[-1]


def test_console_script_on_10000_levels_prints_a_problem_not_a_traceback() -> None:
    script = Path(sys.executable).parent / "wirearchive"
    result = subprocess.run(
        [str(script), "validate", str(HOSTILE_JSON / "deep-10000.json"), str(EXAMPLES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "json.too-deep: nested more than 64 levels deep" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("5 documents checked: 4 valid, 1 invalid")
    assert "Traceback" not in result.stderr
