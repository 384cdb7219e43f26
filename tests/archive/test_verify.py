"""verify: passes on an intact archive, and names the file and rule of every kind of damage."""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from wirearchive.archive import Finding, Store, Verification, sha256, verify
from wirearchive.archive.log import encode_entry, read_entries

# The archive `fill` makes (see conftest.py), by segment and line:
# 1: warc, item-1 v1, item-2 v1     2: warc, item-1 v2     3: warc, sighting, quarantine
# 4: sighting, quarantine           5: run-a manifest      6: run-b manifest
SEG = "log/{:012d}.jsonl".format
WARC = "warc/{:012d}.warc.gz".format
ITEM_1 = "urn:newsml:example.org:20240529:item-1"


def _build(root: Path, fill: Callable[[Store], None], *, gzip: bool) -> Path:
    with Store.open(str(root), gzip=gzip) as store:
        fill(store)
    assert not list(root.glob("catalog.sqlite-*"))  # closed cleanly: one catalog file
    return root


@pytest.fixture(scope="module")
def templates(
    tmp_path_factory: pytest.TempPathFactory, fill: Callable[[Store], None]
) -> dict[bool, Path]:
    base = tmp_path_factory.mktemp("templates")
    return {gz: _build(base / f"gzip-{gz}", fill, gzip=gz) for gz in (True, False)}


@pytest.fixture
def archive(tmp_path: Path, templates: dict[bool, Path]) -> Path:
    """A fresh copy of the gzip archive, to damage."""
    return Path(shutil.copytree(templates[True], tmp_path / "archive"))


@pytest.fixture(params=[True, False], ids=["gzip", "uncompressed"])
def any_archive(
    request: pytest.FixtureRequest, tmp_path: Path, templates: dict[bool, Path]
) -> Path:
    gz: bool = request.param
    return Path(shutil.copytree(templates[gz], tmp_path / "archive"))


def _verify(root: Path) -> Verification:
    with Store.open(str(root)) as store:
        return verify(store)


def _where(result: Verification) -> set[tuple[str, str, int | None]]:
    return {(f.rule, f.file, f.line) for f in result.findings}


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _rewrite(root: Path, segment: str, line: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit one log entry and write its line back with a correct check hash."""
    path = root / segment
    lines = path.read_bytes().splitlines(keepends=True)
    entry = list(read_entries(segment, io.BytesIO(b"".join(lines))))[line - 1]
    body = dict(entry.body)
    change(body)
    lines[line - 1] = encode_entry(entry.seq, entry.kind, body)
    path.write_bytes(b"".join(lines))


def _reindexed(root: Path) -> Iterator[Store]:
    with Store.open(str(root)) as store:
        assert store.reindex()["problems"] == []
        yield store


def test_an_intact_archive_passes(any_archive: Path) -> None:
    result = _verify(any_archive)
    assert result.ok, [str(f) for f in result.findings]
    assert result.findings == []
    assert dict(result.checked) == {
        "segments": 6,
        "versions": 3,
        "sightings": 2,
        "quarantined": 1,  # one bad input, quarantined in both runs: one entry ...
        "quarantineSightings": 2,  # ... seen twice
        "runs": 2,
        "warcFiles": 3,
        "warcRecords": 7,  # three warcinfo records and four captures
    }
    with Store.open(str(any_archive), readonly=True) as store:
        assert store.summary()["quarantined"] == result.checked["quarantined"]
    assert result.to_dict() == {"ok": True, "checked": dict(result.checked), "findings": []}


def test_an_empty_archive_passes(tmp_path: Path) -> None:
    result = _verify(tmp_path / "empty")
    assert result.ok
    assert set(result.checked.values()) <= {0}


def test_a_flipped_byte_in_a_log_segment(archive: Path) -> None:
    segment = archive / SEG(2)
    first_line = segment.read_bytes().index(b"\n") + 1
    _flip(segment, first_line + 150)  # inside the version line of item-1 v2
    result = _verify(archive)
    assert not result.ok
    found = _where(result)
    assert ("verify.fixity", SEG(2), None) in found
    assert ("verify.line", SEG(2), 2) in found
    [line] = [f for f in result.findings if f.rule == "verify.line"]
    assert "check hash" in line.message
    assert str(line).startswith(f"{SEG(2)}:2: verify.line: ")


@pytest.mark.parametrize("where", ["header", "payload", "end"])
def test_a_flipped_byte_in_a_warc_file(any_archive: Path, where: str) -> None:
    with Store.open(str(any_archive)) as store:
        record = store.get(ITEM_1, 2)
        assert record is not None
        offset = record["provenance"]["capture"]["warcOffset"]
        name = record["provenance"]["capture"]["warcFile"]
    path = any_archive / name
    data = path.read_bytes()
    gzipped = data[:2] == b"\x1f\x8b"
    if where == "header":
        position = offset + 30
    elif where == "payload":
        position = data.index(b"rise again", offset) if not gzipped else offset + 200
    else:
        position = len(data) - 5
    _flip(path, position)
    result = _verify(any_archive)
    assert not result.ok
    found = _where(result)
    assert ("verify.fixity", name, None) in found
    assert {f.file for f in result.findings} == {name}
    assert name.endswith(".warc.gz" if gzipped else ".warc")
    if where == "payload":
        # beyond the file's hash, the record itself is caught
        rules = {f.rule for f in result.findings}
        expected = {"verify.warc", "verify.capture"} if gzipped else {"verify.warc-digest"}
        assert expected <= rules, result.findings


def test_a_deleted_warc_file(archive: Path) -> None:
    (archive / WARC(2)).unlink()
    result = _verify(archive)
    assert ("verify.missing", WARC(2), None) in _where(result)
    assert {f.file for f in result.findings} == {WARC(2)}


def test_a_deleted_middle_log_segment(archive: Path) -> None:
    (archive / SEG(3)).unlink()
    result = _verify(archive)
    found = _where(result)
    assert ("verify.missing", SEG(3), None) in found
    # and the next segment's first line no longer follows on
    assert ("verify.sequence", SEG(4), 1) in found


def test_a_record_that_no_longer_matches_its_digest(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["item"] = dict(body["item"], headlines=[{"role": "main", "value": "Forged"}])

    _rewrite(archive, SEG(2), 2, edit)
    result = _verify(archive)
    found = _where(result)
    assert ("verify.digest", SEG(2), 2) in found
    assert ("verify.fixity", SEG(2), None) in found  # the catalog's hash of the segment
    assert not any(f.rule == "verify.line" for f in result.findings)
    # Even with the catalog rebuilt from the forged log, the digest gives it away.
    for store in _reindexed(archive):
        rebuilt = verify(store)
        assert [(f.rule, f.file, f.line) for f in rebuilt.findings] == [
            ("verify.digest", SEG(2), 2)
        ]
        assert "item-1 v2" in rebuilt.findings[0].message


def test_a_broken_previous_chain(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["previous"] = sha256(b"some other version")

    _rewrite(archive, SEG(2), 2, edit)
    result = _verify(archive)
    found = _where(result)
    assert ("verify.chain", SEG(2), 2) in found
    assert not any(f.rule in {"verify.line", "verify.digest"} for f in result.findings)
    for store in _reindexed(archive):
        rebuilt = verify(store)
        assert [(f.rule, f.file, f.line) for f in rebuilt.findings] == [("verify.chain", SEG(2), 2)]


def test_a_version_number_out_of_sequence(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["version"] = 3
        body["item"] = dict(body["item"], version="3")

    _rewrite(archive, SEG(2), 2, edit)
    for store in _reindexed(archive):
        found = _where(verify(store))
        assert ("verify.chain", SEG(2), 2) in found


def test_a_record_whose_item_disagrees_with_it(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["item"] = dict(body["item"], version="7")  # not in the digest

    _rewrite(archive, SEG(2), 2, edit)
    for store in _reindexed(archive):
        assert _where(verify(store)) == {("verify.record", SEG(2), 2)}


def test_a_record_that_breaks_the_schema(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["provenance"] = dict(body["provenance"], run="")

    _rewrite(archive, SEG(1), 2, edit)
    for store in _reindexed(archive):
        result = verify(store)
        [schema] = [f for f in result.findings if f.rule == "verify.record"]
        assert (schema.file, schema.line) == (SEG(1), 2)
        assert "$.provenance.run" in schema.message
        assert verify(store, schema_check=False).ok


def test_a_sighting_of_a_digest_that_was_not_the_latest(archive: Path) -> None:
    def edit(body: dict[str, Any]) -> None:
        body["digest"] = sha256(b"never archived")

    _rewrite(archive, SEG(3), 2, edit)
    for store in _reindexed(archive):
        assert _where(verify(store)) == {("verify.chain", SEG(3), 2)}


def test_a_lost_line_breaks_the_sequence(archive: Path) -> None:
    path = archive / SEG(3)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[2])  # the sighting is gone
    for store in _reindexed(archive):
        assert _where(verify(store)) == {("verify.sequence", SEG(3), 2)}


def test_a_catalog_that_disagrees_with_the_log(archive: Path) -> None:
    db = sqlite3.connect(archive / "catalog.sqlite")
    with db:
        db.execute("DELETE FROM versions WHERE version = 2")
    db.close()
    result = _verify(archive)
    found = _where(result)
    assert ("verify.catalog", "catalog", None) in found
    assert ("verify.catalog", SEG(2), 2) in found


def test_stray_files(archive: Path) -> None:
    (archive / "log" / "notes.txt").write_text("hello")
    (archive / WARC(99)).write_bytes(b"not listed anywhere")
    (archive / WARC(7)).write_bytes(b"the next writer's, maybe")  # head + 1
    result = _verify(archive)
    assert _where(result) == {
        ("verify.stray", "log/notes.txt", None),
        ("verify.stray", WARC(99), None),
    }


def test_finding_formats() -> None:
    finding = Finding("verify.line", SEG(1), "altered", 3)
    assert str(finding) == f"{SEG(1)}:3: verify.line: altered"
    assert str(Finding("verify.missing", WARC(1), "gone")) == f"{WARC(1)}: verify.missing: gone"
    assert finding.to_dict() == {
        "file": SEG(1),
        "line": 3,
        "rule": "verify.line",
        "message": "altered",
    }
    result = Verification([finding])
    assert not result.ok
    assert result.to_dict()["ok"] is False
