"""Ingest: read inputs, upgrade them to ninjs 3.1, validate, archive or quarantine.

This is the one path every source takes (files now, crawled pages in the Scrapy
pipelines later): each input ends as a new or updated version, an "unchanged" sighting,
or a quarantined entry with its report. Inputs are committed in groups (`batch` inputs or
`max_delay` seconds, whichever comes first); an outcome is reported only once its group
is durable, so a caller that logs outcomes never claims a version it could lose.
"""

from __future__ import annotations

import platform
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from wirearchive import __version__
from wirearchive.archive import Capture, Outcome, Store, Writer, new_run_id
from wirearchive.validators import (
    DEFAULT_MAX_BYTES,
    PROFILE,
    Problem,
    Report,
    Severity,
    Validator,
    default_registry,
)

from .normalize import normalize
from .readers import Extracted, ReadContext, collect_inputs, read_files, step

__all__ = [
    "Checker",
    "Counts",
    "Ingest",
    "Result",
    "check_extracted",
    "count_rules",
    "extraction_provenance",
    "quarantine_reason",
    "run_manifest",
    "utc_now",
]


@dataclass(slots=True)
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def to_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "failed": self.failed,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """One input's outcome, with where it came from."""

    path: str
    line: int | None
    outcome: Outcome | None
    #: Why the input was quarantined or failed: the best error, ``rule: message``.
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": self.path, "line": self.line}
        found.update(self.outcome.to_dict() if self.outcome else {"status": "failed"})
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


@lru_cache(maxsize=64)
def _path_uri(path: str) -> str:
    return Path(path).resolve().as_uri()  # a stat per path, not per JSON Lines line


def _file_uri(path: str, line: int | None, part: str | None = None) -> str:
    uri = _path_uri(path)
    # RFC 5147 text fragments count line boundaries from 0: line N is "line=N-1,N".
    if line is not None:
        return f"{uri}#line={line - 1},{line}"
    if part is not None:  # one of several items in the file: a feed's entry, a message's item
        return f"{uri}#part={quote(part)}"
    return uri


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_now = utc_now


def extraction_provenance(
    extracted: Extracted, schema_uri: str, derived: dict[str, Any]
) -> dict[str, Any]:
    """The provenance facts a reader's output carries: where from, by what, which steps.

    Shared by file ingest and the crawler's pipeline; the store adds the capture, run and
    times when it writes.
    """
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


def check_extracted(checker: Checker, extracted: Extracted, provenance: dict[str, Any]) -> Report:
    """Normalise and validate one extracted input and record the steps; an unexpected
    fault is a report.

    The item is normalised in place (`normalize`: presentation stripped from HTML), so
    what is validated is what the caller then archives from ``extracted.item``.
    """
    if extracted.item is not None:
        normalized, steps = normalize(extracted.item)
        if steps:
            extracted.item.clear()
            extracted.item.update(normalized)
            provenance["steps"].extend(steps)
    try:
        report = checker.check(extracted)
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
        problem = Problem(rule="ingest.error", message=f"{type(exc).__name__}: {exc}")
        report = Report.from_problems(
            [problem], path=extracted.path, line=extracted.line, schema=None
        )
    provenance["steps"].append(
        step(
            "validate",
            f"{report.schema}: {len(report.errors)} errors, {len(report.warnings)} warnings",
        )
    )
    return report


def count_rules(rules: Counter[tuple[str, str]], report: Report) -> None:
    """Count a report's problems by (rule, "errors"|"warnings")."""
    for problem in report.errors:
        rules[(problem.rule, "errors")] += 1
    for problem in report.warnings:
        rules[(problem.rule, "warnings")] += 1


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


@dataclass
class Ingest:
    """One ingest run into a store; build it, call `run`, read `manifest`."""

    store: Store
    source: str | None = None
    command: Sequence[str] = ()
    batch: int = 500
    max_delay: float = 2.0
    max_bytes: int = DEFAULT_MAX_BYTES
    format: str | None = None
    on_result: Callable[[Result], None] | None = None
    on_bytes: Callable[[int], None] | None = None
    run_id: str = field(default_factory=new_run_id)
    counts: Counts = field(default_factory=Counts)
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._checker = Checker()
        self._writer: Writer = self.store.writer(self.run_id, source=self.source)
        self._waiting: list[tuple[str, int | None, str | None]] = []
        self._started = _now()
        self._oldest = 0.0

    def run(self, paths: Iterable[str]) -> dict[str, Any]:
        """Ingest every input under the paths; return the run manifest (also archived)."""
        files = collect_inputs(paths)  # raises InputError before any work for a bad path
        context = ReadContext(max_bytes=self.max_bytes)
        last_path = None
        for extracted in read_files(files, format=self.format, context=context):
            if extracted.path != last_path and self.on_bytes is not None:
                last_path = extracted.path
                with suppress(OSError):
                    self.on_bytes(Path(extracted.path).stat().st_size)
            self._one(extracted)
            if len(self._writer) >= self.batch or (
                self._writer and time.monotonic() - self._oldest > self.max_delay
            ):
                self._commit()
        self._commit()
        manifest = self._manifest([str(p) for p in files])
        self.store.finish_run(manifest)
        return manifest

    def _one(self, extracted: Extracted) -> None:
        problem = extracted.problem
        if problem is not None and problem.rule == "input.unreadable":
            # Nothing was read, so there is nothing to keep: the run names it instead.
            self.counts.failed += 1
            self.failures.append(problem.message)
            if self.on_result is not None:
                self.on_result(Result(extracted.path, extracted.line, None, problem.message))
            return
        if not self._writer:
            self._oldest = time.monotonic()
        capture = None
        if extracted.raw is not None:
            capture = Capture(
                extracted.raw,
                _file_uri(extracted.path, extracted.line, extracted.part),
                extracted.media_type,
            )
        schema_uri = self._checker.schema_uri(extracted.schema)
        derived: dict[str, Any] = {"path": extracted.path}
        if extracted.line:
            derived["line"] = extracted.line
        provenance = extraction_provenance(extracted, schema_uri, derived)
        report = check_extracted(self._checker, extracted, provenance)
        if not report.valid or capture is None or extracted.item is None:
            self._quarantine(capture, report, extracted.item, provenance, extracted)
            return
        self._count_rules(report)
        self._waiting.append((extracted.path, extracted.line, None))
        self._writer.put(
            extracted.item,
            capture,
            provenance=provenance,
            warnings=[w.to_dict() for w in report.warnings],
            profile=schema_uri,
        )

    def _count_rules(self, report: Report) -> None:
        count_rules(self.rules, report)

    def _quarantine(
        self,
        capture: Capture | None,
        report: Report,
        item: Any,
        provenance: dict[str, Any],
        extracted: Extracted,
    ) -> None:
        self._count_rules(report)
        reason = quarantine_reason(report)
        self._waiting.append((extracted.path, extracted.line, reason))
        if capture is None:  # too large to read: keep what identifies it instead
            provenance["steps"].append(
                {"name": "not-kept", "detail": f"larger than {self.max_bytes:,} bytes"}
            )
        self._writer.quarantine(
            capture=capture,
            report=report.to_dict(),
            item=item,
            provenance=provenance,
            path=extracted.path,
            line=extracted.line,
        )

    def _commit(self) -> None:
        waiting = self._waiting
        if not waiting:
            return
        outcomes = self._writer.commit()  # if it raises, the group stays queued, and so do these
        self._waiting = []
        for (path, line, reason), outcome in zip(waiting, outcomes, strict=True):
            self.counts.add(outcome.status)
            if self.on_result is not None:
                self.on_result(Result(path, line, outcome, reason))

    def _manifest(self, inputs: list[str]) -> dict[str, Any]:
        return run_manifest(
            run_id=self.run_id,
            command=self.command,
            started=self._started,
            counts=self.counts,
            rules=self.rules,
            failures=self.failures,
            inputs=inputs,
            source=self.source,
        )
