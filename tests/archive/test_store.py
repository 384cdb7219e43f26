"""The store: versions, sightings, raw bytes, the change feed, quarantine, runs, diff,
recovery after a killed writer, and reindexing from the log."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from wirearchive.archive import (
    ArchiveError,
    Capture,
    HttpExchange,
    Outcome,
    Store,
    digest,
    new_run_id,
    resolve_location,
    verify,
)
from wirearchive.archive.log import LogEntry, read_entries, segment_name
from wirearchive.archive.store import Unencodable
from wirearchive.validators import StructuralValidator, default_registry

PROFILE = "wire-item-1.0"
Item = dict[str, Any]
ItemFactory = Callable[..., Item]
CaptureFactory = Callable[..., Capture]
Fill = Callable[[Store], None]
BAD = b'{"uri": "urn:x:bad", "headlines": [\xff\xfe\n'
REPORT: dict[str, Any] = {
    "valid": False,
    "errors": [
        {"path": "$", "rule": "input.encoding", "message": "not UTF-8 at byte 33"},
        {"path": "$", "rule": "json.syntax", "message": "second problem"},
    ],
}


@pytest.fixture(scope="module")
def schemas() -> StructuralValidator:
    return StructuralValidator(default_registry())


def _entries(store: Store, kind: str) -> list[LogEntry]:
    found = []
    for name in store.backend.names("log/"):
        with store.backend.open(name) as stream:
            found += [e for e in read_entries(name, stream) if e.kind == kind]
    return found


def _snapshot(store: Store, ids: Iterable[str]) -> dict[str, Any]:
    return {
        "summary": store.summary(),
        "history": {item_id: store.history(item_id) for item_id in ids},
        "changes": list(store.changes()),
        "quarantined": store.quarantined(),
        "runs": store.runs(),
        "segments": store.catalog.segments(),
        "warcs": store.catalog.warcs(),
        "head": store.catalog.head(),
    }


def _archive_files(root: Path) -> list[str]:
    """The archive's files, the catalog's own (WAL, shared memory) left out."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith("catalog.sqlite")
    )


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# -- put: new, unchanged, updated ------------------------------------------------


def test_new_then_unchanged_then_updated(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item(headline="Café crème prices rise in Zürich", located="Zürich")
    uri = item["uri"]
    first = store.put(item, make_capture(item), run="run-1", profile=PROFILE)
    assert (first.status, first.id, first.version) == ("new", uri, 1)
    assert first.digest == digest(item)
    assert first.qid is None

    again = store.put(item, make_capture(item), run="run-1", profile=PROFILE)
    assert (again.status, again.version, again.digest) == ("unchanged", 1, first.digest)
    republished = dict(item, versionCreated="2024-06-01T10:00:00Z", version="9")
    outcome = store.put(republished, make_capture(republished), run="run-2", profile=PROFILE)
    assert (outcome.status, outcome.version) == ("unchanged", 1)
    decomposed = dict(
        item,
        headlines=[{"role": "main", "value": _nfd(item["headlines"][0]["value"])}],
        located=_nfd("Zürich"),
    )
    assert decomposed != item
    outcome = store.put(decomposed, make_capture(decomposed), run="run-2", profile=PROFILE)
    assert (outcome.status, outcome.version) == ("unchanged", 1)

    changed = make_item(headline="Café crème prices fall in Zürich", located="Zürich")
    second = store.put(changed, make_capture(changed), run="run-3", profile=PROFILE)
    assert (second.status, second.id, second.version) == ("updated", uri, 2)
    assert second.digest == digest(changed) != first.digest
    assert [int(o.cursor) for o in (first, again, second)] == sorted(
        int(o.cursor) for o in (first, again, second)
    )

    v1, v2 = store.get(uri, 1), store.get(uri, 2)
    assert v1 is not None
    assert v2 is not None
    assert (v1["version"], v1["previous"], v1["item"]["version"]) == (1, None, "1")
    assert (v2["version"], v2["previous"], v2["item"]["version"]) == (2, first.digest, "2")
    assert v2["digest"] == second.digest
    assert v2["item"]["headlines"][0]["value"] == "Café crème prices fall in Zürich"
    assert store.get(uri) == v2
    assert store.summary()["versions"] == 2
    assert store.summary()["sightings"] == 3


def test_the_stored_item_is_nfc(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item(headline=_nfd("Жаңа ережелер: café"))
    store.put(item, make_capture(item), run="r", profile=PROFILE)
    record = store.get(item["uri"])
    assert record is not None
    value = record["item"]["headlines"][0]["value"]
    assert value == unicodedata.normalize("NFC", item["headlines"][0]["value"])
    assert value != item["headlines"][0]["value"]
    assert record["digest"] == digest(item)


def test_history_counts_sightings_with_first_and_last_seen_and_runs(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    uri = item["uri"]
    store.put(item, make_capture(item), run="run-1", profile=PROFILE)
    store.put(item, make_capture(item), run="run-1", profile=PROFILE)
    store.put(item, make_capture(item), run="run-2", profile=PROFILE)
    changed = make_item(headline="Changed")
    store.put(changed, make_capture(changed), run="run-3", profile=PROFILE)

    v1, v2 = store.get(uri, 1), store.get(uri, 2)
    assert v1 is not None
    assert v2 is not None
    sightings = _entries(store, "sighting")
    assert [s.body["run"] for s in sightings] == ["run-1", "run-2"]
    history = store.history(uri)
    assert [h["version"] for h in history] == [1, 2]
    first, second = history
    assert first["digest"] == v1["digest"]
    assert first["previous"] is None
    assert second["previous"] == v1["digest"]
    assert first["archivedAt"] == v1["provenance"]["generatedAtTime"]
    assert first["run"] == "run-1"
    assert first["sightings"]["count"] == 3  # archived once, seen twice more
    assert first["sightings"]["firstSeen"] == v1["provenance"]["generatedAtTime"]
    assert first["sightings"]["lastSeen"] == sightings[-1].body["seenAt"]
    assert first["sightings"]["firstSeen"] < first["sightings"]["lastSeen"]
    assert first["sightings"]["runs"] == ["run-1", "run-2"]
    assert second["sightings"] == {
        "count": 1,
        "firstSeen": v2["provenance"]["generatedAtTime"],
        "lastSeen": v2["provenance"]["generatedAtTime"],
        "runs": ["run-3"],
    }
    assert second["run"] == "run-3"
    assert int(first["cursor"]) < int(second["cursor"])
    assert store.history("urn:x:unknown") == []


def test_get_of_unknown_items_and_versions(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    store.put(item, make_capture(item), run="r", profile=PROFILE)
    assert store.get("urn:x:unknown") is None
    assert store.get("urn:x:unknown", 1) is None
    assert store.get(item["uri"], 2) is None
    assert store.get(item["uri"], 0) is None
    with pytest.raises(ArchiveError, match="no such item or version"):
        store.raw("urn:x:unknown")
    with pytest.raises(ArchiveError, match="no such item or version"):
        store.raw(item["uri"], 2)


def test_an_item_needs_a_uri(store: Store, make_item: ItemFactory) -> None:
    writer = store.writer("r")
    base = make_item()
    without = {key: value for key, value in base.items() if key != "uri"}
    for item in (without, {**base, "uri": ""}, {**base, "uri": 7}):
        with pytest.raises(ValueError, match="needs a uri"):
            writer.put(item, Capture(b"{}", "file:///x"), profile=PROFILE)
    assert len(writer) == 0
    assert writer.commit() == []
    assert store.catalog.head() == (0, 0)


def test_outcome_to_dict() -> None:
    outcome = Outcome("new", "urn:x:1", 1, "sha256:ab", "2")
    assert outcome.to_dict() == {
        "status": "new",
        "id": "urn:x:1",
        "version": 1,
        "digest": "sha256:ab",
    }
    assert Outcome("quarantined", None, None, None, "3", "q-1").to_dict() == {
        "status": "quarantined",
        "id": None,
        "version": None,
        "qid": "q-1",
    }


# -- raw bytes ------------------------------------------------------------------------


def test_raw_returns_the_exact_input_bytes(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    odd = b"\xef\xbb\xbf" + orjson.dumps(item) + b"\r\n\x00\xff\xfe\x1f\x8b \n"
    store.put(item, Capture(odd, "file:///in/odd.json"), run="r", profile=PROFILE)
    changed = make_item(headline=_nfd("Crème brûlée"))
    nfd_bytes = orjson.dumps(changed)
    assert nfd_bytes != orjson.dumps(make_item(headline="Crème brûlée"))
    store.put(changed, Capture(nfd_bytes, "file:///in/nfd.json"), run="r", profile=PROFILE)
    assert store.raw(item["uri"], 1) == odd
    assert store.raw(item["uri"], 2) == nfd_bytes  # NFD as it came, though the item is NFC
    assert store.raw(item["uri"]) == nfd_bytes


def test_raw_bytes_survive_uncompressed_warc_files(
    archive_dir: Path, make_item: ItemFactory
) -> None:
    with Store.open(str(archive_dir), gzip=False) as store:
        item = make_item()
        data = b"\x00WARC/1.1\r\n\r\n" + orjson.dumps(item)
        store.put(item, Capture(data, "file:///in/a.json"), run="r", profile=PROFILE)
        [name] = store.backend.names("warc/")
        assert store.backend.read(name).startswith(b"WARC/1.1\r\n")
        assert store.raw(item["uri"]) == data
        assert verify(store).ok


def test_identical_raw_bytes_are_stored_once(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    raw = make_capture(item)
    store.put(item, raw, run="r", profile=PROFILE)
    changed = make_item(headline="Same bytes, different reading")
    later = Capture(raw.data, "file:///in/again.json", media_type="text/plain")
    outcome = store.put(changed, later, run="r", profile=PROFILE)
    assert outcome.version == 2
    v1, v2 = store.get(item["uri"], 1), store.get(item["uri"], 2)
    assert v1 is not None
    assert v2 is not None
    keys = ("sha256", "size", "warcFile", "warcRecordId", "warcOffset")
    ref1 = {k: v1["provenance"]["capture"][k] for k in keys}
    ref2 = {k: v2["provenance"]["capture"][k] for k in keys}
    assert ref1 == ref2
    # what belongs to this retrieval is still this retrieval's
    assert v2["provenance"]["capture"]["mediaType"] == "text/plain"
    assert v2["provenance"]["wasDerivedFrom"] == {"url": "file:///in/again.json"}
    assert list(store.backend.names("warc/")) == [ref1["warcFile"]]  # no second WARC file
    assert store.raw(item["uri"], 2) == raw.data


def test_identical_raw_bytes_in_one_group_make_one_record(
    store: Store, make_item: ItemFactory
) -> None:
    shared = b'{"a feed line that holds": "two items"}'
    writer = store.writer("r")
    for n in (1, 2):
        writer.put(make_item(n), Capture(shared, f"file:///in/{n}"), profile=PROFILE)
    writer.commit()
    first, second = store.get(make_item(1)["uri"]), store.get(make_item(2)["uri"])
    assert first is not None
    assert second is not None
    assert (
        first["provenance"]["capture"]["warcRecordId"]
        == (second["provenance"]["capture"]["warcRecordId"])
    )
    result = verify(store)
    assert result.ok, result.findings
    assert result.checked["warcRecords"] == 2  # the warcinfo record and one resource


# -- one group, one uri twice -------------------------------------------------------------


def test_the_same_uri_twice_in_one_group(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item, changed = make_item(), make_item(headline="Corrected headline")
    later = "2024-05-29T09:00:00Z"
    revert = make_item(versionCreated=later)  # v1's text again, sent as a newer version
    writer = store.writer("r")
    for each in (item, changed, changed, item, revert):
        writer.put(each, make_capture(each), profile=PROFILE)
    outcomes = writer.commit()
    assert [(o.status, o.version) for o in outcomes] == [
        ("new", 1),
        ("updated", 2),
        ("unchanged", 2),
        ("unchanged", 1),  # the v1 copy again: stale, within the group as across groups
        ("updated", 3),  # the same text with a newer versionCreated: a real revert
    ]
    assert [w["rule"] for w in outcomes[3].warnings] == ["version.stale-redelivery"]
    assert outcomes[2].warnings == ()
    cursors = [int(o.cursor) for o in outcomes]
    assert cursors == sorted(cursors)
    assert len(set(cursors)) == 5
    v2, v3 = store.get(item["uri"], 2), store.get(item["uri"], 3)
    assert v2 is not None
    assert v3 is not None
    assert v2["previous"] == outcomes[0].digest
    assert v3["previous"] == outcomes[1].digest
    assert v3["digest"] == outcomes[0].digest
    assert [h["sightings"]["count"] for h in store.history(item["uri"])] == [2, 2, 1]
    result = verify(store)
    assert result.ok, result.findings


def test_the_same_item_twice_in_one_group_is_new_then_unchanged(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    writer = store.writer("r")
    writer.put(item, make_capture(item), profile=PROFILE)
    writer.put(item, make_capture(item, b" "), profile=PROFILE)
    first, second = writer.commit()
    assert (first.status, first.version) == ("new", 1)
    assert (second.status, second.version, second.digest) == ("unchanged", 1, first.digest)
    assert store.history(item["uri"])[0]["sightings"]["count"] == 2
    assert verify(store).ok


def test_concurrent_writers_number_versions_without_gaps(
    archive_dir: Path,
    catalog_spec: str | None,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    # The catalog's write transaction is the archive's write lock: two writers can never
    # both make the same version, whichever store object or thread they use.
    Store.open(str(archive_dir)).close()
    errors: list[BaseException] = []
    outcomes: list[Outcome] = []

    def write(writer: int) -> None:
        try:
            with Store.open(str(archive_dir)) as store:
                for edit in range(8):
                    item = make_item(headline=f"Writer {writer}, edit {edit}")
                    outcomes.append(
                        store.put(item, make_capture(item), run=f"run-{writer}", profile=PROFILE)
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(o.version or 0 for o in outcomes) == list(range(1, 25))
    with Store.open(str(archive_dir)) as store:
        history = store.history(make_item()["uri"])
        assert [h["version"] for h in history] == list(range(1, 25))
        assert [h["previous"] for h in history[1:]] == [h["digest"] for h in history[:-1]]
        result = verify(store)
        assert result.ok, result.findings


def test_a_version_reuses_bytes_kept_for_a_quarantined_input(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item()
    capture = make_capture(item)
    writer = store.writer("run-1")
    writer.quarantine(capture=capture, report=REPORT)
    [quarantined] = writer.commit()
    assert quarantined.qid is not None
    outcome = store.put(item, capture, run="run-2", profile=PROFILE)  # accepted on a re-run
    assert outcome.status == "new"
    entry, record = store.quarantine_entry(quarantined.qid), store.get(item["uri"])
    assert entry is not None
    assert record is not None
    assert (
        record["provenance"]["capture"]["warcRecordId"]
        == (entry["provenance"]["capture"]["warcRecordId"])
    )
    assert list(store.backend.names("warc/")) == ["warc/000000000001.warc.gz"]
    assert store.raw(item["uri"]) == capture.data
    assert verify(store).ok


# -- provenance and schemas ----------------------------------------------------------


def test_records_and_provenance_are_valid(
    store: Store,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
    schemas: StructuralValidator,
) -> None:
    item = make_item()
    store.put(
        item,
        make_capture(item),
        run="run-1",
        profile=PROFILE,
        source="example-wire",
        provenance={
            "wasDerivedFrom": {"path": "in/feed.jsonl", "line": 3},
            "steps": [{"name": "read", "detail": "JSON Lines"}],
            "wasAttributedTo": {"schema": "https://wirearchive.invalid/schemas/x.json"},
        },
        warnings=[
            {"path": "$", "rule": "time.created-missing", "message": "no time", "extra": 1},
        ],
    )
    changed = make_item(headline="Changed")
    store.put(changed, make_capture(item), run="run-2", profile=PROFILE)  # reused bytes
    for version in (1, 2):
        record = store.get(item["uri"], version)
        assert record is not None
        assert schemas.is_valid("provenance-1.0", record["provenance"]), schemas.problems(
            "provenance-1.0", record["provenance"]
        )
        assert schemas.is_valid("record-1.0", record), schemas.problems("record-1.0", record)
    record = store.get(item["uri"], 1)
    assert record is not None
    provenance = record["provenance"]
    assert provenance["wasDerivedFrom"] == {"path": "in/feed.jsonl", "line": 3}
    assert provenance["steps"] == [{"name": "read", "detail": "JSON Lines"}]
    assert provenance["source"] == "example-wire"
    assert provenance["run"] == "run-1"
    assert provenance["wasAttributedTo"]["agent"] == "wirearchive"
    assert provenance["wasAttributedTo"]["schema"].endswith("/x.json")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", provenance["generatedAtTime"])
    assert provenance["capture"]["sha256"] == make_capture(item).sha256
    assert provenance["capture"]["size"] == len(make_capture(item).data)
    assert provenance["capture"]["mediaType"] == "application/json"
    assert record["validation"] == {
        "profile": PROFILE,
        "warnings": [{"path": "$", "rule": "time.created-missing", "message": "no time"}],
    }


def test_a_record_with_a_broken_chain_is_not_valid(
    store: Store,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
    schemas: StructuralValidator,
) -> None:
    # The schema itself must be able to fail, or the test above proves nothing.
    item = make_item()
    store.put(item, make_capture(item), run="r", profile=PROFILE)
    record = store.get(item["uri"])
    assert record is not None
    assert not schemas.is_valid("record-1.0", {**record, "previous": record["digest"]})
    assert not schemas.is_valid("record-1.0", {**record, "digest": "sha256:xyz"})
    provenance = {**record["provenance"], "run": ""}
    assert not schemas.is_valid("provenance-1.0", provenance)


# -- the change feed ------------------------------------------------------------------


def _ids(records: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(r["id"], r["version"]) for r in records]


def test_changes_lists_versions_in_order_and_resumes_after_the_cursor(
    store: Store, fill: Fill, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    one, two = make_item(1)["uri"], make_item(2)["uri"]
    assert list(store.changes()) == []
    fill(store)
    feed = store.changes()
    assert feed.cursor == "0"
    records = list(feed)
    assert _ids(records) == [(one, 1), (two, 1), (one, 2)]
    assert records[0] == store.get(one, 1)
    assert feed.cursor == str(store.catalog.head()[1])

    caught_up = store.changes(feed.cursor)
    assert list(caught_up) == []
    assert caught_up.cursor == feed.cursor

    changed = make_item(2, headline="Item two, corrected")
    store.put(changed, make_capture(changed), run="run-c", profile=PROFILE)
    newer = store.changes(feed.cursor)
    assert _ids(newer) == [(two, 2)]
    assert newer.cursor == str(store.catalog.head()[1])
    assert _ids(store.changes("")) == [(one, 1), (two, 1), (one, 2), (two, 2)]


def test_entries_of_one_kind_in_seq_order_between_cursors(store: Store, fill: Fill) -> None:
    fill(store)
    head = store.catalog.head()[1]
    versions = list(store.entries("version"))
    assert [(e.kind, e.body["id"], e.body["version"]) for e in versions] == [
        ("version", r["id"], r["version"]) for r in store.changes()
    ]
    assert [e.seq for e in versions] == sorted(e.seq for e in versions)
    quarantined = list(store.entries("quarantine"))
    assert [e.kind for e in quarantined] == ["quarantine", "quarantine"]  # one input, twice
    assert len({e.body["qid"] for e in quarantined}) == store.summary()["quarantined"] == 1
    # since is exclusive and until inclusive: each entry falls in exactly one range
    cut = versions[1].seq
    assert [e.seq for e in store.entries("version", 0, cut)] == [e.seq for e in versions[:2]]
    assert [e.seq for e in store.entries("version", cut, head)] == [e.seq for e in versions[2:]]
    assert list(store.entries("event")) == []
    with pytest.raises(ValueError, match="no table of 'sighting' entries"):
        list(store.entries("sighting"))


def test_changes_in_pages(store: Store, fill: Fill) -> None:
    fill(store)
    everything = _ids(store.changes())
    pages: list[list[tuple[str, int]]] = []
    cursor: str | None = None
    for _ in range(10):  # a feed that never ends would fail below, not hang
        page = store.changes(cursor, limit=2)
        pages.append(_ids(page))
        if page.cursor == cursor:
            break
        cursor = page.cursor
    assert len(pages) == 3
    assert pages[0] == everything[:2]
    assert pages[1] == everything[2:]
    assert pages[-1] == []
    assert [row for page in pages for row in page] == everything
    # a full page resumes exactly after its last record
    first = store.changes(limit=2)
    records = list(first)
    second_record = records[-1]
    assert (
        first.cursor == store.history(second_record["id"])[second_record["version"] - 1]["cursor"]
    )
    assert _ids(store.changes(first.cursor, limit=1)) == everything[2:3]


def test_a_cursor_ahead_of_the_archive_is_an_error(store: Store, fill: Fill) -> None:
    fill(store)
    _, head = store.catalog.head()
    assert list(store.changes(str(head))) == []
    with pytest.raises(ArchiveError, match="ahead of this archive"):
        list(store.changes(str(head + 1)))


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", " 1", "0x10", "1e3", "\u00b2"])
def test_a_cursor_that_is_not_a_number_is_an_error(store: Store, cursor: str) -> None:
    with pytest.raises(ArchiveError, match="not a cursor"):
        list(store.changes(cursor))


# -- quarantine ----------------------------------------------------------------------------


def test_quarantine_keeps_raw_bytes_report_item_and_provenance(store: Store) -> None:
    writer = store.writer("run-1", source="feed")
    partial = {"uri": "urn:x:bad", "headlines": []}
    writer.quarantine(
        capture=Capture(BAD, "file:///in/feed.jsonl", media_type="application/x-ndjson"),
        report=REPORT,
        item=partial,
        provenance={"wasDerivedFrom": {"path": "in/feed.jsonl", "line": 7}},
        path="in/feed.jsonl",
        line=7,
    )
    [outcome] = writer.commit()
    assert outcome.status == "quarantined"
    assert (outcome.id, outcome.version, outcome.digest) == (None, None, None)
    assert outcome.qid is not None
    assert outcome.qid.startswith("q-")

    entry = store.quarantine_entry(outcome.qid)
    assert entry is not None
    assert entry["qid"] == outcome.qid
    assert entry["report"] == REPORT
    assert entry["item"] == partial
    assert (entry["path"], entry["line"], entry["run"]) == ("in/feed.jsonl", 7, "run-1")
    provenance = entry["provenance"]
    assert provenance["wasDerivedFrom"] == {"path": "in/feed.jsonl", "line": 7}
    assert provenance["source"] == "feed"
    assert provenance["capture"]["mediaType"] == "application/x-ndjson"
    assert store.capture_bytes(provenance["capture"]) == BAD

    [row] = store.quarantined()
    assert row["qid"] == outcome.qid
    assert row["count"] == 1
    assert (row["path"], row["line"]) == ("in/feed.jsonl", 7)
    assert (row["rule"], row["message"]) == ("input.encoding", "not UTF-8 at byte 33")
    assert store.quarantined(outcome.qid) == [row]
    assert store.quarantine_entry("q-unknown") is None


def test_the_same_bad_input_twice_is_one_entry_seen_twice(store: Store) -> None:
    outcomes = []
    for run in ("run-1", "run-2"):
        writer = store.writer(run)
        writer.quarantine(capture=Capture(BAD, "file:///in/a.json"), report=REPORT)
        outcomes += writer.commit()
    assert outcomes[0].qid == outcomes[1].qid
    [row] = store.quarantined()
    assert row["count"] == 2
    assert row["firstSeen"] < row["lastSeen"]
    assert store.summary()["quarantined"] == 1
    entry = store.quarantine_entry(row["qid"])
    assert entry is not None
    assert entry["run"] == "run-2"  # the latest entry
    assert len(list(store.backend.names("warc/"))) == 1  # the bytes are kept once
    assert store.capture_bytes(entry["provenance"]["capture"]) == BAD


def test_the_same_bytes_in_two_files_are_two_entries_each_naming_its_path(store: Store) -> None:
    writer = store.writer("r")
    for path in ("in/a.json", "elsewhere/b.json"):
        writer.quarantine(
            capture=Capture(b"", f"file:///{path}"), report=REPORT, path=path
        )  # two empty files: the same bytes
    first, second = writer.commit()
    assert first.qid != second.qid
    rows = store.quarantined()
    assert sorted(row["path"] for row in rows) == ["elsewhere/b.json", "in/a.json"]
    assert store.summary()["quarantined"] == 2 == verify(store).checked["quarantined"]
    first_entry = store.quarantine_entry(str(first.qid))
    second_entry = store.quarantine_entry(str(second.qid))
    assert first_entry is not None
    assert second_entry is not None
    kept = [e["provenance"]["capture"]["warcRecordId"] for e in (first_entry, second_entry)]
    assert kept[0] == kept[1]  # the WARC still holds the bytes once


def test_quarantine_without_capture_gets_a_stable_id(store: Store) -> None:
    qids: list[str] = []
    for _ in range(2):
        writer = store.writer("r")
        writer.quarantine(
            capture=None,
            report=REPORT,
            provenance={"wasDerivedFrom": {"url": "https://example.org/gone"}},
        )
        [outcome] = writer.commit()
        assert outcome.qid is not None
        qids.append(outcome.qid)
    other = store.writer("r")
    other.quarantine(
        capture=None, report=REPORT, provenance={"wasDerivedFrom": {"url": "https://x.org/"}}
    )
    [different] = other.commit()
    assert qids[0] == qids[1] != different.qid
    assert [row["count"] for row in store.quarantined()] == [2, 1]
    entry = store.quarantine_entry(qids[0])
    assert entry is not None
    assert "capture" not in entry["provenance"]
    assert list(store.backend.names("warc/")) == []


# -- runs ------------------------------------------------------------------------------------


def test_finish_run_writes_a_manifest_and_lists_the_run(
    store: Store, archive_dir: Path, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    run = new_run_id(datetime(2024, 5, 29, 7, 0, tzinfo=UTC))
    assert re.fullmatch(r"run-20240529T070000Z-[0-9a-f]{8}", run)
    item = make_item()
    store.put(item, make_capture(item), run=run, profile=PROFILE)
    assert store.runs() == [{"run": run, "status": "unfinished"}]
    manifest = {"run": run, "status": "finished", "counts": {"new": 1}, "sources": ["a"]}
    store.finish_run(manifest)
    assert orjson.loads((archive_dir / "runs" / f"{run}.json").read_bytes()) == manifest
    assert store.runs() == [manifest]
    assert [e.body["manifest"] for e in _entries(store, "run")] == [manifest]
    updated = {**manifest, "status": "failed"}
    store.finish_run(updated)
    assert store.runs() == [updated]
    assert orjson.loads((archive_dir / "runs" / f"{run}.json").read_bytes()) == updated
    assert verify(store).ok


@pytest.mark.parametrize("extra", [{"kind": "import"}, {"seq": 1}], ids=["kind", "seq"])
def test_any_manifest_field_survives_the_log(
    archive_dir: Path, extra: dict[str, Any], make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    # A run manifest is the caller's dict; fields named like the log's own must not
    # change the log line's kind or sequence number.
    manifest = {"run": "run-1", "status": "finished", **extra}
    with Store.open(str(archive_dir)) as store:
        item = make_item()
        store.put(item, make_capture(item), run="run-1", profile=PROFILE)
        store.finish_run(manifest)
        assert store.runs() == [manifest]
        result = verify(store)
        assert result.ok, [str(f) for f in result.findings]
        assert store.reindex()["problems"] == []
        assert store.runs() == [manifest]
    with Store.open(str(archive_dir)) as store:
        assert store.runs() == [manifest]


def test_resolve_location() -> None:
    assert resolve_location("given", {"WIREARCHIVE_ARCHIVE": "env"}) == "given"
    assert resolve_location(None, {"WIREARCHIVE_ARCHIVE": "env"}) == "env"
    assert resolve_location(None, {}) == "archive-data"


def test_open_with_a_file_uri(tmp_path: Path, make_item: ItemFactory) -> None:
    folder = tmp_path / "by uri"
    item = make_item()
    with Store.open(folder.as_uri()) as store:
        store.put(item, Capture(b"raw", "file:///in"), run="r", profile=PROFILE)
    assert (folder / "catalog.sqlite").is_file()
    with Store.open(str(folder)) as store:
        assert store.raw(item["uri"]) == b"raw"
    with pytest.raises(ArchiveError, match="scheme 'gs'"):
        Store.open("gs://bucket/archive")


# -- diff ------------------------------------------------------------------------------------


def test_diff_lists_changed_fields_and_the_body_as_a_unified_diff(
    store: Store, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item(body="First paragraph.\nSecond paragraph.\nThird paragraph.")
    changed = make_item(
        headline="A new headline",
        body="First paragraph.\nSecond paragraph, corrected.\nThird paragraph.",
        versionCreated="2024-05-29T09:00:00Z",
        keywords=["wheat"],
    )
    del changed["located"]
    store.put(item, make_capture(item), run="r", profile=PROFILE)
    store.put(changed, make_capture(changed), run="r", profile=PROFILE)
    found = store.diff(item["uri"], 1, 2)
    assert (found["id"], found["from"], found["to"]) == (item["uri"], 1, 2)
    assert found["changed"] == [
        {
            "path": "$.bodies[0].value",
            "from": item["bodies"][0]["value"],
            "to": changed["bodies"][0]["value"],
        },
        {
            "path": "$.headlines[0].value",
            "from": item["headlines"][0]["value"],
            "to": "A new headline",
        },
        {"path": "$.keywords[0]", "from": None, "to": "wheat"},
        {"path": "$.located", "from": "London", "to": None},
        {"path": "$.versionCreated", "from": item["versionCreated"], "to": "2024-05-29T09:00:00Z"},
    ]
    assert found["body"].splitlines() == [
        f"--- {item['uri']} v1",
        f"+++ {item['uri']} v2",
        "@@ -1,3 +1,3 @@",
        " First paragraph.",
        "-Second paragraph.",
        "+Second paragraph, corrected.",
        " Third paragraph.",
    ]
    backwards = store.diff(item["uri"], 2, 1)
    assert [c["path"] for c in backwards["changed"]] == [c["path"] for c in found["changed"]]
    assert store.diff(item["uri"], 1, 1)["changed"] == []
    assert store.diff(item["uri"], 1, 1)["body"] == ""
    with pytest.raises(ArchiveError, match="no version 3"):
        store.diff(item["uri"], 1, 3)


# -- recovery --------------------------------------------------------------------------------


def test_a_writer_killed_before_its_catalog_commit_is_recovered(
    store: Store,
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    first, second = make_item(1), make_item(2)
    store.put(first, make_capture(first), run="r", profile=PROFILE)

    def killed(*args: Any) -> None:
        raise KeyboardInterrupt  # the process dies once the segment is on disk

    monkeypatch.setattr(store.catalog, "index_segment", killed)
    with pytest.raises(KeyboardInterrupt):
        store.put(second, make_capture(second), run="r", profile=PROFILE)
    monkeypatch.undo()
    store.close()
    assert (archive_dir / "log" / "000000000002.jsonl").is_file()

    with Store.open(str(archive_dir), recover=False) as lagging:
        assert lagging.catalog.head()[0] == 1
        assert lagging.get(second["uri"]) is None
        assert lagging.recover() == [
            "indexed log/000000000002.jsonl, which a writer finished before it stopped"
        ]
        assert lagging.recover() == []
    with Store.open(str(archive_dir)) as reopened:
        record = reopened.get(second["uri"])
        assert record is not None
        assert record["version"] == 1
        assert reopened.raw(second["uri"]) == make_capture(second).data
        result = verify(reopened)
        assert result.ok, result.findings


def test_store_open_indexes_segments_the_catalog_lost(
    archive_dir: Path, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    first, second, third = make_item(1), make_item(2), make_item(3)
    with Store.open(str(archive_dir)) as store:
        store.put(first, make_capture(first), run="r", profile=PROFILE)
    saved = archive_dir.parent / "catalog-before"
    shutil.copy(archive_dir / "catalog.sqlite", saved)
    with Store.open(str(archive_dir)) as store:
        store.put(second, make_capture(second), run="r", profile=PROFILE)
        writer = store.writer("r")
        writer.put(third, make_capture(third), profile=PROFILE)
        writer.quarantine(capture=Capture(BAD, "file:///bad"), report=REPORT)
        writer.commit()
        store.finish_run({"run": "r", "status": "finished"})
        expected = _snapshot(store, [first["uri"], second["uri"], third["uri"]])
    # The catalog as it was before the later commits: it lags four segments behind the log.
    for leftover in archive_dir.glob("catalog.sqlite*"):
        leftover.unlink()
    shutil.copy(saved, archive_dir / "catalog.sqlite")
    with Store.open(str(archive_dir), recover=False) as lagging:
        assert lagging.catalog.head()[0] == 1
    with Store.open(str(archive_dir)) as store:
        assert _snapshot(store, [first["uri"], second["uri"], third["uri"]]) == expected
        result = verify(store)
        assert result.ok, result.findings


def test_a_writer_killed_between_its_warc_file_and_its_segment(
    store: Store,
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    first, second = make_item(1), make_item(2)
    store.put(first, make_capture(first), run="r", profile=PROFILE)
    create = store.backend.create

    def killed(name: str, chunks: Iterable[bytes]) -> int:
        if name.startswith("log/"):
            raise KeyboardInterrupt
        return create(name, chunks)

    monkeypatch.setattr(store.backend, "create", killed)
    with pytest.raises(KeyboardInterrupt):
        store.put(second, make_capture(second), run="r", profile=PROFILE)
    monkeypatch.undo()
    assert (archive_dir / "warc" / "000000000002.warc.gz").is_file()
    assert not (archive_dir / "log" / "000000000002.jsonl").exists()
    assert store.get(second["uri"]) is None
    assert store.recover() == [
        "removed warc/000000000002.warc.gz, written by a writer that stopped before its log"
    ]
    assert not (archive_dir / "warc" / "000000000002.warc.gz").exists()
    # the next writer takes the same numbers
    outcome = store.put(second, make_capture(second), run="r", profile=PROFILE)
    assert (outcome.status, outcome.version) == ("new", 1)
    assert store.raw(second["uri"]) == make_capture(second).data
    result = verify(store)
    assert result.ok, result.findings


def test_a_live_writer_clears_the_warc_file_of_one_killed_beside_it(
    store: Store,
    archive_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    """Writer A dies between its WARC file and its segment while writer B runs on.

    B never reopens the archive, so recovery does not run; its next group takes A's
    number and writes no WARC file (only a sighting), and must not leave A's behind.
    """
    first, second = make_item(1), make_item(2)
    store.put(first, make_capture(first), run="b", profile=PROFILE)
    create = store.backend.create

    def killed(name: str, chunks: Iterable[bytes]) -> int:
        if name.startswith("log/"):
            raise KeyboardInterrupt
        return create(name, chunks)

    monkeypatch.setattr(store.backend, "create", killed)
    with pytest.raises(KeyboardInterrupt):
        store.put(second, make_capture(second), run="a", profile=PROFILE)
    monkeypatch.undo()
    assert (archive_dir / "warc" / "000000000002.warc.gz").is_file()
    outcome = store.put(first, make_capture(first), run="b", profile=PROFILE)
    assert outcome.status == "unchanged"
    assert (archive_dir / "log" / "000000000002.jsonl").is_file()
    assert not (archive_dir / "warc" / "000000000002.warc.gz").exists()
    result = verify(store)
    assert result.ok, result.findings


def test_recover_removes_temp_files_and_an_orphan_warc_file(
    store: Store, archive_dir: Path, fill: Fill
) -> None:
    fill(store)
    files_before = _archive_files(archive_dir)
    number = store.catalog.head()[0]
    orphan = archive_dir / "warc" / f"{number + 1:012d}.warc.gz"
    later = archive_dir / "warc" / f"{number + 2:012d}.warc.gz"
    temps = [
        archive_dir / "log" / f".tmp-{number + 1:012d}.jsonl.0a1b2c",
        archive_dir / "warc" / f".tmp-{number + 1:012d}.warc.gz.3d4e5f",
        archive_dir / "runs" / ".tmp-run-x.json.6a7b8c",
    ]
    for path in [orphan, later, *temps]:
        path.write_bytes(b"half written")
    store.close()
    with Store.open(str(archive_dir), recover=False) as reopened:
        notes = reopened.recover()
        assert sorted(notes) == sorted(
            [f"removed unfinished {p.relative_to(archive_dir).as_posix()}" for p in temps]
            + [
                f"removed warc/{number + 1:012d}.warc.gz, written by a writer that stopped "
                "before its log"
            ]
        )
        assert not orphan.exists()
        assert not any(p.exists() for p in temps)
        # only head+1 can be an unfinished commit; anything else is verify's to report
        assert later.exists()
        later.unlink()
        assert _archive_files(archive_dir) == files_before
        result = verify(reopened)
        assert result.ok, result.findings


# -- reindex ---------------------------------------------------------------------------------


def test_reindex_rebuilds_the_same_catalog(
    store: Store, fill: Fill, make_item: ItemFactory
) -> None:
    fill(store)
    ids = [make_item(1)["uri"], make_item(2)["uri"]]
    before = _snapshot(store, ids)
    result = store.reindex()
    assert result == {"counts": before["summary"], "problems": []}
    assert _snapshot(store, ids) == before
    assert verify(store).ok


def test_a_deleted_catalog_is_rebuilt_from_the_files(
    archive_dir: Path, fill: Fill, make_item: ItemFactory
) -> None:
    ids = [make_item(1)["uri"], make_item(2)["uri"]]
    with Store.open(str(archive_dir)) as store:
        fill(store)
        before = _snapshot(store, ids)
        latest = {item_id: store.get(item_id) for item_id in ids}
        raw = {item_id: store.raw(item_id, 1) for item_id in ids}
    for path in archive_dir.glob("catalog.sqlite*"):
        path.unlink()
    with Store.open(str(archive_dir)) as store:
        assert store.reindex() == {"counts": before["summary"], "problems": []}
        assert _snapshot(store, ids) == before
        assert {item_id: store.get(item_id) for item_id in ids} == latest
        assert {item_id: store.raw(item_id, 1) for item_id in ids} == raw
        assert verify(store).ok


def test_reindex_passes_over_a_stray_file_in_the_log_folder(
    store: Store, archive_dir: Path, fill: Fill, make_item: ItemFactory
) -> None:
    # verify reports such a file as verify.stray; rebuilding the catalog must not stop at it.
    fill(store)
    ids = [make_item(1)["uri"], make_item(2)["uri"]]
    before = _snapshot(store, ids)
    (archive_dir / "log" / "notes.jsonl").write_text("not a segment\n")
    assert [(f.rule, f.file) for f in verify(store).findings] == [
        ("verify.stray", "log/notes.jsonl")
    ]
    result = store.reindex()
    assert result["counts"] == before["summary"]
    assert _snapshot(store, ids) == before


def test_reindex_reports_a_missing_or_damaged_segment(
    store: Store, archive_dir: Path, fill: Fill
) -> None:
    fill(store)
    (archive_dir / "log" / "000000000002.jsonl").unlink()
    damaged = archive_dir / "log" / "000000000004.jsonl"
    data = bytearray(damaged.read_bytes())
    data[200] ^= 0x01
    damaged.write_bytes(bytes(data))
    result = store.reindex()
    assert [(p["file"], p["line"], p["rule"]) for p in result["problems"]] == [
        ("log/000000000002.jsonl", None, "verify.missing"),
        ("log/000000000004.jsonl", 1, "verify.line"),
    ]
    assert result["problems"][0]["message"] == "log/ has no segment log/000000000002.jsonl"
    # The damaged segment stays indexed with its intact lines (its second, a quarantine).
    assert result["counts"]["segments"] == 5
    assert [s.number for s in store.catalog.segments()] == [1, 3, 4, 5, 6]


def test_group_entries_match_what_is_read_back(store: Store, fill: Fill) -> None:
    # The catalog is filled from in-memory entries at commit time and from the files at
    # reindex: the two must describe the same lines.
    fill(store)
    for info in store.catalog.segments():
        data = store.backend.read(info.name)
        entries = list(read_entries(info.name, io.BytesIO(data)))
        assert entries[0].seq == info.first_seq
        assert entries[-1].seq == info.last_seq
        assert info.name == segment_name(info.number)


def _http_capture(body: bytes, url: str, etag: str, status: int = 200) -> Capture:
    exchange = HttpExchange(
        status, "OK", (("ETag", etag), ("Last-Modified", "Wed, 29 May 2024 07:00:00 GMT"))
    )
    moment = datetime(2024, 5, 29, 8, 0, tzinfo=UTC)
    return Capture(body, url, "text/html", retrieved_at=moment, http=exchange)


def test_fetched_urls_keep_their_item_times_and_validators(
    store: Store, make_item: ItemFactory
) -> None:
    url = "http://127.0.0.1:8000/news/a.html"
    item = make_item(1, uri=url)
    derived = {"wasDerivedFrom": {"url": url}}
    store.put(item, _http_capture(b"<p>a</p>", url, '"v1"'), run="r", profile=PROFILE,
              provenance=derived)  # fmt: skip
    state = store.url_state(url)
    assert state == {
        "id": url,
        "firstSeen": "2024-05-29T08:00:00.000000Z",
        "lastFetched": "2024-05-29T08:00:00.000000Z",
        "etag": '"v1"',
        "lastModified": "Wed, 29 May 2024 07:00:00 GMT",
    }
    assert store.url_state("http://127.0.0.1:8000/other.html") is None


def test_a_304_is_a_sighting_of_the_latest_version(store: Store, make_item: ItemFactory) -> None:
    url = "http://127.0.0.1:8000/news/a.html"
    item = make_item(1, uri=url)
    derived = {"wasDerivedFrom": {"url": url}}
    store.put(item, _http_capture(b"<p>a</p>", url, '"v1"'), run="r1", profile=PROFILE,
              provenance=derived)  # fmt: skip
    writer = store.writer("r2")
    writer.not_modified(url, _http_capture(b"", url, '"v1"', status=304), provenance=derived)
    (outcome,) = writer.commit()
    assert (outcome.status, outcome.version) == ("unchanged", 1)
    (version,) = store.history(url)
    assert version["sightings"]["count"] == 2
    assert version["sightings"]["runs"] == ["r1", "r2"]
    assert verify(store).ok
    writer = store.writer("r3")
    writer.not_modified("urn:never:archived", _http_capture(b"", url, '"v1"', 304))
    (kept,) = writer.commit()  # nothing to sight: the 304 is kept, with the reason
    assert kept.status == "quarantined"
    assert kept.qid is not None
    entry = store.quarantine_entry(kept.qid)
    assert entry is not None
    assert entry["report"]["errors"][0]["rule"] == "fetch.not-modified-unknown"
    assert entry["provenance"]["capture"]["httpStatus"] == 304
    assert verify(store).ok


def test_a_failed_commit_keeps_the_group_queued(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    item = make_item(1)
    writer = store.writer("r")
    writer.put(item, make_capture(item), profile=PROFILE)

    def full_disk(name: str, chunks: Iterable[bytes]) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.backend, "create", full_disk)
    with pytest.raises(OSError, match="No space left"):
        writer.commit()
    assert len(writer) == 1
    monkeypatch.undo()
    (outcome,) = writer.commit()
    assert outcome.status == "new"


def test_entries_of_one_file_get_their_own_quarantine_ids(store: Store) -> None:
    feed = b"<rss><channel><item>one</item><item>two</item></channel></rss>"
    writer = store.writer("r")
    for part in ("item 1", "item 2"):
        capture = Capture(feed, f"file:///in/feed.xml#part={part.replace(' ', '%20')}")
        writer.quarantine(capture=capture, report={"errors": [{"rule": part}]}, path="feed.xml")
    first, second = writer.commit()
    assert first.qid != second.qid
    assert len(store.quarantined()) == 2


def test_due_follows_the_revisit_policy(store: Store, make_item: ItemFactory) -> None:
    for n, url in enumerate(("http://h/a", "http://h/b"), start=1):
        store.put(make_item(n, uri=url), _http_capture(url.encode(), url, f'"{n}"'), run="r",
                  profile=PROFILE, provenance={"wasDerivedFrom": {"url": url}})  # fmt: skip

    def hourly_for_a_day(age: timedelta) -> timedelta | None:
        return timedelta(hours=1) if age < timedelta(days=1) else None

    fetched = datetime(2024, 5, 29, 8, 0, tzinfo=UTC)
    assert list(store.due(fetched + timedelta(minutes=30), hourly_for_a_day)) == []
    assert sorted(store.due(fetched + timedelta(hours=2), hourly_for_a_day)) == [
        "http://h/a",
        "http://h/b",
    ]
    assert list(store.due(fetched + timedelta(days=2), hourly_for_a_day)) == []


def test_reindex_restores_the_crawl_state(store: Store, make_item: ItemFactory) -> None:
    url = "http://127.0.0.1:8000/news/a.html"
    store.put(make_item(1, uri=url), _http_capture(b"<p>a</p>", url, '"v1"'), run="r",
              profile=PROFILE, provenance={"wasDerivedFrom": {"url": url}})  # fmt: skip
    before = store.url_state(url)
    store.reindex()
    assert store.url_state(url) == before


@pytest.mark.sqlite_catalog
def test_a_catalog_of_an_older_schema_is_rebuilt_on_open(
    store: Store, archive_dir: Path, make_item: ItemFactory, make_capture: CaptureFactory
) -> None:
    item = make_item(1)
    store.put(item, make_capture(item), run="r", profile=PROFILE)
    store.close()
    with sqlite3.connect(archive_dir / "catalog.sqlite") as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
        db.execute("DELETE FROM versions")
    with Store.open(str(archive_dir)) as reopened:
        assert reopened.catalog.version_count() == 1
        assert verify(reopened).ok


def test_a_304_without_validators_keeps_the_ones_of_the_last_200(
    store: Store, make_item: ItemFactory
) -> None:
    url = "http://127.0.0.1:8000/news/a.html"
    derived = {"wasDerivedFrom": {"url": url}}
    store.put(make_item(1, uri=url), _http_capture(b"<p>a</p>", url, '"v1"'), run="r1",
              profile=PROFILE, provenance=derived)  # fmt: skip
    bare = Capture(b"", url, "text/html", http=HttpExchange(304, "Not Modified"))
    writer = store.writer("r2")
    writer.not_modified(url, bare, provenance=derived)
    writer.commit()
    state = store.url_state(url)
    assert state is not None
    assert (state["etag"], state["lastModified"]) == ('"v1"', "Wed, 29 May 2024 07:00:00 GMT")
    assert state["lastFetched"] > state["firstSeen"]


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_an_item_the_log_cannot_encode_is_refused_at_put_and_the_group_commits(
    store: Store, make_item: ItemFactory
) -> None:
    writer = store.writer("r")
    writer.put(make_item(1), Capture(b"one", "file:///in/1.json"), profile=PROFILE)
    deep = {**make_item(2), "extra": _nested(900)}
    with pytest.raises(Unencodable, match=r"(?i)recursion"):
        writer.put(deep, Capture(b"two", "file:///in/2.json"), profile=PROFILE)
    broken = {**make_item(3), "headline": "caf\udce9"}  # a lone surrogate: not Unicode text
    with pytest.raises(Unencodable, match="surrogates not allowed"):
        writer.put(broken, Capture(b"three", "file:///in/3.json"), profile=PROFILE)
    bad_path = {"wasDerivedFrom": {"path": "in/caf\udce9.json"}}
    with pytest.raises(Unencodable, match="provenance"):
        writer.put(make_item(4), Capture(b"4", "file:///in/4.json"), profile=PROFILE,
                   provenance=bad_path)  # fmt: skip
    (outcome,) = writer.commit()  # the refused ones never joined the group
    assert outcome.status == "new"
    assert verify(store).ok


def test_a_quarantine_the_log_cannot_encode_keeps_the_bytes_and_drops_the_item(
    store: Store,
) -> None:
    writer = store.writer("r")
    writer.quarantine(
        capture=Capture(b"[[[...]]]", "file:///in/deep.json"),
        report=REPORT,
        item={"uri": "urn:x", "extra": _nested(900)},
        provenance={"wasDerivedFrom": {"path": "in/caf\udce9.json"}, "steps": []},
        path="in/caf\udce9.json",
    )
    (outcome,) = writer.commit()
    entry = store.quarantine_entry(str(outcome.qid))
    assert entry is not None
    assert entry["item"] is None
    assert entry["path"] == "in/caf\\xe9.json"  # escaped, not lost
    assert entry["provenance"]["steps"][-1]["name"] == "not-kept"
    assert store.capture_bytes(entry["provenance"]["capture"]) == b"[[[...]]]"
    assert verify(store).ok


# -- read-only opening -----------------------------------------------------------------------


def _file_bytes(root: Path) -> dict[str, bytes]:
    """Every file of an archive with its bytes; SQLite's own WAL and shared memory left out."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith(("-wal", "-shm"))
    }


@pytest.mark.parametrize("flags", [{"create": False}, {"readonly": True}], ids=["no-create", "ro"])
def test_open_without_create_refuses_a_path_that_holds_no_archive(
    tmp_path: Path, flags: dict[str, Any]
) -> None:
    missing = tmp_path / "typo"
    with pytest.raises(ArchiveError, match=f"^no archive at {re.escape(str(missing))}$"):
        Store.open(str(missing), **flags)
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an archive")
    with pytest.raises(ArchiveError, match="no archive at"):
        Store.open(str(empty), **flags)
    assert sorted(p.name for p in empty.iterdir()) == ["notes.txt"]


def test_read_only_open_reads_everything_and_writes_nothing(
    archive_dir: Path, fill: Fill, make_item: ItemFactory
) -> None:
    with Store.open(str(archive_dir)) as store:
        fill(store)
        ids = [make_item(1)["uri"], make_item(2)["uri"]]
        expected = _snapshot(store, ids)
    before = _file_bytes(archive_dir)
    with Store.open(str(archive_dir), readonly=True) as reader:
        assert _snapshot(reader, ids) == expected
        assert reader.raw(ids[0], 1)
        assert verify(reader).ok
        with pytest.raises(ArchiveError, match="read-only"):
            reader.put(make_item(9), Capture(b"{}", "file:///x"), run="r", profile=PROFILE)
        with pytest.raises(ArchiveError, match="read-only"):
            reader.reindex()
    assert _file_bytes(archive_dir) == before


def test_read_only_open_does_not_wait_for_a_writer(
    archive_dir: Path, fill: Fill, make_item: ItemFactory
) -> None:
    # A crawl holds the write lock while it commits; show and export must not queue behind it.
    with Store.open(str(archive_dir)) as store:
        fill(store)
    holder = sqlite3.connect(archive_dir / "catalog.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(str(archive_dir), readonly=True) as reader:
            record = reader.get(make_item(1)["uri"])
            assert record is not None
            assert record["version"] == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_read_only_open_indexes_a_segment_a_dead_writer_left(
    archive_dir: Path,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The one write a read-only open makes: the catalog catches up with a complete segment,
    # or show would miss a version that is durable. Leftovers stay for the next writer.
    first, second = make_item(1), make_item(2)
    with Store.open(str(archive_dir)) as store:
        store.put(first, make_capture(first), run="r", profile=PROFILE)
        monkeypatch.setattr(store.catalog, "index_segment", _die)
        with pytest.raises(KeyboardInterrupt):
            store.put(second, make_capture(second), run="r", profile=PROFILE)
        monkeypatch.undo()
    leftover = archive_dir / "log" / ".tmp-000000000003.jsonl.dead"
    leftover.write_bytes(b"half a segment")
    with Store.open(str(archive_dir), readonly=True) as reader:
        record = reader.get(second["uri"])
        assert record is not None
        assert record["version"] == 1
    assert leftover.is_file()
    with Store.open(str(archive_dir), readonly=True) as reader:  # now with nothing to do
        assert reader.get(second["uri"]) is not None


def test_read_only_open_leaves_a_live_writers_segment_to_that_writer(
    archive_dir: Path,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Segment 2 is on disk but not indexed, and a writer holds the lock: that is a writer
    # mid-commit, which indexes it itself. The reader reads what is indexed, without waiting.
    first, second = make_item(1), make_item(2)
    with Store.open(str(archive_dir)) as store:
        store.put(first, make_capture(first), run="r", profile=PROFILE)
        monkeypatch.setattr(store.catalog, "index_segment", _die)
        with pytest.raises(KeyboardInterrupt):
            store.put(second, make_capture(second), run="r", profile=PROFILE)
        monkeypatch.undo()
    holder = sqlite3.connect(archive_dir / "catalog.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(str(archive_dir), readonly=True) as reader:
            assert reader.get(first["uri"]) is not None
            assert reader.get(second["uri"]) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(str(archive_dir), readonly=True) as reader:  # the lock is free: catch up
        assert reader.get(second["uri"]) is not None


def _die(*args: Any) -> None:
    raise KeyboardInterrupt  # the process dies once the segment is on disk


# -- reindex after one damaged line ----------------------------------------------------------


def _flip_a_byte_in_line(segment: Path, line: int) -> None:
    lines = segment.read_bytes().splitlines(keepends=True)
    damaged = bytearray(lines[line - 1])
    damaged[len(damaged) // 2] ^= 0x01
    lines[line - 1] = bytes(damaged)
    segment.write_bytes(b"".join(lines))


def test_reindex_keeps_every_intact_line_of_a_damaged_segment(
    store: Store, archive_dir: Path, fill: Fill, make_item: ItemFactory
) -> None:
    fill(store)
    one, two = make_item(1)["uri"], make_item(2)["uri"]
    segment = archive_dir / "log" / "000000000001.jsonl"
    # Segment 1: the WARC entry, then item-1 v1 and item-2 v1. Damage item-1 v1's line.
    kinds = [
        e.kind for e in read_entries("log/000000000001.jsonl", io.BytesIO(segment.read_bytes()))
    ]
    assert kinds == ["warc", "version", "version"]
    _flip_a_byte_in_line(segment, 2)
    result = store.reindex()
    assert result["problems"] == [
        {
            "file": "log/000000000001.jsonl",
            "line": 2,
            "rule": "verify.line",
            "message": "check hash does not match the line: the line was altered",
        }
    ]
    assert [s.number for s in store.catalog.segments()] == [1, 2, 3, 4, 5, 6]
    assert store.get(one, 1) is None  # the damaged line, and only it, is gone
    assert store.get(two, 1) is not None
    assert store.get(one, 2) is not None
    assert store.raw(two, 1)
    assert result["counts"]["versions"] == 2  # item-2 v1 and item-1 v2
    findings = verify(store).findings
    assert ("verify.line", "log/000000000001.jsonl", 2) in {
        (f.rule, f.file, f.line) for f in findings
    }
    assert "verify.sequence" not in {f.rule for f in findings}


def test_the_next_writer_after_reindex_does_not_reuse_a_damaged_lines_seq(
    store: Store,
    archive_dir: Path,
    fill: Fill,
    make_item: ItemFactory,
    make_capture: CaptureFactory,
) -> None:
    fill(store)
    last = archive_dir / "log" / "000000000006.jsonl"
    _, head_seq = store.catalog.head()
    _flip_a_byte_in_line(last, 1)  # the only line of the last segment: run-b's manifest
    result = store.reindex()
    assert [(p["file"], p["line"]) for p in result["problems"]] == [("log/000000000006.jsonl", 1)]
    assert store.catalog.head() == (6, head_seq)
    third = make_item(3)
    store.put(third, make_capture(third), run="r", profile=PROFILE)
    assert store.catalog.segments()[-1].first_seq == head_seq + 1  # its WARC entry
    assert "verify.sequence" not in {f.rule for f in verify(store).findings}


# -- old copies delivered again, and withdrawals -----------------------------------------

V1_TIME, V2_TIME, V3_TIME = "2024-05-29T07:02:11Z", "2024-05-29T09:30:00Z", "2024-05-29T12:00:00Z"


def _two_versions(store: Store, make_item: ItemFactory) -> tuple[Item, Item]:
    v1 = make_item(versionCreated=V1_TIME)
    v2 = make_item(headline="Wheat exports rise for a fourth month", versionCreated=V2_TIME)
    for each in (v1, v2):
        store.put(each, _capture_of(each), run="r1", profile=PROFILE)
    return v1, v2


def _capture_of(item: Item, name: str | None = None) -> Capture:
    return Capture(orjson.dumps(item), f"file:///in/{name or item['versionCreated']}.json")


def _catalog_state(store: Store, item_id: str) -> tuple[Any, ...]:
    return (store.history(item_id), store.get(item_id), store.summary())


def test_an_earlier_version_delivered_again_is_a_sighting_of_it(
    store: Store, make_item: ItemFactory
) -> None:
    v1, v2 = _two_versions(store, make_item)
    again = _capture_of(v1, "replayed")
    outcome = store.put(v1, again, run="r2", profile=PROFILE)
    assert (outcome.status, outcome.version, outcome.digest) == ("unchanged", 1, digest(v1))
    assert [w["rule"] for w in outcome.warnings] == ["version.stale-redelivery"]
    assert outcome.to_dict()["warnings"][0]["rule"] == "version.stale-redelivery"
    latest = store.get(v1["uri"])
    assert latest is not None
    assert latest["version"] == 2
    assert latest["item"]["headlines"] == v2["headlines"]
    first, second = store.history(v1["uri"])
    assert first["sightings"]["count"] == 2
    assert first["sightings"]["warnings"] == {"version.stale-redelivery": 1}
    assert "warnings" not in second["sightings"]
    assert verify(store).ok


def test_an_older_version_created_is_a_sighting_whose_bytes_are_kept(
    store: Store, make_item: ItemFactory
) -> None:
    v1, v2 = _two_versions(store, make_item)
    old = make_item(
        headline="Wheat exports rise, early copy", versionCreated="2024-05-29T08:00:00Z"
    )
    capture = _capture_of(old, "lagging-mirror")
    outcome = store.put(old, capture, run="r2", profile=PROFILE)
    assert (outcome.status, outcome.version, outcome.digest) == ("unchanged", 2, digest(v2))
    assert [w["rule"] for w in outcome.warnings] == ["version.stale"]
    assert "older than v2's" in outcome.warnings[0]["message"]
    assert store.summary()["versions"] == 2
    [entry] = [e for e in _log_entries(store) if e.kind == "sighting"]
    assert entry.body["captured"] == {
        "digest": digest(old),
        "versionCreated": old["versionCreated"],
    }
    assert store.capture_bytes(entry.body["capture"]) == capture.data  # nothing lost
    assert store.history(v1["uri"])[1]["sightings"]["warnings"] == {"version.stale": 1}
    assert verify(store).ok


def test_a_newer_copy_without_version_created_is_still_a_version(
    store: Store, make_item: ItemFactory
) -> None:
    v1, _ = _two_versions(store, make_item)
    undated = {k: v for k, v in make_item(headline="Third text").items() if k != "versionCreated"}
    outcome = store.put(undated, _capture_of(v1, "undated"), run="r2", profile=PROFILE)
    assert (outcome.status, outcome.version, outcome.warnings) == ("updated", 3, ())


def _log_entries(store: Store) -> list[LogEntry]:
    found: list[LogEntry] = []
    for name in store.backend.names("log/"):
        found += read_entries(name, io.BytesIO(store.backend.read(name)))
    return found


def _notice(make_item: ItemFactory, status: str = "canceled", at: str = V3_TIME) -> Item:
    """A kill notice as the readers make it: the id, the status, no body."""
    item = make_item(pubStatus=status, versionCreated=at, headline="KILL: wheat story withdrawn")
    del item["bodies"]
    return item


def test_a_canceled_notice_withdraws_the_item_and_deletes_nothing(
    store: Store, make_item: ItemFactory
) -> None:
    v1, v2 = _two_versions(store, make_item)
    notice = _notice(make_item)
    outcome = store.put(notice, _capture_of(notice, "kill"), run="r2", profile=PROFILE)
    assert (outcome.status, outcome.version, outcome.event) == ("updated", 2, "withdrawn")
    assert outcome.to_dict()["event"] == "withdrawn"
    latest = store.get(v1["uri"])
    assert latest is not None
    assert latest["version"] == 2
    assert latest["status"] == "withdrawn"
    withdrawn = latest["withdrawn"]
    assert withdrawn["pubStatus"] == "canceled"
    assert withdrawn["run"] == "r2"
    assert withdrawn["cursor"] == outcome.cursor
    event = store.event(outcome.cursor)
    assert event is not None
    assert event["item"]["pubStatus"] == "canceled"
    assert store.capture_bytes(event["provenance"]["capture"]) == orjson.dumps(notice)
    # the versions before are all still there, and say what they said
    for number, item in ((1, v1), (2, v2)):
        record = store.get(v1["uri"], number)
        assert record is not None
        assert record["item"]["headlines"] == item["headlines"]
        assert record["status"] == "withdrawn"  # the item's state, shown on every version
    history = store.history(v1["uri"])
    assert [h["version"] for h in history] == [1, 2]
    [logged] = history[1]["events"]
    assert logged["event"] == "withdrawn"
    assert logged["at"] == withdrawn["at"]
    # the change feed tells a downstream reader
    feed = list(store.changes())
    assert [r.get("event", f"v{r['version']}") for r in feed] == ["v1", "v2", "withdrawn"]
    assert store.summary()["events"] == 1
    result = verify(store)
    assert result.ok, [str(f) for f in result.findings]
    assert result.checked["events"] == 1


def test_a_withdrawal_survives_reindex_and_the_same_notice_again_is_a_sighting(
    store: Store, make_item: ItemFactory
) -> None:
    v1, _ = _two_versions(store, make_item)
    notice = _notice(make_item, "withheld")
    store.put(notice, _capture_of(notice, "kill"), run="r2", profile=PROFILE)
    again = store.put(notice, _capture_of(notice, "kill-again"), run="r3", profile=PROFILE)
    assert (again.status, again.version, again.event) == ("unchanged", 2, None)
    before = _catalog_state(store, v1["uri"])
    assert store.reindex()["problems"] == []
    assert _catalog_state(store, v1["uri"]) == before
    latest = store.get(v1["uri"])
    assert latest is not None
    assert latest["withdrawn"]["pubStatus"] == "withheld"
    assert verify(store).ok


def test_a_newer_version_after_a_withdrawal_makes_the_item_usable_again(
    store: Store, make_item: ItemFactory
) -> None:
    v1, v2 = _two_versions(store, make_item)
    notice = _notice(make_item)
    store.put(notice, _capture_of(notice, "kill"), run="r2", profile=PROFILE)
    # an old copy of v2 does not bring the story back
    replay = store.put(v2, _capture_of(v2, "replay"), run="r2", profile=PROFILE)
    assert replay.status == "unchanged"
    assert store.get(v1["uri"])["status"] == "withdrawn"  # type: ignore[index]
    fixed = make_item(
        headline="Wheat exports: corrected story", versionCreated="2024-05-30T08:00:00Z"
    )
    outcome = store.put(fixed, _capture_of(fixed), run="r3", profile=PROFILE)
    assert (outcome.status, outcome.version) == ("updated", 3)
    latest = store.get(v1["uri"])
    assert latest is not None
    assert "status" not in latest
    assert "withdrawn" not in latest
    assert verify(store).ok


def test_a_notice_older_than_the_latest_version_does_not_withdraw_it(
    store: Store, make_item: ItemFactory
) -> None:
    v1, _ = _two_versions(store, make_item)
    notice = _notice(make_item, at="2024-05-29T08:00:00Z")  # before v2 replaced v1
    outcome = store.put(notice, _capture_of(notice, "old-kill"), run="r2", profile=PROFILE)
    assert (outcome.status, outcome.version) == ("unchanged", 2)
    assert [w["rule"] for w in outcome.warnings] == ["version.stale"]
    assert "status" not in (store.get(v1["uri"]) or {})


def test_a_notice_for_an_item_the_archive_lacks_is_quarantined(
    store: Store, make_item: ItemFactory
) -> None:
    notice = _notice(make_item)
    outcome = store.put(notice, _capture_of(notice, "kill"), run="r1", profile=PROFILE)
    assert outcome.status == "quarantined"
    [row] = store.quarantined()
    assert row["rule"] == "withdrawal.unknown-item"
    assert row["qid"] == outcome.qid
    entry = store.quarantine_entry(row["qid"])
    assert entry is not None
    assert entry["item"]["pubStatus"] == "canceled"
    assert store.get(notice["uri"]) is None
    assert verify(store).ok
