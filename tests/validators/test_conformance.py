"""IPTC's own ninjs test suite, run under --schema ninjs-<v> and under auto.

The files are upstream's, unchanged (tests/data/iptc/SOURCES.md). The `1.x_dev` and
`2.x_dev` folders test IPTC's unpublished development schemas, not a published version,
so they are not part of the conformance run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wirearchive.validators import AUTO, NINJS_VERSIONS, Report, Validator, read_documents

NINJS = Path(__file__).parents[1] / "data" / "iptc" / "ninjs"
SUITE = NINJS / "test_suite"
EXPECTATIONS = json.loads((NINJS / "EXPECTATIONS.json").read_text())["files"]

CASES = [
    pytest.param(version, path, path.parent.name == "should_pass", id=f"{version}/{path.name}")
    for version in NINJS_VERSIONS
    for kind in ("should_pass", "should_fail")
    for path in sorted((SUITE / version / kind).glob("*.json"))
]

# Files that auto cannot judge as upstream does: (the schema auto picks, why). None
# declares a version, and each is invalid only in the version whose folder holds it.
# Auto reads an undeclared 1.x document as the newest 1.x (1.6); a document whose keys
# are spelt alike in several major versions, in the newest one that accepts it.
AUTO_CANNOT_TELL = {
    "1.0/014_type_component.json": ("ninjs-1.6", "type 'component' became valid in ninjs 1.2"),
    "1.0/016_infosource.json": ("ninjs-1.6", "the infosource property was added in ninjs 1.2"),
    "1.1/001_type_component.json": ("ninjs-1.6", "type 'component' became valid in ninjs 1.2"),
    "1.1/002_infosource.json": ("ninjs-1.6", "the infosource property was added in ninjs 1.2"),
    "3.0/006_bad_urgency.json": (
        "ninjs-2.2",
        "uri and urgency are spelt alike in 1.x, 2.x and 3.x; urgency 0.1 is valid in 2.2 "
        "(any number) and only 3.x requires an integer",
    ),
}

#: IPTC's own files that strict JSON refuses before any schema sees them: this one holds
#: three ``broadband`` renditions under one key, so a lenient parser keeps only the last.
REFUSED_AS_JSON = {"examples/1.4/businesswire-newsml-20130731006140.json": "json.duplicate-key"}

_VALIDATORS: dict[str, Validator] = {}


def _report(schema: str, path: Path) -> Report:
    validator = _VALIDATORS.setdefault(schema, Validator(schema))
    [document] = list(read_documents([path]))
    if document.problem is not None:
        return validator.invalid_input(document.problem, path=document.path, line=None)
    return validator.validate(document.data, path=document.path)


def test_every_published_version_has_cases() -> None:
    for version in NINJS_VERSIONS:
        for kind in ("should_pass", "should_fail"):
            assert list((SUITE / version / kind).glob("*.json")), f"{version}/{kind} is empty"


@pytest.mark.parametrize(("version", "path", "should_pass"), CASES)
def test_explicit_version(version: str, path: Path, should_pass: bool) -> None:
    report = _report(f"ninjs-{version}", path)
    assert report.valid is should_pass, [p.to_dict() for p in report.errors]
    if not should_pass:
        assert report.errors[0].rule, "an invalid document names the rule it broke"


@pytest.mark.parametrize(("version", "path", "should_pass"), CASES)
def test_auto(version: str, path: Path, should_pass: bool) -> None:
    report = _report(AUTO, path)
    key = f"{version}/{path.name}"
    if key in AUTO_CANNOT_TELL:
        # Pinned, so that the list stays exact: if auto ever gets these right, shorten it.
        schema, why = AUTO_CANNOT_TELL[key]
        assert report.valid, f"{key}: {why}"
        assert report.schema == schema
        return
    assert report.valid is should_pass, (report.schema, [p.to_dict() for p in report.errors])


def test_upstream_caveats_named_in_expectations() -> None:
    """Upstream labels that are right for the wrong reason, as EXPECTATIONS.json notes."""
    # 2.1 bad_association is invalid under 2.1 but valid under 2.0, whose associations
    # accept any object with a name.
    path = SUITE / "2.1" / "should_fail" / "001_bad_association.json"
    assert not _report("ninjs-2.1", path).valid
    assert _report("ninjs-2.0", path).valid

    # 3.0 event_with_renditions: no 3.x rule forbids renditions on events; the file fails
    # only because eventDetails.dates holds both startDate and expectedStartDate.
    path = SUITE / "3.0" / "should_fail" / "004_event_with_renditions.json"
    report = _report("ninjs-3.0", path)
    assert not report.valid
    assert all(p.path[:1] == ("eventDetails",) for p in report.errors), report.errors
    document = json.loads(path.read_text())
    del document["eventDetails"]["dates"]["expectedStartDate"]
    assert Validator("ninjs-3.0").validate(document).valid


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (name, entry["valid_format_annotation_only"])
        for name, entry in sorted(EXPECTATIONS.items())
        if isinstance(entry.get("valid_format_annotation_only"), dict)
    ],
)
def test_matches_independent_expectations(name: str, expected: dict[str, bool]) -> None:
    """Every IPTC file, under every version EXPECTATIONS.json computed, gives its verdict."""
    for version, valid in expected.items():
        if version not in NINJS_VERSIONS:
            continue  # a development or draft schema, which we do not ship
        if name in REFUSED_AS_JSON:
            report = _report(f"ninjs-{version}", NINJS / name)
            assert [p.rule for p in report.errors] == [REFUSED_AS_JSON[name]], (name, version)
            continue
        assert _report(f"ninjs-{version}", NINJS / name).valid is valid, (name, version)
