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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from wirearchive import __version__
from wirearchive.archive import Capture, Outcome, Store, Writer, new_run_id
from wirearchive.validators import (
    DEFAULT_MAX_BYTES,
    PROFILE,
    Document,
    InputError,
    Problem,
    Report,
    Validator,
    VersionDetector,
    collect_files,
    default_registry,
    read_documents,
)

from .upgrade import upgrade

__all__ = ["Counts", "Ingest", "Result"]

READER = "ninjs-json"
_MEDIA_TYPES = {".json": "application/json", ".jsonl": "application/jsonl"}


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


def _file_uri(path: str, line: int | None) -> str:
    uri = Path(path).resolve().as_uri()
    # RFC 5147 text fragments count line boundaries from 0: line N is "line=N-1,N".
    return uri if line is None else f"{uri}#line={line - 1},{line}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Ingest:
    """One ingest run into a store; build it, call `run`, read `manifest`."""

    store: Store
    source: str | None = None
    command: Sequence[str] = ()
    batch: int = 500
    max_delay: float = 2.0
    max_bytes: int = DEFAULT_MAX_BYTES
    on_result: Callable[[Result], None] | None = None
    on_bytes: Callable[[int], None] | None = None
    run_id: str = field(default_factory=new_run_id)
    counts: Counts = field(default_factory=Counts)
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        registry = default_registry()
        self._validator = Validator(PROFILE, registry=registry)
        self._detector = VersionDetector(registry, self._validator.engine.is_valid)
        self._profile_uri = registry.uri(PROFILE)
        self._writer: Writer = self.store.writer(self.run_id, source=self.source)
        self._waiting: list[tuple[str, int | None, str | None]] = []
        self._started = _now()
        self._oldest = 0.0

    def run(self, paths: Iterable[str]) -> dict[str, Any]:
        """Ingest every input under the paths; return the run manifest (also archived)."""
        files = collect_files(paths)  # raises InputError before any work for a bad path
        for path in files:
            try:
                for document in read_documents([path], max_bytes=self.max_bytes):
                    self._one(document)
                    if self.on_bytes is not None:
                        self.on_bytes(len(document.raw or b""))
                    if len(self._writer) >= self.batch or (
                        self._writer and time.monotonic() - self._oldest > self.max_delay
                    ):
                        self._commit()
            except OSError as exc:  # the file vanished or broke mid-read; go on with the rest
                reason = str(exc) if isinstance(exc, InputError) else exc.strerror or str(exc)
                self.counts.failed += 1
                self.failures.append(
                    reason if reason.startswith(str(path)) else f"{path}: {reason}"
                )
                if self.on_result is not None:
                    self.on_result(Result(str(path), None, None, reason))
        self._commit()
        manifest = self._manifest([str(p) for p in files])
        self.store.finish_run(manifest)
        return manifest

    def _one(self, document: Document) -> None:
        if not self._writer:
            self._oldest = time.monotonic()
        capture = None
        if document.raw is not None:
            media = _MEDIA_TYPES.get(Path(document.path).suffix.lower(), "application/json")
            capture = Capture(
                document.raw,
                _file_uri(document.path, document.line),
                "application/json" if document.line else media,
            )
        steps = [{"name": "read", "detail": f"{READER} {__version__}"}]
        provenance: dict[str, Any] = {
            "wasDerivedFrom": {"path": document.path}
            | ({"line": document.line} if document.line else {}),
            "wasAttributedTo": {
                "extractor": {"name": READER, "version": __version__},
                "schema": self._profile_uri,
            },
            "steps": steps,
        }
        if document.problem is not None:
            report = self._validator.invalid_input(
                document.problem, path=document.path, line=document.line
            )
            self._quarantine(capture, report, None, provenance, document)
            return
        try:
            item, report = self._prepare(document, steps)
        except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
            problem = Problem(rule="ingest.error", message=f"{type(exc).__name__}: {exc}")
            report = self._validator.invalid_input(problem, path=document.path, line=document.line)
            self._quarantine(capture, report, document.data, provenance, document)
            return
        if not report.valid or capture is None:
            self._quarantine(capture, report, item, provenance, document)
            return
        self._count_rules(report)
        self._waiting.append((document.path, document.line, None))
        self._writer.put(
            item,
            capture,
            provenance=provenance,
            warnings=[w.to_dict() for w in report.warnings],
            profile=self._profile_uri,
        )

    def _prepare(self, document: Document, steps: list[dict[str, str]]) -> tuple[Any, Report]:
        data = document.data
        if not isinstance(data, dict):
            return data, self._validator.validate(data, path=document.path, line=document.line)
        detection = self._detector.detect(data)
        steps.append({"name": "detect", "detail": f"ninjs {detection.version}: {detection.reason}"})
        upgraded = upgrade(data, detection.version)
        if upgraded.steps:
            steps.append(
                {
                    "name": "upgrade",
                    "detail": f"ninjs {detection.version} to 3.1: " + "; ".join(upgraded.steps),
                }
            )
        if upgraded.dropped:
            steps.append({"name": "drop", "detail": "; ".join(upgraded.dropped)})
        report = self._validator.validate(upgraded.item, path=document.path, line=document.line)
        steps.append(
            {
                "name": "validate",
                "detail": f"{report.schema}: {len(report.errors)} errors, "
                f"{len(report.warnings)} warnings",
            }
        )
        return upgraded.item, report

    def _count_rules(self, report: Report) -> None:
        for problem in report.errors:
            self.rules[(problem.rule, "errors")] += 1
        for problem in report.warnings:
            self.rules[(problem.rule, "warnings")] += 1

    def _quarantine(
        self,
        capture: Capture | None,
        report: Report,
        item: Any,
        provenance: dict[str, Any],
        document: Document,
    ) -> None:
        self._count_rules(report)
        best = report.best_error
        reason = f"{best.json_path}: {best.rule}: {best.message}" if best else None
        self._waiting.append((document.path, document.line, reason))
        if capture is None:  # too large to read: keep what identifies it instead
            provenance["steps"].append(
                {"name": "not-kept", "detail": f"larger than {self.max_bytes:,} bytes"}
            )
        self._writer.quarantine(
            capture=capture,
            report=report.to_dict(),
            item=item,
            provenance=provenance,
            path=document.path,
            line=document.line,
        )

    def _commit(self) -> None:
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        outcomes = self._writer.commit()
        for (path, line, reason), outcome in zip(waiting, outcomes, strict=True):
            self.counts.add(outcome.status)
            if self.on_result is not None:
                self.on_result(Result(path, line, outcome, reason))

    def _manifest(self, inputs: list[str]) -> dict[str, Any]:
        validation: dict[str, dict[str, int]] = {}
        for (rule, kind), count in sorted(self.rules.items()):
            validation.setdefault(rule, {"errors": 0, "warnings": 0})[kind] = count
        manifest: dict[str, Any] = {
            "run": self.run_id,
            "command": list(self.command),
            "startedAt": self._started,
            "endedAt": _now(),
            "status": "finished",
            "software": software_versions(),
            "inputs": inputs,
            "counts": self.counts.to_dict(),
            "validation": validation,
            "failures": self.failures,
        }
        if self.source:
            manifest["source"] = self.source
        return manifest
