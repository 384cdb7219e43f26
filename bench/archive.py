"""Benchmark: are durable archive puts fast enough, and does their cost stay flat as it grows?

Two questions, both answered in one run on the same machine and disk:

1. Put throughput with durability. ``Writer.put`` for every item and ``commit`` every
   ``--batch`` items (each commit writes and fsyncs one WARC file and one log segment and
   indexes them in SQLite) against the least a durable archive could do: ``orjson.dumps``
   of each item into a file of its own, and at the end of each batch an fsync of every
   file of that batch and of their directory. (The baseline keeps a batch's files open
   until their fsync and closes them after it, which spares it a second open per file.)
   Both sides start from the same generated ninjs 3.1 items (2-4 KB of JSON each, in
   English, Russian and German), serialise them inside the timing, and write into an empty
   directory; the runs are interleaved and the median kept. Goals: at least 3,000 items/s,
   and at least 25% of the baseline's rate.

2. Flat cost at scale. An archive is filled through the same ``Writer.put``/``commit`` path
   (smaller items, bigger batches) to 10,000 versions and then to ``--large`` versions.
   A tenth of the puts are new versions of items archived earlier (an update that happens
   to equal the latest version is recorded as a sighting, as a re-sent item would be).
   At each size, ``get`` (latest version) and ``history`` are timed one call at a time for
   random ids, and then a window of more puts (full-size items, ``--batch`` per commit, the
   same share of updates) gives the put rate.
   Then the change feed is read for ``CHANGES_WINDOW`` records from a random cursor (µs per
   record), and the whole archive is verified (`verify`: every record, capture and chain)
   and its catalog rebuilt from the log (`reindex`), each timed per version.
   The ratios large/small show whether the cost per version grows with the archive (goal:
   verify and reindex per version flat within 1.5x).

    .venv/bin/python bench/archive.py [--items N] [--batch B] [--repeat R] [--large N]
        [--window N] [--samples N] [--skip throughput|scale] [--dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from _wire_text import HEADLINES, SENTENCES, SOURCES, fill
from wirearchive.archive import Capture, Store, Writer, new_run_id, verify

SEED = 20240612
GOAL_RATE = 3_000.0  # items/s, durable
GOAL_SHARE = 0.25  # of the baseline's rate
SMALL = 10_000  # versions in the archive for the small measurement
FILL_BATCH = 2_000
UPDATE_SHARE = 0.10  # of puts that make a new version of an item already archived
CHANGES_WINDOW = 5_000  # change-feed records read from a random cursor at each size
FLAT = 1.5  # verify and reindex per version: large/small at most this
PROFILE = "https://wirearchive.invalid/schemas/wire-item_1.0.json"
NINJS_31 = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"

# --- the items -----------------------------------------------------------------------

_LANGUAGES = ["en", "en", "en", "en", "en", "ru", "ru", "ru", "de", "de"]
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _time(rng: random.Random) -> str:
    moment = _EPOCH + timedelta(seconds=rng.randrange(363 * 86400))
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def item_uri(index: int, rng: random.Random) -> tuple[str, str]:
    """A new item's uri and language; the date in front scatters ids over the key space."""
    lang = rng.choice(_LANGUAGES)
    day = _EPOCH + timedelta(days=rng.randrange(363))
    return f"urn:newsml:example.org:{day:%Y%m%d}:{lang}-{index:08d}", lang


def full_item(uri: str, lang: str, rng: random.Random) -> dict[str, Any]:
    """A ninjs 3.1 text item of 2-4 KB: headline, summary, a body of a few paragraphs."""
    paragraphs = [
        " ".join(fill(s, lang, rng) for s in rng.sample(SENTENCES[lang], rng.randint(3, 5)))
        for _ in range(rng.randint(4, 5))
    ]
    body = "\n\n".join(paragraphs)
    summary = fill(rng.choice(SENTENCES[lang]), lang, rng)
    return {
        "uri": uri,
        "type": "text",
        "version": "1",
        "firstCreated": _time(rng),
        "versionCreated": _time(rng),
        "language": lang,
        "located": fill("{city}", lang, rng),
        "headlines": [{"role": "main", "value": fill(rng.choice(HEADLINES[lang]), lang, rng)}],
        "descriptions": [{"role": "summary", "contentType": "text/plain", "value": summary}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/plain",
                "charCount": len(body),
                "wordCount": len(body.split()),
                "value": body,
            }
        ],
        "infoSources": [
            {"name": rng.choice(SOURCES), "role": "source"},
            {"name": rng.choice(SOURCES), "role": "originatingAgency"},
        ],
        "standard": {"name": "ninjs", "version": "3.1", "schema": NINJS_31},
    }


def small_item(uri: str, lang: str, rng: random.Random) -> dict[str, Any]:
    """A ninjs 3.1 text item of about 500 bytes, to fill an archive quickly."""
    body = fill(rng.choice(SENTENCES[lang]), lang, rng)
    return {
        "uri": uri,
        "type": "text",
        "versionCreated": _time(rng),
        "language": lang,
        "located": fill("{city}", lang, rng),
        "headlines": [{"role": "main", "value": fill(rng.choice(HEADLINES[lang]), lang, rng)}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": body}],
        "infoSources": [{"name": rng.choice(SOURCES), "role": "source"}],
    }


Make = Callable[[str, str, random.Random], dict[str, Any]]


class Feed:
    """Generated items: mostly new ids, a share of new versions of ids already archived."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids: list[str] = []  # every id handed out, in order
        self._languages: list[str] = []

    def take(self, count: int, make: Make, updates: float = UPDATE_SHARE) -> list[dict[str, Any]]:
        rng = self.rng
        items = []
        known = len(self.ids)  # only ids from earlier batches, which are archived by now
        for _ in range(count):
            if known and rng.random() < updates:
                index = rng.randrange(known)
                uri, lang = self.ids[index], self._languages[index]
            else:
                uri, lang = item_uri(len(self.ids), rng)
                self.ids.append(uri)
                self._languages.append(lang)
            items.append(make(uri, lang, rng))
        return items


# --- the two contenders --------------------------------------------------------------


def _target(index: int) -> str:
    return f"file:///feeds/wire-{index // 1000:05d}.jsonl#line={index % 1000 + 1}"


def ours_put(writer: Writer, items: Sequence[dict[str, Any]], batch: int, start: int = 0) -> int:
    """Put every item and commit each batch; return the number of new versions."""
    made = 0
    for first in range(0, len(items), batch):
        for offset, item in enumerate(items[first : first + batch]):
            index = start + first + offset
            capture = Capture(orjson.dumps(item), _target(index), "application/json")
            provenance = {
                "wasDerivedFrom": {"path": f"wire-{index // 1000:05d}.jsonl", "line": index + 1}
            }
            writer.put(item, capture, profile=PROFILE, provenance=provenance)
        made += sum(o.status in ("new", "updated") for o in writer.commit())
    return made


def baseline_put(folder: Path, items: Sequence[dict[str, Any]], batch: int) -> int:
    """orjson.dumps into one file per item, fsync of the batch's files and directory."""
    folder.mkdir()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        for first in range(0, len(items), batch):
            handles = []
            for offset, item in enumerate(items[first : first + batch]):
                data = orjson.dumps(item)
                handle = os.open(folder / f"{first + offset:08d}.json", flags, 0o644)
                handles.append(handle)
                os.write(handle, data)
            for handle in handles:
                os.fsync(handle)
                os.close(handle)
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return len(items)


# --- measuring -----------------------------------------------------------------------


def _settle() -> None:
    """Start each timing with no garbage and no dirty pages left by the one before."""
    gc.collect()
    os.sync()


def _timed(work: Callable[[], int]) -> tuple[float, int]:
    _settle()
    start = time.perf_counter()
    count = work()
    return time.perf_counter() - start, count


def _rate(items: int, seconds: float) -> str:
    return f"{items / seconds:,.0f} items/s"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def throughput(root: Path, items: int, batch: int, repeat: int) -> None:
    """Question 1: durable puts against one fsynced file per item."""
    feed = Feed(SEED)
    data = feed.take(items, full_item, updates=0.0)
    sizes = [len(orjson.dumps(item)) for item in data]
    print(
        f"put throughput: {items:,} distinct ninjs 3.1 items, "
        f"{statistics.mean(sizes) / 1e3:.1f} KB mean ({min(sizes) / 1e3:.1f}-"
        f"{max(sizes) / 1e3:.1f} KB), commit/fsync every {batch:,}, median of {repeat}"
    )
    ours: list[float] = []
    theirs: list[float] = []
    for attempt in range(repeat):  # interleaved, so that a noisy spell hits both sides
        store = Store.open(str(root / f"ours-{attempt}"))
        writer = store.writer(new_run_id())
        seconds, made = _timed(partial(ours_put, writer, data, batch))
        store.close()
        if made != items:
            raise SystemExit(f"FAIL: the archive made {made:,} versions of {items:,} items")
        ours.append(seconds)
        seconds, _ = _timed(partial(baseline_put, root / f"baseline-{attempt}", data, batch))
        theirs.append(seconds)
        print(
            f"  run {attempt + 1}: wirearchive {_rate(items, ours[-1])}, "
            f"baseline {_rate(items, theirs[-1])}",
            flush=True,
        )
        shutil.rmtree(root / f"ours-{attempt}")
        shutil.rmtree(root / f"baseline-{attempt}")
    mine, base = items / statistics.median(ours), items / statistics.median(theirs)
    share = mine / base
    print(
        f"wirearchive Writer.put+commit: {mine:,.0f} items/s; "
        f"baseline orjson + file per item + fsync per batch: {base:,.0f} items/s; "
        f"ratio ours/baseline {share:.2f}"
    )
    print(f"  goal >= {GOAL_RATE:,.0f} items/s: {_verdict(mine >= GOAL_RATE)} ({mine:,.0f})")
    print(f"  goal >= {GOAL_SHARE:.0%} of baseline: {_verdict(share >= GOAL_SHARE)} ({share:.0%})")


@dataclass
class Point:
    """What was measured at one archive size."""

    versions: int
    put_rate: float
    get: list[float]
    history: list[float]
    multi: int  # sampled ids with more than one version
    feed_us: float  # per change-feed record
    verify_us: float  # per version, the whole archive verified
    reindex_us: float  # per version, the catalog rebuilt from the log


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _latencies(call: Callable[[str], Any], ids: Sequence[str]) -> tuple[list[float], list[Any]]:
    """Microseconds of each call, one id at a time, and what each returned."""
    gc.collect()
    took: list[float] = []
    found: list[Any] = []
    for item_id in ids:
        start = time.perf_counter()
        result = call(item_id)
        took.append((time.perf_counter() - start) * 1e6)
        found.append(result)
    return took, found


class Scale:
    """One archive, filled in steps, measured at chosen sizes."""

    def __init__(self, root: Path, batch: int, window: int, samples: int) -> None:
        self.store = Store.open(str(root))
        self.writer = self.store.writer(new_run_id())
        self.feed = Feed(SEED + 1)
        self.batch = batch
        self.window = window
        self.samples = samples
        self.versions = 0
        self.puts = 0
        self.rng = random.Random(SEED + 2)

    def close(self) -> None:
        self.store.close()

    def fill(self, target: int) -> None:
        """Put small items, FILL_BATCH per commit, until the archive holds `target` versions."""
        start, before = time.perf_counter(), self.versions
        report = max(100_000, (target - before) // 10)
        next_report = before + report
        while self.versions < target:
            count = min(FILL_BATCH, target - self.versions)
            items = self.feed.take(count, small_item)
            self.versions += ours_put(self.writer, items, FILL_BATCH, self.puts)
            self.puts += count
            if self.versions >= next_report and self.versions < target:
                next_report += report
                seconds = time.perf_counter() - start
                print(
                    f"  filling: {self.versions:,} versions, "
                    f"{_rate(self.versions - before, seconds)}",
                    file=sys.stderr,
                    flush=True,
                )
        seconds = time.perf_counter() - start
        print(
            f"  filled to {self.versions:,} versions ({len(self.feed.ids):,} ids) with "
            f"{FILL_BATCH:,} per commit: {_rate(self.versions - before, seconds)}, "
            f"{seconds:.0f} s",
            flush=True,
        )

    def measure(self) -> Point:
        """get and history for random ids, then a window of puts, at the current size."""
        versions = self.versions
        _settle()  # the fill leaves gigabytes of dirty pages; reads should not race their flush
        ids = self.rng.sample(self.feed.ids, min(self.samples, len(self.feed.ids)))
        get, records = _latencies(self.store.get, ids)
        history, histories = _latencies(self.store.history, ids)
        for item_id, record, rows in zip(ids, records, histories, strict=True):
            if record is None or record["id"] != item_id or record["version"] != len(rows):
                raise SystemExit(f"FAIL: get and history disagree on {item_id}")
        items = self.feed.take(self.window, full_item)
        seconds, made = _timed(partial(ours_put, self.writer, items, self.batch, self.puts))
        self.puts += len(items)
        self.versions += made
        multi = sum(len(rows) > 1 for rows in histories)
        total = self.versions
        start = self.rng.randrange(max(1, total - CHANGES_WINDOW))
        began = time.perf_counter()
        read = sum(1 for _ in self.store.changes(str(start), CHANGES_WINDOW))
        feed_us = (time.perf_counter() - began) * 1e6 / max(read, 1)
        _settle()
        began = time.perf_counter()
        checked = verify(self.store)
        verify_us = (time.perf_counter() - began) * 1e6 / total
        if not checked.ok:
            raise SystemExit(f"FAIL: verify found {len(checked.findings)} problems")
        began = time.perf_counter()
        rebuilt = self.store.reindex()
        reindex_us = (time.perf_counter() - began) * 1e6 / total
        if rebuilt["problems"]:
            raise SystemExit(f"FAIL: reindex reported {rebuilt['problems'][:3]}")
        return Point(
            versions, self.window / seconds, get, history, multi, feed_us, verify_us, reindex_us
        )


def _us(values: Sequence[float]) -> str:
    return f"{statistics.median(values):7.1f} / {_percentile(values, 0.99):7.1f}"


def scale(root: Path, large: int, batch: int, window: int, samples: int) -> None:
    """Question 2: put, get and history at SMALL and at `large` versions."""
    print(
        f"cost at scale: archive filled to {SMALL:,} and to {large:,} versions "
        f"(~0.5 KB items, {UPDATE_SHARE:.0%} updates); at each size {samples:,} random ids "
        f"for get/history, then a put window of {window:,} full items, {batch:,} per commit"
    )
    run = Scale(root, batch, window, samples)
    try:
        points = []
        for size in (SMALL, large):
            run.fill(size)
            points.append(run.measure())
        disk = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
        catalog = sum(f.stat().st_size for f in root.glob("catalog.sqlite*"))
        counts = run.store.summary()
    finally:
        run.close()
    print(
        f"  archive at the end: {counts['versions']:,} versions of {counts['items']:,} items, "
        f"{counts['segments']:,} segments, {disk / 1e9:.2f} GB on disk "
        f"(SQLite catalog {catalog / 1e9:.2f} GB)"
    )
    if counts["versions"] != run.versions:
        raise SystemExit(f"FAIL: catalog has {counts['versions']:,} versions, not {run.versions:,}")
    print()
    print(
        f"{'versions':>10}  {'put items/s':>11}  {'get µs median / p99':>19}  "
        f"{'history µs median / p99':>23}  multi-version ids sampled"
    )
    for point in points:
        print(
            f"{point.versions:>10,}  {point.put_rate:>11,.0f}  {_us(point.get):>19}  "
            f"{_us(point.history):>23}  {point.multi:,} of {len(point.history):,}"
        )
    small, big = points

    def ratio(a: Sequence[float], b: Sequence[float], share: float) -> str:
        return f"{_percentile(b, share) / _percentile(a, share):.2f}"

    print(
        f"{'large/small':>10}  {big.put_rate / small.put_rate:>11.2f}  "
        f"{ratio(small.get, big.get, 0.5):>9} / {ratio(small.get, big.get, 0.99):>7}  "
        f"{ratio(small.history, big.history, 0.5):>13} / "
        f"{ratio(small.history, big.history, 0.99):>7}"
    )
    print(
        f"(x{big.versions / small.versions:,.0f} versions; ratio 1.00 is flat: put below 1 or "
        "latency above 1 means each version costs more in the large archive)"
    )
    print()
    print(f"{'versions':>10}  {'feed µs/record':>14}  {'verify µs/version':>17}  "
          f"{'reindex µs/version':>18}")  # fmt: skip
    for point in points:
        print(
            f"{point.versions:>10,}  {point.feed_us:>14.1f}  {point.verify_us:>17.1f}  "
            f"{point.reindex_us:>18.1f}"
        )
    flat_verify = big.verify_us / small.verify_us
    flat_reindex = big.reindex_us / small.reindex_us
    print(
        f"{'large/small':>10}  {big.feed_us / small.feed_us:>14.2f}  {flat_verify:>17.2f}  "
        f"{flat_reindex:>18.2f}"
    )
    ok = flat_verify <= FLAT and flat_reindex <= FLAT
    print(
        f"verify and reindex per version flat within {FLAT}x: {_verdict(ok)} "
        f"(verify {flat_verify:.2f}x, reindex {flat_reindex:.2f}x)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=10_000, help="items per throughput run")
    parser.add_argument("--batch", type=int, default=500, help="puts per commit (and fsync)")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (median kept)")
    parser.add_argument(
        "--large", type=int, default=1_000_000, help="versions for the large measurement"
    )
    parser.add_argument("--window", type=int, default=20_000, help="puts timed at each size")
    parser.add_argument("--samples", type=int, default=1_000, help="ids for get and history")
    parser.add_argument("--dir", type=Path, help="work here (created; default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="leave the archives behind")
    parser.add_argument(
        "--skip", choices=["throughput", "scale"], help="leave out one of the two measurements"
    )
    args = parser.parse_args(argv)
    if min(args.items, args.batch, args.repeat, args.window, args.samples) < 1:
        parser.error("--items, --batch, --repeat, --window and --samples must be at least 1")
    if args.large <= SMALL:
        parser.error(f"--large must be more than {SMALL:,}")

    if args.dir is None:
        root = Path(tempfile.mkdtemp(prefix="wirearchive-bench-archive-", dir="/tmp"))
    else:
        root = args.dir
        if root.exists() and any(root.iterdir()):
            parser.error(f"--dir {root} is not empty")
        root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        if args.skip != "throughput":
            throughput(root, args.items, args.batch, args.repeat)
            print()
        if args.skip != "scale":
            scale(root / "scale", args.large, args.batch, args.window, args.samples)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"wall time {time.perf_counter() - started:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
