"""Benchmark: is ``wirearchive validate`` 10x plain python-jsonschema (25x with --schema ninjs-3.1)?

The archive validates whole wire feeds, so throughput is what matters, and the reason for
the jsonschema-rs engine is speed. This measures the whole command (read, validate, rules,
``--json`` output) against the obvious python-jsonschema loop on the same generated feed,
twice: in this process (`run` against ``Draft202012Validator.iter_errors``), and as whole
processes, the way a user runs either (``wirearchive validate --json FILE`` against
bench/_plain_jsonschema.py, start-up included, bytecode cached). It checks that all give
the same verdict for every item, fails if they do not, and says when a ratio is short of
its goal.

    .venv/bin/python bench/validate.py [--items N] [--repeat R]

What the profile found (cProfile of the command on 10,000 items, ``python -X importtime``
for the start), before issue 11's work; times per item:

- the rules cost two thirds of the default profile: ``name.variant-spelling`` (``\b[A-Z..]``
  findall, a third of the rules: the regex engine tried ``\b`` at every position) and
  ``body.chrome-only`` (the chrome lexicon folded a body's one long line three times:
  NFKC, casefold, split and join, once per question), then ``language.script``;
- strict parsing cost twice a bare ``orjson.loads``: the duplicate-key prefilter copied
  the text without whitespace to count key ends, the depth one translated all brackets;
- the start of a process: 0.66 s of imports, the archive, the readers (``text.dateline``
  alone 0.18 s), trafilatura and warcio among them, for a command that needs none of them;
  then the chrome lexicon's regexes (about 30 ms), compiled even when no rule runs.

What is left is in C or close to it: ``orjson.loads`` and ``orjson.dumps`` (the strict
check's compact copy) are about half of ``--schema ninjs-3.1`` per item, the name regex
and the fold of each body most of the rules.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]  # types-jsonschema is optional
from _wire_text import HEADLINES, SENTENCES, SOURCES, fill
from wirearchive.crawler.cli import run
from wirearchive.validators import default_registry

SEED = 20240529
#: The least ratio to plain python-jsonschema, per --schema.
GOALS = {"profile": 10.0, "ninjs-3.1": 25.0}
INVALID_SHARE = 0.10
NINJS_31 = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"

# --- the feed ------------------------------------------------------------------------

_ZONES = [0, 0, 60, 120, 180, 300, -300, 330]  # minutes east of UTC


def _timestamp(moment: datetime, rng: random.Random) -> str:
    text = moment.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z") if rng.random() < 0.5 else text


def valid_item(index: int, rng: random.Random) -> dict[str, Any]:
    """A ninjs 3.1 text item that the profile and its rules accept."""
    lang = rng.choice(["en", "ru", "de"])
    zone = timezone(timedelta(minutes=rng.choice(_ZONES)))
    first = datetime(2024, 1, 1, tzinfo=zone) + timedelta(seconds=rng.randrange(363 * 86400))
    version = first + timedelta(seconds=rng.choice([0, rng.randrange(2 * 86400)]))
    body = " ".join(fill(s, lang, rng) for s in rng.sample(SENTENCES[lang], rng.randint(5, 15)))
    item: dict[str, Any] = {
        "uri": f"urn:newsml:example.org:{first:%Y%m%d}:{lang}-{index:06d}",
        "type": "text",
        "version": str(rng.randint(1, 3)),
        "firstCreated": _timestamp(first, rng),
        "versionCreated": _timestamp(version, rng),
        "language": lang,
        "located": fill("{city}", lang, rng),
        "headlines": [
            {"role": "main", "value": fill(rng.choice(HEADLINES[lang]), lang, rng)},
        ],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/plain",
                "charCount": len(body),
                "wordCount": len(body.split()),
                "value": body,
            }
        ],
        "infoSources": [{"name": rng.choice(SOURCES), "role": "source"}],
        "standard": {"name": "ninjs", "version": "3.1", "schema": NINJS_31},
    }
    if rng.random() < 0.3:
        item["headlines"].append({"role": "sub", "value": fill("{Topic}", lang, rng)})
    return item


def _missing_uri(item: dict[str, Any], rng: random.Random) -> None:
    del item["uri"]


def _no_main_headline(item: dict[str, Any], rng: random.Random) -> None:
    item["headlines"] = [{**h, "role": "sub"} for h in item["headlines"]]


def _unzoned_time(item: dict[str, Any], rng: random.Random) -> None:
    item["versionCreated"] = item["versionCreated"][:19]


def _extra_property(item: dict[str, Any], rng: random.Random) -> None:
    item[rng.choice(["sentiment", "summary", "tags"])] = "extra"


def _body_not_string(item: dict[str, Any], rng: random.Random) -> None:
    body = item["bodies"][0]
    body["value"] = body["value"].split(". ") if rng.random() < 0.5 else body["charCount"]


def _bad_language(item: dict[str, Any], rng: random.Random) -> None:
    item["language"] = {"en": "english", "ru": "russian", "de": "deutsch"}[item["language"]]


def _uri_with_space(item: dict[str, Any], rng: random.Random) -> None:
    item["uri"] = f"urn:newsml: example.org:{rng.randrange(10**6)}"


def _wrong_standard(item: dict[str, Any], rng: random.Random) -> None:
    item["standard"]["version"] = "3.0"


_DEFECTS: list[Callable[[dict[str, Any], random.Random], None]] = [
    _missing_uri, _no_main_headline, _unzoned_time, _extra_property, _body_not_string,
    _bad_language, _uri_with_space, _wrong_standard,
]  # fmt: skip


def write_feed(path: Path, items: int, seed: int = SEED) -> list[bool]:
    """Write the feed as JSON Lines; return the intended verdict (valid?) per line."""
    rng = random.Random(seed)
    intended: list[bool] = []
    with path.open("w", encoding="utf-8") as out:
        for index in range(items):
            item = valid_item(index, rng)
            valid = rng.random() >= INVALID_SHARE
            if not valid:
                for defect in rng.sample(_DEFECTS, rng.choice([1, 1, 1, 2])):
                    defect(item, rng)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            intended.append(valid)
    return intended


# --- the two contenders --------------------------------------------------------------


def _text_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _output(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def ours(path: Path, schema: str) -> str:
    """The whole ``wirearchive validate --json`` command, in process."""
    stdout, stderr = _text_stream(), _text_stream()
    code = run(["validate", "--schema", schema, "--json", str(path)], stdout, stderr)
    if code not in (0, 1):
        raise SystemExit(f"wirearchive validate exited {code}: {_output(stderr)}")
    return _output(stdout)


def baseline(path: Path, schema: str) -> str:
    """Plain python-jsonschema with the same offline schemas, one JSON line per item."""
    registry = default_registry()
    validator = jsonschema.Draft202012Validator(
        registry.contents(schema), registry=registry.referencing_registry
    )
    out = _text_stream()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            errors = list(validator.iter_errors(json.loads(line)))
            report = {
                "path": str(path),
                "line": number,
                "valid": not errors,
                "errors": [{"path": e.json_path, "message": e.message} for e in errors],
            }
            out.write(json.dumps(report) + "\n")
    return _output(out)


def _schema_file(schema: str) -> Path:
    """The shipped file that holds the schema, for the plain script to read."""
    uri = default_registry().uri(schema)
    folder = Path(str(files("wirearchive.schemas")))
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_bytes())
        if str(contents.get("$id") or contents.get("id")).rstrip("#") == uri:
            return path
    raise SystemExit(f"no schema file for {schema}")


def _process(command: list[str]) -> str:
    # As an installed program runs: with its bytecode cached (the first run writes it;
    # the best of the runs is kept), whatever PYTHONDONTWRITEBYTECODE says here.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, capture_output=True, check=False, env=env)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} exited {done.returncode}: {done.stderr!r}")
    return done.stdout.decode("utf-8")


def ours_process(path: Path, schema: str) -> str:
    """``wirearchive validate --json FILE`` as its own process, interpreter start-up included."""
    command = str(Path(sys.executable).parent / "wirearchive")
    return _process([command, "validate", "--schema", schema, "--json", str(path)])


def baseline_process(path: Path, schema: str) -> str:
    """The plain loop as its own process (bench/_plain_jsonschema.py), start-up included."""
    script = Path(__file__).with_name("_plain_jsonschema.py")
    return _process([sys.executable, str(script), str(_schema_file(schema)), str(path)])


# --- measuring -----------------------------------------------------------------------


@dataclass
class Timing:
    """The best wall-clock seconds of the runs, and the best CPU seconds (this process's
    and its children's): on a busy machine the CPU time says more about the code."""

    best: float = float("inf")
    best_cpu: float = float("inf")
    output: str = ""

    def measure(self, work: Callable[[], str]) -> None:
        gc.collect()
        start, cpu = time.perf_counter(), _cpu_seconds()
        output = work()
        self.best = min(self.best, time.perf_counter() - start)
        self.best_cpu = min(self.best_cpu, _cpu_seconds() - cpu)
        self.output = output


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def verdicts(output: str) -> list[bool]:
    """The ``valid`` field of each JSON line, in line order."""
    reports = [json.loads(line) for line in output.splitlines()]
    return [r["valid"] for r in sorted(reports, key=lambda r: r["line"])]


def _first_difference(a: Sequence[bool], b: Sequence[bool]) -> str:
    if len(a) != len(b):
        return f"{len(a)} verdicts against {len(b)}"
    lines = [i + 1 for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return f"{len(lines)} items differ, first at lines {lines[:10]}"


@dataclass
class Result:
    ours: Timing
    baseline: Timing
    ours_process: Timing
    baseline_process: Timing
    verdicts: list[bool]


def compare(schema: str, path: Path, items: int, repeat: int) -> Result:
    """Time both sides on one schema (best seconds of each) and check their verdicts agree."""
    mine, theirs, mine_alone, theirs_alone = Timing(), Timing(), Timing(), Timing()
    ours_process(path, schema)  # warm: bytecode written, files in the page cache
    baseline_process(path, schema)
    for _ in range(repeat):  # interleaved, so that a noisy spell hits both sides
        mine.measure(lambda: ours(path, schema))
        theirs.measure(lambda: baseline(path, schema))
        mine_alone.measure(lambda: ours_process(path, schema))
        theirs_alone.measure(lambda: baseline_process(path, schema))
    a = verdicts(mine.output)
    for label, other in [
        ("in process", theirs),
        ("as processes", theirs_alone),
        ("wirearchive as a process", mine_alone),
    ]:
        b = verdicts(other.output)
        if len(a) != items or a != b:
            print(
                f"FAIL --schema {schema}: wirearchive and python-jsonschema disagree "
                f"({label}): {_first_difference(a, b)}",
                file=sys.stderr,
            )
            raise SystemExit(1)
    return Result(mine, theirs, mine_alone, theirs_alone, a)


def _rate(items: int, seconds: float) -> str:
    return f"{items / seconds:,.0f} items/s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=10_000, help="items in the feed")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    args = parser.parse_args(argv)
    if args.items < 1 or args.repeat < 1:
        parser.error("--items and --repeat must be at least 1")

    met = True
    default_registry()  # loaded once per process by both sides; not part of either timing
    with tempfile.TemporaryDirectory(prefix="wirearchive-bench-") as folder:
        path = Path(folder) / "feed.jsonl"
        intended = write_feed(path, args.items)
        size = path.stat().st_size
        print(
            f"feed: {args.items:,} ninjs 3.1 items ({intended.count(False):,} invalid), "
            f"{size / 1e6:.1f} MB, best of {args.repeat}"
        )
        for schema in ("profile", "ninjs-3.1"):
            result = compare(schema, path, args.items, args.repeat)
            if schema == "profile" and result.verdicts != intended:
                print(
                    "FAIL: the generated feed is not what it should be: "
                    f"{_first_difference(result.verdicts, intended)}",
                    file=sys.stderr,
                )
                return 1
            label = "validate" if schema == "profile" else f"validate --schema {schema}"
            goal = GOALS[schema]
            in_process = result.baseline.best / result.ours.best
            processes = result.baseline_process.best / result.ours_process.best
            in_process_cpu = result.baseline.best_cpu / result.ours.best_cpu
            processes_cpu = result.baseline_process.best_cpu / result.ours_process.best_cpu
            print(
                f"{label}: in process wirearchive {_rate(args.items, result.ours.best)}, "
                f"baseline {_rate(args.items, result.baseline.best)}, ratio {in_process:.1f}x "
                f"(CPU time {in_process_cpu:.1f}x); "
                f"as processes wirearchive {_rate(args.items, result.ours_process.best)}, "
                f"baseline {_rate(args.items, result.baseline_process.best)}, "
                f"ratio {processes:.1f}x (CPU time {processes_cpu:.1f}x); goal >= {goal:.0f}x; "
                f"{result.verdicts.count(False):,} invalid, verdicts identical"
            )
            met = met and min(in_process, processes) >= goal
    if not met:
        print("goal not met (see the ratios above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
