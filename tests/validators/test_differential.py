"""jsonschema-rs (our engine) against python-jsonschema (the reference implementation).

On every IPTC document and on a corpus of broken ones, under every schema we ship, both
must give the same verdict and report errors at the same places with the same keywords.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wirearchive.validators import (
    NINJS_VERSIONS,
    PROFILE,
    Problem,
    ReferenceValidator,
    StructuralValidator,
    default_registry,
)

NINJS = Path(__file__).parents[1] / "data" / "iptc" / "ninjs"
EXAMPLES = Path(__file__).parents[2] / "examples"
SCHEMAS = [*(f"ninjs-{v}" for v in NINJS_VERSIONS), PROFILE]

FAST = StructuralValidator(default_registry())
REFERENCE = ReferenceValidator(default_registry())


def _iptc_documents() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(NINJS.rglob("*.json")):
        if path.name == "EXPECTATIONS.json":
            continue
        try:
            found.append((str(path.relative_to(NINJS)), json.loads(path.read_text())))
        except ValueError:
            continue  # the suite's deliberately unparsable files; nothing to compare
    return found


def _mutants(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Broken variants: each top-level value replaced by wrong types, keys dropped or added,
    and the first entry of every array broken the same way one level down."""
    wrong_values: list[Any] = [42, None, "text", [], {"unexpected": True}, 1.5, False]
    for key in document:
        dropped = {k: v for k, v in document.items() if k != key}
        yield f"-{key}", dropped
        for bad in wrong_values:
            yield f"{key}={bad!r}", {**document, key: bad}
        value = document[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                for bad in wrong_values[:3]:
                    mutant = copy.deepcopy(document)
                    mutant[key][0][inner] = bad
                    yield f"{key}[0].{inner}={bad!r}", mutant
            mutant = copy.deepcopy(document)
            mutant[key][0]["notNinjs"] = 1
            yield f"{key}[0]+notNinjs", mutant
    yield "+extra", {**document, "extraProperty": 1}
    yield "array", [document]


def _broken_corpus() -> list[tuple[str, Any]]:
    bases = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]
    bases += [json.loads(line) for line in (EXAMPLES / "wire-feed.jsonl").read_text().splitlines()]
    bases += [
        json.loads(p.read_text())
        for p in sorted((NINJS / "documentation-examples" / "3.1").glob("*.json"))
    ]
    return [
        (f"{index}:{label}", mutant)
        for index, base in enumerate(bases)
        for label, mutant in _mutants(base)
    ]


def _locations(schema: str, problems: list[Problem]) -> set[tuple[Any, ...]]:
    locations = set()
    for problem in problems:
        path = problem.path
        if schema == "ninjs-1.0" and problem.keyword == "required" and path:
            # Draft 3 puts "required": true on the property itself, so python-jsonschema
            # reports the missing property's own path; from draft 4 on (and in jsonschema-rs,
            # which runs the 1.0 schema rewritten as draft 4) it is the parent object's.
            path = path[:-1]
        locations.add((path, problem.keyword))
    return locations


def _assert_agree(schema: str, label: str, document: Any) -> None:
    fast_valid = FAST.is_valid(schema, document)
    assert fast_valid is REFERENCE.is_valid(schema, document), (schema, label)
    fast = FAST.problems(schema, document)
    assert (not fast) is fast_valid, (schema, label, "is_valid and iter_errors disagree")
    reference = REFERENCE.problems(schema, document)
    assert _locations(schema, fast) == _locations(schema, reference), (schema, label)


@pytest.mark.parametrize("schema", SCHEMAS)
def test_engines_agree_on_iptc_documents(schema: str) -> None:
    documents = _iptc_documents()
    assert len(documents) > 250
    for label, document in documents:
        _assert_agree(schema, label, document)


@pytest.mark.parametrize("schema", ["ninjs-1.6", "ninjs-2.2", "ninjs-3.0", "ninjs-3.1", PROFILE])
def test_engines_agree_on_broken_documents(schema: str) -> None:
    corpus = _broken_corpus()
    assert len(corpus) > 1000
    invalid = 0
    for label, document in corpus:
        _assert_agree(schema, label, document)
        invalid += not FAST.is_valid(schema, document)
    assert invalid > len(corpus) // 2, "the corpus is meant to be mostly broken"


@pytest.mark.parametrize("engine", [FAST, REFERENCE], ids=["jsonschema-rs", "jsonschema"])
def test_a_huge_wrong_value_is_cut_from_the_message_and_its_verdict_kept(engine: Any) -> None:
    item = json.loads((EXAMPLES / "sputnik-kz-2024-05-29.json").read_text())
    item["bodies"] = {"value": "Сообщение " * 5_000}  # an object where an array belongs
    problems = engine.problems("ninjs-3.1", item)
    [problem] = [p for p in problems if p.path == ("bodies",) and p.keyword == "type"]
    assert len(problem.message) < 500
    assert "characters left out" in problem.message
    assert problem.message.startswith('{"value"') or problem.message.startswith("{'value'")
    assert problem.message.endswith("is not of type 'array'") or problem.message.endswith(
        'is not of type "array"'
    )
    short = dict(item, bodies={"value": "x"})
    [kept] = [p for p in engine.problems("ninjs-3.1", short) if p.path == ("bodies",)]
    assert "left out" not in kept.message  # a short value is shown whole
