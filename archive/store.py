"""The versioned store: put, get, history, diff, the change feed, quarantine, recovery.

A `Writer` collects puts and quarantines into a commit group. `Writer.commit` does the
expensive, lock-free part first (NFC, canonical digest), then, holding the catalog's write
lock, numbers the versions, writes the group's WARC file and one log segment (each whole and
fsynced) and indexes the segment. Outcomes are returned only after that, so a version
reported written is durable. A writer killed at any instant leaves either no segment, or
a complete one that the next writer (or `Store.open`) indexes before doing anything else.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import orjson
from wirearchive import __version__

from .backend import Backend, open_backend
from .canonical import canonical_bytes, legacy_digest, nfc_item, sha256
from .catalog import (
    Catalog,
    CatalogBusy,
    Filters,
    ItemState,
    Location,
    SegmentInfo,
    catalog_file,
    open_catalog,
    redacted,
    resolve_catalog,
)
from .log import (
    DamagedLine,
    LogEntry,
    LogError,
    decode_at,
    encode_entry,
    parse_segment_name,
    read_entries,
    scan_lines,
    segment_name,
)
from .versioning import Decision, decide, pub_status
from .warc import Capture, CaptureRef, Record, WarcBuilder, read_payload

__all__ = [
    "DEFAULT_LOCATION",
    "LOCATION_ENV",
    "ArchiveError",
    "Changes",
    "Outcome",
    "Prepared",
    "Store",
    "Writer",
    "new_run_id",
    "prepare_item",
    "resolve_location",
]

DEFAULT_LOCATION = "archive-data"
LOCATION_ENV = "WIREARCHIVE_ARCHIVE"
SOFTWARE = f"wirearchive/{__version__}"

Status = Literal["new", "updated", "unchanged", "quarantined"]


class ArchiveError(Exception):
    """The archive cannot do what was asked: damaged files, a bad cursor, no such item."""


def resolve_location(location: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """``--archive DIR``, else ``$WIREARCHIVE_ARCHIVE``, else ``./archive-data``."""
    return location or environ.get(LOCATION_ENV) or DEFAULT_LOCATION


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: the start time, then random hex."""
    moment = now or datetime.now(UTC)
    return f"run-{moment.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def warc_names(number: int) -> tuple[str, str]:
    """The names a group's WARC file may have: gzipped per record, or not."""
    return f"warc/{number:012d}.warc.gz", f"warc/{number:012d}.warc"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one put or quarantine, known only once it is durable."""

    status: Status
    id: str | None
    version: int | None
    digest: str | None
    cursor: str
    qid: str | None = None
    #: Why an "unchanged" capture deserves a look: ``version.stale``,
    #: ``version.stale-redelivery`` (problem dicts: path, rule, message).
    warnings: tuple[dict[str, str], ...] = ()
    #: An event the capture recorded on the item (status "updated"): ``"withdrawn"``.
    event: str | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"status": self.status, "id": self.id, "version": self.version}
        if self.digest:
            found["digest"] = self.digest
        if self.qid:
            found["qid"] = self.qid
        if self.event:
            found["event"] = self.event
        if self.warnings:
            found["warnings"] = [dict(w) for w in self.warnings]
        return found


@dataclass(slots=True)
class _Put:
    item: dict[str, Any]
    digest: str
    capture: Capture
    provenance: dict[str, Any]
    warnings: list[dict[str, Any]]
    profile: str
    record: Record | None = None


@dataclass(slots=True)
class _NotModified:
    """A conditional request answered 304: the latest version was seen again."""

    item_id: str
    capture: Capture
    provenance: dict[str, Any]


@dataclass(slots=True)
class _Quarantine:
    qid: str
    capture: Capture | None
    report: dict[str, Any]
    item: Any
    provenance: dict[str, Any]
    path: str | None
    line: int | None


@dataclass(slots=True)
class _Group:
    """The lines of one segment being built, and what they mean for the catalog."""

    number: int
    seq: int
    lines: list[bytes] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    size: int = 0

    def add(self, kind: str, body: dict[str, Any]) -> int:
        self.seq += 1
        line = encode_entry(self.seq, kind, body)
        name = segment_name(self.number)
        self.entries.append(
            LogEntry(name, len(self.lines) + 1, self.size, len(line), self.seq, kind, body)
        )
        self.lines.append(line)
        self.size += len(line)
        return self.seq


def quarantine_id(capture: Capture | None, provenance: Mapping[str, Any], report: Any) -> str:
    """One entry per input and content: the same file re-sent keeps its id (and counts).

    The basis is where the bytes came from (the capture's target URI, with its ``#line=``
    or ``#part=`` fragment for one line or item of a file) and their hash, so two files
    holding the same bytes (two empty files) are two entries, each naming its own path,
    while a feed that keeps sending the same bad bytes from one URL makes one. The WARC
    still keeps such bytes once.
    """
    if capture is not None:
        return "q-" + sha256(f"{capture.target_uri}\n{capture.sha256}".encode())[7:27]
    known = provenance.get("capture", {}).get("sha256")
    derived = provenance.get("wasDerivedFrom")
    return "q-" + sha256(orjson.dumps([derived, known or report]))[7:27]


class Unencodable(ValueError):
    """A record the log cannot hold: nested too deep, or text that is not valid Unicode.

    Raised by `Writer.put` at once, so one such item becomes its input's quarantine entry
    instead of failing the whole commit group later.
    """


#: An item in NFC and its canonical digest: the lock-free part of a put.
Prepared = tuple[dict[str, Any], str]


def prepare_item(item: Mapping[str, Any]) -> Prepared:
    """The item in NFC and its digest; `Unencodable` when the log could not hold it."""
    try:
        normalized = nfc_item(dict(item))
        return normalized, sha256(canonical_bytes(normalized, is_nfc=True))
    except (TypeError, RecursionError) as exc:  # too deep, or a lone surrogate
        raise Unencodable(f"the item cannot be archived: {exc or type(exc).__name__}") from None


def unencodable(value: Any) -> str | None:
    """Why orjson (the log's encoder) refuses `value`, or None when it does not."""
    try:
        orjson.dumps(value)
    except (TypeError, RecursionError) as exc:  # orjson.JSONEncodeError is a TypeError
        return str(exc) or type(exc).__name__
    return None


def _escaped(value: Any) -> Any:
    """`value` with lone surrogates in its strings escaped, so the log can hold it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return value
    if isinstance(value, dict):
        return {_escaped(key): _escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(item) for item in value]
    return value


class Writer:
    """A commit group: collect puts and quarantines, then `commit` them together."""

    def __init__(self, store: Store, run: str, *, source: str | None = None) -> None:
        self._store = store
        self.run = run
        self.source = source
        self._pending: list[_Put | _Quarantine | _NotModified] = []

    def __len__(self) -> int:
        return len(self._pending)

    def put(
        self,
        item: Mapping[str, Any],
        capture: Capture,
        *,
        provenance: Mapping[str, Any] | None = None,
        warnings: Sequence[Mapping[str, Any]] = (),
        profile: str,
        prepared: Prepared | None = None,
        record: Record | None = None,
    ) -> None:
        """Queue a valid item; the store fills in version, digest and the capture's place.

        `prepared` is what `prepare_item` made of this very item, and `record` the
        capture's `resource_record`, when another process (an ingest's checking pool) did
        that part of the work already; the record is used only if the bytes are new here.
        """
        uri = item.get("uri")
        if not isinstance(uri, str) or not uri:
            raise ValueError("an archived item needs a uri, its id in the archive")
        normalized, digest = prepared or prepare_item(item)
        kept = [{"path": w["path"], "rule": w["rule"], "message": w["message"]} for w in warnings]
        facts = dict(provenance or {})
        problem = unencodable([facts, kept])
        if problem is not None:
            raise Unencodable(f"the provenance cannot be archived: {problem}")
        self._pending.append(_Put(normalized, digest, capture, facts, kept, profile, record))

    def quarantine(
        self,
        *,
        capture: Capture | None,
        report: Mapping[str, Any],
        item: Any = None,
        provenance: Mapping[str, Any] | None = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        """Queue an input that failed, with everything needed to see why and retry it.

        Never refuses what the log cannot encode: an item nested too deep is left out (the
        raw bytes are kept) and text with lone surrogates is escaped, so a quarantine entry
        can always be written.
        """
        facts: dict[str, Any] = dict(provenance or {})
        kept_report: dict[str, Any] = dict(report)
        if item is not None and (problem := unencodable(item)) is not None:
            item = None
            note = {"name": "not-kept", "detail": f"the item cannot be encoded: {problem}"}
            facts["steps"] = [*facts.get("steps", []), note]
        if unencodable([kept_report, facts, path]) is not None:
            kept_report, facts, path = _escaped(kept_report), _escaped(facts), _escaped(path)
        qid = quarantine_id(capture, facts, kept_report)
        self._pending.append(_Quarantine(qid, capture, kept_report, item, facts, path, line))

    def not_modified(
        self, item_id: str, capture: Capture, *, provenance: Mapping[str, Any] | None = None
    ) -> None:
        """Queue a sighting of an item's latest version: the server answered 304.

        `capture` holds no body; its `http` exchange says what was asked and answered.
        """
        self._pending.append(_NotModified(item_id, capture, dict(provenance or {})))

    def commit(self) -> list[Outcome]:
        """Make the group durable and indexed; return one outcome per queued input, in order."""
        if not self._pending:
            return []
        pending, self._pending = self._pending, []
        try:
            return self._store._commit(pending, self.run, self.source)
        except BaseException:
            self._pending = pending + self._pending  # nothing was written: keep them queued
            raise


class Changes:
    """The versions archived after a cursor, oldest first; `cursor` is where to resume."""

    def __init__(
        self,
        store: Store,
        since: str | None,
        limit: int | None,
        *,
        until: str | None = None,
        filters: Filters | None = None,
    ) -> None:
        self._store = store
        self._since = _parse_cursor(since)
        self._until = None if until is None else _parse_cursor(until)
        self._limit = limit
        self._filters = filters
        self.cursor = str(self._since)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        catalog = self._store.catalog
        with catalog.reading():
            _, head = catalog.head()
            if self._since > head:
                raise ArchiveError(f"cursor {self._since} is ahead of this archive ({head})")
            if self._until is not None:
                head = max(self._since, min(head, self._until))
            count = 0
            # The feed runs in seq order, so segments come one after another: keep the
            # current one open rather than opening it again for every record.
            with contextlib.ExitStack() as stack:
                current, stream = None, None
                found = catalog.changes(self._since, head, self._limit, self._filters)
                for seq, location in found:
                    if location.segment != current:
                        stack.close()
                        current = location.segment
                        stream = stack.enter_context(self._store.backend.open(current))
                    assert stream is not None
                    stream.seek(location.offset)
                    entry = self._store._decode(location, stream.read(location.length))
                    count += 1
                    self.cursor = str(seq)
                    yield entry.body
            if self._limit is None or count < self._limit:
                self.cursor = str(head)


def _parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not (cursor.isascii() and cursor.isdigit()):
        raise ArchiveError(f"not a cursor: {cursor!r} (use one that export printed)")
    return int(cursor)


class Store:
    """One archive: a backend for the files and a catalog that indexes them."""

    def __init__(
        self,
        backend: Backend,
        catalog: Catalog,
        *,
        gzip: bool = True,
        software: str = SOFTWARE,
        readonly: bool = False,
    ) -> None:
        self.backend = backend
        self.catalog = catalog
        self._gzip = gzip
        self._software = software
        #: Opened for reading only: writing, recovery and reindex raise `ArchiveError`.
        self.readonly = readonly

    @classmethod
    def open(
        cls,
        location: str | None = None,
        *,
        recover: bool = True,
        gzip: bool = True,
        create: bool = True,
        readonly: bool = False,
        catalog: str | os.PathLike[str] | None = None,
    ) -> Store:
        """Open the archive at a location (see `resolve_location`), creating it if needed.

        ``catalog`` says where the catalog lives (see `resolve_catalog`): a
        ``postgresql://`` URL shared by writers on several hosts, or an SQLite file; by
        default ``$WIREARCHIVE_CATALOG``, else ``catalog.sqlite`` in the archive's
        directory, or for an archive on object storage (``s3://``) in a per-archive folder
        under ``$XDG_CACHE_HOME/wirearchive/``.

        ``create=False`` refuses a path that holds no archive (no catalog and no log
        segment) with ``ArchiveError("no archive at PATH")``, and makes nothing there.
        ``readonly=True`` implies that, and opens the catalog with SQLite's ``mode=ro``: no
        write lock is taken, so a reader never waits for a writer, and no file changes
        (SQLite may add its ``-wal``/``-shm`` companions). One exception: when the catalog is
        missing, of an older schema, or behind the log (a writer died between writing its
        segment and indexing it), the catalog is brought up to date first, as a writer
        would, since otherwise a durable version would be missing from what is read; if a
        writer holds the lock, that writer is alive and indexes its own segment, so the
        reader does not wait and reads what is indexed. The other leftovers of a killed
        writer (temporary files, an orphan WARC file) are left for the next writer.
        """
        where = resolve_location(location)
        try:
            backend = open_backend(where)
            spec = resolve_catalog(catalog, where, backend.local_root)
            path = catalog_file(spec)  # None for a server's catalog
        except ValueError as exc:
            raise ArchiveError(str(exc)) from exc
        if (readonly or not create) and not _holds_archive(backend, path):
            raise ArchiveError(f"no archive at {where}")
        if readonly:
            found = cls._open_readonly(backend, spec, path, gzip)
            if found is None:
                cls._catch_up_for_reading(backend, spec, gzip)
                found = cls._open_readonly(backend, spec, path, gzip, lagging=True)
            assert found is not None
            return found
        writable = open_catalog(spec)
        store = cls(backend, writable, gzip=gzip)
        if writable.upgraded:  # made by an older wirearchive: rebuild it from the log
            store.reindex()
        if recover:
            store.recover()
        return store

    @classmethod
    def _open_readonly(
        cls,
        backend: Backend,
        spec: str,
        path: Path | None,
        gzip: bool,
        *,
        lagging: bool = False,
    ) -> Store | None:
        """The archive opened read-only, or None when its catalog must be written first.

        With `lagging`, a catalog behind the log is accepted (a live writer is indexing).
        """
        label = path or redacted(spec)
        if path is not None and not path.is_file():
            if lagging:
                raise ArchiveError(f"{path}: another process is creating the catalog; try again")
            return None
        catalog = open_catalog(spec, readonly=True)
        try:
            current = catalog.is_current()
            if lagging and not current:
                raise ArchiveError(f"{label}: another process is rebuilding the catalog; try again")
            if not lagging:
                current = current and not backend.exists(segment_name(catalog.head()[0] + 1))
        except BaseException:
            catalog.close()
            raise
        if not current:
            catalog.close()
            return None
        return cls(backend, catalog, gzip=gzip, readonly=True)

    @classmethod
    def _catch_up_for_reading(cls, backend: Backend, spec: str, gzip: bool) -> None:
        """Bring a missing, old or lagging catalog up to the log, unless a writer is live.

        Tried without waiting: a process holding the write lock indexes its own segment
        before it lets go, so a reader need not queue behind it and reads what is indexed.
        """
        try:
            writable = open_catalog(spec, busy_timeout=0)
            with cls(backend, writable, gzip=gzip) as catching_up:
                if writable.upgraded:
                    catching_up.reindex()
                with writable.writing():
                    catching_up._catch_up()
        except CatalogBusy:  # a live writer on a server catalog
            pass
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise

    def _writable(self, what: str) -> None:
        if self.readonly:
            raise ArchiveError(f"the archive was opened read-only: cannot {what}")

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def writer(self, run: str, *, source: str | None = None) -> Writer:
        self._writable("write")
        return Writer(self, run, source=source)

    def put(
        self,
        item: Mapping[str, Any],
        capture: Capture,
        *,
        run: str,
        provenance: Mapping[str, Any] | None = None,
        warnings: Sequence[Mapping[str, Any]] = (),
        profile: str,
        source: str | None = None,
    ) -> Outcome:
        """Put one item in a group of its own."""
        writer = self.writer(run, source=source)
        writer.put(item, capture, provenance=provenance, warnings=warnings, profile=profile)
        return writer.commit()[0]

    def finish_run(self, manifest: Mapping[str, Any]) -> None:
        """Log a run's manifest, and keep a readable copy in ``runs/<run>.json``."""
        self._writable("log a run")
        body = {"run": manifest["run"], "manifest": dict(manifest)}
        with self.catalog.writing():
            group = self._begin_group()
            group.add("run", body)
            self._write_group(group)
            self.backend.replace(
                f"runs/{body['run']}.json",
                [orjson.dumps(body["manifest"], option=orjson.OPT_INDENT_2)],
            )

    def _commit(
        self, pending: list[_Put | _Quarantine | _NotModified], run: str, source: str | None
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        with self.catalog.writing():
            group = self._begin_group()
            states = self.catalog.states(
                p.item["uri"] if isinstance(p, _Put) else p.item_id
                for p in pending
                if not isinstance(p, _Quarantine)
            )
            made: dict[tuple[str, str], int] = {}  # (id, digest) → version, in this group
            name = warc_names(group.number)[0 if self._gzip else 1]
            warc = WarcBuilder(name, software=self._software, gzip=self._gzip)
            # Where the archive keeps any of these bytes already, in a few queries, not
            # one per capture.
            refs = self.catalog.captures(
                entry.capture.sha256 for entry in pending if entry.capture is not None
            )
            now = utc_now()
            records: list[tuple[str, dict[str, Any]]] = []
            for entry in pending:
                if isinstance(entry, _Put):
                    outcome, kind, body = self._version(
                        entry, states, made, warc, refs, run, source, now
                    )
                elif isinstance(entry, _NotModified) and entry.item_id not in states:
                    # A conditional answer about an item the archive does not hold (its
                    # catalog was rebuilt meanwhile, say): keep the 304 and say why.
                    outcome, kind, body = self._quarantined(
                        _unknown_not_modified(entry), warc, refs, run, source, now
                    )
                elif isinstance(entry, _NotModified):
                    state = states[entry.item_id]
                    seen = (state.version, state.digest)
                    outcome = Outcome("unchanged", entry.item_id, seen[0], seen[1], "")
                    kind, body = (
                        "sighting",
                        _sighting(entry.item_id, seen, run, now, entry.capture, entry.provenance),
                    )
                else:
                    outcome, kind, body = self._quarantined(entry, warc, refs, run, source, now)
                records.append((kind, body))
                outcomes.append(outcome)
            if len(warc):
                chunks = warc.chunks()
                digest = sha256(b"".join(chunks))
                # `create`: `_begin_group` removed what a killed writer left under this
                # name, so an object here now is another host's, racing for this number
                # with a catalog of its own: fail rather than overwrite its captures.
                size = self.backend.create(warc.name, chunks)
                group.add(
                    "warc",
                    {"file": warc.name, "sha256": digest, "size": size, "records": len(warc)},
                )
            cursors = [group.add(kind, body) for kind, body in records]
            self._write_group(group)
        return [
            Outcome(o.status, o.id, o.version, o.digest, str(c), o.qid, o.warnings, o.event)
            for o, c in zip(outcomes, cursors, strict=True)
        ]

    def _begin_group(self) -> _Group:
        """Under the write lock: catch up, then clear the next group's name of leftovers.

        A writer killed between its WARC file and its segment leaves ``warc/<n>`` behind;
        the group that takes number n may write no WARC file, so it removes the stale one.
        """
        self._catch_up()
        number, seq = self.catalog.head()
        for stale in warc_names(number + 1):
            if self.backend.exists(stale):
                self.backend.delete(stale)
        return _Group(number + 1, seq)

    def _capture_ref(
        self,
        capture: Capture,
        warc: WarcBuilder,
        refs: dict[str, dict[str, Any]],
        record: Record | None = None,
    ) -> dict[str, Any]:
        """The stored copy of these bytes: an earlier one if the archive has them already.

        `refs` holds every copy the archive had of the group's captures when the group
        began (`Catalog.captures`), and those the group has written since.
        """
        digest = capture.sha256
        ref = refs.get(digest)
        if ref is None:
            made: CaptureRef = warc.add(capture, record)
            ref = made.to_provenance()
        refs[digest] = ref
        return {**_capture_facts(capture), "mediaType": capture.media_type, **ref}

    def _provenance(
        self,
        facts: Mapping[str, Any],
        capture: dict[str, Any] | None,
        target_uri: str | None,
        run: str,
        source: str | None,
        now: str,
    ) -> dict[str, Any]:
        """Complete the provenance facts a reader gave with what only the store knows."""
        provenance = dict(facts)
        provenance.setdefault("wasDerivedFrom", {"url": target_uri} if target_uri else {})
        if capture is not None:
            provenance["capture"] = {**provenance.get("capture", {}), **capture}
        provenance["generatedAtTime"] = now
        provenance["wasAttributedTo"] = {
            **provenance.get("wasAttributedTo", {}),
            "agent": "wirearchive",
            "version": __version__,
        }
        provenance["run"] = run
        provenance.setdefault("steps", [])
        if source and "source" not in provenance:
            provenance["source"] = source
        return provenance

    def _version(
        self,
        put: _Put,
        states: dict[str, ItemState],
        made: dict[tuple[str, str], int],
        warc: WarcBuilder,
        refs: dict[str, dict[str, Any]],
        run: str,
        source: str | None,
        now: str,
    ) -> tuple[Outcome, str, dict[str, Any]]:
        """A new version, a sighting (plain or stale), a withdrawal: see `versioning`."""
        uri = put.item["uri"]
        state = states.get(uri)

        def earlier() -> int | None:
            return made.get((uri, put.digest)) or self.catalog.version_of(uri, put.digest)

        decision = decide(
            state,
            put.digest,
            put.item,
            earlier=earlier,
            legacy=lambda: legacy_digest(put.item),
            dated=put.capture.http is None,  # a live fetch's dates come from its markup
        )
        if decision.action == "unknown-notice":
            return self._quarantined(_unknown_notice(put), warc, refs, run, source, now)
        if decision.action == "sighting":
            assert state is not None
            assert decision.version is not None
            return self._sighted(put, state, decision, warc, refs, run, now)
        capture = self._capture_ref(put.capture, warc, refs, put.record)
        provenance = self._provenance(
            put.provenance, capture, put.capture.target_uri, run, source, now
        )
        validation = {"profile": put.profile, "warnings": put.warnings}
        if decision.action == "withdraw":
            assert state is not None
            state.withdrawn = put.digest
            event = {
                "id": uri,
                "version": state.version,
                "event": "withdrawn",
                "pubStatus": pub_status(put.item),
                "at": now,
                "item": put.item,
                "provenance": provenance,
                "validation": validation,
                "digest": put.digest,
            }
            outcome = Outcome("updated", uri, state.version, put.digest, "", event="withdrawn")
            return outcome, "event", event
        version = decision.version or 1
        previous = state.digest if state else None
        states[uri] = ItemState(version, put.digest, put.item.get("versionCreated"))
        made[(uri, put.digest)] = version
        record = {
            "id": uri,
            "version": version,
            "item": {**put.item, "version": str(version)},
            "provenance": provenance,
            "validation": validation,
            "digest": put.digest,
            "previous": previous,
        }
        status: Status = "updated" if state else "new"
        return Outcome(status, uri, version, put.digest, ""), "version", record

    def _sighted(
        self,
        put: _Put,
        state: ItemState,
        decision: Decision,
        warc: WarcBuilder,
        refs: dict[str, dict[str, Any]],
        run: str,
        now: str,
    ) -> tuple[Outcome, str, dict[str, Any]]:
        """A sighting of `decision.version`; a stale one keeps its bytes and its warning."""
        uri = put.item["uri"]
        version = decision.version
        assert version is not None
        # An earlier version delivered again has this capture's digest by definition.
        digest = state.digest if version == state.version else put.digest
        sighting = _sighting(uri, (version, digest), run, now, put.capture, put.provenance)
        if decision.warning is None:
            return Outcome("unchanged", uri, version, digest, ""), "sighting", sighting
        sighting["capture"] |= self._capture_ref(put.capture, warc, refs, put.record)
        sighting["warnings"] = [decision.warning]
        if put.digest != digest:
            sighting["captured"] = {
                "digest": put.digest,
                "versionCreated": put.item.get("versionCreated"),
            }
        outcome = Outcome("unchanged", uri, version, digest, "", warnings=(decision.warning,))
        return outcome, "sighting", sighting

    def _quarantined(
        self,
        entry: _Quarantine,
        warc: WarcBuilder,
        refs: dict[str, dict[str, Any]],
        run: str,
        source: str | None,
        now: str,
    ) -> tuple[Outcome, str, dict[str, Any]]:
        capture = self._capture_ref(entry.capture, warc, refs) if entry.capture else None
        target = entry.capture.target_uri if entry.capture else None
        body = {
            "qid": entry.qid,
            "run": run,
            "at": now,
            "path": entry.path,
            "line": entry.line,
            "report": entry.report,
            "item": entry.item,
            "provenance": self._provenance(entry.provenance, capture, target, run, source, now),
        }
        return Outcome("quarantined", None, None, None, "", entry.qid), "quarantine", body

    def _write_group(self, group: _Group) -> None:
        data = b"".join(group.lines)
        name = segment_name(group.number)
        self.backend.create(name, [data])
        info = SegmentInfo(
            group.number, name, sha256(data), len(data), group.entries[0].seq, group.seq
        )
        self.catalog.index_segment(info, group.entries)

    # -- recovery --------------------------------------------------------------

    def _index_file(self, number: int, name: str) -> None:
        """Index a segment read back from its file; raises `LogError` if it is damaged."""
        data = self.backend.read(name)
        entries = list(read_entries(name, io.BytesIO(data)))
        if not entries:
            raise LogError(f"{name}: empty segment")
        first, last = entries[0].seq, entries[-1].seq
        info = SegmentInfo(number, name, sha256(data), len(data), first, last)
        self.catalog.index_segment(info, entries)

    def _catch_up(self) -> list[str]:
        """Index segments that exist but the catalog does not know (a writer died between)."""
        notes = []
        number, _ = self.catalog.head()
        while self.backend.exists(name := segment_name(number + 1)):
            number += 1
            try:
                self._index_file(number, name)
            except LogError as exc:
                raise ArchiveError(f"cannot index {name}: {exc}") from exc
            notes.append(f"indexed {name}, which a writer finished before it stopped")
        return notes

    def recover(self) -> list[str]:
        """Bring the catalog up to the log and clear what a killed writer left half-done."""
        self._writable("recover")
        with self.catalog.writing():
            notes = self._catch_up()
            notes += [f"removed unfinished {name}" for name in self.backend.discard_incomplete()]
            number, _ = self.catalog.head()
            for orphan in warc_names(number + 1):
                if self.backend.exists(orphan):
                    self.backend.delete(orphan)
                    notes.append(
                        f"removed {orphan}, written by a writer that stopped before its log"
                    )
        return notes

    def reindex(self) -> dict[str, Any]:
        """Rebuild the catalog from the log files alone, in one transaction.

        A damaged line costs only itself: every intact line of its segment is indexed, and
        the line is reported (``verify.line``, with file and line) and still counted in the
        segment's seq range, so the next writer does not reuse its seq. Each problem is
        ``{"file", "line", "rule", "message"}``, as `verify` reports findings.
        """
        self._writable("reindex")
        problems: list[dict[str, Any]] = []

        def problem(file: str, line: int | None, rule: str, message: str) -> None:
            problems.append({"file": file, "line": line, "rule": rule, "message": message})

        with self.catalog.writing():
            self.catalog.clear()
            expected, seq = 1, 0
            for name in list(self.backend.names("log/")):
                number = parse_segment_name(name)
                if number is None:
                    problem(name, None, "verify.stray", "not a log segment name; left out")
                    continue
                if number != expected:
                    gap = segment_name(expected)
                    problem(gap, None, "verify.missing", f"log/ has no segment {gap}")
                expected = number + 1
                data = self.backend.read(name)
                entries: list[LogEntry] = []
                first = None
                for found in scan_lines(name, data):
                    if isinstance(found, DamagedLine):
                        problem(name, found.line, "verify.line", found.message)
                        seq += 1  # the line held one entry, as verify counts it
                    else:
                        entries.append(found)
                        seq = found.seq
                    first = seq if first is None else first
                if first is None:
                    problem(name, None, "verify.line", "empty segment: nothing to index")
                    continue
                info = SegmentInfo(number, name, sha256(data), len(data), first, seq)
                self.catalog.index_segment(info, entries)
            counts = self.catalog.counts()
        return {"counts": counts, "problems": problems}

    # -- reading ------------------------------------------------------------------

    def _read_entry(self, location: Location) -> LogEntry:
        data = self.backend.read(location.segment, location.offset, location.length)
        return self._decode(location, data)

    @staticmethod
    def _decode(location: Location, data: bytes) -> LogEntry:
        try:
            return decode_at(location.segment, data)
        except LogError as exc:
            raise ArchiveError(f"{location.segment} at byte {location.offset}: {exc}") from exc

    def get(self, item_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The record of an item's version `version`, or of its latest; None if absent.

        While the item is withdrawn the record also says so: ``"status": "withdrawn"`` and
        ``"withdrawn"`` (event, pubStatus, when, run, cursor, the notice's digest). The
        version itself is kept and readable as it was.
        """
        location = self.catalog.version_location(item_id, version)
        if location is None:
            return None
        record = self._read_entry(location).body
        withdrawal = self.catalog.withdrawal(item_id)
        if withdrawal is not None:
            record["status"] = "withdrawn"
            record["withdrawn"] = withdrawal
        return record

    def event(self, cursor: str) -> dict[str, Any] | None:
        """The event entry (a withdrawal, with its notice item and provenance) at a cursor."""
        location = self.catalog.event_location(_parse_cursor(cursor))
        return None if location is None else self._read_entry(location).body

    def raw(self, item_id: str, version: int | None = None) -> bytes:
        """The exact input bytes a version was made from, read back from its WARC record."""
        record = self.get(item_id, version)
        if record is None:
            raise ArchiveError(f"{item_id}: no such item or version")
        return self.capture_bytes(record["provenance"]["capture"])

    def capture_bytes(self, capture: Mapping[str, Any]) -> bytes:
        name, offset = capture["warcFile"], capture["warcOffset"]
        with self.backend.open(name) as stream:
            record_id, payload = read_payload(stream, offset)
        if record_id != capture["warcRecordId"] or sha256(payload) != capture["sha256"]:
            raise ArchiveError(f"{name} at byte {offset}: not the capture the provenance names")
        return payload

    def history(self, item_id: str) -> list[dict[str, Any]]:
        """Every version of an item, oldest first, with when and how often it was seen."""
        return self.catalog.version_rows(item_id)

    def changes(
        self,
        since: str | None = None,
        limit: int | None = None,
        *,
        until: str | None = None,
        filters: Filters | None = None,
    ) -> Changes:
        """Records archived after `since` (a cursor from an earlier call) and up to `until`
        (a cursor too), in order, narrowed to `filters`."""
        return Changes(self, since, limit, until=until, filters=filters)

    def entries(self, kind: str, since: int = 0, until: int | None = None) -> Iterator[LogEntry]:
        """The log entries of one kind (version, event, quarantine) with since < seq <= until
        (the head when None), oldest first, each with its seq: the cursor of an incremental
        reader that wants one kind only (the Parquet export)."""
        if until is None:
            until = self.catalog.head()[1]
        # In seq order segments come one after another: keep the current one open.
        with contextlib.ExitStack() as stack:
            current, stream = None, None
            for location in self.catalog.locations(kind, since, until):
                if location.segment != current:
                    stack.close()
                    current = location.segment
                    stream = stack.enter_context(self.backend.open(current))
                assert stream is not None
                stream.seek(location.offset)
                yield self._decode(location, stream.read(location.length))

    def quarantined(self, qid: str | None = None) -> list[dict[str, Any]]:
        """Quarantined inputs, one row per distinct input, most recent last."""
        return self.catalog.quarantine_rows(qid)

    def quarantine_entry(self, qid: str) -> dict[str, Any] | None:
        """The full latest quarantine entry for an input: report, item, provenance."""
        location = self.catalog.quarantine_location(qid)
        return None if location is None else self._read_entry(location).body

    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        """Run manifests, oldest first: all, the `last` N, or the one called `run`."""
        return self.catalog.runs(last, run)

    def url_state(self, url: str) -> dict[str, Any] | None:
        """The item a URL gave, when it was first and last fetched, its ETag and Last-Modified."""
        return self.catalog.url_state(url)

    def due(
        self, now: datetime, interval: Callable[[timedelta], timedelta | None]
    ) -> Iterator[str]:
        """URLs to fetch again: `interval(age)` says how often a page of that age is revisited
        (None: no more), and a URL is due when its last fetch is at least that long ago.
        """
        for url, first, last in self.catalog.url_states():
            every = interval(now - _parse_time(first))
            if every is not None and now - _parse_time(last) >= every:
                yield url

    def summary(self) -> dict[str, Any]:
        return self.catalog.counts()

    def diff(self, item_id: str, a: int, b: int) -> dict[str, Any]:
        """What changed between two versions: fields, and the body text as a unified diff."""
        old, new = self.get(item_id, a), self.get(item_id, b)
        for number, record in ((a, old), (b, new)):
            if record is None:
                raise ArchiveError(f"{item_id}: no version {number}")
        assert old is not None
        assert new is not None
        return diff_records(old, new)


def _holds_archive(backend: Backend, catalog: Path | None) -> bool:
    """Whether a location holds an archive: its SQLite catalog, or at least one log
    segment (a server's catalog is shared, so only the segments tell)."""
    if catalog is not None and catalog.is_file():
        return True
    return any(parse_segment_name(name) is not None for name in backend.names("log/"))


def _unknown_not_modified(entry: _NotModified) -> _Quarantine:
    report = {
        "valid": False,
        "errors": [
            {
                "path": "$",
                "rule": "fetch.not-modified-unknown",
                "message": f"the server answered 304 for {entry.item_id}, which the archive does "
                "not hold: fetch it again without a condition",
            }
        ],
        "warnings": [],
    }
    qid = quarantine_id(entry.capture, entry.provenance, report)
    return _Quarantine(qid, entry.capture, report, None, entry.provenance, None, None)


def _unknown_notice(put: _Put) -> _Quarantine:
    report = {
        "valid": False,
        "errors": [
            {
                "path": "$.pubStatus",
                "rule": "withdrawal.unknown-item",
                "message": f"a {pub_status(put.item)} notice for {put.item['uri']}, which the "
                "archive does not hold: kept here until the item itself arrives",
            }
        ],
        "warnings": put.warnings,
    }
    qid = quarantine_id(put.capture, put.provenance, report)
    return _Quarantine(qid, put.capture, report, put.item, put.provenance, None, None)


def _capture_facts(capture: Capture) -> dict[str, Any]:
    """When the bytes were retrieved and, over HTTP, the status and the validators."""
    facts: dict[str, Any] = {"retrievedAt": _iso(capture.retrieved_at)}
    if capture.http is not None:
        facts["httpStatus"] = capture.http.status
        for name, key in (("ETag", "etag"), ("Last-Modified", "lastModified")):
            value = capture.http.header(name)
            if value is not None:
                facts[key] = value
    return facts


def _sighting(
    item_id: str,
    latest: tuple[int, str],
    run: str,
    now: str,
    capture: Capture,
    provenance: Mapping[str, Any],
) -> dict[str, Any]:
    """A sighting entry: the latest version seen again, and how (bytes or a 304)."""
    facts = _capture_facts(capture)
    if capture.http is None or capture.http.status != 304:
        facts |= {"sha256": capture.sha256, "size": len(capture.data)}
    return {
        "id": item_id,
        "version": latest[0],
        "digest": latest[1],
        "run": run,
        "seenAt": now,
        "capture": facts,
        "wasDerivedFrom": provenance.get("wasDerivedFrom", {}),
    }


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _leaves(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|div|blockquote|pre|table|tr)>|<br\s*/?>)", re.I)


def _body_text(item: Mapping[str, Any]) -> list[str]:
    """The main body as lines; HTML is broken after each block so the diff reads by paragraph."""
    bodies = item.get("bodies") or []
    main = [b for b in bodies if isinstance(b, dict) and b.get("role") == "main"] or bodies
    text = str(main[0].get("value", "")) if main and isinstance(main[0], dict) else ""
    text = _BLOCK_END.sub("\\1\n", text)
    return [line + "\n" for line in text.splitlines()]


def diff_records(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Field-level changes between two records' items (the archive's `version` left out)."""
    before = {p: v for p, v in _leaves(old["item"]) if p != "$.version"}
    after = {p: v for p, v in _leaves(new["item"]) if p != "$.version"}
    changed = [
        {"path": p, "from": before.get(p), "to": after.get(p)}
        for p in sorted(before.keys() | after.keys())
        if before.get(p, _MISSING) != after.get(p, _MISSING)
    ]
    label = f"{old['id']} v{{}}"
    body = "".join(
        difflib.unified_diff(
            _body_text(old["item"]),
            _body_text(new["item"]),
            fromfile=label.format(old["version"]),
            tofile=label.format(new["version"]),
        )
    )
    return {
        "id": old["id"],
        "from": old["version"],
        "to": new["version"],
        "changed": changed,
        "body": body,
    }


_MISSING = object()
