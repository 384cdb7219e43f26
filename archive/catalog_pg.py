"""The catalog in PostgreSQL, for archives that several hosts write at once.

`PostgresCatalog` answers every `Catalog` call with the rows `SQLiteCatalog` gives for the
same log, so the store cannot tell them apart. The write lock is a transaction-level
advisory lock (``pg_advisory_xact_lock``) taken at the start of the write transaction: the
writers of one catalog, on any host, number versions and write log segments one after
another, and the lock goes with the transaction's end, even when a writer's connection
dies. Readers take no lock at all (MVCC), so they never wait for a writer and see only
committed groups.

Full-text search keeps SQLite's FTS5 semantics (every word must occur in the headline or
body, the last one as a prefix; case and diacritics do not matter): the text is split into
words and folded here, exactly as FTS5's ``unicode61 remove_diacritics 2`` tokenizer does,
and PostgreSQL's ``simple`` configuration indexes the result in a ``tsvector`` column with a
GIN index. Text columns compare bytewise (``COLLATE "C"``), as SQLite's do, so sorting and
ranges give the same order whatever the database's locale.

The catalog lives in the schema the connection's ``search_path`` names first (``public``
unless the URL says ``?options=-csearch_path%3Dmine``): one schema per archive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import orjson
import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import catalog as _sqlite
from .catalog import (
    _KIND_TABLES,
    QUARANTINE_KEYS,
    SCHEMA_VERSION,
    SEARCH_KEYS,
    CatalogBusy,
    CatalogError,
    Filters,
    ItemState,
    Location,
    SegmentInfo,
    redacted,
)
from .facets import body_text
from .log import LogEntry

__all__ = ["PostgresCatalog", "SessionLock", "crawl_lock", "ts_query"]

#: The schema written here: the index's meaning (SQLite's version) and this DDL's revision.
PG_SCHEMA_VERSION = f"{SCHEMA_VERSION}-pg1"

#: Bytewise text, as SQLite compares it.
_T = 'TEXT COLLATE "C"'

_DDL = f"""
CREATE TABLE IF NOT EXISTS meta(key {_T} PRIMARY KEY, value {_T} NOT NULL);
CREATE TABLE IF NOT EXISTS segments(
    number BIGINT PRIMARY KEY, name {_T} NOT NULL, sha256 {_T} NOT NULL,
    size BIGINT NOT NULL, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS versions(
    seq BIGINT PRIMARY KEY, idh BIGINT NOT NULL, id {_T} NOT NULL,
    version BIGINT NOT NULL, digest BYTEA NOT NULL, segment BIGINT NOT NULL,
    byte_offset BIGINT NOT NULL, length BIGINT NOT NULL, archived_at {_T} NOT NULL,
    run {_T} NOT NULL, version_created {_T});
CREATE INDEX IF NOT EXISTS versions_item ON versions(idh, version);
CREATE INDEX IF NOT EXISTS versions_time ON versions(archived_at);
CREATE TABLE IF NOT EXISTS sightings(
    seq BIGINT PRIMARY KEY, idh BIGINT NOT NULL, id {_T} NOT NULL,
    version BIGINT NOT NULL, run {_T} NOT NULL, seen_at {_T} NOT NULL, warning {_T});
CREATE INDEX IF NOT EXISTS sightings_item ON sightings(idh, version);
CREATE TABLE IF NOT EXISTS events(
    seq BIGINT PRIMARY KEY, idh BIGINT NOT NULL, id {_T} NOT NULL,
    version BIGINT NOT NULL, event {_T} NOT NULL, pub_status {_T}, digest BYTEA NOT NULL,
    segment BIGINT NOT NULL, byte_offset BIGINT NOT NULL, length BIGINT NOT NULL,
    at {_T} NOT NULL, run {_T} NOT NULL);
CREATE INDEX IF NOT EXISTS events_item ON events(idh, seq);
CREATE INDEX IF NOT EXISTS events_time ON events(at);
CREATE TABLE IF NOT EXISTS quarantine(
    seq BIGINT PRIMARY KEY, qid {_T} NOT NULL, path {_T}, line BIGINT, rule {_T},
    message {_T}, segment BIGINT NOT NULL, byte_offset BIGINT NOT NULL, length BIGINT NOT NULL,
    at {_T} NOT NULL, run {_T} NOT NULL);
CREATE INDEX IF NOT EXISTS quarantine_qid ON quarantine(qid);
CREATE TABLE IF NOT EXISTS captures(
    key BIGINT PRIMARY KEY, sha256 BYTEA NOT NULL, warc_file {_T} NOT NULL,
    record_id {_T} NOT NULL, byte_offset BIGINT NOT NULL, size BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS warcs(
    name {_T} PRIMARY KEY, sha256 {_T} NOT NULL, size BIGINT NOT NULL,
    records BIGINT NOT NULL, segment BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(run {_T} PRIMARY KEY, first_seq BIGINT NOT NULL, manifest {_T});
CREATE TABLE IF NOT EXISTS facets(
    seq BIGINT PRIMARY KEY, lang {_T}, source {_T}, agency {_T}, headline {_T}, url {_T},
    dated {_T});
CREATE INDEX IF NOT EXISTS facets_source ON facets(source);
CREATE INDEX IF NOT EXISTS facets_agency ON facets(agency);
CREATE TABLE IF NOT EXISTS latest(
    idh BIGINT NOT NULL, id {_T} NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY(idh, id));
CREATE TABLE IF NOT EXISTS texts(seq BIGINT PRIMARY KEY, words tsvector NOT NULL);
CREATE INDEX IF NOT EXISTS texts_words ON texts USING gin(words);
CREATE TABLE IF NOT EXISTS urls(
    url {_T} PRIMARY KEY, id {_T} NOT NULL, first_seen {_T} NOT NULL,
    last_fetched {_T} NOT NULL, etag {_T}, last_modified {_T});
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

#: One advisory lock per catalog: the database scopes it, the schema names it.
_LOCK_KEY = "hashtextextended('wirearchive.catalog:' || current_schema(), 0)"

#: Rows fetched per round trip by the feeds that may return the whole archive.
_PAGE = 5000

#: The folded words of one text that are indexed: a tsvector holds at most 1 MB, and
#: positions past 16,383 are not told apart anyway.
_MAX_WORDS_CHARS = 200_000

# FTS5's unicode61: a token is a run of letters and digits; everything else separates.
_TOKEN = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lower case without diacritics, as ``remove_diacritics 2`` indexes a word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _TOKEN.findall(_fold(text))


def _indexed(text: str) -> str:
    """The text as the words PostgreSQL's parser indexes: folded, split, one space apart."""
    return " ".join(_words(text))[:_MAX_WORDS_CHARS]


def ts_query(text: str) -> str | None:
    """Words typed by a person as a ``to_tsquery`` query with FTS5's meaning, as
    `fts_query` writes it for SQLite: every word must occur (a word of several tokens,
    ``Black-Sea``, as a phrase), the last one as a prefix. None when `text` has no words;
    ``''`` (matches nothing) when none of them holds a letter or digit."""
    typed = text.split()
    if not typed:
        return None
    phrases = [tokens for tokens in map(_words, typed) if tokens]
    if not phrases:
        return ""
    quoted = [[f"'{token}'" for token in tokens] for tokens in phrases]
    quoted[-1][-1] += ":*"
    return " & ".join("(" + " <-> ".join(tokens) + ")" for tokens in quoted)


def _pg_filters(filters: Filters | None) -> tuple[str, list[Any]]:
    where, values = (filters or Filters()).sql()
    return where.replace("?", "%s"), values


class PostgresCatalog:
    """The catalog in one PostgreSQL schema; see the module's docstring."""

    def __init__(self, url: str, *, busy_timeout: float = 120.0, readonly: bool = False) -> None:
        self.url = url
        self._busy_timeout = busy_timeout
        try:
            # The URL's own settings win; a server that does not answer fails in 30 s.
            settings = conninfo_to_dict(url)
            settings.setdefault("connect_timeout", 30)
            settings.setdefault("application_name", "wirearchive")
            self._db = psycopg.connect(make_conninfo("", **settings), autocommit=True)
        except psycopg.Error as exc:
            raise CatalogError(f"cannot connect to the catalog {redacted(url)}: {exc}") from exc
        self._depth = 0
        #: True when this catalog was made by an older wirearchive: the store reindexes it.
        self.upgraded = False
        if readonly:  # every transaction of this session refuses to write
            self._db.execute("SET default_transaction_read_only = on")
            return
        if self._schema() == PG_SCHEMA_VERSION:
            return
        with self.writing():
            old = self._schema()
            if old == PG_SCHEMA_VERSION:  # another writer made it meanwhile
                return
            if old is not None:
                for table in _TABLES:
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self.upgraded = True
            for statement in filter(str.strip, _DDL.split(";")):
                self._db.execute(statement.encode())
            self._db.execute(
                "INSERT INTO meta VALUES('schema', %s) ON CONFLICT(key) DO UPDATE SET "
                "value = excluded.value",
                (PG_SCHEMA_VERSION,),
            )

    def __repr__(self) -> str:
        return f"PostgresCatalog({redacted(self.url)!r})"

    def is_current(self) -> bool:
        """Whether this catalog has the schema this wirearchive writes (else: reindex)."""
        return self._schema() == PG_SCHEMA_VERSION

    def _schema(self) -> str | None:
        found = self._one("SELECT to_regclass('meta') IS NOT NULL")
        if not found or not found[0]:  # no meta table: a new catalog
            return None
        row = self._one("SELECT value FROM meta WHERE key = 'schema'")
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(sql.encode(), params).fetchone()
        return row

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql.encode(), params).fetchall()

    # -- transactions -------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write transaction, holding the catalog's advisory lock: the archive's write
        lock. Waits up to `busy_timeout` seconds for another writer, then `CatalogBusy`."""
        if self._depth:  # nested: the outer transaction decides
            yield from self._nested()
            return
        self._db.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        self._depth = 1
        try:
            self._lock()
            yield
        except BaseException:
            self._depth = 0
            self._db.rollback()
            raise
        self._depth = 0
        self._db.commit()

    def _lock(self) -> None:
        """Take the advisory lock; READ COMMITTED then shows every commit made before it."""
        if self._busy_timeout <= 0:
            got = self._one(f"SELECT pg_try_advisory_xact_lock({_LOCK_KEY})")
            if not (got and got[0]):
                raise CatalogBusy(f"{redacted(self.url)}: the catalog is locked by a writer")
            return
        self._db.execute(f"SET LOCAL lock_timeout = {int(self._busy_timeout * 1000)}".encode())
        try:
            self._db.execute(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})".encode())
        except errors.LockNotAvailable as exc:
            raise CatalogBusy(
                f"{redacted(self.url)}: the catalog is locked by a writer (waited "
                f"{self._busy_timeout:g} s)"
            ) from exc
        self._db.execute("SET LOCAL lock_timeout = 0")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A consistent snapshot for several reads; it takes no lock and never waits."""
        if self._depth:
            yield from self._nested()
            return
        self._db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._db.rollback()
            raise
        self._depth = 0
        self._db.commit()

    def _nested(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    # -- what a writer asks -------------------------------------------------------

    def head(self) -> tuple[int, int]:
        """The last indexed segment number and the last seq, (0, 0) when empty."""
        row = self._one("SELECT number, last_seq FROM segments ORDER BY number DESC LIMIT 1")
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def latest(self, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """id → (latest version, its digest), for the ids the archive has."""
        return {
            item_id: (state.version, state.digest) for item_id, state in self._latest(ids).items()
        }

    def _latest(self, ids: Iterable[str]) -> dict[str, ItemState]:
        found: dict[str, ItemState] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), _PAGE):
            chunk = unique[start : start + _PAGE]
            for item_id, version, digest, created in self._all(
                "SELECT DISTINCT ON (id) id, version, digest, version_created FROM versions "
                "WHERE idh = ANY(%s) AND id = ANY(%s) ORDER BY id, version DESC",
                ([_sqlite._id_hash(i) for i in chunk], chunk),
            ):
                found[item_id] = ItemState(version, _sqlite._digest_text(digest), created)
        return found

    def states(self, ids: Iterable[str]) -> dict[str, ItemState]:
        """id → its latest version, digest, versionCreated and withdrawal, for ids it has.

        An item is withdrawn while its latest event is newer than its latest version.
        """
        unique = list(dict.fromkeys(ids))
        found = self._latest(unique)
        for start in range(0, len(unique), _PAGE):
            chunk = unique[start : start + _PAGE]
            for item_id, digest in self._all(
                "SELECT e.id, e.digest FROM (SELECT DISTINCT ON (id) id, idh, seq, digest "
                "  FROM events WHERE idh = ANY(%s) AND id = ANY(%s) ORDER BY id, seq DESC) e "
                "WHERE e.seq > (SELECT coalesce(max(v.seq), 0) FROM versions v "
                "  WHERE v.idh = e.idh AND v.id = e.id)",
                ([_sqlite._id_hash(i) for i in chunk], chunk),
            ):
                state = found.get(item_id)
                if state is not None:
                    state.withdrawn = _sqlite._digest_text(digest)
        return found

    def version_of(self, item_id: str, digest: str) -> int | None:
        """The (earliest) version of an item with this digest, None if it has none."""
        row = self._one(
            "SELECT min(version) FROM versions WHERE idh = %s AND id = %s AND digest = %s",
            (_sqlite._id_hash(item_id), item_id, _sqlite._digest_blob(digest)),
        )
        return None if row is None or row[0] is None else int(row[0])

    def withdrawal(self, item_id: str) -> dict[str, Any] | None:
        """The withdrawal in force on an item (event, when, by which notice), or None."""
        idh = _sqlite._id_hash(item_id)
        row = self._one(
            "SELECT event, pub_status, at, run, seq, version, digest FROM events "
            "WHERE idh = %s AND id = %s ORDER BY seq DESC LIMIT 1",
            (idh, item_id),
        )
        if row is None:
            return None
        event, status, at, run, seq, version, digest = row
        latest = self._one(
            "SELECT max(seq) FROM versions WHERE idh = %s AND id = %s", (idh, item_id)
        )
        if latest is not None and latest[0] is not None and latest[0] > seq:
            return None
        return {
            "event": event,
            "pubStatus": status,
            "at": at,
            "run": run,
            "cursor": str(seq),
            "version": version,
            "digest": _sqlite._digest_text(digest),
        }

    def captures(self, digests: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`capture` for many digests in a few queries: those kept already, by digest."""
        found: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(digests))
        for start in range(0, len(unique), _PAGE):
            chunk = {_sqlite._digest_blob(d): d for d in unique[start : start + _PAGE]}
            for raw, warc_file, record_id, offset, size in self._all(
                "SELECT sha256, warc_file, record_id, byte_offset, size FROM captures "
                "WHERE key = ANY(%s)",
                ([_sqlite._blob_key(raw) for raw in chunk],),
            ):
                digest = chunk.get(bytes(raw))  # two digests may share the 64-bit key
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
        return self.captures([sha256]).get(sha256)

    def index_segment(self, info: SegmentInfo, entries: Sequence[LogEntry]) -> None:
        """Index one segment's entries; call inside `writing`."""
        rows = _Rows(info.number)
        for entry in entries:
            rows.add(entry)
        cursor = self._db.cursor()
        cursor.execute(
            b"INSERT INTO segments VALUES(%s,%s,%s,%s,%s,%s)",
            (info.number, info.name, info.sha256, info.size, info.first_seq, info.last_seq),
        )
        statements: list[tuple[str, list[tuple[Any, ...]]]] = [
            ("INSERT INTO warcs VALUES(%s,%s,%s,%s,%s)", rows.warcs),
            ("INSERT INTO versions VALUES(" + ",".join(["%s"] * 11) + ")", rows.versions),
            ("INSERT INTO facets VALUES(%s,%s,%s,%s,%s,%s,%s)", rows.facets),
            (
                "INSERT INTO texts VALUES(%s, to_tsvector('simple', %s) || "
                "to_tsvector('simple', %s))",
                rows.texts,
            ),
            (
                "INSERT INTO latest VALUES(%s,%s,%s) ON CONFLICT(idh, id) DO UPDATE SET "
                "seq = greatest(latest.seq, excluded.seq)",
                [(idh, item_id, seq) for (idh, item_id), seq in rows.latest.items()],
            ),
            ("INSERT INTO sightings VALUES(%s,%s,%s,%s,%s,%s,%s)", rows.sightings),
            ("INSERT INTO events VALUES(" + ",".join(["%s"] * 12) + ")", rows.events),
            ("INSERT INTO quarantine VALUES(" + ",".join(["%s"] * 11) + ")", rows.quarantined),
            # The first copy of some bytes is the one kept, as in SQLite.
            (
                "INSERT INTO captures VALUES(%s,%s,%s,%s,%s,%s) ON CONFLICT(key) DO NOTHING",
                rows.captures,
            ),
            (
                "INSERT INTO runs(run, first_seq, manifest) VALUES(%s,%s,%s) ON CONFLICT(run) "
                "DO UPDATE SET manifest = excluded.manifest",
                rows.manifests,
            ),
            (
                "INSERT INTO runs(run, first_seq) VALUES(%s,%s) ON CONFLICT(run) DO NOTHING",
                list(rows.runs.items()),
            ),
            (
                # A 304 need not repeat the validators: keep the ones the last 200 gave.
                "INSERT INTO urls VALUES(%s,%s,%s,%s,%s,%s) ON CONFLICT(url) DO UPDATE SET "
                "id = excluded.id, last_fetched = excluded.last_fetched, "
                "etag = coalesce(excluded.etag, urls.etag), "
                "last_modified = coalesce(excluded.last_modified, urls.last_modified)",
                rows.urls,
            ),
        ]
        for sql, values in statements:
            if values:
                cursor.executemany(sql.encode(), values)

    # -- what a reader asks -------------------------------------------------------

    def segments(self) -> list[SegmentInfo]:
        return [
            SegmentInfo(*row)
            for row in self._all(
                "SELECT number, name, sha256, size, first_seq, last_seq FROM segments "
                "ORDER BY number"
            )
        ]

    def warcs(self) -> dict[str, tuple[str, int]]:
        rows = self._all("SELECT name, sha256, size FROM warcs")
        return {name: (sha, size) for name, sha, size in rows}

    def _location(self, table: str, where: str, params: Sequence[Any]) -> Location | None:
        row = self._one(
            f"SELECT s.name, t.byte_offset, t.length FROM {table} t "
            f"JOIN segments s ON s.number = t.segment WHERE {where} LIMIT 1",
            params,
        )
        return None if row is None else Location(row[0], row[1], row[2])

    def version_location(self, item_id: str, version: int | None) -> Location | None:
        """Where version `version` (the latest when None) of an item is in the log."""
        idh = _sqlite._id_hash(item_id)
        if version is None:
            return self._location(
                "versions", "t.idh = %s AND t.id = %s ORDER BY t.version DESC", (idh, item_id)
            )
        return self._location(
            "versions", "t.idh = %s AND t.version = %s AND t.id = %s", (idh, version, item_id)
        )

    def event_location(self, seq: int) -> Location | None:
        """Where the event logged at `seq` is."""
        return self._location("events", "t.seq = %s", (seq,))

    def version_rows(self, item_id: str) -> list[dict[str, Any]]:
        """Every version of an item with its sightings, oldest first."""
        idh = _sqlite._id_hash(item_id)
        rows = self._all(
            "SELECT v.version, v.digest, v.seq, v.archived_at, v.run, count(s.seq), "
            "  max(s.seen_at), array_remove(array_agg(s.run ORDER BY s.seq), NULL) "
            "FROM versions v LEFT JOIN sightings s "
            "  ON s.idh = v.idh AND s.version = v.version AND s.id = v.id "
            "WHERE v.idh = %s AND v.id = %s "
            "GROUP BY v.seq ORDER BY v.version",
            (idh, item_id),
        )
        warned: dict[int, dict[str, int]] = {}
        for version, rule, count in self._all(
            "SELECT version, warning, count(*) FROM sightings WHERE idh = %s AND id = %s "
            "AND warning IS NOT NULL GROUP BY version, warning ORDER BY version, warning",
            (idh, item_id),
        ):
            warned.setdefault(version, {})[rule] = count
        events: dict[int, list[dict[str, Any]]] = {}
        for version, event, status, at, run, seq in self._all(
            "SELECT version, event, pub_status, at, run, seq FROM events "
            "WHERE idh = %s AND id = %s ORDER BY seq",
            (idh, item_id),
        ):
            events.setdefault(version, []).append(
                {"event": event, "pubStatus": status, "at": at, "run": run, "cursor": str(seq)}
            )
        history: list[dict[str, Any]] = []
        previous = None
        for version, blob, seq, at, run, count, last, runs in rows:
            digest = _sqlite._digest_text(blob)
            seen_runs = [run, *(r for r in dict.fromkeys(runs) if r != run)]
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
            if version in warned:
                history[-1]["sightings"]["warnings"] = warned[version]
            if version in events:
                history[-1]["events"] = events[version]
            previous = digest
        return history

    def version_count(self) -> int:
        row = self._one("SELECT count(*) FROM versions")
        return int(row[0]) if row else 0

    def _names(self) -> dict[int, str]:
        return {number: name for number, name in self._all("SELECT number, name FROM segments")}

    def changes(
        self, since: int, until: int, limit: int | None, filters: Filters | None = None
    ) -> Iterator[tuple[int, Location]]:
        """(seq, where) of each version and event after `since` up to `until`, in order,
        fetched a page at a time so that a whole archive's feed is never held at once."""
        names = self._names()
        where, values = _pg_filters(filters)
        join = " JOIN facets f ON f.seq = t.seq" if where else ""
        sql = (
            f"SELECT segment, byte_offset, length, t.seq FROM versions t{join} "
            f"WHERE t.seq > %s AND t.seq <= %s{where} "
            f"UNION ALL SELECT segment, byte_offset, length, t.seq FROM events t{join} "
            f"WHERE t.seq > %s AND t.seq <= %s{where} ORDER BY 4 LIMIT %s"
        )
        left = limit
        after = since
        while left is None or left > 0:
            page = _PAGE if left is None else min(left, _PAGE)
            rows = self._all(sql, (after, until, *values, after, until, *values, page))
            for number, offset, length, seq in rows:
                yield seq, Location(names[number], offset, length)
            if len(rows) < page:
                return
            after = rows[-1][3]
            if left is not None:
                left -= len(rows)

    def seq_at(self, moment: str, *, inclusive: bool = False) -> int:
        """The last seq of a version or event archived before `moment` (RFC 3339, UTC as
        `TIME_FORMAT` writes it), or at it too when `inclusive`; 0 when none was."""
        op = "<=" if inclusive else "<"
        row = self._one(
            f"SELECT greatest((SELECT max(seq) FROM versions WHERE archived_at {op} %s), "
            f"(SELECT max(seq) FROM events WHERE at {op} %s))",
            (moment, moment),
        )
        return int(row[0] or 0) if row else 0

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
        """The latest version of each item that matches, newest first; see
        `SQLiteCatalog.search` for what `text` and the dates mean."""
        where, values = _pg_filters(filters)
        if dated_from is not None:
            where += " AND f.dated >= %s"
            values.append(dated_from)
        if dated_to is not None:
            where += " AND f.dated <= %s"
            values.append(dated_to)
        query = ts_query(text) if text else None
        if query == "":  # words without a letter or digit: FTS5 matches nothing either
            return []
        if query is not None:
            where += " AND l.seq IN (SELECT seq FROM texts WHERE words @@ to_tsquery('simple', %s))"
            values.append(query)
        rows = self._all(
            "SELECT l.id, v.version, f.headline, f.lang, f.agency, f.source, f.url, "
            "v.archived_at, v.version_created, f.dated, l.seq FROM latest l "
            "JOIN versions v ON v.seq = l.seq JOIN facets f ON f.seq = l.seq "
            f"WHERE true{where} ORDER BY f.dated DESC NULLS LAST, l.seq DESC "
            "LIMIT %s OFFSET %s",
            (*values, limit, offset),
        )
        return [dict(zip(SEARCH_KEYS, row, strict=True)) for row in rows]

    def facet_values(self, column: str) -> list[tuple[str, int]]:
        """The values of one facet (source, agency, lang) over the latest versions, with
        how many items have each, most first."""
        if column not in ("source", "agency", "lang"):
            raise ValueError(f"not a facet: {column!r}")
        rows = self._all(
            f"SELECT f.{column}, count(*) FROM latest l JOIN facets f ON f.seq = l.seq "
            f"WHERE f.{column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        return [(str(value), int(count)) for value, count in rows]

    def locations(self, kind: str, since: int, until: int) -> Iterator[Location]:
        """Where the entries of one kind with since < seq <= until are, in seq order."""
        table = _KIND_TABLES.get(kind)
        if table is None:
            raise ValueError(
                f"no table of {kind!r} entries (choose from {', '.join(_KIND_TABLES)})"
            )
        names = self._names()
        after = since
        while True:
            rows = self._all(
                f"SELECT segment, byte_offset, length, seq FROM {table} "
                "WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s",
                (after, until, _PAGE),
            )
            for number, offset, length, _ in rows:
                yield Location(names[number], offset, length)
            if len(rows) < _PAGE:
                return
            after = rows[-1][3]

    def quarantine_rows(self, qid: str | None) -> list[dict[str, Any]]:
        where = "WHERE qid = %s" if qid else ""
        rows = self._all(
            "SELECT q.qid, g.n, g.first, g.last, q.path, q.line, q.rule, q.message FROM "
            "(SELECT qid, count(*) AS n, min(at) AS first, max(at) AS last, max(seq) AS s "
            f" FROM quarantine {where} GROUP BY qid) g "
            "JOIN quarantine q ON q.seq = g.s ORDER BY g.s",
            (qid,) if qid else (),
        )
        return [dict(zip(QUARANTINE_KEYS, row, strict=True)) for row in rows]

    def quarantine_location(self, qid: str) -> Location | None:
        return self._location("quarantine", "t.qid = %s ORDER BY t.seq DESC", (qid,))

    def runs(self, last: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        """Run manifests, oldest first: all, the `last` N, or the one called `run`."""
        if run is not None:
            rows = self._all("SELECT run, manifest FROM runs WHERE run = %s", (run,))
        else:
            rows = self._all("SELECT run, manifest FROM runs ORDER BY run DESC LIMIT %s", (last,))
        found = [
            orjson.loads(manifest) if manifest else {"run": name, "status": "unfinished"}
            for name, manifest in rows
        ]
        return found[::-1]

    def url_state(self, url: str) -> dict[str, Any] | None:
        """What the archive knows of a URL it fetched: item, first and last fetch, validators."""
        row = self._one(
            "SELECT id, first_seen, last_fetched, etag, last_modified FROM urls WHERE url = %s",
            (url,),
        )
        if row is None:
            return None
        keys = ("id", "firstSeen", "lastFetched", "etag", "lastModified")
        return dict(zip(keys, row, strict=True))

    def url_states(self) -> Iterator[tuple[str, str, str]]:
        """(url, first seen, last fetched) for every URL fetched, oldest fetch first."""
        rows = self._all(
            "SELECT url, first_seen, last_fetched FROM urls ORDER BY last_fetched, url LIMIT %s",
            (_PAGE,),
        )
        while rows:
            for url, first, last in rows:
                yield url, first, last
            if len(rows) < _PAGE:
                return
            url, _, last = rows[-1]
            rows = self._all(
                "SELECT url, first_seen, last_fetched FROM urls "
                "WHERE (last_fetched, url) > (%s, %s) ORDER BY last_fetched, url LIMIT %s",
                (last, url, _PAGE),
            )

    def counts(self) -> dict[str, int]:
        row = self._one(
            "SELECT (SELECT count(*) FROM versions WHERE version = 1), "
            "(SELECT count(*) FROM versions), (SELECT count(*) FROM sightings), "
            "(SELECT count(*) FROM events), (SELECT count(DISTINCT qid) FROM quarantine), "
            "(SELECT count(*) FROM segments), (SELECT count(*) FROM warcs), "
            "(SELECT count(*) FROM runs)"
        )
        assert row is not None
        keys = (
            "items",
            "versions",
            "sightings",
            "events",
            "quarantined",
            "segments",
            "warcFiles",
            "runs",
        )
        return {key: int(value) for key, value in zip(keys, row, strict=True)}

    def clear(self) -> None:
        """Empty every table; `reindex` refills them inside the same transaction.

        DELETE, not TRUNCATE: TRUNCATE's exclusive lock would make readers wait.
        """
        for table in _TABLES:
            self._db.execute(f"DELETE FROM {table}".encode())


class _Rows:
    """The rows one segment adds to each table, built as `SQLiteCatalog` builds them."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.versions: list[tuple[Any, ...]] = []
        self.sightings: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.quarantined: list[tuple[Any, ...]] = []
        self.captures: list[tuple[Any, ...]] = []
        self.runs: dict[str, int] = {}
        self.manifests: list[tuple[Any, ...]] = []
        self.warcs: list[tuple[Any, ...]] = []
        self.urls: list[tuple[Any, ...]] = []
        self.facets: list[tuple[Any, ...]] = []
        self.texts: list[tuple[Any, ...]] = []
        self.latest: dict[tuple[int, str], int] = {}

    def add(self, entry: LogEntry) -> None:
        body, seq, number = entry.body, entry.seq, self.number
        if entry.kind in ("version", "event"):
            self.facets.append(_sqlite._facet_row(seq, body))
        if entry.kind == "version":
            provenance = body["provenance"]
            run, item_id = provenance["run"], body["id"]
            idh = _sqlite._id_hash(item_id)
            self.latest[(idh, item_id)] = seq
            headline = self.facets[-1][4] or ""
            self.texts.append((seq, _indexed(headline), _indexed(body_text(body["item"]))))
            self.versions.append(
                (
                    seq,
                    idh,
                    item_id,
                    body["version"],
                    _sqlite._digest_blob(body["digest"]),
                    number,
                    entry.offset,
                    entry.length,
                    provenance["generatedAtTime"],
                    run,
                    body["item"].get("versionCreated"),
                )
            )
            self.captures += _sqlite._capture_row(provenance["capture"])
            self.urls += _sqlite._url_row(item_id, provenance, provenance["generatedAtTime"])
        elif entry.kind == "sighting":
            run, item_id = body["run"], body["id"]
            warned = body.get("warnings") or [{}]
            self.sightings.append(
                (
                    seq,
                    _sqlite._id_hash(item_id),
                    item_id,
                    body["version"],
                    run,
                    body["seenAt"],
                    warned[0].get("rule"),
                )
            )
            self.urls += _sqlite._url_row(item_id, body, body["seenAt"])
            self.captures += _sqlite._capture_row(body.get("capture", {}))
        elif entry.kind == "event":
            provenance = body["provenance"]
            run, item_id = provenance["run"], body["id"]
            self.events.append(
                (
                    seq,
                    _sqlite._id_hash(item_id),
                    item_id,
                    body["version"],
                    body["event"],
                    body.get("pubStatus"),
                    _sqlite._digest_blob(body["digest"]),
                    number,
                    entry.offset,
                    entry.length,
                    body["at"],
                    run,
                )
            )
            self.captures += _sqlite._capture_row(provenance.get("capture", {}))
            self.urls += _sqlite._url_row(item_id, provenance, body["at"])
        elif entry.kind == "quarantine":
            run = body["run"]
            best = (body.get("report") or {}).get("errors") or [{}]
            self.quarantined.append(
                (
                    seq,
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
            self.captures += _sqlite._capture_row(body["provenance"].get("capture", {}))
        elif entry.kind == "run":
            self.manifests.append((body["run"], seq, orjson.dumps(body["manifest"]).decode()))
            return
        else:  # warc
            self.warcs.append((body["file"], body["sha256"], body["size"], body["records"], number))
            return
        self.runs.setdefault(run, seq)


#: The crawl lock of the archive a catalog indexes (one per schema, as the write lock).
_CRAWL_KEY = "hashtextextended('wirearchive.crawl:' || current_schema(), 0)"


class SessionLock:
    """The crawl lock as a session-level advisory lock, on a connection of its own.

    Held until `release` or until the connection ends: a crawl killed on any host loses
    its connection, and the server drops the lock with the session.
    """

    def __init__(self, db: psycopg.Connection[Any]) -> None:
        self._db: psycopg.Connection[Any] | None = db

    def release(self) -> None:
        if self._db is not None:
            self._db.close()  # ends the session, and the lock with it
            self._db = None


def crawl_lock(url: str, *, archive: str, shared: bool) -> SessionLock:
    """Take the crawl lock of the catalog at `url` for this process, or `CrawlLocked`
    naming who holds it (the holders' ``application_name`` and since when)."""
    import os
    import socket

    from .lock import CrawlLocked

    mode = "shared" if shared else "exclusive"
    name = f"wirearchive crawl pid {os.getpid()}@{socket.gethostname()}"[:63]
    try:
        settings = conninfo_to_dict(url)
        settings.setdefault("connect_timeout", 30)
        settings["application_name"] = name
        db = psycopg.connect(make_conninfo("", **settings), autocommit=True)
    except psycopg.Error as exc:
        raise CatalogError(f"cannot connect to the catalog {redacted(url)}: {exc}") from exc
    take = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
    try:
        got = db.execute(f"SELECT {take}({_CRAWL_KEY})".encode()).fetchone()
        if got and got[0]:
            return SessionLock(db)
        holders = db.execute(
            "SELECT a.application_name, l.mode, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = "
            "current_database()) AND ((l.classid::bigint << 32) | l.objid::bigint) = "
            f"{_CRAWL_KEY} ORDER BY a.backend_start".encode()
        ).fetchall()
    except psycopg.Error as exc:
        db.close()
        raise CatalogError(f"{redacted(url)}: cannot take the crawl lock: {exc}") from exc
    db.close()
    named = "; ".join(
        f"{who or 'unnamed session'}, {'distributed' if 'Share' in lock_mode else 'plain'} "
        f"crawl since {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        for who, lock_mode, since in holders
    )
    raise CrawlLocked(
        f"another crawl is running on {archive} ({named or 'holder unknown'}); this run "
        f"({mode}) stops without fetching anything (lock: advisory lock in {redacted(url)})"
    )
