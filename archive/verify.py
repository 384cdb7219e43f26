"""Prove the archive intact: every byte hashed, every chain walked, catalog against files.

Like BagIt's manifests and WARC's digests, fixity is checked at every level: each log line
carries its own hash, the catalog keeps each segment's sha256, each WARC file's sha256 is
a log entry, each WARC record carries a block digest, and each version's provenance names
the sha256 of the bytes it came from. `verify` recomputes all of them and reports every
mismatch with the file, the line or byte offset, and the rule.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wirearchive.validators import StructuralValidator, default_registry

from .canonical import canonical_bytes, legacy_digest, sha256
from .catalog import Location
from .log import LogEntry, LogError, decode_at, parse_segment_name
from .store import Store, warc_names
from .warc import iter_warc

__all__ = ["Finding", "Verification", "verify"]

RECORD_SCHEMA = "record-1.0"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong, located as precisely as the file allows."""

    rule: str
    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.rule}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}


@dataclass(slots=True)
class Verification:
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": dict(self.checked),
            "findings": [f.to_dict() for f in self.findings],
        }


def _lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    offset = 0
    for number, line in enumerate(io.BytesIO(data), start=1):
        yield number, offset, line
        offset += len(line)


class _Verifier:
    def __init__(self, store: Store, schema_check: bool) -> None:
        self.store = store
        self.result = Verification()
        self.chains: dict[str, tuple[int, str]] = {}
        self.digests: dict[str, dict[int, str]] = defaultdict(dict)
        self.refs: dict[str, list[tuple[int, str, str, str, int]]] = defaultdict(list)
        self.fixity: dict[str, tuple[str, int, str, int]] = {}
        #: Quarantine entries seen: one entry is one input, each sighting of it a log line.
        self.qids: set[str] = set()
        self.schema = StructuralValidator(default_registry()) if schema_check else None
        self.seq = 0

    def find(self, rule: str, file: str, message: str, line: int | None = None) -> None:
        self.result.findings.append(Finding(rule, file, message, line))

    def run(self) -> Verification:
        catalog = self.store.catalog
        with catalog.reading():
            segments = catalog.segments()
            warcs = catalog.warcs()
            versions = catalog.version_count()
            head = segments[-1].number if segments else 0
            self._stray_logs(head, {s.name for s in segments})
            for info in segments:
                self._segment(info.name, info.sha256, info.size)
            logged = self.result.checked["versions"]
            if logged != versions:
                self.find(
                    "verify.catalog",
                    "catalog",
                    f"the catalog indexes {versions} versions, the log holds {logged}",
                )
            latest = catalog.latest(self.chains)
            for item_id, state in self.chains.items():
                if latest.get(item_id) != state:
                    self.find(
                        "verify.catalog",
                        "catalog",
                        f"{item_id}: latest is {latest.get(item_id)} in the catalog, "
                        f"{state} in the log",
                    )
            for name, (sha, size, segment, line) in self.fixity.items():
                self._warc_file(name, sha, size, segment, line)
                if warcs.get(name) != (sha, size):
                    self.find("verify.catalog", name, "the catalog's sha256 or size differs")
            for name in set(self.refs) - set(self.fixity):
                self.find(
                    "verify.capture", name, "captures point into a WARC file the log does not list"
                )
            self._stray_warcs(head)
        return self.result

    def _stray_logs(self, head: int, known: set[str]) -> None:
        for name in self.store.backend.names("log/"):
            number = parse_segment_name(name)
            if number is None:
                self.find("verify.stray", name, "not a log segment name")
            elif number <= head and name not in known:
                self.find("verify.catalog", name, "segment missing from the catalog")

    def _stray_warcs(self, head: int) -> None:
        for name in self.store.backend.names("warc/"):
            if name not in self.fixity and name not in warc_names(head + 1):
                self.find("verify.stray", name, "a WARC file no log entry lists")

    def _segment(self, name: str, expected: str, size: int) -> None:
        backend = self.store.backend
        if not backend.exists(name):
            self.find("verify.missing", name, "log segment listed in the catalog is missing")
            return
        data = backend.read(name)
        self.result.checked["segments"] += 1
        if sha256(data) != expected or len(data) != size:
            self.find("verify.fixity", name, "sha256 differs from the catalog's: file altered")
        for number, offset, line in _lines(data):
            try:
                entry = decode_at(name, line)
            except LogError as exc:
                message = str(exc).split(": ", 1)[-1]
                self.find("verify.line", name, message, number)
                self.seq += 1
                continue
            entry = LogEntry(name, number, offset, len(line), entry.seq, entry.kind, entry.body)
            if entry.seq != self.seq + 1:
                self.find(
                    "verify.sequence",
                    name,
                    f"seq {entry.seq} follows {self.seq}: entries lost or reordered",
                    number,
                )
            self.seq = entry.seq
            getattr(self, f"_{entry.kind}")(entry)

    def _version(self, entry: LogEntry) -> None:
        record, name, line = entry.body, entry.segment, entry.line
        self.result.checked["versions"] += 1
        if self.schema is not None and not self.schema.is_valid(RECORD_SCHEMA, record):
            problems = self.schema.problems(RECORD_SCHEMA, record)
            self.find(
                "verify.record", name, f"{problems[0].json_path}: {problems[0].message}", line
            )
            return
        item_id: str = record["id"]
        version: int = record["version"]
        item = record["item"]
        # Versions archived before HTML was canonicalised carry the earlier form's digest.
        if sha256(canonical_bytes(item)) != record["digest"] and (
            legacy_digest(item) != record["digest"]
        ):
            self.find(
                "verify.digest",
                name,
                f"{item_id} v{version}: item does not hash to its digest",
                line,
            )
        if item.get("version") != str(version) or item.get("uri") != item_id:
            self.find(
                "verify.record",
                name,
                f"{item_id} v{version}: item uri or version disagrees with the record",
                line,
            )
        before = self.chains.get(item_id)
        want_version, want_previous = (before[0] + 1, before[1]) if before else (1, None)
        if version != want_version or record["previous"] != want_previous:
            self.find(
                "verify.chain",
                name,
                f"{item_id} v{version}: expected version "
                f"{want_version} with previous {want_previous}",
                line,
            )
        self.chains[item_id] = (version, record["digest"])
        self.digests[item_id][version] = record["digest"]
        location = self.store.catalog.version_location(item_id, version)
        if location != Location(name, entry.offset, entry.length):
            self.find(
                "verify.catalog", name, f"{item_id} v{version}: catalog points to {location}", line
            )
        self._capture(record["provenance"].get("capture", {}), name, line)

    def _capture(self, capture: dict[str, Any], name: str, line: int) -> None:
        if "warcFile" in capture:
            self.refs[capture["warcFile"]].append(
                (capture["warcOffset"], capture["warcRecordId"], capture["sha256"], name, line)
            )

    def _sighting(self, entry: LogEntry) -> None:
        self.result.checked["sightings"] += 1
        body = entry.body
        if body.get("warnings"):
            # A stale copy is a sighting of the version it was judged against, which
            # need not be the latest: that version must exist with that digest.
            if self.digests.get(body["id"], {}).get(body["version"]) != body["digest"]:
                self.find(
                    "verify.chain",
                    entry.segment,
                    f"{body['id']}: stale sighting of v{body['version']} with a digest "
                    "no such version has",
                    entry.line,
                )
            self._capture(body.get("capture", {}), entry.segment, entry.line)
        elif self.chains.get(body["id"], (None, None))[1] != body["digest"]:
            # A sighting is of the latest version at the time: the chain must agree.
            self.find(
                "verify.chain",
                entry.segment,
                f"{body['id']}: sighting of a digest that was not the latest version",
                entry.line,
            )

    def _event(self, entry: LogEntry) -> None:
        """A withdrawal: of the latest version at the time, its notice hashing right."""
        self.result.checked["events"] += 1
        body, name, line = entry.body, entry.segment, entry.line
        item_id = body["id"]
        if sha256(canonical_bytes(body["item"])) != body["digest"]:
            self.find("verify.digest", name, f"{item_id}: notice does not hash to its digest", line)
        if self.chains.get(item_id, (None, None))[0] != body["version"]:
            self.find(
                "verify.chain",
                name,
                f"{item_id}: {body['event']} event on v{body['version']}, which was not "
                "the latest version",
                line,
            )
        location = self.store.catalog.event_location(entry.seq)
        if location != Location(name, entry.offset, entry.length):
            self.find("verify.catalog", name, f"{item_id}: catalog points to {location}", line)
        self._capture(body["provenance"].get("capture", {}), name, line)

    def _quarantine(self, entry: LogEntry) -> None:
        # Counted as `summary` counts them: entries (inputs), not the lines that saw them.
        self.result.checked["quarantineSightings"] += 1
        qid = str(entry.body.get("qid"))
        if qid not in self.qids:
            self.qids.add(qid)
            self.result.checked["quarantined"] += 1
        self._capture(entry.body["provenance"].get("capture", {}), entry.segment, entry.line)

    def _run(self, entry: LogEntry) -> None:
        self.result.checked["runs"] += 1

    def _warc(self, entry: LogEntry) -> None:
        body = entry.body
        self.fixity[body["file"]] = (body["sha256"], body["size"], entry.segment, entry.line)

    def _warc_file(self, name: str, sha: str, size: int, segment: str, line: int) -> None:
        backend = self.store.backend
        if not backend.exists(name):
            self.find("verify.missing", name, f"WARC file listed in {segment}:{line} is missing")
            return
        data = backend.read(name)
        self.result.checked["warcFiles"] += 1
        if sha256(data) != sha or len(data) != size:
            self.find("verify.fixity", name, f"sha256 differs from {segment}:{line}: file altered")
        records: dict[int, tuple[str, str]] = {}
        try:
            for record in iter_warc(io.BytesIO(data)):
                self.result.checked["warcRecords"] += 1
                records[record.offset] = (record.record_id, record.payload_sha256)
                for problem in record.digest_problems:
                    self.find(
                        "verify.warc-digest", name, f"record at byte {record.offset}: {problem}"
                    )
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
            detail = ascii(str(exc))[1:-1][:160]  # warcio may quote the damaged bytes
            self.find("verify.warc", name, f"unreadable WARC data: {type(exc).__name__}: {detail}")
        for offset, record_id, digest, segment_name, line_no in self.refs.get(name, []):
            if records.get(offset) != (record_id, digest):
                self.find(
                    "verify.capture",
                    name,
                    f"no record {record_id} with {digest} at byte "
                    f"{offset}, as {segment_name}:{line_no} says",
                )


def verify(store: Store, *, schema_check: bool = True) -> Verification:
    """Check the whole archive; see the module docstring for what is compared."""
    return _Verifier(store, schema_check).run()
