"""The archive's commands: ingest, show, history, diff, export, verify, quarantine,
reindex and summary. `cli` owns the parser's top and the exit-code policy; each function
here takes parsed arguments and the output streams, and returns an exit code.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import orjson
from wirearchive.archive import ArchiveError, Store, resolve_location, verify
from wirearchive.validators import DEFAULT_MAX_BYTES, Problem, Report, walk

from .intake import Intake, Result
from .readers import Extracted, readers, unreadable

__all__ = ["COMMANDS", "add_archive_commands"]

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2


def _archive_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--archive",
        metavar="DIR",
        help="the archive (default: $WIREARCHIVE_ARCHIVE, else ./archive-data)",
    )


def _json_option(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return number


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-bytes",
        type=_positive,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"refuse inputs larger than N bytes (default {DEFAULT_MAX_BYTES:,})",
    )
    parser.add_argument(
        "--format",
        metavar="F",
        help="read every input as this format instead of telling from its content "
        "(ninjs, text, newsml-g2, nitf, html, feed)",
    )


def add_archive_commands(commands: Any) -> None:
    """Add the archive subcommands to the subparsers object of the main parser."""
    extract = commands.add_parser(
        "extract",
        help="show what each input would become, without touching an archive",
        description="Read each input with its reader, upgrade and validate it, and print the "
        "ninjs 3.1 item and the report. Nothing is written.",
    )
    _format_option(extract)
    _json_option(extract, 'one line per item: {"path", "item", "report"}')
    extract.add_argument("paths", nargs="+", metavar="PATH")

    ingest = commands.add_parser(
        "ingest",
        help="archive ninjs JSON and JSON Lines files (any ninjs 1.x-3.x, stored as 3.1)",
        description="Validate each input and archive it as a new or updated version, an "
        "unchanged sighting, or a quarantined entry with its report.",
    )
    _archive_option(ingest)
    ingest.add_argument("--source", metavar="NAME", help="the source name for provenance")
    _format_option(ingest)
    _json_option(ingest, "the run's counts")
    ingest.add_argument(
        "--events",
        action="store_true",
        help="print one JSON line per input as soon as it is durable, before the counts",
    )
    ingest.add_argument(
        "--batch",
        type=_positive,
        default=500,
        metavar="N",
        help="inputs per commit group (default 500)",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")

    show = commands.add_parser("show", help="print an archived record (latest version)")
    _archive_option(show)
    show.add_argument("id", metavar="ID")
    show.add_argument("--version", type=int, metavar="N", help="version N, not the latest")
    show.add_argument("--raw", action="store_true", help="print the original input bytes")
    _json_option(show, "the record on one line")

    history = commands.add_parser("history", help="list an item's versions and sightings")
    _archive_option(history)
    history.add_argument("id", metavar="ID")
    _json_option(history)

    diff = commands.add_parser("diff", help="compare two versions of an item")
    _archive_option(diff)
    diff.add_argument("id", metavar="ID")
    diff.add_argument("a", type=int, metavar="A")
    diff.add_argument("b", type=int, metavar="B")
    _json_option(diff)

    export = commands.add_parser(
        "export",
        help="print records as JSON Lines, then the next cursor on stderr",
        description="Print every record archived after --since, oldest first, one per line; "
        "then print the cursor to pass as --since next time on stderr.",
    )
    _archive_option(export)
    export.add_argument("--since", metavar="CURSOR", help="a cursor an earlier export printed")
    export.add_argument("--limit", type=_positive, metavar="N", help="at most N records")

    check = commands.add_parser(
        "verify", help="re-hash every record and capture; check chains and the catalog"
    )
    _archive_option(check)
    _json_option(check)

    quarantine = commands.add_parser("quarantine", help="list or show quarantined inputs")
    actions = quarantine.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="one line per quarantined input")
    _archive_option(listing)
    _json_option(listing)
    detail = actions.add_parser("show", help="the full entry: report, item, provenance")
    _archive_option(detail)
    detail.add_argument("qid", metavar="QID")
    detail.add_argument("--raw", action="store_true", help="print the original input bytes")
    _json_option(detail, "the entry on one line")

    reindex = commands.add_parser("reindex", help="rebuild the catalog from the files alone")
    _archive_option(reindex)
    _json_option(reindex)

    summary = commands.add_parser("summary", help="counts and recent runs of the archive")
    _archive_option(summary)
    _json_option(summary)

    crawl = commands.add_parser(
        "crawl",
        help="crawl a source (its feeds, sitemaps and start URLs) into the archive",
        description="Fetch what is new or due for a revisit from one source, archive each "
        "page as a new or updated version, an unchanged sighting (304 or same content) or a "
        "quarantined entry, and print the run's counts.",
    )
    crawl.add_argument("source", metavar="SOURCE", help="the source's name (NAME.toml)")
    crawl.add_argument(
        "--archive",
        metavar="DIR",
        help="the archive (default: $WIREARCHIVE_ARCHIVE, else ./archive-data)",
    )
    crawl.add_argument(
        "--sources",
        metavar="DIR",
        help="the folder of source files (default: $WIREARCHIVE_SOURCES, else ./sources)",
    )
    crawl.add_argument(
        "-s",
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy or WIREARCHIVE_ setting (repeatable)",
    )
    crawl.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Scrapy's INFO log on stderr (default: only its errors)",
    )
    crawl.add_argument(
        "--log-level",
        type=str.upper,
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        metavar="LEVEL",
        help="Scrapy's log level on stderr: DEBUG, INFO, WARNING, ERROR or CRITICAL "
        "(wins over -v and -s LOG_LEVEL)",
    )
    _json_option(crawl, "the run's counts")


@contextmanager
def _store(
    args: argparse.Namespace, *, readonly: bool = True, create: bool = False
) -> Iterator[Store]:
    """The archive of ``--archive``; read-only unless asked, and never made unless asked.

    A typo in ``--archive`` must not leave an empty archive behind: every command but
    ``ingest`` (and ``crawl``, which opens its own) exits 2 with ``no archive at PATH``.
    """
    store = Store.open(resolve_location(args.archive), readonly=readonly, create=create)
    try:
        yield store
    finally:
        store.close()


def _print_json(stdout: TextIO, value: Any, *, pretty: bool) -> None:
    option = orjson.OPT_INDENT_2 if pretty else 0
    stdout.write(orjson.dumps(value, option=option).decode() + "\n")


def _write_bytes(stdout: TextIO, data: bytes) -> None:
    binary = getattr(stdout, "buffer", None)
    if binary is not None:
        stdout.flush()
        binary.write(data)
        binary.flush()
    else:
        stdout.write(data.decode("utf-8", "replace"))


def _console(stream: TextIO) -> Any:
    from rich.console import Console  # imported here: --json output never pays for it

    return Console(file=stream, highlight=False, soft_wrap=True)


@contextmanager
def _progress(stderr: TextIO, total: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A byte-count progress bar on a terminal; nothing in a pipe."""
    if not enabled or not stderr.isatty():
        yield lambda _: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("ingest"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_console(stderr), transient=True) as bar:
        task = bar.add_task("ingest", total=total)
        yield lambda size: bar.advance(task, size)


def _ingest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    total = sum(_size(walked.path) for walked in walk(args.paths) if walked.problem is None)
    problems: list[Result] = []

    def on_result(result: Result) -> None:
        if args.events:
            stdout.write(orjson.dumps(result.to_dict()).decode() + "\n")
            stdout.flush()
        elif result.reason and not args.json:
            problems.append(result)

    with (
        _store(args, readonly=False, create=True) as store,
        _progress(stderr, total, not args.events) as advance,
    ):
        intake = Intake(
            store,
            source=args.source,
            command=["wirearchive", *args.argv],
            batch=args.batch,
            format=_checked_format(args.format),
            max_bytes=args.max_bytes,
            on_result=on_result,
            on_bytes=advance,
        )
        intake.walk(args.paths)
        manifest = intake.close()
    counts = manifest["counts"]
    if args.json or args.events:
        _print_json(stdout, {"run": manifest["run"], **counts}, pretty=False)
    else:
        console = _console(stdout)
        for result in problems:
            where = result.path if result.line is None else f"{result.path}:{result.line}"
            status = result.outcome.status if result.outcome else result.status
            console.print(f"{where}: {status}: {result.reason}", style="red", markup=False)
        total_inputs = sum(counts.values())
        console.print(
            f"{manifest['run']}: {total_inputs} input{'s' if total_inputs != 1 else ''}: "
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} "
            f"unchanged, {counts['quarantined']} quarantined, {counts['failed']} failed, "
            f"{counts['skipped']} skipped",
            style="red" if intake.counts.problems else "green",
        )
    return EXIT_PROBLEMS if intake.counts.problems else EXIT_OK


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since the walk: the intake names it when it gets there
        return 0


def _checked_format(name: str | None) -> str | None:
    if name is not None and name not in readers():
        raise ArchiveError(
            f"unknown --format {name!r} (choose from {', '.join(sorted(readers()))})"
        )
    return name


def _extract(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """A dry run: the same intake with no store; each item printed as it is checked."""
    invalid = 0
    console = None if args.json else _console(stdout)

    def on_checked(extracted: Extracted, report: Report) -> None:
        nonlocal invalid
        invalid += not report.valid
        _print_extracted(stdout, console, extracted, report)

    def on_result(result: Result) -> None:
        nonlocal invalid
        if result.status in ("failed", "skipped"):  # never read: no reader, no item
            invalid += 1
            problem = Problem(rule=result.rule or "input.unreadable", message=result.reason or "")
            report = Report.from_problems([problem], path=result.path, line=None, schema=None)
            extracted = unreadable(result.path, problem.message, problem.rule)
            _print_extracted(stdout, console, extracted, report)

    intake = Intake(
        None,
        format=_checked_format(args.format),
        max_bytes=args.max_bytes,
        on_checked=on_checked,
        on_result=on_result,
    )
    intake.walk(args.paths)
    intake.close()
    return EXIT_PROBLEMS if invalid else EXIT_OK


def _print_extracted(stdout: TextIO, console: Any, extracted: Extracted, report: Report) -> None:
    if console is None:
        line: dict[str, Any] = {
            "path": extracted.path,
            "item": extracted.item,
            "report": report.to_dict(),
        }
        if extracted.line is not None:
            line["line"] = extracted.line
        if extracted.part is not None:
            line["part"] = extracted.part
        try:
            stdout.write(orjson.dumps(line).decode() + "\n")
        except TypeError as exc:  # an item nested deeper than JSON output allows
            line["item"] = None
            line["itemError"] = f"the item cannot be printed as JSON: {exc}"
            stdout.write(orjson.dumps(line).decode() + "\n")
        return
    where = extracted.path if extracted.line is None else f"{extracted.path}:{extracted.line}"
    if extracted.part:
        where += f" ({extracted.part})"
    verdict = "valid" if report.valid else "invalid"
    console.print(
        f"{where}: {extracted.reader}: {verdict}",
        style="green" if report.valid else "red",
        markup=False,
    )
    if extracted.item is not None:
        try:
            shown = orjson.dumps(extracted.item, option=orjson.OPT_INDENT_2).decode()
        except TypeError as exc:
            shown = f"(the item cannot be printed as JSON: {exc})"
        console.print(shown, markup=False)
    for problem in [*report.errors, *report.warnings]:
        label = problem.rule if problem in report.errors else f"{problem.rule} (warning)"
        console.print(f"  {problem.json_path}: {label}: {problem.message}", markup=False)


def _show(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        if args.raw:
            _write_bytes(stdout, store.raw(args.id, args.version))
            return EXIT_OK
        record = store.get(args.id, args.version)
    if record is None:
        which = f"version {args.version}" if args.version else "record"
        print(f"wirearchive show: {args.id}: no such {which}", file=stderr)
        return EXIT_PROBLEMS
    _print_json(stdout, record, pretty=not args.json)
    return EXIT_OK


def _history(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        versions = store.history(args.id)
    if not versions:
        print(f"wirearchive history: {args.id}: not in the archive", file=stderr)
        return EXIT_PROBLEMS
    if args.json:
        _print_json(stdout, {"id": args.id, "versions": versions}, pretty=False)
        return EXIT_OK
    console = _console(stdout)
    console.print(args.id, style="bold")
    for row in versions:
        seen = row["sightings"]
        console.print(
            f"  v{row['version']}  {row['archivedAt']}  {row['digest'][:23]}…  "
            f"seen {seen['count']}× (last {seen['lastSeen']})  run {row['run']}"
        )
        for rule, count in seen.get("warnings", {}).items():
            console.print(f"      old copies seen again: {rule} ×{count}")
        for event in row.get("events", []):
            console.print(
                f"      {event['event']} ({event['pubStatus']}) at {event['at']}  "
                f"run {event['run']}  cursor {event['cursor']}"
            )
    return EXIT_OK


def _short(value: Any, width: int = 60) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= width else text[: width - 1] + "…"


def _diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        changes = store.diff(args.id, args.a, args.b)
    if args.json:
        _print_json(stdout, changes, pretty=False)
        return EXIT_OK
    console = _console(stdout)
    console.print(f"{args.id}: v{args.a} → v{args.b}", style="bold")
    for change in changes["changed"]:
        console.print(f"  {change['path']}: {_short(change['from'])} → {_short(change['to'])}")
    if changes["body"]:
        console.print(changes["body"].rstrip("\n"), markup=False)
    return EXIT_OK


def _export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        feed = store.changes(args.since, args.limit)
        pending: list[bytes] = []
        for record in feed:
            pending.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            if len(pending) >= 512:
                _write_bytes(stdout, b"".join(pending))
                pending.clear()
        _write_bytes(stdout, b"".join(pending))
    print(feed.cursor, file=stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        result = verify(store)
    if args.json:
        _print_json(stdout, result.to_dict(), pretty=False)
    else:
        console = _console(stdout)
        for finding in result.findings:
            console.print(str(finding), style="red", markup=False)
        checked = ", ".join(f"{n} {what}" for what, n in result.checked.items())
        verdict = "archive verified" if result.ok else f"{len(result.findings)} problems"
        console.print(
            f"{verdict}: checked {checked or 'nothing'}", style="green" if result.ok else "red"
        )
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _quarantine(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args) as store:
        if args.action == "list":
            rows = store.quarantined()
            if args.json:
                for row in rows:
                    _print_json(stdout, row, pretty=False)
            else:
                console = _console(stdout)
                for row in rows:
                    where = row["path"] if row["line"] is None else f"{row['path']}:{row['line']}"
                    console.print(
                        f"{row['qid']}  {where}: {row['rule']}: {row['message']}  "
                        f"(×{row['count']}, last {row['lastSeen']})",
                        markup=False,
                    )
                console.print(f"{len(rows)} quarantined input{'s' if len(rows) != 1 else ''}")
            return EXIT_OK
        entry = store.quarantine_entry(args.qid)
        if entry is None:
            print(f"wirearchive quarantine show: {args.qid}: not in quarantine", file=stderr)
            return EXIT_PROBLEMS
        if args.raw:
            capture = entry["provenance"].get("capture", {})
            if "warcFile" not in capture:
                print(
                    f"wirearchive quarantine show: {args.qid}: raw bytes were not kept", file=stderr
                )
                return EXIT_PROBLEMS
            _write_bytes(stdout, store.capture_bytes(capture))
            return EXIT_OK
    _print_json(stdout, entry, pretty=not args.json)
    return EXIT_OK


def _reindex(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with _store(args, readonly=False) as store:
        result = store.reindex()
    if args.json:
        _print_json(stdout, result, pretty=False)
    else:
        for problem in result["problems"]:
            where = (
                problem["file"]
                if problem["line"] is None
                else f"{problem['file']}:{problem['line']}"
            )
            print(f"{where}: {problem['rule']}: {problem['message']}", file=stdout)
        counts = ", ".join(f"{n} {what}" for what, n in result["counts"].items())
        print(f"catalog rebuilt from the log: {counts}", file=stdout)
    return EXIT_PROBLEMS if result["problems"] else EXIT_OK


def _summary(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    location = resolve_location(args.archive)
    with _store(args) as store:
        counts = store.summary()
        runs = store.runs(last=5)
    if args.json:
        _print_json(stdout, {"archive": location, "counts": counts, "runs": runs}, pretty=False)
        return EXIT_OK
    console = _console(stdout)
    console.print(f"archive {location}", style="bold")
    console.print("  " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for run in runs:
        done = run.get("counts", {})
        console.print(
            f"  {run['run']}  {run.get('status', '')}  "
            + ", ".join(f"{n} {what}" for what, n in done.items())
        )
    return EXIT_OK


def _crawl(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .crawl import crawl  # imported here: Scrapy loads only for a crawl

    return crawl(args, stdout, stderr)


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "extract": _extract,
    "ingest": _ingest,
    "show": _show,
    "history": _history,
    "diff": _diff,
    "export": _export,
    "verify": _verify,
    "quarantine": _quarantine,
    "reindex": _reindex,
    "summary": _summary,
    "crawl": _crawl,
}
