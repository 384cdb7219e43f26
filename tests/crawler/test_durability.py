"""`wirearchive ingest` under SIGKILL and under concurrent writers and readers.

Both tests run the real command in subprocesses, read its ``--events`` lines as they
arrive, and then check the archive through the library: `verify`, the change feed, and
reads of every version an event line claimed was written.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from wirearchive.archive import Store, digest, verify
from wirearchive.validators import Validator

ITEMS = 2000
BATCH = 50
ROUNDS = 10
SEED_ENV = "WIREARCHIVE_KILL_SEED"
WRITTEN = ("new", "updated", "unchanged")
STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}


def make_item(number: int, *, edited: bool = False) -> dict[str, Any]:
    """A valid, version-less ninjs 3.1 item; `edited` changes only its headline."""
    headline = f"Black Sea grain shipments rise in report {number} as freight rates ease"
    if edited:
        headline += ", traders say"
    return {
        "uri": f"urn:newsml:example.org:20240529:durability-{number:05d}",
        "type": "text",
        "firstCreated": "2024-05-29T07:02:11Z",
        "versionCreated": "2024-05-29T09:30:00+01:00",
        "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/plain",
                "value": f"Exports of wheat from Black Sea ports rose in report {number}, "
                "traders said on Wednesday, as harvest forecasts improved.",
            }
        ],
        "standard": STANDARD,
    }


def item_id(number: int) -> str:
    return str(make_item(number)["uri"])


def write_items(path: Path, numbers: range, *, edited: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in numbers:
            out.write(json.dumps(make_item(number, edited=edited)) + "\n")
    return path


def test_generated_items_are_valid_and_distinct() -> None:
    validator = Validator("profile")
    for number in (0, 1, 599, 1399, 1999):
        for edited in (False, True):
            report = validator.validate(make_item(number, edited=edited))
            assert report.valid, report.to_dict()
    items = [make_item(n) for n in range(ITEMS)]
    assert len({i["uri"] for i in items}) == ITEMS
    assert len({i["headlines"][0]["value"] for i in items}) == ITEMS
    assert digest(make_item(7)) != digest(make_item(7, edited=True))


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    return write_items(tmp_path / "items.jsonl", range(ITEMS))


class IngestProcess:
    """``wirearchive ingest --events`` in a subprocess whose stdout is always drained."""

    def __init__(self, archive: Path, *paths: Path, name: str) -> None:
        self.name = name
        self._stderr_path = archive.parent / f"{name}.stderr"
        command = [
            sys.executable,
            "-m",
            "wirearchive.crawler.cli",
            "ingest",
            "--archive",
            str(archive),
            "--events",
            "--batch",
            str(BATCH),
            *map(str, paths),
        ]
        self._chunks: list[bytes] = []
        self.first_event_at: float | None = None
        self.ended_at = 0.0
        with self._stderr_path.open("wb") as stderr:
            self.started = time.monotonic()
            self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while chunk := os.read(fd, 1 << 16):
            if self.first_event_at is None and b"\n" in chunk:
                self.first_event_at = time.monotonic() - self.started
            self._chunks.append(chunk)
        self.ended_at = time.monotonic() - self.started  # EOF: the process has ended

    def timing(self) -> tuple[float, float]:
        """When the first event line arrived and when the run ended, from its start."""
        assert self.first_event_at is not None, f"{self.name}: no event line"
        return self.first_event_at, self.ended_at

    def running(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> int:
        """SIGKILL it if it is still running; its exit code (-9 if the kill landed)."""
        self.proc.send_signal(signal.SIGKILL)  # a no-op once the process has been reaped
        return self.wait(30)

    def wait(self, timeout: float) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:  # hung: do not leave it running after the test
            self.proc.kill()
            self.proc.wait()
            raise
        self._drainer.join(timeout)
        assert not self._drainer.is_alive(), f"{self.name}: stdout never reached EOF"
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code

    def stderr(self) -> str:
        return self._stderr_path.read_text(errors="replace")[-3000:]

    def lines(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Every fully received line (a partial last one is ignored): events, summary."""
        *complete, _partial = b"".join(self._chunks).split(b"\n")
        parsed = [json.loads(line) for line in complete]
        summaries = [line for line in parsed if "run" in line]
        events = [line for line in parsed if "run" not in line]
        assert len(summaries) <= 1, summaries
        assert parsed[: len(events)] == events, f"{self.name}: an event after the summary"
        return events, summaries[0] if summaries else None


def check_readable(store: Store, reported: dict[tuple[str, int], str], note: str) -> None:
    """Every (id, version) an event line reported reads back with the reported digest."""
    for (item, version), expected in reported.items():
        record = store.get(item, version)
        assert record is not None, f"{item} v{version} was reported but is gone {note}"
        assert record["digest"] == expected, f"{item} v{version}: digest differs {note}"
        assert digest(record["item"]) == expected, f"{item} v{version}: item altered {note}"


def test_sigkill_at_random_moments_loses_no_reported_version(
    tmp_path: Path, items_file: Path
) -> None:
    """The acceptance criterion: 10 random SIGKILLs of a 2,000-item ingest, then a rerun."""
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    note = f"[kill seed {seed}; reproduce with {SEED_ENV}={seed}]"

    # How long one uninterrupted run takes, fresh and as an all-unchanged rerun, so that
    # kills can be spread over the whole of the runs made below. The quickest run seen
    # counts: a run slowed by a busy machine must not push the kills past the real end.
    timings: dict[str, list[tuple[float, float]]] = {"fresh": [], "rerun": []}
    for archive_name, phase in (("c1", "fresh"), ("c1", "rerun"), ("c2", "fresh")):
        calibration = IngestProcess(tmp_path / archive_name, items_file, name=phase)
        code = calibration.wait(120)
        assert code == 0, f"calibration {phase} run failed: {calibration.stderr()}"
        events, summary = calibration.lines()
        assert len(events) == ITEMS
        assert summary is not None
        status = "new" if phase == "fresh" else "unchanged"
        assert summary[status] == ITEMS, summary
        timings[phase].append(calibration.timing())

    archive = tmp_path / "archive"
    reported: dict[tuple[str, int], str] = {}
    kinds = ["early"] * 2 + ["anywhere"] * 4 + ["committing"] * 4
    rng.shuffle(kinds)
    archived = 0
    rounds: list[tuple[str, float, int, int]] = []  # kind, delay, exit code, events
    recoveries: Counter[str] = Counter()
    for number, kind in enumerate(kinds, start=1):
        phase = "fresh" if archived < ITEMS else "rerun"
        first, whole = (min(t) for t in zip(*timings[phase], strict=True))
        delay = {
            "early": rng.uniform(0, first),
            "anywhere": rng.uniform(0, 1.1 * whole),
            "committing": rng.uniform(first, whole),
        }[kind]
        ingest = IngestProcess(archive, items_file, name=f"round-{number}")
        time.sleep(max(0.0, delay - (time.monotonic() - ingest.started)))
        code = ingest.kill()
        where = f"round {number} ({kind}, killed after {delay:.3f}s, exit {code}) {note}"
        assert code in (0, -signal.SIGKILL), f"{where}: {ingest.stderr()}"
        events, _ = ingest.lines()
        rounds.append((kind, delay, code, len(events)))
        if code == 0:  # the run ended before the kill: one more measure of a whole run
            timings[phase].append(ingest.timing())
        assert [e["line"] for e in events] == list(range(1, len(events) + 1)), where
        assert all(e["status"] in WRITTEN for e in events), where
        for event in events:
            key = (event["id"], event["version"])
            assert reported.setdefault(key, event["digest"]) == event["digest"], where
        # What Store.open does, in two steps, to keep the notes of what recovery repaired.
        with Store.open(str(archive), recover=False) as store:
            repaired = store.recover()
            recoveries.update(
                re.sub(r"\d{12}|\.[0-9a-f]{32}$|run-\w+-\w+", "…", n) for n in repaired
            )
            result = verify(store)
            assert result.ok, f"{where}: " + "\n".join(map(str, result.findings))
            check_readable(store, reported, where)
            counts = store.summary()
            assert counts["versions"] == counts["items"], f"{where}: duplicate versions {counts}"
            archived = counts["versions"]

    killed = [r for r in rounds if r[2] == -signal.SIGKILL]
    mid_ingest = [r for r in killed if 0 < r[3] < ITEMS]
    summary_note = f"{note}\n" + "\n".join(
        f"{kind} kill after {delay:.3f}s: exit {code}, {count} events"
        for kind, delay, code, count in rounds
    )
    summary_note += "".join(f"\nrecovery {n}x: {what}" for what, n in recoveries.items())
    print(summary_note)  # shown with -s, and by pytest when a later assertion fails
    assert len(killed) >= ROUNDS // 2, f"too few kills landed mid-run {summary_note}"
    assert mid_ingest, f"no kill landed between two commit groups {summary_note}"

    final = IngestProcess(archive, items_file, name="final")
    code = final.wait(120)
    assert code == 0, f"the rerun failed {note}: {final.stderr()}"
    events, summary = final.lines()
    assert [e["line"] for e in events] == list(range(1, ITEMS + 1)), note
    assert summary is not None
    assert summary["new"] + summary["unchanged"] == ITEMS, f"{summary} {note}"
    assert summary["updated"] == summary["quarantined"] == summary["failed"] == 0, summary
    for event in events:
        key = (event["id"], event["version"])
        assert reported.setdefault(key, event["digest"]) == event["digest"], note

    with Store.open(str(archive)) as store:
        result = verify(store)
        assert result.ok, f"{note}: " + "\n".join(map(str, result.findings))
        check_readable(store, reported, note)
        for n in range(ITEMS):
            history = store.history(item_id(n))
            assert [row["version"] for row in history] == [1], f"{item_id(n)}: {history} {note}"
            assert history[0]["digest"] == digest(make_item(n)), note
        feed = store.changes()
        records = list(feed)
        assert len(records) == ITEMS, f"the change feed holds {len(records)} records {note}"
        assert sorted(r["id"] for r in records) == sorted(item_id(n) for n in range(ITEMS))
        assert {r["version"] for r in records} == {1}
        assert list(store.changes(feed.cursor)) == []
        assert store.summary()["versions"] == ITEMS


@dataclass
class ReaderStats:
    passes: int = 0
    records: int = 0
    records_during_writes: int = 0
    gets: int = 0
    gets_during_writes: int = 0
    errors: list[BaseException] = field(default_factory=list)
    feed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def check_record(record: dict[str, Any], seen: dict[str, list[dict[str, Any]]]) -> None:
    """A record is whole, hashes to its digest, and extends its item's chain by one."""
    where = f"{record.get('id')} v{record.get('version')}"
    assert digest(record["item"]) == record["digest"], f"{where}: item does not hash to digest"
    assert record["item"]["uri"] == record["id"], where
    assert record["item"]["version"] == str(record["version"]), where
    assert record["provenance"]["capture"]["sha256"].startswith("sha256:"), where
    before = seen.get(record["id"], [])
    want_previous = before[-1]["digest"] if before else None
    assert record["version"] == len(before) + 1, f"{where}: after {len(before)} versions"
    assert record["previous"] == want_previous, f"{where}: previous {record['previous']}"


def read_while_writing(archive: Path, writers: list[IngestProcess], stats: ReaderStats) -> None:
    """Follow the change feed and make random reads until the writers are done."""
    rng = random.Random(1)
    try:
        with Store.open(str(archive), recover=False) as store:
            cursor: str | None = None
            while True:
                writing = any(w.running() for w in writers)
                feed = store.changes(cursor)
                batch = list(feed)
                cursor = feed.cursor
                for record in batch:
                    check_record(record, stats.feed)
                    stats.feed.setdefault(record["id"], []).append(record)
                stats.records += len(batch)
                stats.records_during_writes += len(batch) if writing else 0
                ids = list(stats.feed)
                for chosen in rng.sample(ids, min(25, len(ids))):
                    known = stats.feed[chosen]
                    record = rng.choice(known)
                    got = store.get(chosen, record["version"])
                    assert got == record, f"{chosen} v{record['version']} read differently"
                    latest = store.get(chosen)
                    assert latest is not None
                    assert latest["version"] >= known[-1]["version"]
                    history = store.history(chosen)
                    assert [r["version"] for r in history] == list(range(1, len(history) + 1))
                    assert [r["digest"] for r in history[: len(known)]] == [
                        r["digest"] for r in known
                    ]
                    raw = json.loads(store.raw(chosen, record["version"]))
                    assert raw["uri"] == chosen
                    stats.gets += 1
                    stats.gets_during_writes += 1 if writing else 0
                stats.passes += 1
                if not writing:
                    return  # this pass began after both writers ended: it saw everything
                time.sleep(0.01)
    except BaseException as exc:  # noqa: BLE001 - handed to the test thread to raise
        stats.errors.append(exc)


def test_two_writers_and_a_reader_lose_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    file_a = write_items(tmp_path / "a.jsonl", range(0, 1400))
    file_b = write_items(tmp_path / "b.jsonl", range(600, ITEMS))
    edits = write_items(tmp_path / "b-edits.jsonl", range(99, -1, -1), edited=True)
    # B reads its edits first, and backwards, so that they race A's originals of the same
    # 100 items from both ends: which commits first varies from item to item and run to run.
    writers = [
        IngestProcess(archive, file_a, name="writer-a"),
        IngestProcess(archive, edits, file_b, name="writer-b"),
    ]
    stats = ReaderStats()
    reader = threading.Thread(
        target=read_while_writing, args=(archive, writers, stats), daemon=True
    )
    reader.start()
    codes = [w.wait(120) for w in writers]
    reader.join(120)
    assert not reader.is_alive(), "the reader never finished"
    for writer, code in zip(writers, codes, strict=True):
        assert code == 0, f"{writer.name} exited {code}: {writer.stderr()}"
    if stats.errors:
        raise stats.errors[0]
    print(
        f"reader: {stats.passes} passes, {stats.records} records ({stats.records_during_writes}"
        f" during the writes), {stats.gets} gets ({stats.gets_during_writes} during the writes)"
    )
    assert stats.records_during_writes > 0, "the reader saw no record during the writes"
    assert stats.gets_during_writes > 0, "the reader made no read during the writes"

    (events_a, summary_a), (events_b, summary_b) = (w.lines() for w in writers)
    assert summary_a is not None
    assert summary_b is not None
    # One event per input, in input order, about the item on that line.
    assert [(e["path"], e["line"], e["id"]) for e in events_a] == [
        (str(file_a), n, item_id(n - 1)) for n in range(1, 1401)
    ]
    assert [(e["path"], e["line"], e["id"]) for e in events_b] == [
        *((str(edits), n, item_id(100 - n)) for n in range(1, 101)),
        *((str(file_b), n, item_id(599 + n)) for n in range(1, 1401)),
    ]
    for events, summary in ((events_a, summary_a), (events_b, summary_b)):
        assert Counter(e["status"] for e in events) == Counter(
            {k: v for k, v in summary.items() if k in WRITTEN and v}
        )
        assert summary["quarantined"] == summary["failed"] == 0, summary

    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events_a + events_b:
        by_id[event["id"]].append(event)
    assert set(by_id) == {item_id(n) for n in range(ITEMS)}

    with Store.open(str(archive)) as store:
        result = verify(store)
        assert result.ok, "\n".join(map(str, result.findings))
        versions = edits_first = 0
        for n in range(ITEMS):
            uri, original = item_id(n), digest(make_item(n))
            history = store.history(uri)
            versions += len(history)
            got = sorted((e["status"], e["version"], e["digest"]) for e in by_id[uri])
            where = f"{uri}: history {history}, events {got}"
            if n < 100:  # A's original and B's edit, in whichever order they committed
                edited = digest(make_item(n, edited=True))
                assert [r["version"] for r in history] == [1, 2], where
                first, second = history[0]["digest"], history[1]["digest"]
                assert {first, second} == {original, edited}, where
                assert history[0]["previous"] is None, where
                assert history[1]["previous"] == first, where
                assert got == [("new", 1, first), ("updated", 2, second)], where
                record = store.get(uri, 2)
                assert record is not None
                edits_first += first == edited
                want = make_item(n, edited=second == edited)["headlines"]
                assert record["item"]["headlines"] == want, where
            elif n < 600 or n >= 1400:  # sent by one writer
                assert [(r["version"], r["digest"]) for r in history] == [(1, original)], where
                assert got == [("new", 1, original)], where
            else:  # the same item from both writers: one version, one sighting
                assert [(r["version"], r["digest"]) for r in history] == [(1, original)], where
                assert got == [("new", 1, original), ("unchanged", 1, original)], where
                assert history[0]["sightings"]["count"] == 2, where
        written = sum(e["status"] in ("new", "updated") for e in events_a + events_b)
        assert written == versions == store.summary()["versions"] == ITEMS + 100
        feed = list(store.changes())
        assert len(feed) == versions
        # The reader's own view, taken while the writers ran, ends as the archive's.
        assert stats.records == versions
        assert {k: [r["digest"] for r in v] for k, v in stats.feed.items()} == {
            uri: [row["digest"] for row in store.history(uri)] for uri in stats.feed
        }
        assert len(stats.feed) == ITEMS
    print(f"{edits_first} of B's 100 edits committed before A's originals")
