"""The Parquet export: real inputs ingested, exported, and read back with DuckDB."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import wirearchive
from wirearchive.archive import ArchiveError, Store
from wirearchive.archive.facets import body_text, facets
from wirearchive.crawler.cli import main
from wirearchive.crawler.readers import read_inputs
from wirearchive.downstream.parquet import (
    EVENT_COLUMNS,
    QUARANTINE_COLUMNS,
    STATE_NAME,
    VERSION_COLUMNS,
    ExportError,
    export_parquet,
)

from ._archives import EXAMPLES, SAMPLE, SAMPLE_ID, edited, ingest

ROOT = Path(__file__).parents[2]
#: Items in examples/: one per JSON file, one per JSON Lines line, one per other file.
EXAMPLE_ITEMS = len(list(read_inputs([EXAMPLES])))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """examples/, a truncated JSON file (quarantined), then an edit of the sample (v2)."""
    location = tmp_path / "archive"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "truncated.json").write_text('{"uri": "urn:x", "headlines": [')
    ingest(location, EXAMPLES, inputs / "truncated.json")
    manifest = ingest(location, edited(inputs, "В Астане подписали соглашения"))
    counts = manifest["counts"]
    assert isinstance(counts, dict)
    assert counts["updated"] == 1
    return location


def _query(sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        return connection.execute(sql).fetchall()


def _table(out: Path, name: str) -> str:
    return f"read_parquet('{out}/{name}/**/*.parquet', hive_partitioning = true)"


def _rows(out: Path, name: str, columns: str = "*") -> list[dict[str, Any]]:
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        result = connection.execute(f"SELECT {columns} FROM {_table(out, name)} ORDER BY cursor")
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _files(out: Path) -> dict[str, str]:
    """Every file under the export folder and the sha256 of its bytes."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_counts_per_table_match_the_archive_summary(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with wirearchive.open(str(archive)) as opened:  # the read API's archive, as downstream has it
        result = export_parquet(opened, out)
    with Store.open(str(archive), readonly=True) as store:
        counts = store.summary()
        head = store.catalog.head()[1]
    assert counts["versions"] == EXAMPLE_ITEMS + 1
    assert (result.versions, result.quarantine) == (counts["versions"], counts["quarantined"])
    assert (result.since, result.cursor) == ("0", str(head))
    assert _query(f"SELECT count(*), count(DISTINCT (id, version)) FROM {_table(out, 'versions')}")[
        0
    ] == (counts["versions"], counts["versions"])
    assert _query(f"SELECT count(*), count(DISTINCT qid) FROM {_table(out, 'quarantine')}") == [
        (1, counts["quarantined"])
    ]
    assert sorted(result.files) == sorted(p for p in _files(out) if p.endswith(".parquet"))
    assert json.loads((out / STATE_NAME).read_text())["cursor"] == str(head)


def test_values_match_the_records(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_parquet(archive, out)
    rows = _rows(out, "versions")
    with Store.open(str(archive), readonly=True) as store:
        for row in rows:
            record = store.get(row["id"], row["version"])
            assert record is not None
            provenance, item = record["provenance"], record["item"]
            found = facets(record)
            assert row["digest"] == record["digest"]
            assert row["previous"] == record["previous"]
            assert (row["headline"], row["language"], row["agency"], row["source"], row["url"]) == (
                found.headline,
                found.language,
                found.agency,
                found.source,
                found.url,
            )
            assert row["body_text"] == (body_text(item) or None)
            assert row["warnings"] == record["validation"]["warnings"]
            assert row["profile"] == record["validation"]["profile"]
            assert json.loads(row["item_json"]) == item
            assert row["archived_at"] == datetime.fromisoformat(provenance["generatedAtTime"])
            for column, key in (
                ("version_created", "versionCreated"),
                ("first_created", "firstCreated"),
            ):
                given = item.get(key)
                assert row[column] == (datetime.fromisoformat(given) if given else None)
            assert row["date"] == row["archived_at"].date()
            assert row["capture_sha256"] == provenance["capture"]["sha256"]
            assert row["warc_offset"] == provenance["capture"]["warcOffset"]
            assert row["run"] == provenance["run"]
    one, two = (r for r in rows if r["id"] == SAMPLE_ID)
    assert (one["version"], two["version"]) == (1, 2)
    assert two["previous"] == one["digest"]
    assert one["previous"] is None
    assert two["headline"] == "В Астане подписали соглашения"
    assert [r["cursor"] for r in rows] == sorted({r["cursor"] for r in rows})
    assert any(r["warnings"] for r in rows)  # the variant spelling in the Sputnik text
    (bad,) = _rows(out, "quarantine")
    assert (bad["rule"], bad["path"].endswith("truncated.json")) == ("json.truncated", True)
    assert bad["errors"][0]["rule"] == "json.truncated"
    assert bad["item_json"] is None
    assert bad["url"].startswith("file://")


def _declared(columns: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The declared columns as DuckDB names their types, then the hive partition."""
    typed = [(name, _query(f"SELECT typeof(NULL::{kind})")[0][0]) for name, kind in columns]
    return [*typed, ("date", "DATE")]


def _described(source: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in _query(f"DESCRIBE SELECT * FROM {source}")]


def test_types_are_as_declared_in_every_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = export_parquet(archive, out)
    assert _described(_table(out, "versions")) == _declared(VERSION_COLUMNS)
    assert _described(_table(out, "quarantine")) == _declared(QUARANTINE_COLUMNS)
    # Every file carries the declared types, also one whose rows leave columns all null:
    # the quarantined input has no item, the sample's version 3 no pubStatus.
    ingest(archive, edited(tmp_path, "Третья версия заголовка"))
    files = result.files + export_parquet(archive, out).files
    for name in files:
        table = name.split("/")[0]
        declared = _declared(VERSION_COLUMNS if table == "versions" else QUARANTINE_COLUMNS)
        source = f"read_parquet('{out / name}', hive_partitioning = false)"
        assert _described(source) == declared[:-1]
    last = f"read_parquet('{out / files[-1]}')"
    assert _query(f"SELECT count(*), count(pub_status) FROM {last}") == [(1, 0)]
    assert _query(f"SELECT count(item_json) FROM {_table(out, 'quarantine')}") == [(0,)]


def test_readme_documents_every_column_with_its_type() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Parquet export", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, list[tuple[str, str]]] = {}
    for table, body in re.findall(r"\n`(\w+)/`: [^|]*?\n\n((?:\|[^\n]*\n)+)", section):
        rows = [line.split("|")[1:3] for line in body.splitlines()[2:]]
        documented[table] = [(c.strip(" `"), t.strip(" `")) for c, t in rows]
    assert documented == {
        "versions": list(VERSION_COLUMNS),
        "quarantine": list(QUARANTINE_COLUMNS),
        "events": list(EVENT_COLUMNS),
    }


def test_a_second_export_adds_exactly_the_new_versions(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export_parquet(archive, out)
    before = _files(out)
    ingest(archive, edited(tmp_path, "Третья версия заголовка"), EXAMPLES)  # v3, 11 sightings
    second = export_parquet(archive, out)
    assert (second.since, second.versions, second.quarantine) == (first.cursor, 1, 0)
    (written,) = second.files
    span = f"part-{int(first.cursor) + 1:012d}-{int(second.cursor):012d}"
    assert re.fullmatch(rf"versions/date=\d{{4}}-\d{{2}}-\d{{2}}/{span}\.parquet", written)
    after = _files(out)
    assert {name: after[name] for name in before if name != STATE_NAME} == {
        name: digest for name, digest in before.items() if name != STATE_NAME
    }
    assert set(after) - set(before) == set(second.files)
    rows = _rows(out, "versions", "id, version, previous, digest")
    assert len(rows) == len({(r["id"], r["version"]) for r in rows}) == first.versions + 1
    chain = [r for r in rows if r["id"] == SAMPLE_ID]
    assert [r["version"] for r in chain] == [1, 2, 3]
    assert [r["previous"] for r in chain[1:]] == [r["digest"] for r in chain[:2]]
    state = json.loads((out / STATE_NAME).read_text())
    assert state["rows"] == {"versions": first.versions + 1, "quarantine": 1, "events": 0}


def _kill_notice(folder: Path) -> Path:
    """A canceled notice for the sample: a withdrawal of the item."""
    item = json.loads(SAMPLE.read_text())
    notice = {
        "uri": item["uri"],
        "type": "text",
        "version": "9",
        "pubStatus": "canceled",
        "versionCreated": "2024-05-30T00:00:00Z",
        "language": item["language"],
        "headlines": [{"role": "main", "value": "KILL: story withdrawn"}],
        "standard": item["standard"],
    }
    path = folder / "kill.json"
    path.write_text(json.dumps(notice))
    return path


def test_a_withdrawal_is_a_row_of_the_events_table(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export_parquet(archive, out)
    assert first.events == 0
    manifest = ingest(archive, _kill_notice(tmp_path))
    assert manifest["counts"] == {
        "new": 0, "updated": 1, "unchanged": 0, "quarantined": 0, "failed": 0, "skipped": 0,
    }  # fmt: skip
    second = export_parquet(archive, out)
    assert (second.versions, second.quarantine, second.events) == (0, 0, 1)
    (written,) = second.files
    assert written.startswith("events/date=")
    (row,) = _rows(out, "events")
    with Store.open(str(archive), readonly=True) as store:
        withdrawn = store.get(SAMPLE_ID)
    assert withdrawn is not None
    facts = withdrawn["withdrawn"]
    assert (row["id"], row["version"], row["event"], row["pub_status"]) == (
        SAMPLE_ID, 2, "withdrawn", "canceled",
    )  # fmt: skip
    assert (row["cursor"], row["digest"], row["run"]) == (
        int(facts["cursor"]), facts["digest"], facts["run"],
    )  # fmt: skip
    assert row["headline"] == "KILL: story withdrawn"
    assert row["at"] == datetime.fromisoformat(facts["at"])
    assert json.loads(row["item_json"])["pubStatus"] == "canceled"
    assert row["warc_file"].startswith("warc/")
    assert row["capture_sha256"].startswith("sha256:")
    state = json.loads((out / STATE_NAME).read_text())
    assert state["rows"]["events"] == 1


def test_an_older_export_gets_the_events_table_from_the_start(
    archive: Path, tmp_path: Path
) -> None:
    """A folder an older wirearchive exported into (its state counts no events) gets every
    event of the log, those before its cursor too, once, even after a killed try."""
    ingest(archive, _kill_notice(tmp_path))
    out = tmp_path / "out"
    export_parquet(archive, out)
    state = json.loads((out / STATE_NAME).read_text())
    del state["rows"]["events"]  # as an older wirearchive left it, and no events table
    (out / STATE_NAME).write_text(json.dumps(state))
    shutil.rmtree(out / "events")
    (out / "events" / "date=2024-01-01").mkdir(parents=True)  # a killed backfill's file
    (out / "events" / "date=2024-01-01" / "part-000000000001-000000000002.parquet").touch()
    again = export_parquet(archive, out)
    assert (again.versions, again.quarantine, again.events) == (0, 0, 1)
    assert [r["id"] for r in _rows(out, "events")] == [SAMPLE_ID]
    assert json.loads((out / STATE_NAME).read_text())["rows"]["events"] == 1
    assert export_parquet(archive, out).files == ()  # and then nothing again


def test_an_export_with_nothing_new_writes_no_file(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_parquet(archive, out)
    before = _files(out)
    ingest(archive, EXAMPLES)  # sightings only: no version, no quarantine entry
    again = export_parquet(archive, out)
    assert (again.versions, again.quarantine, again.files) == (0, 0, ())
    assert _files(out) == before


def test_what_a_killed_run_left_is_removed_and_written_again(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export_parquet(archive, out)
    kept = _files(out)
    ingest(archive, edited(tmp_path, "Третья версия заголовка"))
    # A run killed after moving a file into place but before moving the cursor, and its
    # staging folder: neither may count.
    stray = (
        out
        / "versions"
        / "date=2024-01-01"
        / f"part-{int(first.cursor) + 1:012d}-{999:012d}.parquet"
    )
    stray.parent.mkdir()
    stray.write_bytes(b"PAR1 half written")
    (out / ".staging-killed").mkdir()
    (out / ".staging-killed" / "versions.jsonl").write_text("{}\n")
    second = export_parquet(archive, out)
    assert not stray.exists()
    assert not (out / ".staging-killed").exists()
    assert second.versions == 1
    assert _query(f"SELECT count(*) FROM {_table(out, 'versions')}") == [(first.versions + 1,)]
    assert all(_files(out)[name] == digest for name, digest in kept.items() if name != STATE_NAME)


def test_a_folder_ahead_of_the_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_parquet(archive, out)
    other = tmp_path / "other"
    ingest(other, SAMPLE)
    with pytest.raises(ExportError, match="ahead of this archive"):
        export_parquet(other, out)
    (out / STATE_NAME).write_text("not json")
    with pytest.raises(ExportError, match="not an export state file"):
        export_parquet(archive, out)
    (out / STATE_NAME).write_text("[]")
    with pytest.raises(ExportError, match="not a wirearchive-parquet/1 state file"):
        export_parquet(archive, out)


def test_two_exports_into_one_folder_at_once_are_refused(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".wirearchive-export.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ExportError, match="another export"):
            export_parquet(archive, out)
    assert export_parquet(archive, out).versions > 0


def test_a_missing_archive_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive at"):
        export_parquet(tmp_path / "nowhere", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_cli_exports_parquet(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = ["export", "--archive", str(archive), "--format", "parquet", "--out", str(out)]
    assert main([*argv, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == {"versions": EXAMPLE_ITEMS + 1, "quarantine": 1, "events": 0}
    assert summary["since"] == "0"
    assert sorted(summary["files"]) == sorted(p for p in _files(out) if p.endswith(".parquet"))
    assert main(argv) == 0
    assert capsys.readouterr().out == (
        f"nothing new since cursor {summary['cursor']}: no file written to {out}\n"
    )
    ingest(archive, edited(tmp_path, "Третья версия заголовка"))
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(
        "wrote 1 versions, 0 quarantine entries and 0 events in 1 "
    )


def test_cli_refuses_a_missing_archive_and_mixed_options(
    tmp_path: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing"
    out = tmp_path / "out"
    parquet = ["export", "--format", "parquet"]
    assert main([*parquet, "--archive", str(missing), "--out", str(out)]) == 2
    assert f"no archive at {missing}" in capsys.readouterr().err
    assert not missing.exists()
    assert not out.exists()
    assert main([*parquet, "--archive", str(archive)]) == 2
    assert "needs --out" in capsys.readouterr().err
    assert main([*parquet, "--archive", str(archive), "--out", str(out), "--since", "3"]) == 2
    assert "--since: for JSON Lines only" in capsys.readouterr().err
    feed = ["--language", "ru", "--cursor-file", str(tmp_path / "c")]
    assert main([*parquet, "--archive", str(archive), "--out", str(out), *feed]) == 2
    assert "--language, --cursor-file: for JSON Lines only" in capsys.readouterr().err
    assert main(["export", "--archive", str(archive), "--out", str(out)]) == 2
    assert "--out goes with --format parquet" in capsys.readouterr().err
    assert not out.exists()
