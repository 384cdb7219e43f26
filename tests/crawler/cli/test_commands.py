"""The archive commands end to end through `run`: output formats, exit codes, locations."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import bagit
import pytest
from wirearchive.archive import Store
from wirearchive.crawler.cli import run
from wirearchive.crawler.readers import read_inputs

EXAMPLES = Path(__file__).parents[3] / "examples"
SAMPLE = EXAMPLES / "sputnik-kz-2024-05-29.json"
SAMPLE_ID = json.loads(SAMPLE.read_text())["uri"]
#: Items in examples/: one per JSON file, one per JSON Lines line, one per other file.
EXAMPLE_ITEMS = len(list(read_inputs([EXAMPLES])))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(*argv: str, stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    stdout, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = run(list(argv), stdout, err)
    return code, stdout.getvalue(), err.getvalue()


def _run_bytes(*argv: str) -> tuple[int, bytes]:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    code = run(list(argv), stdout, io.StringIO())
    stdout.flush()
    return code, raw.getvalue()


@pytest.fixture
def archive(tmp_path: Path) -> str:
    location = str(tmp_path / "archive")
    code, _, err = _run("ingest", "--archive", location, str(EXAMPLES))
    assert code == 0, err
    return location


def _edited(tmp_path: Path) -> Path:
    item = json.loads(SAMPLE.read_text())
    item["headlines"][0]["value"] = "В Астане министры подписали соглашения"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(item, ensure_ascii=False))
    return path


def test_ingest_json_prints_exactly_the_run_counts(tmp_path: Path) -> None:
    code, out, _ = _run("ingest", "--archive", str(tmp_path / "a"), "--json", str(EXAMPLES))
    assert code == 0
    summary = json.loads(out)
    assert list(summary) == [
        "run", "new", "updated", "unchanged", "quarantined", "failed", "skipped",
    ]  # fmt: skip
    assert summary["new"] == EXAMPLE_ITEMS
    code, out, _ = _run("ingest", "--archive", str(tmp_path / "a"), "--json", str(EXAMPLES))
    assert json.loads(out)["unchanged"] == EXAMPLE_ITEMS


def test_ingest_text_names_quarantined_inputs_and_exits_one(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"uri": "urn:x", ')
    code, out, _ = _run(
        "ingest", "--archive", str(tmp_path / "a"), str(tmp_path / "bad.json"), str(SAMPLE)
    )
    assert code == 1
    lines = out.splitlines()
    assert (
        lines[0] == f"{tmp_path / 'bad.json'}: quarantined: $: json.truncated: unexpected "
        "end of data at line 1, column 18: the document is truncated"
    )
    assert lines[1].endswith(
        "2 inputs: 1 new, 0 updated, 0 unchanged, 1 quarantined, 0 failed, 0 skipped"
    )


def test_ingest_archives_each_item_of_an_array_as_a_part_of_the_file(tmp_path: Path) -> None:
    items = [json.loads(line) for line in (EXAMPLES / "wire-feed.jsonl").read_text().splitlines()]
    del items[1]["uri"]
    export = tmp_path / "export.json"
    export.write_text(json.dumps([*items, 5]))
    archive = str(tmp_path / "a")
    code, out, _ = _run("ingest", "--archive", archive, str(export))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{export} (item 2): quarantined: $: schema.required: ")
    assert lines[1].startswith(f"{export} (item 4): quarantined: $: schema.type: ")
    assert lines[2].endswith(
        "4 inputs: 2 new, 0 updated, 0 unchanged, 2 quarantined, 0 failed, 0 skipped"
    )
    with Store.open(archive, readonly=True) as store:
        record = store.get(items[2]["uri"])
        assert record is not None
        assert record["provenance"]["capture"]["size"] == export.stat().st_size
        assert store.raw(items[2]["uri"]) == export.read_bytes()  # the file, exactly
        assert {"name": "part", "detail": "item 3"} in record["provenance"]["steps"]
        entries = store.quarantined()
        assert len({entry["qid"] for entry in entries}) == 2  # one entry for each bad item
        (manifest,) = store.runs()
        assert [q["part"] for q in manifest["quarantined"]] == ["item 2", "item 4"]
    code, out, _ = _run("ingest", "--archive", archive, "--json", str(export))
    assert (json.loads(out)["unchanged"], json.loads(out)["quarantined"]) == (2, 2)


def test_bag_writes_a_valid_bag_and_refuses_a_damaged_archive(tmp_path: Path) -> None:
    archive = str(tmp_path / "a")
    assert _run("ingest", "--archive", archive, str(EXAMPLES))[0] == 0
    code, out, err = _run("bag", "--archive", archive, str(tmp_path / "bag"))
    assert (code, err) == (0, "")
    assert out.startswith(f"{tmp_path / 'bag'}: a BagIt bag of ")
    bagit.Bag(str(tmp_path / "bag")).validate()
    code, out, err = _run("bag", "--archive", archive, "--json", str(tmp_path / "bag"))
    assert code == 2
    assert "exists already" in err
    code, out, _ = _run("bag", "--archive", archive, "--json", str(tmp_path / "bag2"))
    facts = json.loads(out)
    assert (facts["segments"], facts["runs"]) == (2, 1)  # the items' group, the manifest
    assert facts["info"]["Wirearchive-Items"] == str(EXAMPLE_ITEMS)
    segment = tmp_path / "a" / "log" / "000000000001.jsonl"
    segment.write_bytes(segment.read_bytes().replace(b'"seq":1', b'"seq":7', 1))
    code, out, err = _run("bag", "--archive", archive, str(tmp_path / "bag3"))
    assert code == 1
    assert "does not verify" in err
    assert "000000000001.jsonl" in out  # the findings, each with its file
    assert not (tmp_path / "bag3").exists()


def test_ingest_events_stream_one_line_per_input_then_counts(tmp_path: Path) -> None:
    code, out, _ = _run(
        "ingest",
        "--archive",
        str(tmp_path / "a"),
        "--events",
        "--batch",
        "2",
        str(EXAMPLES / "wire-feed.jsonl"),
    )
    assert code == 0
    *events, summary = [json.loads(line) for line in out.splitlines()]
    assert [(e["line"], e["status"], e["version"]) for e in events] == [
        (1, "new", 1),
        (2, "new", 1),
        (3, "new", 1),
    ]
    assert summary["new"] == 3


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    terminal = _Terminal()
    code, _, _ = _run("ingest", "--archive", str(tmp_path / "a"), str(EXAMPLES), stderr=terminal)
    assert code == 0
    assert "ingest" in terminal.getvalue()
    code, _, err = _run("ingest", "--archive", str(tmp_path / "b"), str(EXAMPLES))
    assert err == ""


def test_show_prints_the_record_its_versions_and_raw_bytes(archive: str, tmp_path: Path) -> None:
    code, out, _ = _run("show", "--archive", archive, SAMPLE_ID)
    assert code == 0
    record = json.loads(out)
    assert (record["id"], record["version"], record["previous"]) == (SAMPLE_ID, 1, None)
    _run("ingest", "--archive", archive, str(_edited(tmp_path)))
    code, out, _ = _run("show", "--archive", archive, SAMPLE_ID, "--json")
    assert len(out.splitlines()) == 1
    assert json.loads(out)["version"] == 2
    code, out, _ = _run("show", "--archive", archive, SAMPLE_ID, "--version", "1")
    assert json.loads(out)["version"] == 1
    code, raw = _run_bytes("show", "--archive", archive, SAMPLE_ID, "--version", "1", "--raw")
    assert code == 0
    assert raw == SAMPLE.read_bytes()


def test_show_of_an_unknown_item_exits_one(archive: str) -> None:
    code, out, err = _run("show", "--archive", archive, "urn:nothing")
    assert (code, out) == (1, "")
    assert "urn:nothing: no such record" in err


def test_history_and_diff_after_an_edit(archive: str, tmp_path: Path) -> None:
    _run("ingest", "--archive", archive, str(_edited(tmp_path)))
    code, out, _ = _run("history", "--archive", archive, SAMPLE_ID)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["v1", "v2"]
    code, out, _ = _run("history", "--archive", archive, SAMPLE_ID, "--json")
    versions = json.loads(out)["versions"]
    assert versions[1]["previous"] == versions[0]["digest"]
    code, out, _ = _run("diff", "--archive", archive, SAMPLE_ID, "1", "2", "--json")
    changes: dict[str, Any] = json.loads(out)
    assert [c["path"] for c in changes["changed"]] == ["$.headlines[0].value"]
    code, out, _ = _run("diff", "--archive", archive, SAMPLE_ID, "1", "2")
    assert "$.headlines[0].value:" in out
    code, _, err = _run("diff", "--archive", archive, SAMPLE_ID, "1", "9")
    assert code == 2
    assert "no version 9" in err


def test_show_history_and_export_tell_of_a_withdrawal(archive: str, tmp_path: Path) -> None:
    item = json.loads(SAMPLE.read_text())
    kill = {
        "uri": SAMPLE_ID,
        "type": "text",
        "pubStatus": "canceled",
        "versionCreated": "2024-05-30T10:00:00Z",
        "edNote": "Материал отозван. Не использовать.",
        "standard": item["standard"],
    }
    notice = tmp_path / "kill.json"
    notice.write_text(json.dumps(kill, ensure_ascii=False))
    _, _, cursor = _run("export", "--archive", archive)
    code, out, err = _run("ingest", "--archive", archive, "--json", str(notice))
    assert code == 0, err
    assert json.loads(out)["updated"] == 1
    code, out, _ = _run("show", "--archive", archive, SAMPLE_ID, "--json")
    record = json.loads(out)
    assert (record["version"], record["status"]) == (1, "withdrawn")
    assert record["withdrawn"]["pubStatus"] == "canceled"
    assert record["item"]["bodies"]  # the version itself is still all there
    code, out, _ = _run("history", "--archive", archive, SAMPLE_ID)
    assert "withdrawn (canceled) at" in out
    code, out, _ = _run("export", "--archive", archive, "--since", cursor.strip())
    [event] = map(json.loads, out.splitlines())
    assert (event["id"], event["event"], event["pubStatus"]) == (SAMPLE_ID, "withdrawn", "canceled")
    assert _run("verify", "--archive", archive)[0] == 0


def test_export_resumes_from_the_cursor_it_prints(archive: str, tmp_path: Path) -> None:
    code, out, err = _run("export", "--archive", archive)
    assert code == 0
    assert len(out.splitlines()) == EXAMPLE_ITEMS
    cursor = err.strip()
    code, out, err = _run("export", "--archive", archive, "--since", cursor)
    assert (out, err.strip()) == ("", cursor)
    _run("ingest", "--archive", archive, str(_edited(tmp_path)))
    code, out, err = _run("export", "--archive", archive, "--since", cursor)
    assert [(r["id"], r["version"]) for r in map(json.loads, out.splitlines())] == [(SAMPLE_ID, 2)]
    assert int(err) > int(cursor)
    code, _, err = _run("export", "--archive", archive, "--since", "not-a-cursor")
    assert code == 2
    assert "not a cursor" in err


def test_verify_passes_then_names_an_altered_file(archive: str) -> None:
    code, out, _ = _run("verify", "--archive", archive)
    assert code == 0
    assert out.startswith("archive verified: checked")
    warc = next((Path(archive) / "warc").iterdir())
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    code, out, _ = _run("verify", "--archive", archive, "--json")
    assert code == 1
    result = json.loads(out)
    assert not result["ok"]
    assert f"warc/{warc.name}" in {f["file"] for f in result["findings"]}


def test_quarantine_list_and_show(tmp_path: Path) -> None:
    location = str(tmp_path / "a")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"uri": "urn:x:1"}\n')
    _run("ingest", "--archive", location, str(bad))
    code, out, _ = _run("quarantine", "list", "--archive", location, "--json")
    assert code == 0
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert (row["path"], row["line"], row["rule"]) == (str(bad), 1, "schema.required")
    code, out, _ = _run("quarantine", "list", "--archive", location)
    assert out.splitlines()[-1] == "1 quarantined input"
    code, out, _ = _run("quarantine", "show", row["qid"], "--archive", location)
    entry = json.loads(out)
    assert entry["item"] == {"uri": "urn:x:1"}
    assert entry["report"]["valid"] is False
    code, raw = _run_bytes("quarantine", "show", row["qid"], "--archive", location, "--raw")
    assert raw == b'{"uri": "urn:x:1"}'
    code, _, _err = _run("quarantine", "show", "q-none", "--archive", location)
    assert code == 1


def test_reindex_rebuilds_the_same_catalog(archive: str) -> None:
    _, before, _ = _run("summary", "--archive", archive, "--json")
    (Path(archive) / "catalog.sqlite").unlink()
    for leftover in Path(archive).glob("catalog.sqlite-*"):
        leftover.unlink()
    code, out, _ = _run("reindex", "--archive", archive, "--json")
    assert code == 0
    assert json.loads(out)["counts"] == json.loads(before)["counts"]
    _, after, _ = _run("summary", "--archive", archive, "--json")
    assert json.loads(after) == json.loads(before)


def test_archive_location_from_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIREARCHIVE_ARCHIVE", str(tmp_path / "from-env"))
    assert _run("ingest", str(SAMPLE))[0] == 0
    assert (tmp_path / "from-env" / "catalog.sqlite").is_file()
    monkeypatch.delenv("WIREARCHIVE_ARCHIVE")
    assert _run("ingest", str(SAMPLE))[0] == 0
    assert (tmp_path / "archive-data" / "catalog.sqlite").is_file()
    _code, out, _ = _run("summary")
    assert out.splitlines()[0] == "archive archive-data"


def test_summary_lists_counts_and_runs(archive: str) -> None:
    code, out, _ = _run("summary", "--archive", archive)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].strip().startswith(f"{EXAMPLE_ITEMS} items, {EXAMPLE_ITEMS} versions")
    assert "finished" in lines[2]


def test_an_archive_that_cannot_be_created_is_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = _run("ingest", "--archive", str(blocker / "archive"), str(SAMPLE))
    assert code == 2
    assert str(blocker) in err


def test_extract_shows_the_item_and_report_without_an_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    capture = EXAMPLES / "sputnik-kz-2024-05-29.txt"
    code, out, _ = _run("extract", "--json", str(capture))
    assert code == 0
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert set(line) == {"path", "item", "report"}
    assert line["path"] == str(capture)
    assert line["item"]["located"] == "Алматы"
    assert line["report"]["valid"] is True
    assert "name.variant-spelling" in {w["rule"] for w in line["report"]["warnings"]}
    assert not (tmp_path / "archive-data").exists()  # a dry run touches no archive
    code, out, _ = _run("extract", str(capture))
    assert out.splitlines()[0] == f"{capture}: text: valid"
    assert '"located": "Алматы"' in out


def test_extract_with_a_forced_format_reports_what_that_reader_makes(tmp_path: Path) -> None:
    code, out, _ = _run(
        "extract", "--json", "--format", "ninjs", str(EXAMPLES / "sputnik-kz-2024-05-29.txt")
    )
    assert code == 1
    report = json.loads(out)["report"]
    assert report["errors"][0]["rule"] == "json.syntax"
    code, _, err = _run("extract", "--format", "pdf", str(SAMPLE))
    assert code == 2
    assert "unknown --format 'pdf'" in err


def test_max_bytes_refuses_larger_inputs_and_the_rest_goes_on(tmp_path: Path) -> None:
    small = tmp_path / "small.json"
    headlines = json.loads(SAMPLE.read_text())["headlines"]
    small.write_text(json.dumps({"headlines": headlines}))  # 1 short document, no item
    code, out, _ = _run("extract", "--json", "--max-bytes", "1000", str(SAMPLE), str(small))
    assert code == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["report"]["errors"][0]["rule"] == "input.too-large"
    assert second["report"]["errors"][0]["rule"] == "schema.required"
    code, out, _ = _run(
        "ingest", "--archive", str(tmp_path / "a"), "--json", "--max-bytes", "1000", str(SAMPLE)
    )
    assert (code, json.loads(out)["quarantined"]) == (1, 1)


READ_ONLY = [
    ["verify"],
    ["show", SAMPLE_ID],
    ["history", SAMPLE_ID],
    ["diff", SAMPLE_ID, "1", "2"],
    ["export"],
    ["summary"],
    ["quarantine", "list"],
    ["quarantine", "show", "q-none"],
    ["reindex"],  # rebuilds a catalog; with no log to rebuild from, there is nothing to do
]


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda argv: "-".join(argv[:2])[:20])
def test_a_read_only_command_on_a_typo_creates_nothing(tmp_path: Path, argv: list[str]) -> None:
    typo = tmp_path / "typo"
    code, out, err = _run(*argv, "--archive", str(typo))
    assert (code, out, err) == (2, "", f"wirearchive: no archive at {typo}\n")
    assert not typo.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _run(*argv, "--archive", str(empty))
    assert (code, err) == (2, f"wirearchive: no archive at {empty}\n")
    assert list(empty.iterdir()) == []


def test_read_only_commands_leave_the_default_location_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WIREARCHIVE_ARCHIVE", raising=False)
    assert _run("summary") == (2, "", "wirearchive: no archive at archive-data\n")
    assert not (tmp_path / "archive-data").exists()
    assert _run("ingest", str(SAMPLE))[0] == 0  # ingest still makes one
    assert _run("summary")[0] == 0


def test_read_only_commands_change_no_file_of_the_archive(archive: str) -> None:
    def files() -> dict[str, bytes]:
        return {
            p.relative_to(archive).as_posix(): p.read_bytes()
            for p in sorted(Path(archive).rglob("*"))
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))
        }

    before = files()
    for argv in READ_ONLY[:-1]:
        code, _, err = _run(*argv, "--archive", archive)
        assert "no archive" not in err
        assert code == (2 if argv[0] == "diff" else 1 if argv[-1] == "q-none" else 0), err
    assert files() == before


def test_reindex_after_a_flipped_byte_keeps_the_rest_and_names_the_line(archive: str) -> None:
    segments = sorted((Path(archive) / "log").iterdir())
    _, before, _ = _run("summary", "--archive", archive, "--json")
    versions = json.loads(before)["counts"]["versions"]
    # Find a segment with several version lines and damage the second of them.
    segment, number = next(
        (path, index)
        for path in segments
        for index, line in enumerate(path.read_bytes().splitlines(), start=1)
        if b'"kind":"version"' in line and index > 2
    )
    lines = segment.read_bytes().splitlines(keepends=True)
    damaged = bytearray(lines[number - 1])
    damaged[len(damaged) // 3] ^= 0x04
    lines[number - 1] = bytes(damaged)
    segment.write_bytes(b"".join(lines))
    name = f"log/{segment.name}"

    code, out, _ = _run("reindex", "--archive", archive)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{name}:{number}: verify.line: ")
    code, out, _ = _run("reindex", "--archive", archive, "--json")
    assert code == 1
    result = json.loads(out)
    assert [(p["file"], p["line"], p["rule"]) for p in result["problems"]] == [
        (name, number, "verify.line")
    ]
    assert result["counts"]["versions"] == versions - 1  # every intact line stays indexed
    code, out, _ = _run("verify", "--archive", archive, "--json")
    assert code == 1
    assert (name, number, "verify.line") in {
        (f["file"], f["line"], f["rule"]) for f in json.loads(out)["findings"]
    }


def test_a_cron_job_with_a_cursor_file_gets_each_version_exactly_once(tmp_path: Path) -> None:
    location, cursor_file = str(tmp_path / "archive"), tmp_path / "feed.cursor"
    item = json.loads(SAMPLE.read_text())
    seen: list[tuple[str, int]] = []
    batches = []
    for number in range(3):  # three ingests, an export after each
        item["headlines"][0]["value"] = f"Заголовок номер {number}"
        path = tmp_path / f"edit-{number}.json"
        path.write_text(json.dumps(item, ensure_ascii=False))
        inputs = [str(EXAMPLES), str(path)] if number == 0 else [str(path)]
        assert _run("ingest", "--archive", location, *inputs)[0] == 0
        code, out, err = _run("export", "--archive", location, "--cursor-file", str(cursor_file))
        assert code == 0, err
        batch = [(r["id"], r["version"]) for r in map(json.loads, out.splitlines())]
        batches.append(batch)
        seen += batch
        assert cursor_file.read_text().strip() == err.strip()
    # The examples and the first edit (v2 of the sample), then v3, then v4.
    assert len(seen) == len(set(seen)) == EXAMPLE_ITEMS + 3
    assert (SAMPLE_ID, 2) in batches[0]
    assert batches[1] == [(SAMPLE_ID, 3)]
    assert batches[2] == [(SAMPLE_ID, 4)]
    code, out, _ = _run("export", "--archive", location, "--cursor-file", str(cursor_file))
    assert (code, out) == (0, "")  # nothing new: nothing again


def test_export_json_is_one_object_with_the_records_and_the_next_cursor(archive: str) -> None:
    code, out, err = _run("export", "--archive", archive, "--json", "--limit", "3")
    assert code == 0
    assert err == ""  # the cursor is in the object, not on stderr
    result = json.loads(out)
    assert list(result) == ["records", "cursor", "count"]
    assert result["count"] == len(result["records"]) == 3
    code, out, _ = _run("export", "--archive", archive, "--json", "--since", result["cursor"])
    rest = json.loads(out)
    assert rest["count"] == EXAMPLE_ITEMS - 3
    assert int(rest["cursor"]) > int(result["cursor"])
    empty = json.loads(_run("export", "--archive", archive, "--json", "--since", rest["cursor"])[1])
    assert empty == {"records": [], "cursor": rest["cursor"], "count": 0}


def test_export_by_time_and_filters(archive: str, tmp_path: Path) -> None:
    everything = _run("export", "--archive", archive)[1].splitlines()
    assert len(_run("export", "--archive", archive, "--since=-24h")[1].splitlines()) == len(
        everything
    )
    assert _run("export", "--archive", archive, "--since", "1h", "--until", "yesterday")[1] == ""
    russian = [json.loads(line) for line in everything]
    russian = [r for r in russian if r["item"].get("language") == "ru"]
    code, out, _ = _run("export", "--archive", archive, "--language", "ru")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [r["id"] for r in russian]
    code, out, _ = _run("export", "--archive", archive, "--source", "nowhere")
    assert (code, out) == (0, "")
    code, out, err = _run("export", "--archive", archive, "--since", "last week")
    assert code == 2
    assert "not a cursor or a time: 'last week'" in err
    bad = tmp_path / "bad.cursor"
    bad.write_text("yesterday\n")
    code, out, err = _run("export", "--archive", archive, "--cursor-file", str(bad))
    assert code == 2
    assert f"{bad}: not a cursor file" in err
    assert bad.read_text() == "yesterday\n"  # left as it was
