"""`Ingest`: every input ends as a version, a sighting or a quarantined entry."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from wirearchive.archive import Store, verify
from wirearchive.crawler.ingest import Ingest, Result
from wirearchive.crawler.readers import read_inputs
from wirearchive.validators import StructuralValidator, default_registry

EXAMPLES = Path(__file__).parents[2] / "examples"
FEED = EXAMPLES / "wire-feed.jsonl"


def _items() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FEED.read_text().splitlines()]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(str(tmp_path / "archive"))


def _ingest(store: Store, *paths: Path, **options: Any) -> tuple[dict[str, Any], list[Result]]:
    results: list[Result] = []
    manifest = Ingest(store, on_result=results.append, **options).run([str(p) for p in paths])
    return manifest, results


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
    assert provenance["wasDerivedFrom"] == {"path": str(FEED), "line": 2}
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

    def remove_second(result: Result) -> None:
        second.unlink(missing_ok=True)

    ingest = Ingest(store, batch=1, on_result=remove_second)
    manifest = ingest.run([str(first), str(second)])
    assert manifest["counts"]["new"] == 1
    assert manifest["counts"]["failed"] == 1
    assert manifest["failures"] == [f"{second}: No such file or directory"]


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


# -- presentation, stale copies and withdrawals ------------------------------------------

DATA = Path(__file__).parents[1] / "data"
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


def test_v1_delivered_again_after_v2_is_unchanged_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    v1 = _items()[0]
    v2 = json.loads(json.dumps(v1))
    v2["headlines"][0]["value"] += " (corrected)"
    v2["versionCreated"] = "2024-05-29T09:00:00Z"
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


def test_an_older_copy_with_other_text_is_a_stale_sighting(store: Store, tmp_path: Path) -> None:
    v1 = _items()[0]
    v2 = json.loads(json.dumps(v1))
    v2["headlines"][0]["value"] += " (corrected)"
    v2["versionCreated"] = "2024-05-29T09:00:00Z"
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
    v1 = _items()[0]
    v2 = json.loads(json.dumps(v1))
    v2["headlines"][0]["value"] += " (corrected)"
    v2["versionCreated"] = "2024-05-29T09:00:00Z"
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
