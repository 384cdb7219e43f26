"""The baseline of bench/validate.py as a whole process: the obvious python-jsonschema loop.

    python bench/_plain_jsonschema.py SCHEMA_FILE FEED.jsonl

It loads the shipped schemas straight from their folder (no wirearchive code runs, so the
baseline pays only for what a plain script would: the interpreter, jsonschema and its
registry), validates each line with ``Draft202012Validator.iter_errors`` and writes one
JSON report per line to stdout, with the ``valid`` verdict bench/validate.py compares.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]  # types-jsonschema is optional
import referencing


def _registry(folder: Path) -> referencing.Registry[Any]:
    resources = []
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_bytes())
        uri = str(contents.get("$id") or contents.get("id")).rstrip("#")
        resources.append((uri, referencing.Resource.from_contents(contents)))
    registry: referencing.Registry[Any] = referencing.Registry()
    return registry.with_resources(resources)


def main(argv: list[str]) -> int:
    schema_file, feed = Path(argv[0]), argv[1]
    validator = jsonschema.Draft202012Validator(
        json.loads(schema_file.read_bytes()), registry=_registry(schema_file.parent)
    )
    out = sys.stdout
    with open(feed, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            errors = list(validator.iter_errors(json.loads(line)))
            report = {
                "path": feed,
                "line": number,
                "valid": not errors,
                "errors": [{"path": e.json_path, "message": e.message} for e in errors],
            }
            out.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
