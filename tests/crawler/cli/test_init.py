"""The CLI's shape: one module per command group, one exit-status policy."""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
from pathlib import Path

from wirearchive.crawler import exits
from wirearchive.crawler.cli import GROUPS, _parser, run

ROOT = Path(__file__).parents[3]
CLI = ROOT / "crawler" / "cli"
EXAMPLES = ROOT / "examples"


def _commands_of(group: object) -> set[str]:
    commands = argparse.ArgumentParser().add_subparsers()
    group.add_commands(commands)  # type: ignore[attr-defined]
    return set(commands.choices)


def test_every_command_is_defined_by_exactly_one_group() -> None:
    seen: dict[str, str] = {}
    for group in GROUPS:
        for name in _commands_of(group):
            assert name not in seen, f"{name} defined by {seen[name]} and {group.__name__}"
            seen[name] = group.__name__
    [top] = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(seen) == set(top.choices)
    assert seen["ingest"].endswith(".intake")
    assert seen["verify"].endswith(".upkeep")


def test_exit_statuses_are_defined_once() -> None:
    """No module of the CLI (or the crawl) spells an exit status as its own constant."""
    assignment = re.compile(r"^\s*EXIT_\w+(\s*,\s*EXIT_\w+)*\s*=", re.MULTILINE)
    modules = [*CLI.glob("*.py"), CLI.parent / "crawl.py"]
    assert [m.name for m in modules if assignment.search(m.read_text())] == []
    assert assignment.search((CLI.parent / "exits.py").read_text())


def _run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    return run(list(argv), stdout, stderr), stdout.getvalue(), stderr.getvalue()


def test_the_statuses_mean_what_exits_says(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    code, _, err = _run("verify", "--archive", archive)
    assert code == exits.EXIT_FATAL
    assert f"no archive at {archive}" in err
    assert _run("ingest", "--nonsense", "x")[0] == exits.EXIT_FATAL

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(EXAMPLES / "sputnik-kz-2024-05-29.json", inputs / "good.json")
    code, out, _ = _run("ingest", "--archive", archive, "--json", str(inputs / "good.json"))
    assert code == exits.EXIT_OK, out
    (inputs / "bad.json").write_text('{"uri": ')
    code, out, _ = _run("ingest", "--archive", archive, "--json", str(inputs))
    assert code == exits.EXIT_PROBLEMS, out
    assert json.loads(out)["quarantined"] == 1
    assert _run("verify", "--archive", archive)[0] == exits.EXIT_OK
