"""`Intake`: every input ends as a version, a sighting, a quarantined entry, a failure or a
skip, each named with its path and rule, and one bad input never stops the rest."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from wirearchive.archive import Store, verify
from wirearchive.crawler.intake import Checker, Intake, Result
from wirearchive.crawler.readers import Extracted, Source, read_inputs, readers
from wirearchive.validators import Report, StructuralValidator, default_registry

EXAMPLES = Path(__file__).parents[2] / "examples"
FEED = EXAMPLES / "wire-feed.jsonl"


def _items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FEED.read_text().splitlines()]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(str(tmp_path / "archive"))


def _ingest(store: Store, *paths: Path, **options: Any) -> tuple[dict[str, Any], list[Result]]:
    results: list[Result] = []
    intake = Intake(store, on_result=results.append, **options)
    intake.walk([str(p) for p in paths])
    return intake.close(), results


def test_second_ingest_of_the_same_files_is_unchanged(store: Store) -> None:
    items = len(list(read_inputs([EXAMPLES])))
    assert items >= 5  # the JSON, the JSON Lines and the text capture at least
    first, results = _ingest(store, EXAMPLES)
    assert first["counts"] == {
        "new": items,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert [r.outcome.status for r in results if r.outcome] == ["new"] * items
    second, results = _ingest(store, EXAMPLES)
    assert second["counts"]["unchanged"] == items
    assert second["counts"]["new"] == 0
    assert {r.outcome.version for r in results if r.outcome} == {1}
    history = store.history(_items()[0]["uri"])
    assert len(history) == 1
    assert history[0]["sightings"]["count"] == 2
    assert history[0]["sightings"]["runs"] == [first["run"], second["run"]]


def test_edited_headline_makes_version_two_chained_to_one(store: Store, tmp_path: Path) -> None:
    _ingest(store, FEED)
    item = _items()[0]
    item["headlines"][0]["value"] += " (corrected)"
    item["versionCreated"] = "2024-05-29T09:00:00Z"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(item))
    manifest, _results = _ingest(store, edited)
    assert manifest["counts"]["updated"] == 1
    one, two = store.get(item["uri"], 1), store.get(item["uri"], 2)
    assert one is not None
    assert two is not None
    assert two["previous"] == one["digest"]
    assert two["item"]["version"] == "2"
    assert two["item"]["headlines"][0]["value"].endswith("(corrected)")
    assert [v["version"] for v in store.history(item["uri"])] == [1, 2]


def test_only_a_volatile_change_is_a_sighting(store: Store, tmp_path: Path) -> None:
    _ingest(store, FEED)
    item = _items()[1]
    item["versionCreated"] = "2024-05-30T00:00:00Z"
    (tmp_path / "again.json").write_text(json.dumps(item))
    manifest, _ = _ingest(store, tmp_path / "again.json")
    assert manifest["counts"]["unchanged"] == 1


def test_provenance_names_the_file_line_bytes_and_steps(store: Store) -> None:
    manifest, _ = _ingest(store, FEED, source="example-wire")
    raw = FEED.read_bytes().splitlines()[1]
    record = store.get(_items()[1]["uri"])
    assert record is not None
    provenance = record["provenance"]
    assert provenance["wasDerivedFrom"] == {"path": str(FEED), "url": FEED.as_uri(), "line": 2}
    assert provenance["capture"]["sha256"] == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert provenance["capture"]["size"] == len(raw)
    assert provenance["run"] == manifest["run"]
    assert provenance["source"] == "example-wire"
    assert [s["name"] for s in provenance["steps"]] == ["read", "choose", "detect", "validate"]
    assert provenance["steps"][1] == {"name": "choose", "detail": "ninjs (content)"}
    assert store.raw(record["id"]) == raw
    assert StructuralValidator(default_registry()).is_valid("record-1.0", record)


def test_bad_inputs_are_quarantined_and_the_rest_archived(store: Store, tmp_path: Path) -> None:
    good = FEED.read_bytes().splitlines()
    invalid = _items()[0]
    invalid["uri"] = "urn:x:no-headline"
    del invalid["headlines"]
    lines = [
        good[0],
        b'{"uri": "urn:x:truncated", "type": "te',
        b"\x00\x01\x02binary",
        json.dumps(invalid).encode(),
        good[1],
    ]
    (tmp_path / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    manifest, results = _ingest(store, tmp_path / "mixed.jsonl")
    assert manifest["counts"] == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 3,
        "failed": 0,
        "skipped": 0,
    }
    reasons = {r.line: r.reason for r in results if r.reason}
    assert reasons[2] is not None
    assert "json.truncated" in reasons[2]
    assert reasons[3] is not None
    assert "input.binary" in reasons[3]
    assert reasons[4] is not None
    assert "$.headlines" not in reasons[4]
    assert reasons[4].startswith("$: schema.required")
    rows = store.quarantined()
    assert sorted(r["line"] for r in rows) == [2, 3, 4]
    entry = store.quarantine_entry(next(r["qid"] for r in rows if r["line"] == 3))
    assert entry is not None
    assert store.capture_bytes(entry["provenance"]["capture"]) == lines[2]
    assert entry["report"]["errors"][0]["rule"] == "input.binary"
    held = store.quarantine_entry(next(r["qid"] for r in rows if r["line"] == 4))
    assert held is not None
    assert held["item"]["uri"] == "urn:x:no-headline"  # the item is kept for a retry
    assert manifest["validation"]["json.truncated"] == {"errors": 1, "warnings": 0}
    assert verify(store).ok


def test_input_over_the_limit_is_quarantined_without_its_bytes(
    store: Store, tmp_path: Path
) -> None:
    big = tmp_path / "big.json"
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", big)
    manifest, results = _ingest(store, big, max_bytes=1024)
    assert manifest["counts"]["quarantined"] == 1
    assert results[0].reason is not None
    assert "input.too-large" in results[0].reason
    entry = store.quarantine_entry(store.quarantined()[0]["qid"])
    assert entry is not None
    assert "warcFile" not in entry["provenance"].get("capture", {})
    assert entry["provenance"]["steps"][-1]["name"] == "not-kept"


def test_old_ninjs_is_upgraded_to_3_1_before_archiving(store: Store, tmp_path: Path) -> None:
    legacy = {
        "uri": "urn:newsml:example.org:20240529:legacy-1",
        "type": "text",
        "versioncreated": "2024-05-29T10:00:00Z",
        "language": "en",
        "headline": "Legacy wire headline in ninjs 1.x",
        "body_text": "A legacy body with enough words to be a story.",
    }
    (tmp_path / "legacy.json").write_text(json.dumps(legacy))
    manifest, results = _ingest(store, tmp_path / "legacy.json")
    assert manifest["counts"]["new"] == 1, results
    record = store.get(legacy["uri"])
    assert record is not None
    item = record["item"]
    assert item["headlines"] == [{"role": "main", "value": legacy["headline"]}]
    assert item["versionCreated"] == legacy["versioncreated"]
    assert any(b["value"] == legacy["body_text"] for b in item["bodies"])
    steps = {s["name"]: s.get("detail", "") for s in record["provenance"]["steps"]}
    assert steps["detect"].startswith("ninjs 1.")
    assert "to 3.1" in steps["upgrade"]
    assert StructuralValidator(default_registry()).is_valid("ninjs-3.1", item)


def test_manifest_is_archived_with_counts_software_and_rules(store: Store) -> None:
    manifest, _ = _ingest(store, EXAMPLES, command=["wirearchive", "ingest", "examples"])
    assert manifest["status"] == "finished"
    assert manifest["command"] == ["wirearchive", "ingest", "examples"]
    assert manifest["startedAt"] <= manifest["endedAt"]
    assert {"wirearchive", "python", "warcio", "jsonschema-rs"} <= manifest["software"].keys()
    # The summary by rule agrees with the warnings the records carry.
    expected: dict[str, dict[str, int]] = {}
    for record in store.changes():
        for warning in record["validation"]["warnings"]:
            counts = expected.setdefault(warning["rule"], {"errors": 0, "warnings": 0})
            counts["warnings"] += 1
    assert manifest["validation"] == expected
    # The Sputnik story twice: as ninjs and as a text capture.
    assert manifest["validation"]["name.variant-spelling"] == {"errors": 0, "warnings": 2}
    assert store.runs()[-1] == manifest
    saved = json.loads(
        (Path(str(store.backend.local_root)) / "runs" / f"{manifest['run']}.json").read_text()
    )
    assert saved == manifest


def test_a_file_that_vanishes_mid_run_is_counted_failed(store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", first)
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", second)

    sizes: list[int] = []

    def remove_second(size: int) -> None:  # called after the walk found it, before reading
        sizes.append(size)
        if len(sizes) == 2:
            second.unlink()

    intake = Intake(store, batch=1, on_bytes=remove_second)
    intake.walk([str(first), str(second)])
    manifest = intake.close()
    assert manifest["counts"]["new"] == 1
    assert manifest["counts"]["failed"] == 1
    assert manifest["failures"] == [
        {
            "path": str(second),
            "rule": "input.unreadable",
            "message": f"{second}: No such file or directory",
        }
    ]


def test_the_seed_capture_ingests_as_one_valid_record(store: Store) -> None:
    capture = Path(__file__).parents[1] / "data" / "sputnik-kz-2024-05-29.txt"
    manifest, results = _ingest(store, capture)
    assert manifest["counts"]["new"] == 1
    (result,) = results
    assert result.outcome is not None
    record = store.get(str(result.outcome.id))
    assert record is not None
    item = record["item"]
    assert item["headlines"][0]["value"] == (
        "В Астане министры обороны Казахстана и Беларуси подписали несколько соглашений"
    )
    assert (item["language"], item["located"]) == ("ru", "Алматы")
    assert item["firstCreated"].startswith("2024-05-29")
    assert "Sputnik" in [source["name"] for source in item["infoSources"]]
    warnings = {w["rule"] for w in record["validation"]["warnings"]}
    assert "name.variant-spelling" in warnings
    assert record["provenance"]["wasAttributedTo"]["extractor"]["name"] == "text"
    assert store.raw(record["id"]) == capture.read_bytes()
    steps = [s["name"] for s in record["provenance"]["steps"]]
    assert steps[:3] == ["read", "choose", "decode"]
    assert "dateline" in steps


def test_a_newsml_picture_is_archived_against_the_official_schema(store: Store) -> None:
    photo = EXAMPLES / "iptc-newsml-g2-photo.xml"
    manifest, results = _ingest(store, photo)
    assert manifest["counts"]["new"] == 1
    (result,) = results
    assert result.outcome is not None
    record = store.get(str(result.outcome.id))
    assert record is not None
    assert record["item"]["type"] == "picture"
    schema = record["provenance"]["wasAttributedTo"]["schema"]
    assert schema == "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"
    assert record["validation"]["profile"] == schema


def test_both_nitf_samples_ingest_as_valid_records(store: Store) -> None:
    samples = Path(__file__).parents[1] / "data" / "nitf"
    manifest, results = _ingest(store, *sorted(samples.glob("*.xml")))
    assert manifest["counts"]["new"] == 2, [r.reason for r in results]
    assert manifest["counts"]["quarantined"] == 0


# --- one input's fault stays that input's -------------------------------------------------


def _copy(tmp_path: Path, *names: str) -> list[Path]:
    copies = []
    for name in names:
        item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_bytes())
        item["uri"] = f"urn:wirearchive:test:{Path(name).stem}"
        (tmp_path / name).write_text(json.dumps(item))
        copies.append(tmp_path / name)
    return copies


def test_a_rule_that_raises_quarantines_only_its_input(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = _copy(tmp_path, "bad.json", "good.json")
    real_check = Checker.check

    def check(self: Checker, extracted: Extracted) -> Any:
        if extracted.path == str(bad):
            raise RecursionError("maximum recursion depth exceeded")
        return real_check(self, extracted)

    monkeypatch.setattr(Checker, "check", check)
    manifest, results = _ingest(store, bad, good)
    assert manifest["counts"]["new"] == 1
    assert manifest["counts"]["quarantined"] == 1
    (quarantined,) = [r for r in results if r.rule]
    assert (quarantined.path, quarantined.rule) == (str(bad), "ingest.rule-error")
    assert quarantined.reason is not None
    assert "RecursionError: maximum recursion depth exceeded" in quarantined.reason
    assert manifest["validation"]["ingest.rule-error"] == {"errors": 1, "warnings": 0}


def test_a_reader_that_raises_quarantines_its_input_with_the_bytes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "feed.xml"
    shutil.copy(EXAMPLES / "wire-rss.xml", feed)
    (good,) = _copy(tmp_path, "good.json")
    reader = readers()["feed"]

    def read(source: Source, context: Any) -> Any:
        yield from ()
        raise ValueError("a library choked on this")

    monkeypatch.setattr(reader, "read", read)
    manifest, results = _ingest(store, feed, good)
    assert manifest["counts"]["new"] == 1
    (quarantined,) = [r for r in results if r.rule]
    assert (quarantined.rule, quarantined.path) == ("ingest.reader-error", str(feed))
    assert quarantined.outcome is not None
    entry = store.quarantine_entry(str(quarantined.outcome.qid))
    assert entry is not None
    assert store.capture_bytes(entry["provenance"]["capture"]) == feed.read_bytes()


def test_an_item_the_log_cannot_encode_is_quarantined_and_its_group_commits(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked at put time, so one such item never fails the commit of its whole group."""

    def passes(self: Checker, extracted: Extracted) -> Report:  # the schema engine would raise
        return Report.from_problems([], path=extracted.path, line=None, schema="profile")

    monkeypatch.setattr(Checker, "check", passes)
    (good,) = _copy(tmp_path, "good.json")
    item = json.loads(good.read_bytes())
    results: list[Result] = []
    intake = Intake(store, on_result=results.append)
    for n, headline in enumerate(("fine", "caf\udce9", "fine again")):
        extracted = Extracted(
            f"in/{n}.json",
            "ninjs",
            "1",
            b"{}",
            "application/json",
            item={
                **item,
                "uri": f"urn:wirearchive:test:{n}",
                "headlines": [{"role": "main", "value": f"Headline: {headline}"}],
            },
        )
        intake.add(extracted, uri=f"file:///in/{n}.json")
    manifest = intake.close()
    assert [r.outcome.status if r.outcome else None for r in results] == [
        "new", "quarantined", "new",
    ]  # fmt: skip
    assert results[1].rule == "ingest.unencodable"
    assert results[1].reason is not None
    assert "surrogates not allowed" in results[1].reason
    assert manifest["counts"]["quarantined"] == 1
    assert verify(store).ok


def test_a_file_named_in_bytes_that_are_not_utf8_is_archived_with_its_exact_name(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (plain,) = _copy(folder, "plain.json")
    odd = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.json"))
    plain.rename(odd)
    manifest, results = _ingest(store, folder)
    assert manifest["counts"]["new"] == 1
    (result,) = results
    assert result.path == f"{folder}/caf\\xe9.json"
    record = store.get("urn:wirearchive:test:plain")
    assert record is not None
    assert record["provenance"]["wasDerivedFrom"]["path"] == result.path
    assert record["provenance"]["wasDerivedFrom"]["url"] == odd.as_uri()
    assert odd.as_uri().endswith("/caf%E9.json")
    assert manifest["inputs"] == [result.path]


def test_two_empty_files_are_two_quarantine_entries_each_naming_its_path(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.json", "b.json"):
        (folder / name).write_bytes(b"")
    manifest, results = _ingest(store, folder)
    assert manifest["counts"]["quarantined"] == 2
    assert len({r.outcome.qid for r in results if r.outcome}) == 2
    assert sorted(row["path"] for row in store.quarantined()) == [
        str(folder / "a.json"),
        str(folder / "b.json"),
    ]
    assert store.summary()["quarantined"] == 2 == verify(store).checked["quarantined"]
    _ingest(store, folder / "a.json")  # the same file again: the same entry, seen twice
    counts = {row["path"]: row["count"] for row in store.quarantined()}
    assert counts == {str(folder / "a.json"): 2, str(folder / "b.json"): 1}


def test_skipped_entries_are_counted_and_listed_in_the_manifest(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _copy(folder, "good.json")
    (folder / "out.json").symlink_to(EXAMPLES / "sputnik-kz-2024-05-29.json")
    manifest, results = _ingest(store, folder, tmp_path / "missing.json")
    assert manifest["counts"]["new"] == 1
    assert manifest["counts"]["skipped"] == 2
    assert [(s["path"], s["rule"]) for s in manifest["skipped"]] == [
        (str(folder / "out.json"), "walk.outside-tree"),
        (str(tmp_path / "missing.json"), "input.not-found"),
    ]
    assert [r.status for r in results if r.outcome is None] == ["skipped", "skipped"]


def test_without_a_store_items_are_checked_and_nothing_is_written(tmp_path: Path) -> None:
    checked: list[tuple[str, bool]] = []
    results: list[Result] = []
    intake = Intake(
        None,
        on_checked=lambda extracted, report: checked.append((extracted.path, report.valid)),
        on_result=results.append,
    )
    intake.walk([str(FEED)])
    manifest = intake.close()
    assert len(checked) == len(FEED.read_text().splitlines())
    assert {r.status for r in results} == {"checked"}
    assert manifest["counts"]["new"] == 0


# Everything is imported before privileges drop: the interpreter may live where nobody
# cannot read (pyenv under /root).
UNREADABLE_AS_NOBODY = """
import os, pwd, sys
from wirearchive.crawler.cli import main
from wirearchive.crawler import intake
from wirearchive.crawler.readers import readers
from wirearchive.validators import default_registry
readers(), default_registry(), intake.Checker(), intake.software_versions()
nobody = pwd.getpwnam("nobody")
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
sys.exit(main(sys.argv[1:]))
"""


def test_a_file_its_reader_may_not_open_fails_alone(tmp_path: Path) -> None:
    """Really unreadable: the command runs as nobody (root reads mode-000 files)."""
    if os.geteuid() != 0:
        pytest.fail("this test drops privileges, so it runs as root")
    shared = Path(tempfile.mkdtemp(prefix="wirearchive-nobody-"))
    try:
        shared.chmod(0o755)
        folder = shared / "in"
        folder.mkdir()
        folder.chmod(0o755)
        locked, good = _copy(folder, "locked.json", "good.json")
        locked.chmod(0o000)
        good.chmod(0o644)
        archive = shared / "archive"
        archive.mkdir()
        archive.chmod(0o777)
        ingest = subprocess.run(
            [sys.executable, "-c", UNREADABLE_AS_NOBODY, "ingest", "--archive", str(archive),
             "--events", str(folder)],
            capture_output=True, text=True, cwd=shared,
        )  # fmt: skip
        assert ingest.returncode == 1, ingest.stderr
        assert "Traceback" not in ingest.stderr
        *events, counts = (json.loads(line) for line in ingest.stdout.splitlines())
        assert (counts["new"], counts["failed"]) == (1, 1)
        failed = next(e for e in events if e["status"] == "failed")
        assert (failed["path"], failed["rule"]) == (str(locked), "input.unreadable")
        assert "Permission denied" in failed["reason"]
        validate = subprocess.run(
            [sys.executable, "-c", UNREADABLE_AS_NOBODY, "validate", "--json", str(folder)],
            capture_output=True, text=True, cwd=shared,
        )  # fmt: skip
        assert validate.returncode == 1, validate.stderr
        first, second = (json.loads(line) for line in validate.stdout.splitlines())
        assert [e["rule"] for e in second["errors"]] == ["input.unreadable"]
        assert first["valid"] is True
    finally:
        shutil.rmtree(shared)


# --- the mixed folder: every kind of good and bad input, through the real command ----------

DATA = Path(__file__).parents[1] / "data"
GOOD_FILES = [
    *sorted(EXAMPLES.iterdir()),
    DATA / "nitf" / "nitf-fishing.xml",
    DATA / "feeds" / "atom-full-content.xml",
    DATA / "sputnik-kz-2024-05-29.txt",
    DATA / "iptc7901" / "IPTC7901.txt",
    DATA / "anpa1312" / "anpa-1.tst",
    DATA / "newsml-1.2" / "afp.xml",
]
GZIPPED = DATA / "iptc7901" / "dpa_two_line.txt"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">\
<rect width="4" height="4"/></svg>\n'


def _nested_json(depth: int) -> bytes:
    item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_bytes())
    item["uri"] = f"urn:wirearchive:test:deep-{depth}"
    return json.dumps(item).encode()[:-1] + b', "extra": ' + b"[" * depth + b"]" * depth + b"}"


def _big_jsonl(path: Path, size: int, bad_line: int) -> int:
    """JSON Lines of distinct valid items with long bodies, `size` bytes or more; one bad line."""
    item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_bytes())
    body = item["bodies"][0]["value"]
    item["bodies"][0]["value"] = body * (60_000 // len(body) + 1)
    lines = 0
    with path.open("wb") as out:
        while out.tell() < size:
            lines += 1
            if lines == bad_line:
                out.write(b'{"uri": "urn:wirearchive:test:cut", "headlines": [\n')
                continue
            item["uri"] = f"urn:wirearchive:test:big-{lines}"
            out.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
    return lines


def _mixed_folder(root: Path) -> dict[str, str]:
    """Build the folder; return each bad input's name and the status it must end with."""
    folder = root / "in"
    (folder / "good").mkdir(parents=True)
    for path in GOOD_FILES:
        shutil.copy(path, folder / "good" / path.name)
    (folder / "good" / "dpa.txt.gz").write_bytes(gzip.compress(GZIPPED.read_bytes()))
    outside = root / "outside.json"
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", outside)
    os.mkfifo(folder / "pipe.json")  # unreadable: opening a FIFO would block forever
    (folder / "dangling.json").symlink_to(folder / "nowhere.json")
    (folder / "escape.json").symlink_to(outside)
    (folder / "loop").symlink_to(folder)
    (folder / "self.json").symlink_to(folder / "self.json")
    (folder / "deep-900.json").write_bytes(_nested_json(900))
    (folder / "deep-10000.json").write_bytes(_nested_json(10_000))
    item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_bytes())
    item["uri"] = "urn:wirearchive:test:cafe"
    (folder.joinpath(os.fsdecode(b"caf\xe9.json"))).write_bytes(json.dumps(item).encode())
    dup = json.dumps(item).encode()
    (folder / "duplicate-keys.json").write_bytes(dup[:-1] + b', "uri": "urn:wirearchive:test:dup"}')
    item["uri"] = "urn:wirearchive:test:nul\u0000uri"
    (folder / "nul-uri.json").write_bytes(json.dumps(item).encode())
    item["uri"] = "urn:wirearchive:test:nan"
    (folder / "nan.json").write_bytes(json.dumps({**item, "charcount": float("nan")}).encode())
    (folder / "empty-1.json").write_bytes(b"")
    (folder / "empty-2.json").write_bytes(b"")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as bundle:
        bundle.write(EXAMPLES / "sputnik-kz-2024-05-29.json", "item.json")
    shutil.copy(DATA / "hostile" / "truncated.xml", folder / "truncated.xml")
    (folder / "image.svg").write_bytes(SVG)
    return {
        "pipe.json": "skipped",
        "dangling.json": "skipped",
        "escape.json": "skipped",
        "loop": "skipped",
        "self.json": "skipped",
        "deep-900.json": "quarantined",
        "deep-10000.json": "quarantined",
        "duplicate-keys.json": "quarantined",
        "nul-uri.json": "quarantined",
        "nan.json": "quarantined",
        "empty-1.json": "quarantined",
        "empty-2.json": "quarantined",
        "bundle.zip": "quarantined",
        "truncated.xml": "quarantined",
        "image.svg": "quarantined",
    }


def _run_measured(argv: list[str], cwd: Path) -> tuple[int, str, str, int]:
    """Run a command; its exit code, output, error output and peak RSS in bytes."""
    out, err = cwd / "stdout", cwd / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(argv, stdout=stdout, stderr=stderr, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, out.read_text(), err.read_text(), usage.ru_maxrss * 1024


def test_a_mixed_folder_archives_every_good_input_and_names_every_bad_one(tmp_path: Path) -> None:
    expected = _mixed_folder(tmp_path)
    big = tmp_path / "in" / "big.jsonl"
    lines = _big_jsonl(big, 65 * 1024 * 1024, bad_line=500)
    archive = tmp_path / "archive"
    cli = [sys.executable, "-m", "wirearchive.crawler.cli"]
    command = [*cli, "ingest", "--archive", str(archive), "--events", str(tmp_path / "in")]
    code, out, err, peak = _run_measured(command, tmp_path)
    assert code == 1, err
    assert "Traceback" not in err
    assert err == ""
    *events, counts = (json.loads(line) for line in out.splitlines())
    by_name: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_name.setdefault(Path(event["path"]).name, []).append(event)

    # Every good file of every format is archived.
    for path in GOOD_FILES:
        statuses = {e["status"] for e in by_name[path.name]}
        assert statuses <= {"new", "unchanged"}, (path.name, by_name[path.name])
    assert {e["status"] for e in by_name["dpa.txt.gz"]} == {"new"}, by_name["dpa.txt.gz"]
    # Every bad input is named with its own status and rule, and nothing else is bad.
    for name, status in expected.items():
        (event,) = by_name[name]
        assert event["status"] == status, event
        assert event["rule"], event
    rules = {name: by_name[name][0]["rule"] for name in expected}
    assert rules["pipe.json"] == "input.unreadable"
    assert rules["dangling.json"] == "walk.dangling-link"
    assert rules["escape.json"] == "walk.outside-tree"
    assert rules["loop"] == "walk.loop"
    assert rules["self.json"] == "walk.loop"
    assert rules["empty-1.json"] == rules["empty-2.json"] == "text.empty"
    assert rules["truncated.xml"] == "xml.truncated"
    assert rules["bundle.zip"] == "input.archive"
    assert rules["image.svg"] == "input.unknown-format"
    # Ambiguous JSON is refused by its own rule, each only its own input's quarantine entry.
    assert rules["deep-900.json"] == rules["deep-10000.json"] == "json.too-deep"
    assert rules["duplicate-keys.json"] == "json.duplicate-key"
    assert rules["nul-uri.json"] == "json.control-character"
    assert rules["nan.json"] == "json.non-finite"
    assert by_name["empty-1.json"][0]["qid"] != by_name["empty-2.json"][0]["qid"]
    # The 65 MB JSON Lines file: every line archived but the bad one, named by its line.
    big_events = by_name["big.jsonl"]
    assert len(big_events) == lines
    (bad,) = [e for e in big_events if e["status"] != "new"]
    assert (bad["line"], bad["status"], bad["rule"]) == (500, "quarantined", "json.truncated")
    # A name that is not UTF-8 is archived under its escaped name; the URI keeps its bytes.
    (cafe,) = by_name["caf\\xe9.json"]
    assert cafe["status"] == "new"
    assert cafe["path"].endswith("/in/caf\\xe9.json")

    bad_inputs = sum(1 for s in expected.values() if s == "quarantined") + 1  # + line 500
    assert counts["quarantined"] == bad_inputs
    assert counts["skipped"] == sum(1 for s in expected.values() if s == "skipped")
    assert counts["failed"] == 0
    assert peak < 500 * 1024 * 1024, f"peak RSS {peak / 2**20:.0f} MiB"
    print(f"ingest of the mixed folder: peak RSS {peak / 2**20:.0f} MiB")

    code, out, err, _ = _run_measured(
        [*cli, "verify", "--archive", str(archive), "--json"], tmp_path
    )
    assert code == 0, out
    checked = json.loads(out)["checked"]
    summary = subprocess.run(
        [*cli, "summary", "--archive", str(archive), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(summary.stdout)["counts"]["quarantined"] == checked["quarantined"]
    with Store.open(str(archive)) as store:
        record = store.get("urn:wirearchive:test:cafe")
        assert record is not None
        derived = record["provenance"]["wasDerivedFrom"]
        assert derived["url"].endswith("/in/caf%E9.json")  # the exact bytes of the name
        manifest = store.runs()[-1]
    assert {entry["rule"] for entry in manifest["skipped"]} == {
        "input.unreadable", "walk.dangling-link", "walk.outside-tree", "walk.loop",
    }  # fmt: skip


# -- presentation, stale copies and withdrawals ------------------------------------------

STYLED_BODY = (
    '<div class="story-body" id="body-1" style="font-family:serif">\n'
    '  <p class="lead" data-analytics="lead">Exports of wheat from Black Sea ports rose for a '
    "third straight month in May,&nbsp;traders said.</p>\n"
    '  <p class="text">Freight rates <em class="hl">eased</em> &amp; forecasts improved.</p>\n'
    "</div>"
)


def _html_story() -> dict[str, Any]:
    item = _items()[0]
    item["bodies"] = [{"role": "main", "contentType": "text/html", "value": STYLED_BODY}]
    return item


def _write(path: Path, item: dict[str, Any]) -> Path:
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_stored_body_keeps_only_semantic_markup(store: Store, tmp_path: Path) -> None:
    item = _html_story()
    manifest, _ = _ingest(store, _write(tmp_path / "styled.json", item))
    assert manifest["counts"]["new"] == 1
    record = store.get(item["uri"])
    assert record is not None
    body = record["item"]["bodies"][0]["value"]
    assert body == (
        "<p>Exports of wheat from Black Sea ports rose for a third straight month in May,"
        "\u00a0traders said.</p>\n<p>Freight rates <em>eased</em> &amp; forecasts improved.</p>"
    )
    [normalized] = [s for s in record["provenance"]["steps"] if s["name"] == "normalize"]
    assert "$.bodies[0]" in normalized["detail"]
    assert "class ×4" in normalized["detail"]
    assert "style ×1" in normalized["detail"]
    # the raw bytes keep the page as it was delivered
    assert b'class=\\"story-body\\"' in store.raw(item["uri"])  # JSON-escaped quotes


def test_a_restyled_body_ingested_again_is_unchanged(store: Store, tmp_path: Path) -> None:
    item = _html_story()
    _ingest(store, _write(tmp_path / "styled.json", item))
    restyled = json.loads(json.dumps(item))
    restyled["bodies"][0]["value"] = (
        STYLED_BODY.replace('class="', 'class="theme-2024 ')
        .replace('id="body-1"', 'id="main-content"')
        .replace("font-family:serif", "font-family:sans-serif;color:#222")
        .replace("&nbsp;", "&#160;")
        .replace("\n  ", "\n\t\t")
    )
    restyled["versionCreated"] = "2024-05-29T08:00:00Z"
    manifest, results = _ingest(store, _write(tmp_path / "restyled.json", restyled))
    assert manifest["counts"]["unchanged"] == 1, [r.to_dict() for r in results]
    assert manifest["counts"]["updated"] == 0
    assert [v["version"] for v in store.history(item["uri"])] == [1]


def _two_versions() -> tuple[dict[str, Any], dict[str, Any]]:
    """A story and its corrected version 2, two hours later."""
    v1 = _items()[0]
    v2 = json.loads(json.dumps(v1))
    v2["headlines"][0]["value"] += " (corrected)"
    v2["versionCreated"] = "2024-05-29T09:00:00Z"
    return v1, v2


def test_v1_delivered_again_after_v2_is_unchanged_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    v1, v2 = _two_versions()
    first, second = _write(tmp_path / "v1.json", v1), _write(tmp_path / "v2.json", v2)
    _ingest(store, first)
    _ingest(store, second)
    manifest, results = _ingest(store, first)
    assert manifest["counts"]["unchanged"] == 1
    assert manifest["counts"]["updated"] == 0
    [result] = results
    found = result.to_dict()
    assert (found["status"], found["version"]) == ("unchanged", 1)
    assert [w["rule"] for w in found["warnings"]] == ["version.stale-redelivery"]
    latest = store.get(v1["uri"])
    assert latest is not None
    assert latest["version"] == 2
    assert latest["item"]["headlines"][0]["value"].endswith("(corrected)")
    assert store.history(v1["uri"])[0]["sightings"]["warnings"] == {"version.stale-redelivery": 1}
    assert manifest["validation"]["version.stale-redelivery"] == {"errors": 0, "warnings": 1}


def test_an_older_copy_with_other_text_is_a_stale_sighting(store: Store, tmp_path: Path) -> None:
    v1, v2 = _two_versions()
    early = json.loads(json.dumps(v1))
    early["headlines"][0]["value"] = "Wheat exports rise (early copy from a mirror)"
    early["versionCreated"] = "2024-05-29T08:00:00Z"
    _ingest(store, _write(tmp_path / "v1.json", v1), _write(tmp_path / "v2.json", v2))
    manifest, results = _ingest(store, _write(tmp_path / "early.json", early))
    assert manifest["counts"]["unchanged"] == 1
    [result] = results
    assert result.outcome is not None
    assert result.outcome.version == 2
    assert [w["rule"] for w in result.outcome.warnings] == ["version.stale"]
    assert [v["version"] for v in store.history(v1["uri"])] == [1, 2]


def test_a_canceled_notice_withdraws_the_item_and_keeps_its_versions(
    store: Store, tmp_path: Path
) -> None:
    v1, v2 = _two_versions()
    kill = {
        "uri": v1["uri"],
        "type": "text",
        "pubStatus": "canceled",
        "versionCreated": "2024-05-29T10:15:00Z",
        "edNote": "KILL: withdrawn for legal reasons. Do not use.",
        "standard": v1["standard"],
    }
    _ingest(store, _write(tmp_path / "v1.json", v1), _write(tmp_path / "v2.json", v2))
    manifest, results = _ingest(store, _write(tmp_path / "kill.json", kill))
    assert manifest["counts"]["updated"] == 1, [r.to_dict() for r in results]
    assert manifest["counts"]["quarantined"] == 0  # no body, and still not quarantined
    [result] = results
    assert result.to_dict()["event"] == "withdrawn"
    latest = store.get(v1["uri"])
    assert latest is not None
    assert (latest["version"], latest["status"]) == (2, "withdrawn")
    assert latest["withdrawn"]["pubStatus"] == "canceled"
    assert latest["withdrawn"]["run"] == manifest["run"]
    [event] = store.history(v1["uri"])[1]["events"]
    assert event["at"] == latest["withdrawn"]["at"]
    for number in (1, 2):
        assert store.get(v1["uri"], number) is not None
    assert verify(store).ok
    before = (store.history(v1["uri"]), store.get(v1["uri"]))
    assert store.reindex()["problems"] == []
    assert (store.history(v1["uri"]), store.get(v1["uri"])) == before


@pytest.mark.parametrize(
    ("story", "notice"),
    [
        (DATA / "nitf" / "NTB_nitf_sample.xml", DATA / "withdrawals" / "ntb-nitf-kill.xml"),
        (
            EXAMPLES / "iptc-newsml-g2-text.xml",
            DATA / "withdrawals" / "newsml-g2-canceled.xml",
        ),
    ],
    ids=["nitf", "newsml-g2"],
)
def test_wire_kill_notices_withdraw_their_story(store: Store, story: Path, notice: Path) -> None:
    first, results = _ingest(store, story)
    assert first["counts"]["new"] == 1, [r.reason for r in results]
    manifest, results = _ingest(store, notice)
    assert manifest["counts"]["updated"] == 1, [r.reason for r in results]
    [result] = results
    assert result.outcome is not None
    assert result.outcome.event == "withdrawn"
    assert result.outcome.id is not None
    latest = store.get(result.outcome.id)
    assert latest is not None
    assert latest["status"] == "withdrawn"
    assert latest["withdrawn"]["pubStatus"] == "canceled"
    assert verify(store).ok


def test_a_notice_for_an_unknown_item_is_quarantined(store: Store) -> None:
    manifest, _ = _ingest(store, DATA / "withdrawals" / "ntb-nitf-kill.xml")
    assert manifest["counts"]["quarantined"] == 1
    [row] = store.quarantined()
    assert row["rule"] == "withdrawal.unknown-item"


def _wire_7901(first_line: str, *, take: str = "", sent: str = "131137 GMT Nov 13") -> bytes:
    """A dpa IPTC 7901 message of the story keyed "Germany-test"."""
    head = "\x01eca077 1 i 40 ccccb   dpa 077\r\n\r\nGermany-test/\r\n\x02"
    head += f"{take}\r\n" if take else ""
    text = (
        f"Rail freight strike ends after two days =\r\n\r\n   {first_line}\r\nand its second"
        " line.\r\n\r\n   Another paragraph follows here with more words in it.\r\n"
        f"\x03{sent}\r\n\x7f\x7f\x04"
    )
    return (head + text).encode("ascii")


def test_an_iptc_7901_kill_message_withdraws_the_story_it_names(
    store: Store, tmp_path: Path
) -> None:
    story = tmp_path / "story.txt"
    story.write_bytes(_wire_7901("Berlin (dpa) - The strike of rail freight drivers ended."))
    kill = tmp_path / "kill.txt"
    kill.write_bytes(
        _wire_7901("Berlin (dpa) - The story is withdrawn.", take="KILL", sent="131420 GMT Nov 13")
    )
    first, results = _ingest(store, story)
    assert first["counts"]["new"] == 1, [r.to_dict() for r in results]
    manifest, results = _ingest(store, kill)
    assert manifest["counts"]["updated"] == 1, [r.to_dict() for r in results]
    (result,) = results
    assert result.outcome is not None
    assert result.outcome.event == "withdrawn"
    assert result.outcome.id is not None
    latest = store.get(result.outcome.id)
    assert latest is not None
    assert (latest["version"], latest["status"]) == (1, "withdrawn")
    assert latest["withdrawn"]["pubStatus"] == "canceled"
    assert latest["item"]["headlines"][0]["value"] == "Rail freight strike ends after two days"
    assert verify(store).ok


def test_chrome_only_pages_are_quarantined_as_body_chrome_only(
    store: Store, tmp_path: Path
) -> None:
    # An HTML page whose article is a share bar and a newsletter box (the reader makes an
    # item; the profile's rule refuses it) and a text capture of chrome only (the reader
    # refuses it), in Turkish and Ukrainian; the seed capture beside them is archived.
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "aa.html").write_text(
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">'
        "<title>Mersin Limanı'nda konteyner trafiği arttı - Örnek</title>"
        '<link rel="canonical" href="https://news.example/tr/2024/05/29/liman.html">'
        '<meta property="article:published_time" content="2024-05-29T10:15:00+03:00">'
        "</head><body><h1>Mersin Limanı'nda konteyner trafiği arttı</h1><article>"
        "<p>Paylaş</p><p>Twitter</p><p>Yazdır</p><p>E-bültenimize abone olun, günün en "
        "önemli haberleri her sabah e-posta kutunuza gelsin</p><p>Abone ol</p>"
        "</article></body></html>",
        "utf-8",
    )
    (inputs / "ukrinform.txt").write_text(
        "Поділитися\nПідписуйтесь на наш Telegram-канал\nЧитайте також\n"
        "Укренерго попередило про графіки відключень\nРедактор: Олена Коваль\n",
        "utf-8",
    )
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.txt", inputs / "seed.txt")
    manifest, results = _ingest(store, inputs)
    assert manifest["counts"]["new"] == 1
    assert manifest["counts"]["quarantined"] == 2
    reasons = {Path(r.path).name: r.reason for r in results if r.reason}
    assert set(reasons) == {"aa.html", "ukrinform.txt"}
    assert all("body.chrome-only" in (reason or "") for reason in reasons.values())
    assert manifest["validation"]["body.chrome-only"]["errors"] == 2


def _mixed_lines(path: Path) -> None:
    """JSON Lines with every kind of line the reader tells apart, and repeats."""
    items = _items()
    decomposed = dict(items[0], uri="urn:wirearchive:test:nfc")
    decomposed["headlines"] = [{"role": "main", "value": "Cafe\u0301 prices rise in Almaty"}]
    lines = [
        json.dumps(items[0]).encode(),
        b"",  # blank: left out, but counted in the numbering
        json.dumps(items[1]).encode() + b"\r",  # CRLF
        b'{"uri": "urn:x", "type": "text"',  # truncated JSON
        b"[1, 2]",  # not an object
        json.dumps(dict(items[2], language="english")).encode(),  # invalid
        b"x" * 5000,  # over the size limit below
        json.dumps(items[0]).encode(),  # the first again: unchanged
        json.dumps(decomposed, ensure_ascii=False).encode(),
        b'{"uri": "urn:y", "uri": "urn:z"}',  # duplicate key
    ]
    lines += [json.dumps(item).encode() for item in items[3:]]
    path.write_bytes(b"\n".join(lines))  # the last line has no newline


def _ingest_counting(
    store: Store, path: Path, **options: Any
) -> tuple[dict[str, Any], list[Result], int]:
    """`_ingest`, and how many lines the checking pool read."""
    results: list[Result] = []
    intake = Intake(store, on_result=results.append, **options)
    intake.walk([str(path)])
    return intake.close(), results, intake.pooled


def _outcomes(results: list[Result]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.to_dict().items() if k != "qid"} for r in results]


def test_the_checking_pool_gives_every_line_the_serial_outcome_in_order(tmp_path: Path) -> None:
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    _mixed_lines(feed)
    serial_store = Store.open(str(tmp_path / "serial"))
    pooled_store = Store.open(str(tmp_path / "pooled"))
    options: dict[str, Any] = {"max_bytes": 4096, "batch": 3}
    serial, serial_results, none = _ingest_counting(serial_store, feed, **options)
    pooled, pooled_results, lines = _ingest_counting(
        pooled_store, feed, workers=2, pool_bytes=0, **options
    )
    assert serial["counts"] == pooled["counts"]
    assert (none, lines) == (0, 9 + len(_items()) - 3)
    assert serial["counts"]["quarantined"] == 5, serial["counts"]
    assert serial["counts"]["unchanged"] == 1, serial["counts"]
    assert _outcomes(pooled_results) == _outcomes(serial_results)
    rest = range(11, 11 + len(_items()) - 3)
    assert [r.line for r in pooled_results] == [1, 3, 4, 5, 6, 7, 8, 9, 10, *rest]
    for store in (serial_store, pooled_store):
        assert verify(store).ok
    nfc = [
        pooled_store.get("urn:wirearchive:test:nfc"),
        serial_store.get("urn:wirearchive:test:nfc"),
    ]
    assert nfc[0] is not None
    assert nfc[1] is not None
    assert nfc[0]["item"] == nfc[1]["item"]
    assert nfc[0]["item"]["headlines"][0]["value"] == "Caf\u00e9 prices rise in Almaty"
    pooled_steps = nfc[0]["provenance"]["steps"]
    assert pooled_steps == nfc[1]["provenance"]["steps"]
    assert pooled_store.raw("urn:wirearchive:test:nfc") == serial_store.raw(
        "urn:wirearchive:test:nfc"
    )
    assert len(pooled_store.quarantined()) == len(serial_store.quarantined())
    serial_store.close()
    pooled_store.close()


def test_a_reader_that_raises_ends_the_file_there_in_the_pool_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wirearchive.crawler.readers.ninjs import NinjsReader

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(item) + "\n" for item in _items()))
    original = NinjsReader.extract

    def extract(
        self: NinjsReader, document: Any, media_type: str = "application/json", **options: Any
    ) -> Any:
        if document.line == 3:
            raise RuntimeError("a bug on line 3")
        return original(self, document, media_type, **options)

    monkeypatch.setattr(NinjsReader, "extract", extract)
    runs = []
    for name, options in (("serial", {}), ("pooled", {"workers": 2, "pool_bytes": 0})):
        store = Store.open(str(tmp_path / name))
        manifest, results, pooled = _ingest_counting(store, feed, **options)
        runs.append((manifest["counts"], _outcomes(results)))
        assert pooled == (2 if options else 0)
        store.close()
    assert runs[0] == runs[1]
    counts, outcomes = runs[0]
    assert counts["new"] == 2
    assert outcomes[-1]["rule"] == "ingest.reader-error"
    assert "RuntimeError: a bug on line 3" in outcomes[-1]["reason"]


def test_a_checked_item_packs_to_json_and_back_unchanged() -> None:
    import pickle

    from wirearchive.crawler.intake import prepare
    from wirearchive.crawler.readers.ninjs import READER
    from wirearchive.validators.inputs import Document

    line = json.dumps(_items()[0]).encode()
    document = Document("feed.jsonl", 1, json.loads(line), None, line)
    checked = prepare(Checker(), READER.extract(document, owned=True), records=True)
    assert isinstance(checked.prepared, tuple)
    item, digest = checked.prepared
    crossed = pickle.loads(pickle.dumps(checked.pack())).unpack()
    assert crossed.packed is None
    assert crossed.prepared == (item, digest)
    assert crossed.extracted.item is crossed.prepared[0]  # one dict, not two copies
    assert crossed.record == checked.record

    # orjson cannot write an integer over 64 bits: such an item crosses as it is.
    huge = prepare(Checker(), READER.extract(document, owned=False), records=True)
    assert isinstance(huge.prepared, tuple)
    huge.prepared[0]["x-big"] = 2**70
    assert huge.pack().packed is None
    assert huge.prepared[0]["x-big"] == 2**70
