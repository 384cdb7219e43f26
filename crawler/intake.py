"""Intake: the one path every input takes, from its bytes to the archive.

An `Intake` owns a run: it reads (or receives) each input, checks it, queues it in a
commit group, commits groups (`batch` inputs or `max_delay` seconds, whichever comes
first), counts outcomes, reports each one once it is durable, and writes the run
manifest. ``ingest`` feeds it the files the walker finds, the Scrapy pipeline the pages
the spider fetched, and ``extract`` uses it without a store (a dry run: checked, never
written). Whatever goes wrong with one input (it cannot be read, its reader or a rule
raises, the log cannot encode its item) becomes that input's quarantine entry, failure
or skip, named with its path and a rule, and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import platform
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, Literal
from urllib.parse import quote

import orjson
from wirearchive import __version__
from wirearchive.archive import Capture, Outcome, Store, Writer, new_run_id
from wirearchive.archive.store import Prepared, Unencodable, prepare_item
from wirearchive.archive.warc import Record, resource_record
from wirearchive.validators import (
    DEFAULT_MAX_BYTES,
    PROFILE,
    Document,
    Problem,
    Report,
    Severity,
    Validator,
    default_registry,
    parse,
    walk,
)

from .normalize import normalize
from .readers import (
    HEAD_BYTES,
    Extracted,
    ReadContext,
    Source,
    choose,
    chosen_step,
    read_source,
    reader_error,
    readers,
    step,
    unreadable,
)
from .readers.base import too_large
from .readers.ninjs import READER as NINJS
from .readers.ninjs import NinjsReader

__all__ = [
    "Checked",
    "Checker",
    "Counts",
    "Intake",
    "Result",
    "check_extracted",
    "extraction_provenance",
    "prepare",
    "quarantine_reason",
    "run_manifest",
    "utc_now",
]

Status = Literal["new", "updated", "unchanged", "quarantined", "failed", "skipped", "checked"]


@dataclass(slots=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    failed: int = 0
    #: Entries the walk left out (a dangling link, a link out of the folder ...), or
    #: URLs refused by policy (robots.txt).
    skipped: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def to_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "failed": self.failed,
            "skipped": self.skipped,
        }

    @property
    def problems(self) -> int:
        """Inputs that did not end archived: what makes the exit status 1."""
        return self.quarantined + self.failed + self.skipped


@dataclass(frozen=True, slots=True)
class Result:
    """One input's outcome, with where it came from."""

    path: str
    line: int | None
    outcome: Outcome | None
    #: Why the input was quarantined, failed or skipped: ``rule: message`` or the best error.
    reason: str | None = None
    #: The status when there is no `outcome`: failed, skipped, or checked (no store).
    status: Status = "failed"
    rule: str | None = None
    part: str | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": self.path, "line": self.line}
        found.update(self.outcome.to_dict() if self.outcome else {"status": self.status})
        if self.part:
            found["part"] = self.part
        if self.rule:
            found["rule"] = self.rule
        if self.reason:
            found["reason"] = self.reason
        return found


def software_versions() -> dict[str, str]:
    """What made this run, for its manifest."""
    found = {"wirearchive": __version__, "python": platform.python_version()}
    for name in ("jsonschema-rs", "jsonschema", "warcio", "orjson"):
        try:
            found[name] = package_version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    found["sqlite"] = sqlite3.sqlite_version
    return found


def file_uri(uri: str, line: int | None, part: str | None = None) -> str:
    """The capture's target URI: the file's, with which line or item of it."""
    # RFC 5147 text fragments count line boundaries from 0: line N is "line=N-1,N".
    if line is not None:
        return f"{uri}#line={line - 1},{line}"
    if part is not None:  # one of several items in the file: a feed's entry, a message's item
        return f"{uri}#part={quote(part)}"
    return uri


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def extraction_provenance(
    extracted: Extracted, schema_uri: str, derived: dict[str, Any]
) -> dict[str, Any]:
    """The provenance facts a reader's output carries: where from, by what, which steps."""
    steps = [step("read", f"{extracted.reader} {extracted.reader_version}"), *extracted.steps]
    if extracted.part:
        steps.append(step("part", extracted.part))
    return {
        "wasDerivedFrom": derived,
        "wasAttributedTo": {
            "extractor": {"name": extracted.reader, "version": extracted.reader_version},
            "schema": schema_uri,
        },
        "steps": steps,
    }


def check_extracted(
    checker: Checker, extracted: Extracted, provenance: dict[str, Any] | None = None
) -> Report:
    """Normalise and validate one extracted input; a rule, the normaliser or the checker
    raising is ``ingest.rule-error``.

    The item is normalised in place (`normalize`: presentation stripped from HTML), so what
    is validated is what the caller then archives from ``extracted.item``; the steps taken
    join `provenance`.
    """
    try:
        if extracted.item is not None:
            normalized, steps = normalize(extracted.item)
            if steps:
                extracted.item.clear()
                extracted.item.update(normalized)
                if provenance is not None:
                    provenance["steps"].extend(steps)
        return checker.check(extracted)
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the run
        problem = Problem(
            rule="ingest.rule-error",
            message=f"checking the item failed: {type(exc).__name__}: {exc}"[:500],
        )
        return Report.from_problems(
            [problem], path=extracted.path, line=extracted.line, schema=None
        )


def quarantine_reason(report: Report) -> str | None:
    """The best error as ``$.json.path: rule: message``."""
    best = report.best_error
    return f"{best.json_path}: {best.rule}: {best.message}" if best else None


def run_manifest(
    *,
    run_id: str,
    command: Sequence[str],
    started: str,
    counts: Counts,
    rules: Counter[tuple[str, str]],
    failures: Sequence[Any],
    inputs: Sequence[str],
    source: str | None,
    status: str = "finished",
) -> dict[str, Any]:
    """A run's manifest: what ran, when, on what, and what became of it."""
    validation: dict[str, dict[str, int]] = {}
    for (rule, kind), count in sorted(rules.items()):
        validation.setdefault(rule, {"errors": 0, "warnings": 0})[kind] = count
    manifest: dict[str, Any] = {
        "run": run_id,
        "command": list(command),
        "startedAt": started,
        "endedAt": utc_now(),
        "status": status,
        "software": software_versions(),
        "inputs": list(inputs),
        "counts": counts.to_dict(),
        "validation": validation,
        "failures": list(failures),
    }
    if source:
        manifest["source"] = source
    return manifest


class Checker:
    """Validate what readers extract: text against the profile, pictures against ninjs."""

    def __init__(self) -> None:
        registry = default_registry()
        self._validators = {PROFILE: Validator(PROFILE, registry=registry)}
        self._registry = registry
        self.profile_uri = registry.uri(PROFILE)

    def schema_uri(self, schema: str) -> str:
        return self._registry.uri(schema)

    def _validator(self, schema: str) -> Validator:
        if schema not in self._validators:
            self._validators[schema] = Validator(schema, registry=self._registry)
        return self._validators[schema]

    def check(self, extracted: Extracted) -> Report:
        """The report on an extracted item, the reader's own warnings included."""
        validator = self._validator(extracted.schema)
        if extracted.problem is not None or extracted.item is None:
            problem = extracted.problem or Problem(rule="input.empty", message="no item")
            return validator.invalid_input(problem, path=extracted.path, line=extracted.line)
        report = validator.validate(extracted.item, path=extracted.path, line=extracted.line)
        if extracted.warnings:
            guesses = [replace(w, severity=Severity.WARNING) for w in extracted.warnings]
            report = Report.from_problems(
                [*report.errors, *report.warnings, *guesses],
                path=report.path,
                line=report.line,
                schema=report.schema,
                note=report.note,
            )
        return report


@dataclass(slots=True)
class Checked:
    """One input read and checked, ready to queue: what `prepare` makes of an `Extracted`.

    Made in the ingest process or in a worker of its checking pool, and picklable so
    that it can cross between them.
    """

    extracted: Extracted
    #: None for an input that was never read (unreadable, not found): a failure.
    report: Report | None
    capture: Capture | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    schema_uri: str = ""
    #: The item in NFC and its digest, or why the log cannot hold it; None when not made.
    prepared: Prepared | str | None = None
    #: The capture's WARC record, made with the item (in a worker, off the writer's path).
    record: Record | None = None
    #: While crossing between processes: the prepared item as JSON and its digest.
    packed: tuple[bytes, str] | None = None

    def pack(self) -> Checked:
        """Ready to cross to the writer: the prepared item as JSON bytes, which orjson
        reads back in a fifth of the time pickle takes to rebuild its dicts (7 against
        29 µs for a 1.4 KB item, in the one writer process)."""
        if isinstance(self.prepared, tuple):
            item, digest = self.prepared
            try:
                self.packed = orjson.dumps(item), digest
            except TypeError:  # an integer over 64 bits: pickle it as it is
                return self
            self.prepared = None
            self.extracted = replace(self.extracted, item=None)
        return self

    def unpack(self) -> Checked:
        """What `pack` made, back: the item once, as the extracted and the prepared one."""
        if self.packed is not None:
            data, digest = self.packed
            item = orjson.loads(data)
            self.extracted = replace(self.extracted, item=item)
            self.prepared = item, digest
            self.packed = None
        return self


def prepare(
    checker: Checker,
    extracted: Extracted,
    *,
    uri: str | None = None,
    capture: Capture | None = None,
    derived: dict[str, Any] | None = None,
    steps: Sequence[dict[str, str]] = (),
    for_archive: bool = True,
    records: bool = False,
) -> Checked:
    """Everything about one input that needs no archive: capture, provenance, the check,
    and (`for_archive`, valid items) the item's NFC form and digest, and with `records`
    its WARC record too (worth it in a worker: in the writer it is made only if needed)."""
    problem = extracted.problem
    if problem is not None and problem.rule in ("input.unreadable", "input.not-found"):
        return Checked(extracted, None)
    if capture is None and extracted.raw is not None:
        target = file_uri(uri or extracted.path, extracted.line, extracted.part)
        capture = Capture(extracted.raw, target, extracted.media_type)
    schema_uri = checker.schema_uri(extracted.schema)
    if derived is None:
        derived = {"path": extracted.path}
        if uri is not None:
            derived["url"] = uri  # exact: the bytes of a name that is not UTF-8 too
        if extracted.line:
            derived["line"] = extracted.line
    provenance = extraction_provenance(extracted, schema_uri, derived)
    provenance["steps"][:0] = list(steps)
    report = check_extracted(checker, extracted, provenance)
    provenance["steps"].append(
        step(
            "validate",
            f"{report.schema}: {len(report.errors)} errors, {len(report.warnings)} warnings",
        )
    )
    prepared: Prepared | str | None = None
    record = None
    if for_archive and report.valid and capture is not None and extracted.item is not None:
        try:
            prepared = prepare_item(extracted.item)
        except Unencodable as exc:
            prepared = str(exc)
        if records:
            record = resource_record(capture)
    return Checked(extracted, report, capture, provenance, schema_uri, prepared, record)


# -- the checking pool -------------------------------------------------------------------
#
# Reading and checking a JSON Lines line needs no archive, so the lines of a large file go
# to worker processes in chunks, and come back as `Checked` inputs, in order, to the one
# process that holds the archive's `Writer`.

_LINES = (".jsonl", ".ndjson")
#: Lines per job, and the most bytes of lines per job (one job's lines stay in memory).
_JOB_LINES = 250
_JOB_BYTES = 4 << 20
#: Set in the ingest process just before its pool forks: each worker's checker.
_POOL_CHECKER: Checker | None = None

#: A job: the file's name and URI, the choose step, (line number, line or None when
#: over the size limit) pairs, the size limit, and whether items are prepared for a put.
_Job = tuple[str, str, dict[str, str], list[tuple[int, bytes | None]], int, bool]


def _check_lines(job: _Job) -> tuple[list[Checked], str | None]:
    """In a worker: each line as `NinjsReader.read` and `Intake.add` would make it.

    Returns the checked lines and, if the reader raised on one, the error (the serial
    path stops reading the file there, and so does the pooled one).
    """
    name, uri, chosen, lines, max_bytes, for_archive = job
    checker = _POOL_CHECKER
    assert checker is not None, "the pool forks after the checker is set"
    found: list[Checked] = []
    for number, line in lines:
        if line is None:
            document = Document(name, number, problem=too_large(max_bytes))
        else:
            parsed, problem = parse(line)
            document = Document(name, number, parsed, problem, line.removesuffix(b"\n"))
        try:
            extracted = NINJS.extract(document, owned=True)
        except Exception as exc:  # noqa: BLE001 - the file's reader error, as read_source
            return found, f"{type(exc).__name__}: {exc}"
        extracted = replace(extracted, steps=(chosen, *extracted.steps))
        checked = prepare(checker, extracted, uri=uri, for_archive=for_archive, records=True)
        found.append(checked.pack())  # the item crosses once, in its NFC form
    return found, None


def _line_jobs(handle: Any, limit: int) -> Iterable[list[tuple[int, bytes | None]]]:
    """The lines of a JSON Lines stream in jobs, numbered and cut as `read_stream` does:
    blank lines are left out, a line over `limit` bytes is not read (None)."""
    job: list[tuple[int, bytes | None]] = []
    size = number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while rest := handle.readline(1 << 20):
                if rest.endswith(b"\n"):
                    break
            job.append((number, None))
        elif line.strip():
            job.append((number, line))
            size += len(line)
        if len(job) >= _JOB_LINES or size >= _JOB_BYTES:
            yield job
            job, size = [], 0
    if job:
        yield job


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A queued input, reported once its group is durable."""

    path: str
    line: int | None
    part: str | None
    reason: str | None
    rule: str | None


@dataclass
class Intake:
    """One run: `walk` paths or `feed` sources or `add` items, then `close` for the manifest.

    Without a `store` nothing is written: each item is checked and reported at once with
    status ``checked`` (``extract``'s dry run).
    """

    store: Store | None
    source: str | None = None
    command: Sequence[str] = ()
    batch: int = 500
    max_delay: float = 2.0
    max_bytes: int = DEFAULT_MAX_BYTES
    format: str | None = None
    #: Each input's outcome, once durable (at once without a store).
    on_result: Callable[[Result], None] | None = None
    #: Each item as soon as it is checked, with its report (``extract`` prints these).
    on_checked: Callable[[Extracted, Report], None] | None = None
    #: The size of each file about to be read (a progress bar).
    on_bytes: Callable[[int], None] | None = None
    #: The key naming an input in the manifest's lists: "path" for files, "url" for crawls.
    label: str = "path"
    #: Processes that read and check the lines of large JSON Lines files; 1: none, all
    #: is done here. The archive is written by this process alone either way.
    workers: int = 1
    #: A JSON Lines file smaller than this is read here: a pool is not worth its start.
    pool_bytes: int = 1 << 20
    run_id: str = field(default_factory=new_run_id)
    counts: Counts = field(default_factory=Counts)
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in readers():
            known = ", ".join(sorted(readers()))
            raise ValueError(f"unknown format {self.format!r} (choose from {known})")
        self.batch = max(1, self.batch)
        self.checker = Checker()
        self._writer: Writer | None = (
            self.store.writer(self.run_id, source=self.source) if self.store else None
        )
        self._waiting: list[_Waiting] = []
        self._pool: multiprocessing.pool.Pool | None = None
        #: Lines the checking pool read and checked (the rest were read here).
        self.pooled = 0
        self.started = utc_now()
        self._clock = time.monotonic()
        self._oldest = self._clock

    # -- what callers hand over ----------------------------------------------------------

    def walk(self, paths: Iterable[str]) -> None:
        """Feed every file under the paths; each entry the walk leaves out is a skip."""
        for walked in walk(paths):
            self.inputs.append(walked.name)
            if walked.problem is not None:
                self.skip(walked.name, walked.problem)
                continue
            if self.on_bytes is not None:
                try:
                    self.on_bytes(walked.path.stat().st_size)
                except OSError:
                    self.on_bytes(0)  # gone since the walk: reading it will say so
            self.feed(Source.from_path(walked.path))

    def feed(self, source: Source, context: ReadContext | None = None) -> None:
        """Read one input with its reader and add every item it makes."""
        context = context or ReadContext(max_bytes=self.max_bytes)
        if self._pooled(source) and self._feed_lines(source, context):
            return
        for extracted in read_source(source, format=self.format, context=context):
            self.add(extracted, uri=source.uri)

    def _pooled(self, source: Source) -> bool:
        """Whether a source is a JSON Lines file large enough for the checking pool."""
        if self.workers < 2 or source.path is None or source.data is not None:
            return False
        if source.suffix not in _LINES or self.format not in (None, NINJS.name):
            return False
        try:
            return source.path.stat().st_size >= self.pool_bytes
        except OSError:
            return False  # read_source names the problem

    def _feed_lines(self, source: Source, context: ReadContext) -> bool:
        """Read a JSON Lines file with the pool; False (nothing done) unless it is ninjs.

        Each input's outcome, and the order of outcomes, is the serial path's: jobs are
        taken back in order, and a reader error ends the file as it would there.
        """
        try:
            head = source.head(HEAD_BYTES)
        except OSError:
            return False  # read_source names the problem
        reader = choose(source.file_name, head, self.format)
        if not isinstance(reader, NinjsReader):
            return False
        chosen = chosen_step(reader, self.format)
        pool = self._start_pool()
        pending: deque[multiprocessing.pool.AsyncResult[tuple[list[Checked], str | None]]]
        pending = deque()
        error: str | None = None
        stopped: Extracted | None = None
        try:
            with source.open() as handle:
                for lines in _line_jobs(handle, context.max_bytes):
                    job = (source.name, source.uri, chosen, lines, context.max_bytes,
                           self._writer is not None)  # fmt: skip
                    pending.append(pool.apply_async(_check_lines, (job,)))
                    if len(pending) > 2 * self.workers:  # bounded: a 1 GB file is streamed
                        error = self._take(pending.popleft().get())
                        if error is not None:
                            break
        except OSError as exc:  # vanished or became unreadable while being read
            stopped = unreadable(source.name, f"{source.name}: {exc.strerror or exc}")
        while pending and error is None:
            error = self._take(pending.popleft().get())
        if error is not None:
            stopped = reader_error(source, reader, error, context, chosen)
        if stopped is not None:
            self.add(stopped, uri=source.uri)
        return True

    def _take(self, done: tuple[list[Checked], str | None]) -> str | None:
        checked, error = done
        self.pooled += len(checked)
        for one in checked:
            self._admit(one.unpack())
        return error

    def _start_pool(self) -> multiprocessing.pool.Pool:
        global _POOL_CHECKER
        if self._pool is None:
            _POOL_CHECKER = self.checker  # the workers fork with it: compiled once, here
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._pool

    def _stop_pool(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def add(
        self,
        extracted: Extracted,
        *,
        uri: str | None = None,
        capture: Capture | None = None,
        derived: dict[str, Any] | None = None,
        steps: Sequence[dict[str, str]] = (),
    ) -> Report | None:
        """Check one extracted item and queue it: a version, a sighting or a quarantine.

        `capture` is the exact bytes when the caller has them (a crawled response); else
        they are the extracted `raw` bytes, captured under `uri` (the file's). Returns the
        report (None for an input that was never read: a failure).
        """
        checked = prepare(
            self.checker,
            extracted,
            uri=uri,
            capture=capture,
            derived=derived,
            steps=steps,
            for_archive=self._writer is not None,
        )
        return self._admit(checked)

    def _admit(self, checked: Checked) -> Report | None:
        """Queue what `prepare` made of one input (here or in a worker process)."""
        extracted, report, capture = checked.extracted, checked.report, checked.capture
        if report is None:
            assert extracted.problem is not None
            self.fail(extracted.path, extracted.problem, line=extracted.line)  # no bytes
            return None
        if self.on_checked is not None:
            self.on_checked(extracted, report)
        if self._writer is None:
            self._count_rules(report)
            self._report(
                Result(extracted.path, extracted.line, None, status="checked", part=extracted.part)
            )
            return report
        if report.valid and capture is not None and extracted.item is not None:
            try:
                if isinstance(checked.prepared, str):
                    raise Unencodable(checked.prepared)
                self._writer.put(
                    extracted.item,
                    capture,
                    provenance=checked.provenance,
                    warnings=[w.to_dict() for w in report.warnings],
                    profile=checked.schema_uri,
                    prepared=checked.prepared,
                    record=checked.record,
                )
            except Unencodable as exc:
                report = Report.from_problems(
                    [Problem(rule="ingest.unencodable", message=str(exc)), *report.warnings],
                    path=extracted.path,
                    line=extracted.line,
                    schema=report.schema,
                )
            else:
                self._count_rules(report)
                self._queue(_Waiting(extracted.path, extracted.line, extracted.part, None, None))
                return report
        self._quarantine(capture, report, extracted, checked.provenance)
        return report

    def not_modified(
        self, url: str, item_id: str, capture: Capture, derived: dict[str, Any]
    ) -> None:
        """A conditional request answered 304: a sighting of the archived version."""
        if self._writer is None:
            return
        self.inputs.append(url)
        self._writer.not_modified(item_id, capture, provenance={"wasDerivedFrom": derived})
        self._queue(_Waiting(url, None, None, None, None))

    def fail(
        self,
        name: str,
        problem: Problem,
        *,
        line: int | None = None,
        facts: dict[str, Any] | None = None,
    ) -> None:
        """An input that gave nothing to keep (unreadable, a failed fetch): named, counted."""
        self.counts.failed += 1
        self.failures.append(
            {
                self.label: name,
                "rule": problem.rule,
                "message": problem.message,
                **({"line": line} if line else {}),
                **(facts or {}),
            }
        )
        self._report(
            Result(name, line, None, f"{problem.rule}: {problem.message}", "failed", problem.rule)
        )

    def skip(self, name: str, problem: Problem, facts: dict[str, Any] | None = None) -> None:
        """An entry not read on purpose (a link out of the folder, robots.txt): named."""
        self.counts.skipped += 1
        self.skipped.append(
            {self.label: name, "rule": problem.rule, "message": problem.message, **(facts or {})}
        )
        self._report(
            Result(name, None, None, f"{problem.rule}: {problem.message}", "skipped", problem.rule)
        )

    # -- groups and the end of the run ----------------------------------------------------

    @property
    def queued(self) -> int:
        """How many inputs wait for their group to be durable."""
        return len(self._waiting)

    def due(self) -> bool:
        """Whether the queued group should be committed now (full, or waited long enough)."""
        return bool(self._writer) and (
            len(self._writer or ()) >= self.batch
            or time.monotonic() - self._oldest >= self.max_delay
        )

    def commit(self) -> None:
        """Make the queued group durable and report its outcomes."""
        writer = self._writer
        waiting = self._waiting
        if writer is None or not waiting:
            return
        outcomes = writer.commit()  # if it raises, the group stays queued, and so do these
        self._waiting = []
        for queued, outcome in zip(waiting, outcomes, strict=True):
            self.counts.add(outcome.status)
            for warning in outcome.warnings:  # the archive's own: a stale copy, say
                self.rules[(warning["rule"], "warnings")] += 1
            if outcome.status == "quarantined":
                entry = {
                    self.label: queued.path,
                    "line": queued.line,
                    "qid": outcome.qid,
                    "rule": queued.rule,
                    "reason": queued.reason,
                }
                if queued.part:  # which item of a multi-item file
                    entry["part"] = queued.part
                self.quarantined.append(entry)
            self._report(
                Result(
                    queued.path,
                    queued.line,
                    outcome,
                    queued.reason,
                    part=queued.part,
                    rule=queued.rule,
                )
            )

    def close(self, status: str = "finished", **extra: Any) -> dict[str, Any]:
        """Commit what is queued and write the run manifest (with a store); return it."""
        self._stop_pool()
        self.commit()
        manifest = run_manifest(
            run_id=self.run_id,
            command=self.command,
            started=self.started,
            counts=self.counts,
            rules=self.rules,
            failures=self.failures,
            inputs=self.inputs,
            source=self.source,
            status=status,
        )
        manifest["skipped"] = self.skipped
        manifest["quarantined"] = self.quarantined
        manifest["seconds"] = round(time.monotonic() - self._clock, 3)
        manifest.update(extra)
        if self.store is not None:
            self.store.finish_run(manifest)
        self.manifest = manifest
        return manifest

    # -- the steps ------------------------------------------------------------------------

    def _count_rules(self, report: Report) -> None:
        for problem in report.errors:
            self.rules[(problem.rule, "errors")] += 1
        for problem in report.warnings:
            self.rules[(problem.rule, "warnings")] += 1

    def _report(self, result: Result) -> None:
        if self.on_result is not None:
            self.on_result(result)

    def _queue(self, waiting: _Waiting) -> None:
        if not self._waiting:
            self._oldest = time.monotonic()
        self._waiting.append(waiting)
        if self.due():
            self.commit()

    def _quarantine(
        self,
        capture: Capture | None,
        report: Report,
        extracted: Extracted,
        provenance: dict[str, Any],
    ) -> None:
        assert self._writer is not None
        self._count_rules(report)
        best = report.best_error
        if capture is None:  # too large to read, say: keep what identifies it instead
            too_large = (
                extracted.problem is not None and extracted.problem.rule == "input.too-large"
            )
            why = f"larger than {self.max_bytes:,} bytes" if too_large else "no bytes were read"
            provenance["steps"].append(step("not-kept", why))
        self._writer.quarantine(
            capture=capture,
            report=report.to_dict(),
            item=extracted.item,
            provenance=provenance,
            path=extracted.path,
            line=extracted.line,
        )
        self._queue(
            _Waiting(
                extracted.path,
                extracted.line,
                extracted.part,
                quarantine_reason(report),
                best.rule if best else None,
            )
        )
