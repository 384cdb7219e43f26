"""Parquet export: the archive's versions, quarantine and events (withdrawals) as flat
tables for DuckDB, Spark and pandas, written incrementally into a folder.

    import wirearchive
    from wirearchive.downstream.parquet import export_parquet
    with wirearchive.open("archive-data") as archive:
        result = export_parquet(archive, "exports")    # again later: only what is new
    result.versions, result.quarantine, result.files, result.cursor

Layout of the folder (hive partitions by the UTC day a row was archived or quarantined)::

    versions/date=2024-05-29/part-000000000001-000000000042.parquet
    quarantine/date=2024-05-29/part-000000000001-000000000042.parquet
    events/date=2024-05-30/part-000000000043-000000000050.parquet
    wirearchive-export.json     the cursor: every log entry up to it is exported

Each run writes the entries after the state's cursor up to the archive's head into new
files named by that cursor range, and never touches a file an earlier run wrote: readers
may cache, sync or list files freely. The rows are streamed: Python writes them as JSON
Lines into a staging folder 10,000 at a time, and DuckDB's ``COPY ... (FORMAT parquet,
PARTITION_BY (date))`` reads them with the column types named below, so an all-null
column keeps its type in every file. The files are fsynced and renamed into place before
the state file (temp file, fsync, rename) moves the cursor; a run killed before that
leaves files past the cursor, which the next run deletes before writing its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from wirearchive.archive import ArchiveError, Store
from wirearchive.archive.durable import fsync_dir, replace_file
from wirearchive.archive.facets import body_text, facets

from .reader import Archive

__all__ = [
    "EVENT_COLUMNS",
    "QUARANTINE_COLUMNS",
    "STATE_NAME",
    "VERSION_COLUMNS",
    "ExportError",
    "ParquetResult",
    "export_parquet",
]

#: The state file in the export folder: the cursor and running totals.
STATE_NAME = "wirearchive-export.json"
_STATE_FORMAT = "wirearchive-parquet/1"
_LOCK_NAME = ".wirearchive-export.lock"
_BATCH = 10_000
#: Rows per Parquet row group: about 70 MB of typical wire items, read in one piece.
_ROW_GROUP = 20_000
#: DuckDB's memory for one table's COPY, beyond room for the longest line.
_MEMORY = 256 * 1024 * 1024
#: DuckDB's own default limit on a JSON line, kept when every line is shorter.
_DEFAULT_LINE_LIMIT = 16 * 1024 * 1024
_PROBLEM = "STRUCT(rule VARCHAR, path VARCHAR, message VARCHAR)[]"
_PART = re.compile(r"part-(\d{12})-(\d{12})(?:-\d+)?\.parquet")

#: The versions table, in column order: name and DuckDB type. STABLE: columns are only
#: ever added at the end, never renamed, retyped or dropped. README.md says what each means.
VERSION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "VARCHAR"),
    ("version", "INTEGER"),
    ("digest", "VARCHAR"),
    ("previous", "VARCHAR"),
    ("archived_at", "TIMESTAMPTZ"),
    ("version_created", "TIMESTAMPTZ"),
    ("first_created", "TIMESTAMPTZ"),
    ("language", "VARCHAR"),
    ("headline", "VARCHAR"),
    ("body_text", "VARCHAR"),
    ("agency", "VARCHAR"),
    ("source", "VARCHAR"),
    ("url", "VARCHAR"),
    ("type", "VARCHAR"),
    ("pub_status", "VARCHAR"),
    ("run", "VARCHAR"),
    ("cursor", "BIGINT"),
    ("capture_sha256", "VARCHAR"),
    ("warc_file", "VARCHAR"),
    ("warc_record_id", "VARCHAR"),
    ("warc_offset", "BIGINT"),
    ("profile", "VARCHAR"),
    ("warnings", _PROBLEM),
    ("item_json", "VARCHAR"),
)

#: The quarantine table: one row per quarantine log entry (an input each time it was
#: refused); ``qid`` names the input. Stable like the versions table.
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("qid", "VARCHAR"),
    ("cursor", "BIGINT"),
    ("at", "TIMESTAMPTZ"),
    ("run", "VARCHAR"),
    ("path", "VARCHAR"),
    ("line", "BIGINT"),
    ("rule", "VARCHAR"),
    ("message", "VARCHAR"),
    ("errors", _PROBLEM),
    ("warnings", _PROBLEM),
    ("schema", "VARCHAR"),
    ("headline", "VARCHAR"),
    ("url", "VARCHAR"),
    ("source", "VARCHAR"),
    ("capture_sha256", "VARCHAR"),
    ("media_type", "VARCHAR"),
    ("warc_file", "VARCHAR"),
    ("warc_record_id", "VARCHAR"),
    ("warc_offset", "BIGINT"),
    ("item_json", "VARCHAR"),
)

#: The events table: one row per event on an item (a withdrawal: a kill or withhold
#: notice), in the order they were logged. Stable like the versions table.
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "VARCHAR"),
    ("version", "INTEGER"),
    ("event", "VARCHAR"),
    ("pub_status", "VARCHAR"),
    ("at", "TIMESTAMPTZ"),
    ("run", "VARCHAR"),
    ("cursor", "BIGINT"),
    ("digest", "VARCHAR"),
    ("headline", "VARCHAR"),
    ("source", "VARCHAR"),
    ("url", "VARCHAR"),
    ("capture_sha256", "VARCHAR"),
    ("warc_file", "VARCHAR"),
    ("warc_record_id", "VARCHAR"),
    ("warc_offset", "BIGINT"),
    ("item_json", "VARCHAR"),
)

#: Times taken from the item, not from the archive: read leniently (null if not a time).
_ITEM_TIMES = {"version_created", "first_created"}
#: Per table: the log entry kind it holds, its columns, the column whose UTC day partitions it.
_TABLES = {
    "versions": ("version", VERSION_COLUMNS, "archived_at"),
    "quarantine": ("quarantine", QUARANTINE_COLUMNS, "at"),
    "events": ("event", EVENT_COLUMNS, "at"),
}


class ExportError(ArchiveError):
    """The export folder cannot be written to as asked (locked, foreign or damaged state)."""


@dataclass(frozen=True, slots=True)
class ParquetResult:
    """What one export run wrote: rows per table, the new files, the cursor range."""

    out: str
    #: The cursor before this run (``"0"`` on the first) and after it.
    since: str
    cursor: str
    versions: int = 0
    quarantine: int = 0
    #: The files written, relative to ``out``; empty when there was nothing new.
    files: tuple[str, ...] = field(default_factory=tuple)
    events: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "since": self.since,
            "cursor": self.cursor,
            "rows": {
                "versions": self.versions,
                "quarantine": self.quarantine,
                "events": self.events,
            },
            "files": list(self.files),
        }


def export_parquet(
    archive: Archive | Store | str | os.PathLike[str], out_dir: str | os.PathLike[str]
) -> ParquetResult:
    """Write the versions and quarantine entries archived since the last run into ``out_dir``.

    ``archive`` is an open archive (`wirearchive.open`), a `Store`, or the location of one,
    then opened read-only (a missing archive raises `ArchiveError` and nothing is created).
    Two runs into one folder at once: the second raises `ExportError`.
    """
    if isinstance(archive, Archive):
        archive = archive.store
    if isinstance(archive, Store):
        return _export(archive, Path(out_dir))
    with Store.open(os.fspath(archive), readonly=True) as store:
        return _export(store, Path(out_dir))


def _export(store: Store, out: Path) -> ParquetResult:
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        state = _read_state(out)
        since = int(state.get("cursor", 0))
        head = store.catalog.head()[1]
        if since > head:
            raise ExportError(
                f"{out / STATE_NAME}: cursor {since} is ahead of this archive ({head}); "
                "is this folder the export of another archive?"
            )
        _remove_leftovers(out, since)
        # A table the state does not count yet (the events table, for a folder an older
        # wirearchive exported into) starts from the beginning of the log, not the cursor.
        counted = state.get("rows") or {}
        starts = {table: since if table in counted or not since else 0 for table in _TABLES}
        for table, start in starts.items():
            if start < since:  # files a killed backfill left: written again below
                shutil.rmtree(out / table, ignore_errors=True)
        if all(start == head for start in starts.values()):
            return ParquetResult(str(out), str(since), str(since))
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
        try:
            counts: dict[str, int] = {}
            files: list[str] = []
            for table, (kind, columns, day) in _TABLES.items():
                start = starts[table]
                rows = staging / f"{table}.jsonl"
                counts[table], longest = _write_rows(rows, _rows(store, kind, start, head))
                if counts[table]:
                    _copy(rows, longest, columns, day, staging / table)
                    files += _publish(staging / table, out / table, start + 1, head, out)
            if not files:  # only sightings and runs since: nothing to write
                return ParquetResult(str(out), str(since), str(since))
            _write_state(out, state, store, head, counts)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return ParquetResult(
        str(out),
        str(since),
        str(head),
        counts["versions"],
        counts["quarantine"],
        tuple(files),
        counts["events"],
    )


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    with (out / _LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ExportError(f"{out}: another export is writing this folder") from exc
        yield  # the kernel drops the flock when the file closes or its holder dies


def _read_state(out: Path) -> dict[str, Any]:
    path = out / STATE_NAME
    try:
        state = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except orjson.JSONDecodeError as exc:
        raise ExportError(f"{path}: not an export state file: {exc}") from exc
    if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT:
        raise ExportError(f"{path}: not a {_STATE_FORMAT} state file")
    cursor = state.get("cursor")
    if not (isinstance(cursor, str) and cursor.isascii() and cursor.isdigit()):
        raise ExportError(f"{path}: the cursor {cursor!r} is not a number")
    return state


def _write_state(
    out: Path, state: Mapping[str, Any], store: Store, head: int, counts: Mapping[str, int]
) -> None:
    totals = state.get("rows") or {}
    root = store.backend.local_root
    new = {
        "format": _STATE_FORMAT,
        "archive": str(root.absolute()) if root else repr(store.backend),
        "cursor": str(head),
        "rows": {table: int(totals.get(table, 0)) + counts[table] for table in _TABLES},
    }
    replace_file(out / STATE_NAME, orjson.dumps(new, option=orjson.OPT_INDENT_2) + b"\n")


def _remove_leftovers(out: Path, cursor: int) -> None:
    """Delete what a killed run left: staging folders, and files past the cursor (never
    counted as exported, so the next run writes their rows again)."""
    for staging in out.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
    for table in _TABLES:
        for part in (out / table).glob("date=*/part-*.parquet"):
            match = _PART.fullmatch(part.name)
            if match and int(match[1]) > cursor:
                part.unlink()


def _rows(store: Store, kind: str, since: int, until: int) -> Iterator[dict[str, Any]]:
    convert = {"version": _version_row, "quarantine": _quarantine_row, "event": _event_row}[kind]
    for entry in store.entries(kind, since, until):
        yield convert(entry.seq, entry.body)


def _problems(found: Any) -> list[dict[str, Any]]:
    return [
        {"rule": p.get("rule"), "path": p.get("path"), "message": p.get("message")}
        for p in found or ()
        if isinstance(p, dict)
    ]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _version_row(seq: int, record: Mapping[str, Any]) -> dict[str, Any]:
    item = record["item"]
    provenance = record["provenance"]
    capture = provenance.get("capture") or {}
    validation = record.get("validation") or {}
    found = facets(record)
    return {
        "id": record["id"],
        "version": record["version"],
        "digest": record["digest"],
        "previous": record.get("previous"),
        "archived_at": provenance["generatedAtTime"],
        "version_created": _text(item.get("versionCreated")),
        "first_created": _text(item.get("firstCreated")),
        "language": found.language,
        "headline": found.headline,
        "body_text": body_text(item) or None,
        "agency": found.agency,
        "source": found.source,
        "url": found.url,
        "type": _text(item.get("type")),
        "pub_status": _text(item.get("pubStatus")),
        "run": provenance.get("run"),
        "cursor": seq,
        "capture_sha256": capture.get("sha256"),
        "warc_file": capture.get("warcFile"),
        "warc_record_id": capture.get("warcRecordId"),
        "warc_offset": capture.get("warcOffset"),
        "profile": validation.get("profile"),
        "warnings": _problems(validation.get("warnings")),
        # A string, not a nested object: DuckDB's JSON reader would round big integers.
        "item_json": orjson.dumps(item).decode(),
    }


def _event_row(seq: int, event: Mapping[str, Any]) -> dict[str, Any]:
    provenance = event.get("provenance") or {}
    capture = provenance.get("capture") or {}
    found = facets(event)
    item = event.get("item")
    return {
        "id": event["id"],
        "version": event["version"],
        "event": event["event"],
        "pub_status": _text(event.get("pubStatus")),
        "at": event["at"],
        "run": provenance.get("run"),
        "cursor": seq,
        "digest": event.get("digest"),
        "headline": found.headline,
        "source": found.source,
        "url": found.url,
        "capture_sha256": capture.get("sha256"),
        "warc_file": capture.get("warcFile"),
        "warc_record_id": capture.get("warcRecordId"),
        "warc_offset": capture.get("warcOffset"),
        "item_json": None if item is None else orjson.dumps(item).decode(),
    }


def _quarantine_row(seq: int, entry: Mapping[str, Any]) -> dict[str, Any]:
    report = entry.get("report") or {}
    errors = _problems(report.get("errors"))
    capture = (entry.get("provenance") or {}).get("capture") or {}
    found = facets(entry)
    item = entry.get("item")
    return {
        "qid": entry["qid"],
        "cursor": seq,
        "at": entry["at"],
        "run": entry.get("run"),
        "path": entry.get("path"),
        "line": entry.get("line"),
        "rule": errors[0]["rule"] if errors else None,
        "message": errors[0]["message"] if errors else None,
        "errors": errors,
        "warnings": _problems(report.get("warnings")),
        "schema": report.get("schema"),
        "headline": found.headline,
        "url": found.url,
        "source": found.source,
        "capture_sha256": capture.get("sha256"),
        "media_type": capture.get("mediaType"),
        "warc_file": capture.get("warcFile"),
        "warc_record_id": capture.get("warcRecordId"),
        "warc_offset": capture.get("warcOffset"),
        "item_json": None if item is None else orjson.dumps(item).decode(),
    }


def _write_rows(path: Path, rows: Iterator[dict[str, Any]]) -> tuple[int, int]:
    """Stream rows to a JSON Lines file, a batch at a time; return how many, and the
    length of the longest (DuckDB's JSON reader must be told how long a line may be)."""
    count = longest = 0
    pending: list[bytes] = []
    with path.open("wb") as handle:
        for row in rows:
            line = orjson.dumps(row)
            pending.append(line)
            count += 1
            longest = max(longest, len(line))
            if len(pending) >= _BATCH:
                _flush(handle, pending)
        _flush(handle, pending)
    return count, longest


def _flush(handle: IO[bytes], pending: list[bytes]) -> None:
    if pending:
        handle.write(b"\n".join(pending) + b"\n")
        pending.clear()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy(
    rows: Path, longest: int, columns: tuple[tuple[str, str], ...], day: str, target: Path
) -> None:
    """JSON Lines to Parquet, typed as declared and partitioned by the UTC day of ``day``.

    DuckDB gets a memory limit (and spills to the staging folder beyond it), so a run of a
    million versions needs no more memory than one of ten thousand; its JSON reader buffers
    twice the longest line, so the limit makes room for that.
    """
    import duckdb  # imported here: the rest of the CLI never pays for it

    # Read with the declared types, except the item's own times: read as text, then cast
    # leniently, since a picture's or an old item's time need not be a zoned timestamp.
    read = {name: "VARCHAR" if name in _ITEM_TIMES else kind for name, kind in columns}
    spec = "{" + ", ".join(f"{_sql_string(n)}: {_sql_string(t)}" for n, t in read.items()) + "}"
    select = ", ".join(
        f'TRY_CAST("{name}" AS TIMESTAMPTZ) AS "{name}"' if name in _ITEM_TIMES else f'"{name}"'
        for name, _ in columns
    )
    line_limit = max(longest + 1, _DEFAULT_LINE_LIMIT)
    sql = (
        f"COPY (SELECT {select}, CAST(timezone('UTC', \"{day}\") AS DATE) AS date "
        f"FROM read_json({_sql_string(str(rows))}, columns = {spec}, "
        f"format = 'newline_delimited', maximum_object_size = {line_limit})) "
        f"TO {_sql_string(str(target))} (FORMAT parquet, PARTITION_BY (date), "
        f"COMPRESSION zstd, ROW_GROUP_SIZE {_ROW_GROUP})"
    )
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute(f"SET memory_limit = '{_MEMORY + 4 * line_limit}B'")
        connection.execute(f"SET temp_directory = {_sql_string(str(target.parent / 'spill'))}")
        try:
            connection.execute(sql)
        except duckdb.Error as exc:
            raise ExportError(f"{rows.name}: writing {target.name} as Parquet: {exc}") from exc


def _publish(staged: Path, table: Path, first: int, last: int, out: Path) -> list[str]:
    """Move the staged files into place under their cursor range, durably; return them."""
    published: list[str] = []
    for folder in sorted(staged.glob("date=*")):
        parts = sorted(folder.glob("*.parquet"))
        target = table / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for number, part in enumerate(parts):
            suffix = f"-{number}" if len(parts) > 1 else ""
            name = target / f"part-{first:012d}-{last:012d}{suffix}.parquet"
            with part.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(part, name)
            published.append(str(name.relative_to(out)))
        fsync_dir(target)
    fsync_dir(table)
    return published
