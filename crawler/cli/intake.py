"""``wirearchive ingest`` and ``extract``: thin callers of the one intake path.

`ingest` runs an `Intake` over a store; `extract` runs the same intake with no store and
prints what each input would become. Neither loop reads, checks or counts by itself.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import orjson
from wirearchive.validators import Problem, Report, walk

from ..exits import EXIT_OK, EXIT_PROBLEMS
from ..intake import Intake, Result
from ..readers import Extracted, unreadable
from ._shared import (
    archive_option,
    checked_format,
    command,
    console,
    format_options,
    json_option,
    open_store,
    positive,
    print_json,
)

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    extract = command(
        commands,
        "extract",
        _extract,
        help="show what each input would become, without touching an archive",
        description="Read each input with its reader, upgrade and validate it, and print the "
        "ninjs 3.1 item and the report. Nothing is written.",
    )
    format_options(extract)
    json_option(extract, 'one line per item: {"path", "item", "report"}')
    extract.add_argument("paths", nargs="+", metavar="PATH")

    ingest = command(
        commands,
        "ingest",
        _ingest,
        help="archive ninjs JSON and JSON Lines files (any ninjs 1.x-3.x, stored as 3.1)",
        description="Validate each input and archive it as a new or updated version, an "
        "unchanged sighting, or a quarantined entry with its report.",
    )
    archive_option(ingest)
    ingest.add_argument("--source", metavar="NAME", help="the source name for provenance")
    format_options(ingest)
    json_option(ingest, "the run's counts")
    ingest.add_argument(
        "--events",
        action="store_true",
        help="print one JSON line per input as soon as it is durable, before the counts",
    )
    ingest.add_argument(
        "--batch",
        type=positive,
        default=500,
        metavar="N",
        help="inputs per commit group (default 500)",
    )
    ingest.add_argument(
        "--workers",
        type=positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes that read and check large JSON Lines files (default: one per CPU, "
        f"{os.cpu_count() or 1} here; 1 does everything in one process)",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")


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
    with Progress(*columns, console=console(stderr), transient=True) as bar:
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
        open_store(args, readonly=False, create=True) as store,
        _progress(stderr, total, not args.events) as advance,
    ):
        intake = Intake(
            store,
            source=args.source,
            command=["wirearchive", *args.argv],
            batch=args.batch,
            workers=args.workers,
            format=checked_format(args.format),
            max_bytes=args.max_bytes,
            on_result=on_result,
            on_bytes=advance,
        )
        intake.walk(args.paths)
        manifest = intake.close()
    counts = manifest["counts"]
    if args.json or args.events:
        print_json(stdout, {"run": manifest["run"], **counts}, pretty=False)
    else:
        out = console(stdout)
        for result in problems:
            where = result.path if result.line is None else f"{result.path}:{result.line}"
            if result.part:  # which item of a multi-item file (as `extract` says it)
                where += f" ({result.part})"
            status = result.outcome.status if result.outcome else result.status
            out.print(f"{where}: {status}: {result.reason}", style="red", markup=False)
        total_inputs = sum(counts.values())
        out.print(
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


def _extract(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """A dry run: the same intake with no store; each item printed as it is checked."""
    invalid = 0
    out = None if args.json else console(stdout)

    def on_checked(extracted: Extracted, report: Report) -> None:
        nonlocal invalid
        invalid += not report.valid
        _print_extracted(stdout, out, extracted, report)

    def on_result(result: Result) -> None:
        nonlocal invalid
        if result.status in ("failed", "skipped"):  # never read: no reader, no item
            invalid += 1
            problem = Problem(rule=result.rule or "input.unreadable", message=result.reason or "")
            report = Report.from_problems([problem], path=result.path, line=None, schema=None)
            extracted = unreadable(result.path, problem.message, problem.rule)
            _print_extracted(stdout, out, extracted, report)

    intake = Intake(
        None,
        format=checked_format(args.format),
        max_bytes=args.max_bytes,
        on_checked=on_checked,
        on_result=on_result,
    )
    intake.walk(args.paths)
    intake.close()
    return EXIT_PROBLEMS if invalid else EXIT_OK


def _print_extracted(stdout: TextIO, out: Any, extracted: Extracted, report: Report) -> None:
    if out is None:
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
    out.print(
        f"{where}: {extracted.reader}: {verdict}",
        style="green" if report.valid else "red",
        markup=False,
    )
    if extracted.item is not None:
        try:
            shown = orjson.dumps(extracted.item, option=orjson.OPT_INDENT_2).decode()
        except TypeError as exc:
            shown = f"(the item cannot be printed as JSON: {exc})"
        out.print(shown, markup=False)
    for problem in [*report.errors, *report.warnings]:
        label = problem.rule if problem in report.errors else f"{problem.rule} (warning)"
        out.print(f"  {problem.json_path}: {label}: {problem.message}", markup=False)
