"""``wirearchive verify``, ``quarantine``, ``reindex``, ``bag`` and ``summary``: looking after
an archive.

Only `reindex` writes (the catalog, rebuilt from the files); none of them creates an
archive, so a mistyped ``--archive`` is exit 2 with ``no archive at PATH``.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from wirearchive.archive import resolve_location, verify

from ..exits import EXIT_FATAL, EXIT_OK, EXIT_PROBLEMS
from ._shared import (
    archive_option,
    command,
    console,
    json_option,
    open_store,
    print_json,
    write_bytes,
)

__all__ = ["add_commands"]


def add_commands(commands: Any) -> None:
    check = command(
        commands,
        "verify",
        _verify,
        help="re-hash every record and capture; check chains and the catalog",
    )
    archive_option(check)
    json_option(check)

    quarantine = command(
        commands, "quarantine", _quarantine, help="list or show quarantined inputs"
    )
    actions = quarantine.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="one line per quarantined input")
    archive_option(listing)
    json_option(listing)
    detail = actions.add_parser("show", help="the full entry: report, item, provenance")
    archive_option(detail)
    detail.add_argument("qid", metavar="QID")
    detail.add_argument("--raw", action="store_true", help="print the original input bytes")
    json_option(detail, "the entry on one line")

    reindex = command(
        commands, "reindex", _reindex, help="rebuild the catalog from the files alone"
    )
    archive_option(reindex)
    json_option(reindex)

    bag = command(
        commands,
        "bag",
        _bag,
        help="verify the archive, then write it as a BagIt bag (RFC 8493) to hand over",
    )
    archive_option(bag)
    bag.add_argument("out", metavar="OUT", help="the bag's folder (must not exist)")
    bag.add_argument("--organization", metavar="NAME", help="Source-Organization in bag-info.txt")
    json_option(bag)

    summary = command(commands, "summary", _summary, help="counts and recent runs of the archive")
    archive_option(summary)
    json_option(summary)


def _verify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args) as store:
        result = verify(store)
    if args.json:
        print_json(stdout, result.to_dict(), pretty=False)
    else:
        out = console(stdout)
        for finding in result.findings:
            out.print(str(finding), style="red", markup=False)
        checked = ", ".join(f"{n} {what}" for what, n in result.checked.items())
        verdict = "archive verified" if result.ok else f"{len(result.findings)} problems"
        out.print(
            f"{verdict}: checked {checked or 'nothing'}", style="green" if result.ok else "red"
        )
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _bag(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from wirearchive.archive.bag import BagError, bag_archive

    with open_store(args) as store:
        try:
            location = resolve_location(args.archive)
            result = bag_archive(store, args.out, location=location, organization=args.organization)
        except BagError as exc:
            if exc.verification is not None:
                out = console(stdout)
                for finding in exc.verification.findings:
                    out.print(str(finding), style="red", markup=False)
            print(f"wirearchive bag: {exc}", file=stderr)
            return EXIT_PROBLEMS if exc.verification is not None else EXIT_FATAL
    if args.json:
        print_json(stdout, result.to_dict(), pretty=False)
    else:
        files = result.segments + result.warcs + result.runs
        console(stdout).print(
            f"{result.path}: a BagIt bag of {files} files ({result.bytes:,} bytes): "
            f"{result.segments} log segments, {result.warcs} WARC files, {result.runs} run "
            "manifests; sha256 and sha512 manifests, read back and valid",
            markup=False,
        )
    return EXIT_OK


def _quarantine(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args) as store:
        if args.action == "list":
            rows = store.quarantined()
            if args.json:
                for row in rows:
                    print_json(stdout, row, pretty=False)
            else:
                out = console(stdout)
                for row in rows:
                    where = row["path"] if row["line"] is None else f"{row['path']}:{row['line']}"
                    out.print(
                        f"{row['qid']}  {where}: {row['rule']}: {row['message']}  "
                        f"(×{row['count']}, last {row['lastSeen']})",
                        markup=False,
                    )
                out.print(f"{len(rows)} quarantined input{'s' if len(rows) != 1 else ''}")
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
            write_bytes(stdout, store.capture_bytes(capture))
            return EXIT_OK
    print_json(stdout, entry, pretty=not args.json)
    return EXIT_OK


def _reindex(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    with open_store(args, readonly=False) as store:
        result = store.reindex()
    if args.json:
        print_json(stdout, result, pretty=False)
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
    with open_store(args) as store:
        counts = store.summary()
        runs = store.runs(last=5)
    if args.json:
        print_json(stdout, {"archive": location, "counts": counts, "runs": runs}, pretty=False)
        return EXIT_OK
    out = console(stdout)
    out.print(f"archive {location}", style="bold")
    out.print("  " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for run in runs:
        done = run.get("counts", {})
        out.print(
            f"  {run['run']}  {run.get('status', '')}  "
            + ", ".join(f"{n} {what}" for what, n in done.items())
        )
    return EXIT_OK
