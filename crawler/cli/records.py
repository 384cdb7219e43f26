"""``wirearchive show``, ``history``, ``diff`` and ``export``: reading archived records.

All four open the archive read-only and never create one; a missing archive is exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from ..exits import EXIT_FATAL, EXIT_OK, EXIT_PROBLEMS
from ._shared import (
    UsageError,
    archive_option,
    command,
    console,
    json_option,
    open_store,
    positive,
    print_json,
    write_bytes,
)

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    show = command(commands, "show", _show, help="print an archived record (latest version)")
    archive_option(show)
    show.add_argument("id", metavar="ID")
    show.add_argument("--version", type=int, metavar="N", help="version N, not the latest")
    show.add_argument("--raw", action="store_true", help="print the original input bytes")
    json_option(show, "the record on one line")

    history = command(commands, "history", _history, help="list an item's versions and sightings")
    archive_option(history)
    history.add_argument("id", metavar="ID")
    json_option(history)

    diff = command(commands, "diff", _diff, help="compare two versions of an item")
    archive_option(diff)
    diff.add_argument("id", metavar="ID")
    diff.add_argument("a", type=int, metavar="A")
    diff.add_argument("b", type=int, metavar="B")
    json_option(diff)

    export = command(
        commands,
        "export",
        _export,
        help="print records as JSON Lines (or write Parquet tables into a folder)",
        description="Print every record archived after --since (and before --until), oldest "
        "first, one per line; then print the cursor to pass as --since next time on stderr. "
        "A point is a cursor an earlier export printed, an RFC 3339 time or date, 'today', "
        "'yesterday' (UTC) or a time back from now such as '-24h', '-30m', '-7d'. With "
        "--cursor-file, the cursor is read from that file and written back to it once every "
        "record is out, so that a cron job gets each version exactly once. With --format "
        "parquet, write the versions, quarantine entries and events archived since the last "
        "run into "
        "--out as Parquet tables instead (the folder keeps its own cursor).",
    )
    archive_option(export)
    export.add_argument(
        "--format", choices=("jsonl", "parquet"), default="jsonl", help="default: jsonl"
    )
    export.add_argument("--out", metavar="DIR", help="the folder of the Parquet export")
    export.add_argument("--since", metavar="POINT", help="start after this cursor or time")
    export.add_argument("--until", metavar="POINT", help="stop before this cursor or time")
    export.add_argument("--source", metavar="NAME", help="only versions from this source")
    export.add_argument("--agency", metavar="NAME", help="only versions from this agency")
    export.add_argument(
        "--language", metavar="TAG", help="only versions in this language (en matches en-GB)"
    )
    export.add_argument(
        "--cursor-file",
        metavar="FILE",
        help="read the start from FILE when it exists (else --since), and write the next "
        "cursor to it, atomically, after the last record",
    )
    export.add_argument("--limit", type=positive, metavar="N", help="at most N records")
    json_option(
        export,
        'one JSON object: {"records": [...], "cursor": ..., "count": N} (with --format '
        "parquet: the export's summary)",
    )


def _show(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args) as store:
        if args.raw:
            write_bytes(stdout, store.raw(args.id, args.version))
            return EXIT_OK
        record = store.get(args.id, args.version)
    if record is None:
        which = f"version {args.version}" if args.version else "record"
        print(f"wirearchive show: {args.id}: no such {which}", file=stderr)
        return EXIT_PROBLEMS
    print_json(stdout, record, pretty=not args.json)
    return EXIT_OK


def _history(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args) as store:
        versions = store.history(args.id)
    if not versions:
        print(f"wirearchive history: {args.id}: not in the archive", file=stderr)
        return EXIT_PROBLEMS
    if args.json:
        print_json(stdout, {"id": args.id, "versions": versions}, pretty=False)
        return EXIT_OK
    out = console(stdout)
    out.print(args.id, style="bold")
    for row in versions:
        seen = row["sightings"]
        out.print(
            f"  v{row['version']}  {row['archivedAt']}  {row['digest'][:23]}…  "
            f"seen {seen['count']}× (last {seen['lastSeen']})  run {row['run']}"
        )
        for rule, count in seen.get("warnings", {}).items():
            out.print(f"      old copies seen again: {rule} ×{count}")
        for event in row.get("events", []):
            out.print(
                f"      {event['event']} ({event['pubStatus']}) at {event['at']}  "
                f"run {event['run']}  cursor {event['cursor']}"
            )
    return EXIT_OK


def _short(value: Any, width: int = 60) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def _diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args) as store:
        changes = store.diff(args.id, args.a, args.b)
    if args.json:
        print_json(stdout, changes, pretty=False)
        return EXIT_OK
    out = console(stdout)
    out.print(f"{args.id}: v{args.a} → v{args.b}", style="bold")
    for change in changes["changed"]:
        out.print(f"  {change['path']}: {_short(change['from'])} → {_short(change['to'])}")
    if changes["body"]:
        out.print(changes["body"].rstrip("\n"), markup=False)
    return EXIT_OK


def _export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.format == "parquet":
        return _export_parquet(args, stdout)
    if args.out is not None:
        raise UsageError("wirearchive export: --out goes with --format parquet")
    from wirearchive.downstream.cursorfile import read_cursor, write_cursor
    from wirearchive.downstream.reader import Archive

    with open_store(args) as store:
        try:
            since = args.since
            if args.cursor_file is not None:
                since = read_cursor(args.cursor_file) or since
            feed = Archive(store).changes(
                since,
                args.until,
                source=args.source,
                language=args.language,
                agency=args.agency,
                limit=args.limit,
            )
        except ValueError as exc:
            print(f"wirearchive export: {exc}", file=stderr)
            return EXIT_FATAL
        count = _write_feed(stdout, feed, as_json=args.json)
    if args.json:
        tail = orjson.dumps(feed.cursor).decode()
        write_bytes(stdout, f'],"cursor":{tail},"count":{count}}}\n'.encode())
    else:
        print(feed.cursor, file=stderr)
    if args.cursor_file is not None:  # only once every record is written out
        write_cursor(args.cursor_file, feed.cursor)
    return EXIT_OK


def _write_feed(stdout: TextIO, feed: Iterable[dict[str, Any]], *, as_json: bool) -> int:
    """Stream the records out, as JSON Lines or as the array of one JSON object."""
    pending: list[bytes] = [b'{"records":['] if as_json else []
    count = 0
    for record in feed:
        if as_json:
            pending.append(b"," + orjson.dumps(record) if count else orjson.dumps(record))
        else:
            pending.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        count += 1
        if len(pending) >= 512:
            write_bytes(stdout, b"".join(pending))
            pending.clear()
    write_bytes(stdout, b"".join(pending))
    return count


def _export_parquet(args: argparse.Namespace, stdout: TextIO) -> int:
    if args.out is None:
        raise UsageError("wirearchive export: --format parquet needs --out DIR")
    feed_options = ("since", "until", "source", "agency", "language", "cursor_file", "limit")
    given = [f"--{name.replace('_', '-')}" for name in feed_options if getattr(args, name)]
    if given:
        raise UsageError(
            f"wirearchive export: {', '.join(given)}: for JSON Lines only; a Parquet export "
            "writes everything new since its last run, from the cursor kept in its folder"
        )
    from wirearchive.downstream.parquet import export_parquet

    with open_store(args) as store:
        result = export_parquet(store, args.out)
    if args.json:
        print_json(stdout, result.to_dict(), pretty=False)
    elif not result.files:
        print(
            f"nothing new since cursor {result.since}: no file written to {result.out}", file=stdout
        )
    else:
        print(
            f"wrote {result.versions} versions, {result.quarantine} quarantine entries and "
            f"{result.events} events in {len(result.files)} files to {result.out} (cursor "
            f"{result.since} → "
            f"{result.cursor})",
            file=stdout,
        )
    return EXIT_OK
