"""The SQLite catalog: an index of the log, in WAL mode, that readers can use during writes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from wirearchive.archive import Capture, SQLiteCatalog, Store, sha256
from wirearchive.archive import catalog as catalog_module
from wirearchive.archive.catalog import Location, catalog_file, open_catalog, resolve_catalog
from wirearchive.archive.log import parse_segment_name

PROFILE = "wire-item-1.0"
Item = dict[str, Any]


def test_an_empty_catalog(store: Store) -> None:
    assert store.catalog.head() == (0, 0)
    assert store.catalog.segments() == []
    assert store.catalog.latest(["urn:x:1"]) == {}
    assert store.catalog.version_location("urn:x:1", None) is None
    assert set(store.summary().values()) == {0}


def test_head_latest_and_locations_follow_the_commits(
    store: Store, make_item: Callable[..., Item], make_capture: Callable[..., Capture]
) -> None:
    first, second = make_item(1), make_item(2)
    one = store.put(first, make_capture(first), run="r", profile=PROFILE)
    # segment 1: the WARC file entry (seq 1), then the version (seq 2)
    assert store.catalog.head() == (1, 2)
    assert one.cursor == "2"
    changed = make_item(1, headline="Changed")
    two = store.put(changed, make_capture(changed), run="r", profile=PROFILE)
    assert store.catalog.head() == (2, 4)
    assert two.cursor == "4"
    assert store.catalog.latest([first["uri"], second["uri"], first["uri"]]) == {
        first["uri"]: (2, two.digest)
    }

    for version, expected in ((1, one.digest), (2, two.digest), (None, two.digest)):
        location = store.catalog.version_location(first["uri"], version)
        assert location is not None
        data = store.backend.read(location.segment, location.offset, location.length)
        assert data.endswith(b"\n")
        assert expected is not None
        assert expected.encode() in data
    assert store.catalog.version_location(first["uri"], 3) is None
    assert store.catalog.version_location(second["uri"], None) is None


def test_latest_looks_up_many_ids_in_chunks(
    store: Store, make_item: Callable[..., Item], make_capture: Callable[..., Capture]
) -> None:
    writer = store.writer("r")
    wanted = {}
    for n in (3, 499, 500, 501, 1100):
        item = make_item(n)
        writer.put(item, make_capture(item), profile=PROFILE)
        wanted[item["uri"]] = n
    outcomes = writer.commit()
    ids = [make_item(n)["uri"] for n in range(1, 1201)]
    found = store.catalog.latest(ids)
    assert found == {
        uri: (1, outcome.digest) for uri, outcome in zip(wanted, outcomes, strict=True)
    }


def test_segments_and_warcs_record_the_files_fixity(
    store: Store, fill: Callable[[Store], None]
) -> None:
    fill(store)
    segments = store.catalog.segments()
    assert [s.number for s in segments] == [1, 2, 3, 4, 5, 6]
    last = 0
    for info in segments:
        data = store.backend.read(info.name)
        assert parse_segment_name(info.name) == info.number
        assert (info.sha256, info.size) == (sha256(data), len(data))
        assert info.first_seq == last + 1
        assert info.last_seq == info.first_seq + data.count(b"\n") - 1
        last = info.last_seq
    assert store.catalog.head() == (6, last)
    warcs = store.catalog.warcs()
    assert sorted(warcs) == list(store.backend.names("warc/"))
    for name, (digest, size) in warcs.items():
        data = store.backend.read(name)
        assert (digest, size) == (sha256(data), len(data))


def test_counts(store: Store, fill: Callable[[Store], None]) -> None:
    fill(store)
    assert store.summary() == {
        "items": 2,
        "versions": 3,
        "sightings": 2,
        "events": 0,
        "quarantined": 1,
        "segments": 6,
        "warcFiles": 3,
        "runs": 2,
    }


@pytest.mark.sqlite_catalog
def test_wal_mode_is_on(store: Store, archive_dir: Path) -> None:
    with sqlite3.connect(archive_dir / "catalog.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.sqlite_catalog
def test_a_reader_sees_the_last_commit_while_a_writer_holds_the_lock(
    store: Store,
    archive_dir: Path,
    make_item: Callable[..., Item],
    make_capture: Callable[..., Capture],
) -> None:
    item = make_item(1)
    store.put(item, make_capture(item), run="run-a", profile=PROFILE)
    with store.catalog.writing():
        # Opening the catalog must not need the write lock the writer holds.
        reader = SQLiteCatalog(archive_dir / "catalog.sqlite", busy_timeout=0.5)
        try:
            assert reader.latest([item["uri"]])[item["uri"]][0] == 1
            location = reader.version_location(item["uri"], None)
            assert isinstance(location, Location)
            assert location.segment == "log/000000000001.jsonl"
        finally:
            reader.close()


@pytest.mark.sqlite_catalog
def test_a_second_writer_waits_for_the_lock_and_gives_up_after_its_timeout(
    store: Store, archive_dir: Path
) -> None:
    other = SQLiteCatalog(archive_dir / "catalog.sqlite", busy_timeout=0.2)
    try:
        with (
            store.catalog.writing(),
            pytest.raises(sqlite3.OperationalError, match="locked"),
            other.writing(),
        ):
            pass
        with other.writing():  # free again once the first writer commits
            assert other.head() == (0, 0)
    finally:
        other.close()


def test_a_failed_write_transaction_rolls_back(store: Store, fill: Callable[[Store], None]) -> None:
    fill(store)
    before = store.summary()

    def clear_then_fail() -> None:
        with store.catalog.writing():
            store.catalog.clear()
            assert store.summary()["versions"] == 0
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        clear_then_fail()
    assert store.summary() == before


def test_quarantine_rows_group_the_same_input(store: Store, fill: Callable[[Store], None]) -> None:
    fill(store)
    (row,) = store.quarantined()
    assert row["count"] == 2
    assert (row["path"], row["rule"]) == ("bad.json", "json.truncated")
    assert row["firstSeen"] <= row["lastSeen"]
    assert store.quarantined(row["qid"]) == [row]
    assert store.quarantined("q-unknown") == []


def test_ids_that_share_their_hash_bits_stay_apart(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    make_item: Callable[..., Item],
    make_capture: Callable[..., Capture],
) -> None:
    monkeypatch.setattr(catalog_module, "_id_hash", lambda item_id: 7)  # every id clashes
    first, second = make_item(1), make_item(2)
    store.put(first, make_capture(first), run="r", profile=PROFILE)
    store.put(second, make_capture(second), run="r", profile=PROFILE)
    changed = make_item(2, headline="A second headline for item two, now changed")
    store.put(changed, make_capture(changed), run="r", profile=PROFILE)
    store.put(first, make_capture(first), run="r", profile=PROFILE)  # a sighting of item 1
    latest = store.catalog.latest([first["uri"], second["uri"], "urn:x:absent"])
    assert {uri: version for uri, (version, _) in latest.items()} == {
        first["uri"]: 1,
        second["uri"]: 2,
    }
    one = store.get(first["uri"])
    assert one is not None
    assert one["item"]["headlines"] == first["headlines"]
    assert [h["version"] for h in store.history(second["uri"])] == [1, 2]
    assert [h["sightings"]["count"] for h in store.history(first["uri"])] == [2]
    assert store.summary()["items"] == 2


def test_captures_that_share_their_key_bits_are_not_confused(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    make_item: Callable[..., Item],
    make_capture: Callable[..., Capture],
) -> None:
    monkeypatch.setattr(catalog_module, "_blob_key", lambda raw: 7)
    first, second = make_item(1), make_item(2)
    store.put(first, make_capture(first), run="r", profile=PROFILE)
    store.put(second, make_capture(second), run="r", profile=PROFILE)
    assert store.catalog.capture(make_capture(second).sha256) is None
    assert store.raw(second["uri"]) == make_capture(second).data
    assert store.raw(first["uri"]) == make_capture(first).data


def test_runs_by_name_and_the_last_few(store: Store) -> None:
    for n in range(4):
        store.finish_run({"run": f"run-{n}", "status": "finished", "counts": {"new": n}})
    assert [r["run"] for r in store.runs()] == ["run-0", "run-1", "run-2", "run-3"]
    assert [r["run"] for r in store.runs(last=2)] == ["run-2", "run-3"]
    assert store.runs(run="run-1") == [{"run": "run-1", "status": "finished", "counts": {"new": 1}}]
    assert store.runs(run="run-9") == []


def test_captures_finds_many_digests_at_once_as_capture_finds_each(
    tmp_path: Path, catalog_spec: str | None
) -> None:
    with Store.open(str(tmp_path / "archive")) as store:
        writer = store.writer("run-1")
        kept = [b'{"uri":"urn:a"}', b'{"uri":"urn:b"}']
        for number, data in enumerate(kept):
            item = {"uri": f"urn:{'ab'[number]}", "type": "text"}
            writer.put(item, Capture(data, f"file:///in/{number}.json"), profile="p")
        writer.commit()
        digests = [sha256(data) for data in kept]
        unknown = sha256(b"never archived")
        found = store.catalog.captures([*digests, unknown, digests[0]])
        assert found == {digest: store.catalog.capture(digest) for digest in digests}
        assert store.catalog.capture(unknown) is None
        assert found[digests[1]]["warcOffset"] > found[digests[0]]["warcOffset"]


def test_search_and_facets_come_back_the_same_after_a_reindex(
    tmp_path: Path, catalog_spec: str | None
) -> None:
    from wirearchive.archive import Capture, Filters, Store

    with Store.open(str(tmp_path / "archive")) as store:
        for number, (language, words) in enumerate(
            [("en-GB", "Wheat exports rise"), ("ru", "Экспорт пшеницы вырос"), ("en", "Rain")]
        ):
            item = {
                "uri": f"urn:x:{number}",
                "type": "text",
                "language": language,
                "versionCreated": f"2026-11-0{number + 1}T10:00:00+03:00",
                "headlines": [{"role": "main", "value": words}],
                "bodies": [{"contentType": "text/plain", "value": f"{words}, the body."}],
                "infoSources": [{"name": "Agency One", "role": "originfo"}],
            }
            capture = Capture(json.dumps(item).encode(), f"https://news.example/{number}")
            store.put(item, capture, run="run-1", profile="p")
        catalog = store.catalog
        before = catalog.search("export"), catalog.search(None, Filters(language="EN"))
        assert [hit["id"] for hit in before[0]] == ["urn:x:0"]
        assert [hit["id"] for hit in catalog.search("экспорт")] == ["urn:x:1"]  # any case
        assert [hit["id"] for hit in before[1]] == ["urn:x:2", "urn:x:0"]  # newest first
        assert before[1][1]["dated"] == "2026-11-01T07:00:00.000000Z"  # in UTC
        assert before[1][1]["source"] == "news.example"
        assert before[1][1]["agency"] == "Agency One"
        assert catalog.facet_values("lang") == [("en", 1), ("en-GB", 1), ("ru", 1)]
        store.reindex()
        assert (catalog.search("export"), catalog.search(None, Filters(language="EN"))) == before
        with pytest.raises(ValueError, match="not a facet"):
            catalog.facet_values("headline; DROP TABLE versions")


# -- where the catalog lives -----------------------------------------------------------------


def test_resolve_catalog_prefers_the_option_then_the_environment(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    assert resolve_catalog(None, str(root), root, {}) == str(root / "catalog.sqlite")
    environ = {"WIREARCHIVE_CATALOG": "/srv/env.sqlite", "XDG_CACHE_HOME": str(tmp_path)}
    assert resolve_catalog(None, str(root), root, environ) == "/srv/env.sqlite"
    assert resolve_catalog(tmp_path / "given.sqlite", str(root), root, environ) == str(
        tmp_path / "given.sqlite"
    )
    remote = Path(resolve_catalog(None, "s3://bucket/a b", None, {"XDG_CACHE_HOME": str(tmp_path)}))
    assert remote.parent.parent == tmp_path / "wirearchive"
    assert remote.parent.name.startswith("bucket-a-b-")
    # A relative XDG_CACHE_HOME is not a cache (the XDG spec): the home's .cache is.
    relative = Path(resolve_catalog(None, "s3://bucket/a", None, {"XDG_CACHE_HOME": "rel"}))
    assert relative.parent.parent == Path.home() / ".cache" / "wirearchive"


def test_open_catalog_by_scheme(tmp_path: Path) -> None:
    catalog = open_catalog((tmp_path / "a b" / "c.sqlite").as_uri())
    assert isinstance(catalog, SQLiteCatalog)
    assert catalog.path == tmp_path / "a b" / "c.sqlite"
    catalog.close()
    assert catalog_file(str(tmp_path / "x.sqlite")) == tmp_path / "x.sqlite"
    assert catalog_file("postgresql://host/db") is None
    with pytest.raises(ValueError, match="must be local"):
        catalog_file("file://elsewhere/c.sqlite")
    with pytest.raises(ValueError, match=r"mysql://host/db: no catalog for scheme 'mysql'"):
        open_catalog("mysql://host/db")
