"""The catalog: an index of the log for fast lookups, rebuildable from the files alone.

`Catalog` is the interface the store uses; `SQLiteCatalog` implements it in WAL mode, so
readers never wait for a writer and see only committed groups. The write transaction
(``BEGIN IMMEDIATE``) doubles as the archive's write lock: versions are numbered and log
segments are written only while it is held, so two writers cannot both make version 2.
PostgreSQL takes SQLite's place behind the same interface where several hosts write
(`open_catalog` picks one by its spec; see `wirearchive.archive.catalog_pg`).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse, urlsplit, urlunsplit

import orjson

from .facets import body_text, facets
from .log import LogEntry

__all__ = [
    "CATALOGS",
    "CATALOG_ENV",
    "CATALOG_NAME",
    "TIME_FORMAT",
    "Catalog",
    "CatalogBusy",
    "CatalogError",
    "Filters",
    "ItemState",
    "Location",
    "SQLiteCatalog",
    "SegmentInfo",
    "catalog_file",
    "fts_query",
    "is_server_catalog",
    "open_catalog",
    "redacted",
    "resolve_catalog",
]

#: The keys of a `search` row and of a `quarantine_rows` row, in their columns' order:
#: one list for every catalog, so that they all answer alike.
SEARCH_KEYS = (
    "id",
    "version",
    "headline",
    "language",
    "agency",
    "source",
    "url",
    "archivedAt",
    "versionCreated",
    "dated",
    "cursor",
)
QUARANTINE_KEYS = ("qid", "count", "firstSeen", "lastSeen", "path", "line", "rule", "message")

#: How the catalog writes the times it compares (the store's own times are written so).
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

SCHEMA_VERSION = "5"

#: The SQLite catalog's file name in an archive's own folder.
CATALOG_NAME = "catalog.sqlite"
#: Where the catalog is when ``--catalog`` does not say: a ``postgresql://`` URL or a path.
CATALOG_ENV = "WIREARCHIVE_CATALOG"
#: The URL schemes of a PostgreSQL catalog.
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# Tables written in log order (versions, sightings, quarantine) are keyed by seq, so
# each commit appends to the end of their B-trees. The lookups by item and by capture go
# through narrow integer keys (64 bits of a hash), so the random part of each insert
# touches small index pages: the cost per version stays flat as the archive grows.
_DDL = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments(
    number INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL,
    size INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS versions(
    seq INTEGER PRIMARY KEY, idh INTEGER NOT NULL, id TEXT NOT NULL,
    version INTEGER NOT NULL, digest BLOB NOT NULL, segment INTEGER NOT NULL,
    offset INTEGER NOT NULL, length INTEGER NOT NULL, archived_at TEXT NOT NULL,
    run TEXT NOT NULL, version_created TEXT);
CREATE INDEX IF NOT EXISTS versions_item ON versions(idh, version);
CREATE TABLE IF NOT EXISTS sightings(
    seq INTEGER PRIMARY KEY, idh INTEGER NOT NULL, id TEXT NOT NULL,
    version INTEGER NOT NULL, run TEXT NOT NULL, seen_at TEXT NOT NULL, warning TEXT);
CREATE INDEX IF NOT EXISTS sightings_item ON sightings(idh, version);
CREATE TABLE IF NOT EXISTS events(
    seq INTEGER PRIMARY KEY, idh INTEGER NOT NULL, id TEXT NOT NULL,
    version INTEGER NOT NULL, event TEXT NOT NULL, pub_status TEXT, digest BLOB NOT NULL,
    segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
    at TEXT NOT NULL, run TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_item ON events(idh, seq);
CREATE TABLE IF NOT EXISTS quarantine(
    seq INTEGER PRIMARY KEY, qid TEXT NOT NULL, path TEXT, line INTEGER, rule TEXT,
    message TEXT, segment INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
    at TEXT NOT NULL, run TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS quarantine_qid ON quarantine(qid);
CREATE TABLE IF NOT EXISTS captures(
    key INTEGER PRIMARY KEY, sha256 BLOB NOT NULL, warc_file TEXT NOT NULL,
    record_id TEXT NOT NULL, offset INTEGER NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS warcs(
    name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    records INTEGER NOT NULL, segment INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs(
    run TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, manifest TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_time ON versions(archived_at);
CREATE INDEX IF NOT EXISTS events_time ON events(at);
CREATE TABLE IF NOT EXISTS facets(
    seq INTEGER PRIMARY KEY, lang TEXT, source TEXT, agency TEXT, headline TEXT, url TEXT,
    dated TEXT);
CREATE INDEX IF NOT EXISTS facets_source ON facets(source);
CREATE INDEX IF NOT EXISTS facets_agency ON facets(agency);
CREATE TABLE IF NOT EXISTS latest(
    idh INTEGER NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(idh, id))
    WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(
    headline, body, content='', tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS urls(
    url TEXT PRIMARY KEY, id TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_fetched TEXT NOT NULL, etag TEXT, last_modified TEXT) WITHOUT ROWID;
"""
_TABLES = (
    "segments",
    "versions",
    "sightings",
    "events",
    "quarantine",
    "captures",
    "warcs",
    "runs",
    "urls",
    "facets",
    "latest",
    "texts",
)

#: The log entry kinds indexed with their place in the log, and their tables.
_KIND_TABLES = {"version": "versions", "event": "events", "quarantine": "quarantine"}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a log line is: enough to read it back with one ranged read."""

    segment: str
    offset: int
    length: int


@dataclass(slots=True)
class ItemState:
    """What the store needs to know of an item to decide what a new capture is."""

    version: int
    digest: str
    #: The latest version's ``versionCreated``, if it had one.
    version_created: str | None = None
    #: The digest of the withdrawal notice in force, None while the item is usable.
    withdrawn: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    number: int
    name: str
    sha256: str
    size: int
    first_seq: int
    last_seq: int


class CatalogError(Exception):
    """The catalog cannot be reached: its server refuses the connection, say."""


class CatalogBusy(CatalogError):
    """Another writer holds the catalog's write lock, and waiting for it ran out."""


class Catalog(Protocol):
    """What the store asks of an index; see `SQLiteCatalog` for the meaning of each call."""

    #: True when the catalog was made by an older wirearchive: the store reindexes it.
    upgraded: bool

    def is_current(self) -> bool: ...
    def writing(self) -> Any: ...
    def reading(self) -> Any: ...
    def head(self) -> tuple[int, int]: ...
    def latest(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]: ...
    def states(self, ids: Iterable[str]) -> dict[str, ItemState]: ...
    def version_of(self, item_id: str, digest: str) -> int | None: ...
    def withdrawal(self, item_id: str) -> dict[str, Any] | None: ...
    def capture(self, sha256: str) -> dict[str, Any] | None: ...
    def captures(self, digests: Iterable[str]) -> dict[str, dict[str, Any]]: ...
    def index_segment(self, info: SegmentInfo, entries: Sequence[LogEntry]) -> None: ...
    def segments(self) -> list[SegmentInfo]: ...
    def warcs(self) -> dict[str, tuple[str, int]]: ...
    def version_location(self, item_id: str, version: int | None) -> Location | None: ...
    def version_rows(self, item_id: str) -> list[dict[str, Any]]: ...
    def event_location(self, seq: int) -> Location | None: ...
    def version_count(self) -> int: ...
    def changes(
        self, since: int, until: int, limit: int | None, filters: Filters | None = None
    ) -> Iterator[tuple[int, Location]]: ...
    def seq_at(self, moment: str, *, inclusive: bool = False) -> int: ...
    def search(
        self,
        text: str | None = None,
        filters: Filters | None = None,
        *,
        dated_from: str | None = None,
        dated_to: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]: ...
    def facet_values(self, column: str) -> list[tuple[str, int]]: ...
    def locations(self, kind: str, since: int, until: int) -> Iterator[Location]: ...
    def quarantine_rows(self, qid: str | None) -> list[dict[str, Any]]: ...
    def quarantine_location(self, qid: str) -> Location | None: ...
    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]: ...
    def url_state(self, url: str) -> dict[str, Any] | None: ...
    def url_states(self) -> Iterator[tuple[str, str, str]]: ...
    def counts(self) -> dict[str, int]: ...
    def clear(self) -> None: ...
    def close(self) -> None: ...


def redacted(url: str) -> str:
    """A connection URL fit to print: its password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def is_server_catalog(spec: str | None) -> bool:
    """Whether a catalog spec names a database server (else: an SQLite file)."""
    return spec is not None and spec.startswith(_POSTGRES_SCHEMES)


def _id_hash(item_id: str) -> int:
    """64 bits of an id, as SQLite's signed integer: a narrow key for a long URI."""
    return int.from_bytes(hashlib.blake2b(item_id.encode(), digest_size=8).digest(), signed=True)


def _digest_blob(digest: str) -> bytes:
    return bytes.fromhex(digest.removeprefix("sha256:"))


def _digest_text(blob: bytes) -> str:
    return "sha256:" + blob.hex()


def _blob_key(raw: bytes) -> int:
    return int.from_bytes(raw[:8], signed=True)


def _capture_row(capture: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The captures row for provenance capture fields that name a WARC record, if they do."""
    if "warcFile" not in capture:
        return []
    raw = _digest_blob(capture["sha256"])
    return [
        (
            _blob_key(raw),
            raw,
            capture["warcFile"],
            capture["warcRecordId"],
            capture["warcOffset"],
            capture["size"],
        )
    ]


def _url_row(item_id: str, facts: dict[str, Any], at: str) -> list[tuple[Any, ...]]:
    """The crawl state a fetched URL leaves: which item, when, and its HTTP validators."""
    url = facts.get("wasDerivedFrom", {}).get("url")
    if not url:
        return []
    capture = facts.get("capture", {})
    fetched = capture.get("retrievedAt", at)
    return [(url, item_id, fetched, fetched, capture.get("etag"), capture.get("lastModified"))]


def _utc(moment: Any) -> str | None:
    """An RFC 3339 time as the catalog compares times: UTC, microseconds, ``Z``."""
    if not isinstance(moment, str) or not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime(TIME_FORMAT)


def _facet_row(seq: int, body: Mapping[str, Any]) -> tuple[Any, ...]:
    """The facets row of a version or event: what the feed filters and search look at."""
    found = facets(body)
    item = body.get("item") or {}
    archived = (body.get("provenance") or {}).get("generatedAtTime") or body.get("at")
    dated = _utc(item.get("versionCreated")) or _utc(item.get("firstCreated")) or _utc(archived)
    return (seq, found.language, found.source, found.agency, found.headline, found.url, dated)


def fts_query(text: str) -> str | None:
    """Words typed by a person as an FTS5 query: every word must occur (prefixes of the
    last), each quoted, so that no character of theirs is FTS syntax."""
    words = text.split()
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the change feed and search can be narrowed to; None means any."""

    source: str | None = None
    #: A BCP 47 tag or its prefix: ``en`` matches ``en-US``; case does not matter.
    language: str | None = None
    agency: str | None = None

    def sql(self, alias: str = "f") -> tuple[str, list[Any]]:
        """The WHERE terms (joined with AND, each starting with it) and their values."""
        terms: list[str] = []
        values: list[Any] = []
        if self.source is not None:
            terms.append(f" AND {alias}.source = ?")
            values.append(self.source)
        if self.agency is not None:
            terms.append(f" AND {alias}.agency = ?")
            values.append(self.agency)
        if self.language is not None:
            tag = self.language.lower()
            lang = f"lower({alias}.lang)"
            terms.append(f" AND ({lang} = ? OR {lang} LIKE ? ESCAPE '\\')")
            escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            values += [tag, escaped + "-%"]
        return "".join(terms), values

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.source, self.language, self.agency))


class SQLiteCatalog:
    """The catalog in one SQLite file, in WAL mode."""

    def __init__(
        self, path: str | Path, *, busy_timeout: float = 120.0, readonly: bool = False
    ) -> None:
        self.path = Path(path)
        if readonly:  # SQLite's mode=ro: no write lock, no schema upgrade, no change to the file
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(
                uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._depth = 0
            self.upgraded = False
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # The log is fsynced before the catalog commits, and recovery re-indexes any
        # segment the catalog lost, so the catalog need not fsync every commit.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        self._depth = 0
        # Only a new catalog needs the write lock: a reader opening the archive while a
        # writer commits must not wait for it.
        #: True when this catalog was made by an older wirearchive: the store reindexes it.
        self.upgraded = False
        if self._schema() == SCHEMA_VERSION:
            return
        with self.writing():
            old = self._schema()
            if old == SCHEMA_VERSION:  # another process upgraded it meanwhile
                return
            if old is not None:
                for table in (*_TABLES, "items"):
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self.upgraded = True
            for statement in filter(str.strip, _DDL.split(";")):
                self._db.execute(statement)  # executescript would commit our transaction
            self._db.execute(
                "INSERT INTO meta VALUES('schema', ?) ON CONFLICT(key) DO UPDATE SET "
                "value = excluded.value",
                (SCHEMA_VERSION,),
            )

    def is_current(self) -> bool:
        """Whether this catalog has the schema this wirearchive writes (else: reindex)."""
        return self._schema() == SCHEMA_VERSION

    def _schema(self) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError:  # no meta table: a new catalog
            return None
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The exclusive write transaction, which is also the archive's write lock."""
        yield from self._transaction("BEGIN IMMEDIATE")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A consistent snapshot for several reads."""
        yield from self._transaction("BEGIN")

    def _transaction(self, begin: str) -> Iterator[None]:
        if self._depth:  # nested: the outer transaction decides
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._db.execute(begin)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        self._db.execute("COMMIT")

    def head(self) -> tuple[int, int]:
        """The last indexed segment number and the last seq, (0, 0) when empty."""
        row = self._db.execute(
            "SELECT number, last_seq FROM segments ORDER BY number DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    def latest(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """id → (latest version, its digest), for the ids the archive has."""
        found: dict[str, tuple[int, str]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            # SQLite takes the bare columns from the row that has the max().
            for item_id, version, digest in self._db.execute(
                f"SELECT id, max(version), digest FROM versions WHERE idh IN ({marks}) GROUP BY id",
                [_id_hash(item_id) for item_id in chunk],
            ):
                found[item_id] = (version, _digest_text(digest))
        wanted = set(unique)  # two ids may share 64 hash bits; keep only those asked for
        return {item_id: state for item_id, state in found.items() if item_id in wanted}

    def states(self, ids: Iterable[str]) -> dict[str, ItemState]:
        """id → its latest version, digest, versionCreated and withdrawal, for ids it has.

        An item is withdrawn while its latest event is newer than its latest version: a
        new version after a withdrawal makes it usable again.
        """
        found: dict[str, ItemState] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            hashes = [_id_hash(item_id) for item_id in chunk]
            for item_id, version, digest, created in self._db.execute(
                "SELECT id, max(version), digest, version_created FROM versions "
                f"WHERE idh IN ({marks}) GROUP BY id",
                hashes,
            ):
                found[item_id] = ItemState(version, _digest_text(digest), created)
            for item_id, seq, digest in self._db.execute(
                f"SELECT id, max(seq), digest FROM events WHERE idh IN ({marks}) GROUP BY id",
                hashes,
            ):
                state = found.get(item_id)
                if state is not None and seq > self._version_seq(item_id, state.version):
                    state.withdrawn = _digest_text(digest)
        wanted = set(unique)  # two ids may share 64 hash bits; keep only those asked for
        return {item_id: state for item_id, state in found.items() if item_id in wanted}

    def _version_seq(self, item_id: str, version: int) -> int:
        row = self._db.execute(
            "SELECT seq FROM versions WHERE idh = ? AND version = ? AND id = ?",
            (_id_hash(item_id), version, item_id),
        ).fetchone()
        return int(row[0]) if row else 0

    def version_of(self, item_id: str, digest: str) -> int | None:
        """The (earliest) version of an item with this digest, None if it has none."""
        row = self._db.execute(
            "SELECT min(version) FROM versions WHERE idh = ? AND id = ? AND digest = ?",
            (_id_hash(item_id), item_id, _digest_blob(digest)),
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def withdrawal(self, item_id: str) -> dict[str, Any] | None:
        """The withdrawal in force on an item (event, when, by which notice), or None."""
        idh = _id_hash(item_id)
        row = self._db.execute(  # one indexed look-up: most items have no event at all
            "SELECT event, pub_status, at, run, seq, version, digest FROM events "
            "WHERE idh = ? AND id = ? ORDER BY seq DESC LIMIT 1",
            (idh, item_id),
        ).fetchone()
        if row is None:
            return None
        event, status, at, run, seq, version, digest = row
        latest = self._db.execute(
            "SELECT max(seq) FROM versions WHERE idh = ? AND id = ?", (idh, item_id)
        ).fetchone()[0]
        if latest is not None and latest > seq:  # a newer version made it usable again
            return None
        return {
            "event": event,
            "pubStatus": status,
            "at": at,
            "run": run,
            "cursor": str(seq),
            "version": version,
            "digest": _digest_text(digest),
        }

    def captures(self, digests: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`capture` for many digests in a few queries: those kept already, by digest."""
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(digests))
        for start in range(0, len(unique), 500):
            chunk = {_digest_blob(digest): digest for digest in unique[start : start + 500]}
            marks = ",".join("?" * len(chunk))
            for raw, warc_file, record_id, offset, size in self._db.execute(
                "SELECT sha256, warc_file, record_id, offset, size FROM captures "
                f"WHERE key IN ({marks})",
                [_blob_key(raw) for raw in chunk],
            ):
                digest = chunk.get(raw)  # two digests may share the 64-bit key
                if digest is not None:
                    found[digest] = {
                        "sha256": digest,
                        "size": size,
                        "warcFile": warc_file,
                        "warcRecordId": record_id,
                        "warcOffset": offset,
                    }
        return found

    def capture(self, sha256: str) -> dict[str, Any] | None:
        """Where bytes with this sha256 are kept already, as provenance capture fields."""
        raw = _digest_blob(sha256)
        row = self._db.execute(
            "SELECT sha256, warc_file, record_id, offset, size FROM captures WHERE key = ?",
            (_blob_key(raw),),
        ).fetchone()
        if row is None or row[0] != raw:
            return None
        return {
            "sha256": sha256,
            "size": row[4],
            "warcFile": row[1],
            "warcRecordId": row[2],
            "warcOffset": row[3],
        }

    def index_segment(self, info: SegmentInfo, entries: Sequence[LogEntry]) -> None:
        """Index one segment's entries; call inside `writing`."""
        db = self._db
        number = info.number
        db.execute(
            "INSERT INTO segments VALUES(?,?,?,?,?,?)",
            (number, info.name, info.sha256, info.size, info.first_seq, info.last_seq),
        )
        versions: list[tuple[Any, ...]] = []
        sightings: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        quarantined: list[tuple[Any, ...]] = []
        captures: list[tuple[Any, ...]] = []
        runs: dict[str, int] = {}
        urls: list[tuple[Any, ...]] = []
        faceted: list[tuple[Any, ...]] = []
        texts: list[tuple[Any, ...]] = []
        latest: dict[tuple[int, str], int] = {}
        for entry in entries:
            body = entry.body
            if entry.kind in ("version", "event"):
                faceted.append(_facet_row(entry.seq, body))
            if entry.kind == "version":
                provenance = body["provenance"]
                run = provenance["run"]
                item_id = body["id"]
                latest[(_id_hash(item_id), item_id)] = entry.seq
                texts.append((entry.seq, faceted[-1][4] or "", body_text(body["item"])))
                versions.append(
                    (
                        entry.seq,
                        _id_hash(item_id),
                        item_id,
                        body["version"],
                        _digest_blob(body["digest"]),
                        number,
                        entry.offset,
                        entry.length,
                        provenance["generatedAtTime"],
                        run,
                        body["item"].get("versionCreated"),
                    )
                )
                captures += _capture_row(provenance["capture"])
                urls += _url_row(item_id, provenance, provenance["generatedAtTime"])
            elif entry.kind == "sighting":
                run, item_id = body["run"], body["id"]
                warned = body.get("warnings") or [{}]
                sightings.append(
                    (
                        entry.seq,
                        _id_hash(item_id),
                        item_id,
                        body["version"],
                        run,
                        body["seenAt"],
                        warned[0].get("rule"),
                    )
                )
                urls += _url_row(item_id, body, body["seenAt"])
                captures += _capture_row(body.get("capture", {}))
            elif entry.kind == "event":
                provenance = body["provenance"]
                run, item_id = provenance["run"], body["id"]
                events.append(
                    (
                        entry.seq,
                        _id_hash(item_id),
                        item_id,
                        body["version"],
                        body["event"],
                        body.get("pubStatus"),
                        _digest_blob(body["digest"]),
                        number,
                        entry.offset,
                        entry.length,
                        body["at"],
                        run,
                    )
                )
                captures += _capture_row(provenance.get("capture", {}))
                urls += _url_row(item_id, provenance, body["at"])
            elif entry.kind == "quarantine":
                run = body["run"]
                best = (body.get("report") or {}).get("errors") or [{}]
                quarantined.append(
                    (
                        entry.seq,
                        body["qid"],
                        body.get("path"),
                        body.get("line"),
                        best[0].get("rule"),
                        best[0].get("message"),
                        number,
                        entry.offset,
                        entry.length,
                        body["at"],
                        run,
                    )
                )
                captures += _capture_row(body["provenance"].get("capture", {}))
            elif entry.kind == "run":
                db.execute(
                    "INSERT INTO runs(run, first_seq, manifest) VALUES(?,?,?) ON CONFLICT(run) "
                    "DO UPDATE SET manifest = excluded.manifest",
                    (body["run"], entry.seq, orjson.dumps(body["manifest"]).decode()),
                )
                continue
            else:  # warc
                db.execute(
                    "INSERT INTO warcs VALUES(?,?,?,?,?)",
                    (body["file"], body["sha256"], body["size"], body["records"], number),
                )
                continue
            runs.setdefault(run, entry.seq)
        db.executemany("INSERT INTO versions VALUES(?,?,?,?,?,?,?,?,?,?,?)", versions)
        db.executemany("INSERT INTO facets VALUES(?,?,?,?,?,?,?)", faceted)
        db.executemany("INSERT INTO texts(rowid, headline, body) VALUES(?,?,?)", texts)
        db.executemany(
            "INSERT INTO latest VALUES(?,?,?) ON CONFLICT(idh, id) DO UPDATE SET "
            "seq = max(seq, excluded.seq)",
            [(idh, item_id, seq) for (idh, item_id), seq in latest.items()],
        )
        db.executemany("INSERT INTO sightings VALUES(?,?,?,?,?,?,?)", sightings)
        db.executemany("INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", events)
        db.executemany("INSERT INTO quarantine VALUES(?,?,?,?,?,?,?,?,?,?,?)", quarantined)
        # The first copy of some bytes is the one kept; on a clash of 64 key bits the
        # later bytes are simply stored again rather than deduplicated.
        db.executemany("INSERT OR IGNORE INTO captures VALUES(?,?,?,?,?,?)", captures)
        db.executemany("INSERT OR IGNORE INTO runs(run, first_seq) VALUES(?,?)", list(runs.items()))
        db.executemany(
            # A 304 need not repeat the validators: keep the ones the last 200 gave.
            "INSERT INTO urls VALUES(?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
            "id = excluded.id, last_fetched = excluded.last_fetched, "
            "etag = coalesce(excluded.etag, urls.etag), "
            "last_modified = coalesce(excluded.last_modified, urls.last_modified)",
            urls,
        )

    def segments(self) -> list[SegmentInfo]:
        return [
            SegmentInfo(*row)
            for row in self._db.execute(
                "SELECT number, name, sha256, size, first_seq, last_seq FROM segments "
                "ORDER BY number"
            )
        ]

    def warcs(self) -> dict[str, tuple[str, int]]:
        return {
            name: (sha, size)
            for name, sha, size in self._db.execute("SELECT name, sha256, size FROM warcs")
        }

    def _location(self, row: tuple[int, int, int] | None) -> Location | None:
        if row is None:
            return None
        number, offset, length = row
        name = self._db.execute("SELECT name FROM segments WHERE number = ?", (number,))
        return Location(name.fetchone()[0], offset, length)

    def version_location(self, item_id: str, version: int | None) -> Location | None:
        """Where version `version` (the latest when None) of an item is in the log."""
        if version is None:
            row = self._db.execute(
                "SELECT segment, offset, length FROM versions WHERE idh = ? AND id = ? "
                "ORDER BY version DESC LIMIT 1",
                (_id_hash(item_id), item_id),
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT segment, offset, length FROM versions "
                "WHERE idh = ? AND version = ? AND id = ?",
                (_id_hash(item_id), version, item_id),
            ).fetchone()
        return self._location(row)

    def event_location(self, seq: int) -> Location | None:
        """Where the event logged at `seq` is."""
        row = self._db.execute(
            "SELECT segment, offset, length FROM events WHERE seq = ?", (seq,)
        ).fetchone()
        return self._location(row)

    def version_rows(self, item_id: str) -> list[dict[str, Any]]:
        """Every version of an item with its sightings, oldest first."""
        idh = _id_hash(item_id)
        rows = self._db.execute(
            "SELECT v.version, v.digest, v.seq, v.archived_at, v.run, "
            "  count(s.seq), max(s.seen_at), group_concat(DISTINCT s.run) "
            "FROM versions v LEFT JOIN sightings s "
            "  ON s.idh = v.idh AND s.version = v.version AND s.id = v.id "
            "WHERE v.idh = ? AND v.id = ? GROUP BY v.version ORDER BY v.version",
            (idh, item_id),
        ).fetchall()
        warned: dict[int, dict[str, int]] = {}
        for version, rule, count in self._db.execute(
            "SELECT version, warning, count(*) FROM sightings WHERE idh = ? AND id = ? "
            "AND warning IS NOT NULL GROUP BY version, warning",
            (idh, item_id),
        ):
            warned.setdefault(version, {})[rule] = count
        events: dict[int, list[dict[str, Any]]] = {}
        for version, event, status, at, run, seq in self._db.execute(
            "SELECT version, event, pub_status, at, run, seq FROM events "
            "WHERE idh = ? AND id = ? ORDER BY seq",
            (idh, item_id),
        ):
            events.setdefault(version, []).append(
                {"event": event, "pubStatus": status, "at": at, "run": run, "cursor": str(seq)}
            )
        history: list[dict[str, Any]] = []
        previous = None
        for version, blob, seq, at, run, count, last, runs in rows:
            digest = _digest_text(blob)
            seen_runs = [run, *(r for r in (runs or "").split(",") if r and r != run)]
            history.append(
                {
                    "version": version,
                    "digest": digest,
                    "previous": previous,
                    "cursor": str(seq),
                    "archivedAt": at,
                    "run": run,
                    "sightings": {
                        "count": 1 + count,
                        "firstSeen": at,
                        "lastSeen": last or at,
                        "runs": seen_runs,
                    },
                }
            )
            if version in warned:  # stale re-deliveries recorded as sightings of this one
                history[-1]["sightings"]["warnings"] = warned[version]
            if version in events:  # withdrawals while this version was the latest
                history[-1]["events"] = events[version]
            previous = digest
        return history

    def version_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM versions").fetchone()[0])

    def changes(
        self, since: int, until: int, limit: int | None, filters: Filters | None = None
    ) -> Iterator[tuple[int, Location]]:
        """(seq, where) of each version and event after `since` up to `until`, in order."""
        names = {
            number: name for number, name in self._db.execute("SELECT number, name FROM segments")
        }
        # Versions and events (withdrawals) are both news for a downstream reader.
        where, values = (filters or Filters()).sql()
        join = " JOIN facets f ON f.seq = t.seq" if where else ""
        cursor = self._db.execute(
            f"SELECT segment, offset, length, t.seq FROM versions t{join} "
            f"WHERE t.seq > ? AND t.seq <= ?{where} "
            f"UNION ALL SELECT segment, offset, length, t.seq FROM events t{join} "
            f"WHERE t.seq > ? AND t.seq <= ?{where} ORDER BY 4 LIMIT ?",
            (since, until, *values, since, until, *values, -1 if limit is None else limit),
        )
        for number, offset, length, seq in cursor:
            yield seq, Location(names[number], offset, length)

    def seq_at(self, moment: str, *, inclusive: bool = False) -> int:
        """The last seq of a version or event archived before `moment` (RFC 3339, UTC as
        `TIME_FORMAT` writes it), or at it too when `inclusive`; 0 when none was."""
        op = "<=" if inclusive else "<"
        row = self._db.execute(
            f"SELECT max(s) FROM (SELECT max(seq) AS s FROM versions WHERE archived_at {op} ?1 "
            f"UNION ALL SELECT max(seq) FROM events WHERE at {op} ?1)",
            (moment,),
        ).fetchone()
        return int(row[0] or 0)

    def search(
        self,
        text: str | None = None,
        filters: Filters | None = None,
        *,
        dated_from: str | None = None,
        dated_to: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """The latest version of each item that matches, newest first.

        `text`: words that must all occur in its headline or body text (the last one as a
        prefix); `dated_from`/`dated_to`: its news time (versionCreated, else firstCreated,
        else when it was archived) in UTC as `TIME_FORMAT` writes it, bounds included.
        """
        where, values = (filters or Filters()).sql()
        if dated_from is not None:
            where += " AND f.dated >= ?"
            values.append(dated_from)
        if dated_to is not None:
            where += " AND f.dated <= ?"
            values.append(dated_to)
        query = fts_query(text) if text else None
        if query is not None:
            where += " AND l.seq IN (SELECT rowid FROM texts WHERE texts MATCH ?)"
            values.append(query)
        rows = self._db.execute(
            "SELECT l.id, v.version, f.headline, f.lang, f.agency, f.source, f.url, "
            "v.archived_at, v.version_created, f.dated, l.seq FROM latest l "
            "JOIN versions v ON v.seq = l.seq JOIN facets f ON f.seq = l.seq "
            f"WHERE 1{where} ORDER BY f.dated DESC, l.seq DESC LIMIT ? OFFSET ?",
            (*values, limit, offset),
        )
        return [dict(zip(SEARCH_KEYS, row, strict=True)) for row in rows]

    def facet_values(self, column: str) -> list[tuple[str, int]]:
        """The values of one facet (source, agency, lang) over the latest versions, with
        how many items have each, most first: what a search form offers to choose from."""
        if column not in ("source", "agency", "lang"):
            raise ValueError(f"not a facet: {column!r}")
        rows = self._db.execute(
            f"SELECT f.{column}, count(*) FROM latest l JOIN facets f ON f.seq = l.seq "
            f"WHERE f.{column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        return [(str(value), int(count)) for value, count in rows]

    def locations(self, kind: str, since: int, until: int) -> Iterator[Location]:
        """Where the entries of one kind (version, event, quarantine) with since < seq <= until
        are, in seq order: what an incremental export of that kind reads."""
        table = _KIND_TABLES.get(kind)
        if table is None:
            raise ValueError(
                f"no table of {kind!r} entries (choose from {', '.join(_KIND_TABLES)})"
            )
        names = dict(self._db.execute("SELECT number, name FROM segments").fetchall())
        cursor = self._db.execute(
            f"SELECT segment, offset, length FROM {table} WHERE seq > ? AND seq <= ? ORDER BY seq",
            (since, until),
        )
        for number, offset, length in cursor:
            yield Location(names[number], offset, length)

    def quarantine_rows(self, qid: str | None) -> list[dict[str, Any]]:
        sql = (
            "SELECT qid, count(*), min(at), max(at), path, line, rule, message FROM quarantine "
            "{} GROUP BY qid ORDER BY max(seq)"
        )
        rows = (
            self._db.execute(sql.format("WHERE qid = ?"), (qid,))
            if qid
            else self._db.execute(sql.format(""))
        )
        return [dict(zip(QUARANTINE_KEYS, row, strict=True)) for row in rows]

    def quarantine_location(self, qid: str) -> Location | None:
        row = self._db.execute(
            "SELECT segment, offset, length FROM quarantine WHERE qid = ? ORDER BY seq DESC "
            "LIMIT 1",
            (qid,),
        ).fetchone()
        return self._location(row)

    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        """Run manifests, oldest first: all, the `last` N, or the one called `run`."""
        if run is not None:
            rows = self._db.execute("SELECT run, manifest FROM runs WHERE run = ?", (run,))
        else:
            rows = self._db.execute(
                "SELECT run, manifest FROM runs ORDER BY run DESC LIMIT ?",
                (-1 if last is None else last,),
            )
        found = [
            orjson.loads(manifest) if manifest else {"run": name, "status": "unfinished"}
            for name, manifest in rows
        ]
        return found[::-1]

    def url_state(self, url: str) -> dict[str, Any] | None:
        """What the archive knows of a URL it fetched: item, first and last fetch, validators."""
        row = self._db.execute(
            "SELECT id, first_seen, last_fetched, etag, last_modified FROM urls WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "firstSeen", "lastFetched", "etag", "lastModified")
        return dict(zip(keys, row, strict=True))

    def url_states(self) -> Iterator[tuple[str, str, str]]:
        """(url, first seen, last fetched) for every URL fetched, oldest fetch first."""
        yield from self._db.execute(
            "SELECT url, first_seen, last_fetched FROM urls ORDER BY last_fetched"
        )

    def counts(self) -> dict[str, int]:
        one = self._db.execute
        return {
            "items": one("SELECT count(*) FROM versions WHERE version = 1").fetchone()[0],
            "versions": one("SELECT count(*) FROM versions").fetchone()[0],
            "sightings": one("SELECT count(*) FROM sightings").fetchone()[0],
            "events": one("SELECT count(*) FROM events").fetchone()[0],
            "quarantined": one("SELECT count(DISTINCT qid) FROM quarantine").fetchone()[0],
            "segments": one("SELECT count(*) FROM segments").fetchone()[0],
            "warcFiles": one("SELECT count(*) FROM warcs").fetchone()[0],
            "runs": one("SELECT count(*) FROM runs").fetchone()[0],
        }

    def clear(self) -> None:
        """Empty every table; `reindex` refills them inside the same transaction."""
        for table in _TABLES:
            if table == "texts":  # a contentless full-text index is emptied its own way
                self._db.execute("INSERT INTO texts(texts) VALUES('delete-all')")
            else:
                self._db.execute(f"DELETE FROM {table}")


def _cache_folder(archive: str, environ: Mapping[str, str]) -> Path:
    """A folder of its own for an archive's catalog under ``$XDG_CACHE_HOME/wirearchive/``.

    Named after the archive so a person can tell them apart, with a hash of the whole
    location so two archives never share one.
    """
    cache = environ.get("XDG_CACHE_HOME", "")
    root = Path(cache) if os.path.isabs(cache) else Path.home() / ".cache"
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", archive.split("://", 1)[-1]).strip("-.")[:64]
    tag = hashlib.sha256(archive.encode()).hexdigest()[:12]
    return root / "wirearchive" / f"{readable or 'archive'}-{tag}"


def resolve_catalog(
    catalog: str | os.PathLike[str] | None,
    archive: str,
    local_root: Path | None,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """Where an archive's catalog lives: ``--catalog``, else ``$WIREARCHIVE_CATALOG``, else
    ``catalog.sqlite`` in the archive's own directory, else (an archive with no local
    directory, on object storage, or the payload of a BagIt bag, which must not change) a
    per-archive folder under ``$XDG_CACHE_HOME/wirearchive/``.

    The catalog is an index rebuildable from the archive's files, so a cache is the right
    default home for it when the files are remote.
    """
    if catalog:
        return os.fspath(catalog)
    if environ.get(CATALOG_ENV):
        return environ[CATALOG_ENV]
    if local_root is None:
        folder = _cache_folder(archive, environ)
    elif _bag_payload(local_root):  # a catalog written there would change the bag
        folder = _cache_folder(str(local_root.absolute()), environ)
    else:
        folder = local_root
    return str(folder / CATALOG_NAME)


def _bag_payload(root: Path) -> bool:
    """Whether `root` is the ``data/`` folder of a BagIt bag (`wirearchive bag` makes one)."""
    return root.name == "data" and (root.parent / "bagit.txt").is_file()


def catalog_file(spec: str) -> Path | None:
    """The SQLite file a catalog location names (a path or ``file:`` URI); None for a
    catalog that is not a local file (a database server)."""
    if "://" not in spec:
        return Path(spec)
    parsed = urlparse(spec)
    if parsed.scheme != "file":
        return None
    if parsed.netloc not in {"", "localhost"}:
        raise ValueError(f"{spec}: a file catalog must be local")
    return Path(unquote(parsed.path))


def _sqlite_catalog(spec: str, *, readonly: bool, busy_timeout: float) -> Catalog:
    path = catalog_file(spec)
    assert path is not None
    return SQLiteCatalog(path, readonly=readonly, busy_timeout=busy_timeout)


def _postgres_catalog(spec: str, *, readonly: bool, busy_timeout: float) -> Catalog:
    from .catalog_pg import PostgresCatalog  # psycopg is imported only when used

    return PostgresCatalog(spec, readonly=readonly, busy_timeout=busy_timeout)


#: URI scheme → catalog factory; a plain path has no scheme and is a SQLite file.
CATALOGS: dict[str, Callable[..., Catalog]] = {
    "": _sqlite_catalog,
    "file": _sqlite_catalog,
    "postgresql": _postgres_catalog,
    "postgres": _postgres_catalog,
}


def open_catalog(spec: str, *, readonly: bool = False, busy_timeout: float = 120.0) -> Catalog:
    """The catalog at a location (see `resolve_catalog`), chosen by its URI scheme."""
    scheme = urlparse(spec).scheme if "://" in spec else ""
    try:
        factory = CATALOGS[scheme]
    except KeyError:
        known = ", ".join(sorted(s for s in CATALOGS if s))
        raise ValueError(f"{spec}: no catalog for scheme {scheme!r} ({known})") from None
    return factory(spec, readonly=readonly, busy_timeout=busy_timeout)
