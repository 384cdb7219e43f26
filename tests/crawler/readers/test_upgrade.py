"""`upgrade`: every IPTC ninjs document to valid ninjs 3.1, losing nothing 3.1 can hold.

The corpus tests run IPTC's own files (tests/data/iptc/ninjs, unchanged upstream copies);
the rest pin one mapping at a time on small hand-written documents.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from wirearchive.crawler.readers.upgrade import SOURCE_VERSIONS, STANDARD, Upgrade, upgrade
from wirearchive.validators import NINJS_VERSIONS, Validator, format_json_path

# Only for collecting the cases; the tests read the files through the data_dir fixture.
_NINJS = Path(__file__).parents[2] / "data" / "iptc" / "ninjs"

#: Files of the example folders that are not valid under their folder's version, and why.
#: Pinned (test_invalid_examples_are_the_known_ones), so that the corpus cannot shrink
#: unnoticed.
NOT_VALID_EXAMPLES = {
    "examples/2.1/schema-extension/extension-example.json": "uses a schema extension, 'foofoo'",
    "examples/2.1/schema-extension/extension-schema.json": "a JSON Schema, not a document",
    "examples/3.0/collection/20231016-event-timeline-sample.json": "an array of items",
    "legacy-validator-samples/java/ninjs_example_invalid.json": "invalid on purpose",
    "legacy-validator-samples/windows-dotnet/ninjsExComplex2-invalid.json": "invalid on purpose",
}

#: What the IPTC corpus loses, exactly, with the reason it has no 3.1 home:
DROPPED_FROM_CORPUS = {
    # 1.x item-level mimetype: ninjs 2.0 removed it and no later version has an
    # item-level media type (bodies and renditions have their own contentType). The four
    # Business Wire values ("application/x-resource+json;level=text") describe the JSON
    # wrapper, not any body, so guessing a body for them would be wrong.
    "test_suite/1.0/should_pass/008_mimetype.json": ["$.mimetype"],
    "examples/1.4/businesswire-newsml-20130515006361.json": ["$.mimetype"],
    "examples/1.4/businesswire-newsml-20130605006126.json": ["$.mimetype"],
    "examples/1.4/businesswire-newsml-20130612006110.json": ["$.mimetype"],
    "examples/1.4/businesswire-newsml-20130731006140.json": ["$.mimetype"],
    # 1.3 altids may hold any JSON value; 3.1 altIds values are strings. IPTC's own 2.0
    # rewrite of this file (test_suite/2.0/should_pass/005_altids.json) drops these two as
    # well; the array of strings beside them is kept, one altIds entry per string.
    "test_suite/1.3/should_pass/005_altids.json": [
        "$.altids.anyid",
        "$.altids.additionalProperties",
    ],
    # An empty object under a 1.x geometry_* name: not GeoJSON, so not a 3.1 geoJSON.
    "test_suite/1.3/should_pass/008_regex_bug.json": [
        "$.place[0]['geometry_test-bad-characters-#$^-éééash-é™£']"
    ],
    # TT declares its own profile (TTNINJS, https://tt.se/spec/ttninjs/...). The upgraded
    # item declares ninjs 3.1, and 3.1 has room for one declaration only.
    "examples/2.1/tt_text_image_2.json": ["$.standard"],
    "examples/3.0/tt_event_pressconference_3.0.json": ["$.standard"],
}


def _corpus() -> list[tuple[str, str]]:
    """(file relative to the ninjs folder, the version it is written in) for every IPTC
    document meant to be valid: the test suite's should_pass files, the examples and the
    User Guide's examples (the folder names the version; the legacy samples are 1.0)."""
    cases: list[tuple[str, str]] = []
    for version in NINJS_VERSIONS:
        for path in sorted((_NINJS / "test_suite" / version / "should_pass").glob("*.json")):
            cases.append((path.relative_to(_NINJS).as_posix(), version))
    for folder in ("examples", "documentation-examples"):
        for path in sorted((_NINJS / folder).glob("*/**/*.json")):
            name = path.relative_to(_NINJS).as_posix()
            version = name.split("/")[1]  # documentation-examples/not-valid is not one
            if version in NINJS_VERSIONS and name not in NOT_VALID_EXAMPLES:
                cases.append((name, version))
    for path in sorted((_NINJS / "legacy-validator-samples").glob("*/*.json")):
        name = path.relative_to(_NINJS).as_posix()
        if name not in NOT_VALID_EXAMPLES:
            cases.append((name, "1.0"))
    return cases


CORPUS = _corpus()


@cache
def _validator(version: str) -> Validator:
    return Validator(f"ninjs-{version}")


def _load(data_dir: Path, name: str) -> Any:
    return json.loads((data_dir / "iptc" / "ninjs" / name).read_text(encoding="utf-8"))


def _leaves(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every scalar (string, number, boolean) with its path."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    elif value is not None:
        yield path, value


def _at(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _dropped_paths(result: Upgrade) -> list[str]:
    return [entry.split(": ", 1)[0] for entry in result.dropped]


def _lost(source: Any, result: Upgrade) -> list[str]:
    """Source leaves that are neither in the upgraded item nor covered by `dropped`.

    Besides plain copies, three documented rewrites count as kept: 1.x scheme + code
    become one URI (which starts with the scheme and ends with the code), 1.x
    representationtype complete/incomplete are 3.1's full/partial, and a ninjs
    standard declaration is replaced by the 3.1 one.
    """
    kept = {(type(value), value) for _, value in _leaves(result.item)}
    strings = [value for _, value in _leaves(result.item) if isinstance(value, str)]
    dropped = _dropped_paths(result)
    lost: list[str] = []
    for path, value in _leaves(source):
        where = format_json_path(path)
        if any(where == d or where.startswith((d + ".", d + "[")) for d in dropped):
            continue
        if (type(value), value) in kept:
            continue
        parent = _at(source, path[:-1])
        key = path[-1]
        if key in ("scheme", "code") and isinstance(parent, dict):
            scheme, code = parent.get("scheme"), parent.get("code")
            if any(s.startswith(str(scheme)) and s.endswith(str(code)) for s in strings):
                continue
        if key == "representationtype" and (type(value), value) in {
            (str, "complete"),
            (str, "incomplete"),
        }:
            wanted = {"complete": "full", "incomplete": "partial"}[value]
            if (str, wanted) in kept:
                continue
        if (
            len(path) >= 2
            and path[-2] in ("standard", "$standard")
            and result.item.get("standard") == STANDARD
        ):
            continue
        lost.append(f"{where} = {value!r}")
    return lost


# -- the IPTC corpus ---------------------------------------------------------------------


def test_corpus_covers_every_version_and_folder() -> None:
    versions = {version for _, version in CORPUS}
    assert versions == set(NINJS_VERSIONS)
    folders = {name.split("/")[0] for name, _ in CORPUS}
    assert folders == {
        "test_suite",
        "examples",
        "documentation-examples",
        "legacy-validator-samples",
    }
    assert len(CORPUS) > 200


def test_invalid_examples_are_the_known_ones(data_dir: Path) -> None:
    for name in NOT_VALID_EXAMPLES:
        version = "1.0" if name.startswith("legacy") else name.split("/")[1]
        assert not _validator(version).validate(_load(data_dir, name)).valid, name


@pytest.mark.parametrize(("name", "version"), CORPUS, ids=[name for name, _ in CORPUS])
def test_corpus_upgrades_to_valid_31(data_dir: Path, name: str, version: str) -> None:
    source = _load(data_dir, name)
    before = copy.deepcopy(source)
    report = _validator(version).validate(source)
    assert report.valid, [problem.to_dict() for problem in report.errors]

    result = upgrade(source, version)

    assert source == before, "the input was modified"
    report = _validator("3.1").validate(result.item)
    assert report.valid, (result.steps, [problem.to_dict() for problem in report.errors])
    assert _dropped_paths(result) == DROPPED_FROM_CORPUS.get(name, []), result.dropped
    assert _lost(source, result) == []
    if version != "3.1":
        assert result.item["standard"] == STANDARD
        assert result.steps, "an upgrade says what it did"


def test_dropped_list_names_only_corpus_files() -> None:
    names = {name for name, _ in CORPUS}
    assert set(DROPPED_FROM_CORPUS) <= names


@pytest.mark.parametrize("name", [name for name, version in CORPUS if version == "3.0"], ids=str)
def test_30_changes_only_the_standard(data_dir: Path, name: str) -> None:
    """3.1 only added digitalSourceType: a 3.0 document is already 3.1 but for its
    declaration."""
    source = _load(data_dir, name)
    result = upgrade(source, "3.0")
    assert {k: v for k, v in result.item.items() if k != "standard"} == {
        k: v for k, v in source.items() if k != "standard"
    }
    assert len(result.steps) == 1
    assert "standard: ninjs 3.1" in result.steps[0]


def _parsable_should_fail() -> list[tuple[str, str]]:
    """IPTC's should_fail files that are JSON (a few are broken JSON on purpose)."""
    cases: list[tuple[str, str]] = []
    for version in NINJS_VERSIONS:
        for path in sorted((_NINJS / "test_suite" / version / "should_fail").glob("*.json")):
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                continue
            cases.append((path.relative_to(_NINJS).as_posix(), version))
    return cases


SHOULD_FAIL = _parsable_should_fail()


@pytest.mark.parametrize(("name", "version"), SHOULD_FAIL, ids=[n for n, _ in SHOULD_FAIL])
def test_invalid_documents_never_raise_and_lose_nothing(
    data_dir: Path, name: str, version: str
) -> None:
    """IPTC's should_fail files are real odd input: no exception, nothing lost silently."""
    source = _load(data_dir, name)
    before = copy.deepcopy(source)
    result = upgrade(source, version)
    assert source == before
    assert _lost(source, result) == []


def test_should_fail_corpus_is_large_enough() -> None:
    assert len(SHOULD_FAIL) > 50


# -- one mapping at a time -----------------------------------------------------------------


def test_1x_text_properties_times_status_and_associations() -> None:
    source = {
        "uri": "urn:example:1",
        "versioncreated": "2013-07-09T10:37:00Z",
        "firstcreated": "yesterday",
        "pubstatus": "usable",
        "headline": "Captain on trial",
        "body_text": "GROSSETO, Italy -- The trial began.",
        "body_html": "<p>GROSSETO, Italy -- The trial began.</p>",
        "description_text": "A trial",
        "associations": {
            "mainpic": {
                "uri": "urn:example:pic",
                "type": "picture",
                "renditions": {"thumb": {"href": "http://x/t.jpg", "mimetype": "image/jpeg"}},
            }
        },
    }
    result = upgrade(source, "1.0")
    assert result.item == {
        "standard": STANDARD,
        "uri": "urn:example:1",
        "versionCreated": "2013-07-09T10:37:00Z",
        "firstCreated": "yesterday",  # copied as it is: normalising is another step
        "pubStatus": "usable",
        "headlines": [{"role": "main", "value": "Captain on trial"}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/plain",
                "value": "GROSSETO, Italy -- The trial began.",
            },
            {
                "role": "main",
                "contentType": "text/html",
                "value": "<p>GROSSETO, Italy -- The trial began.</p>",
            },
        ],
        "descriptions": [{"role": "main", "contentType": "text/plain", "value": "A trial"}],
        "associations": [
            {
                "name": "mainpic",
                "uri": "urn:example:pic",
                "type": "picture",
                "renditions": [
                    {"name": "thumb", "href": "http://x/t.jpg", "contentType": "image/jpeg"}
                ],
            }
        ],
    }
    assert result.dropped == ()
    assert "renamed versioncreated to versionCreated" in result.steps
    assert "headline → headlines[role=main]" in result.steps
    assert "body_html → bodies[role=main, contentType=text/html]" in result.steps
    assert "associations object → associations array, the key as name" in result.steps


def test_1x_suffixes_give_role_and_content_type() -> None:
    result = upgrade(
        {
            "uri": "u",
            "headline_test_text": "a",
            "description_caption_xhtml": "b",
            "description_creditline": "c",
            "body_richtext": "d",
            "headline______": "e",
        },
        "1.3",
    )
    assert result.item["headlines"] == [
        {"role": "test", "contentType": "text/plain", "value": "a"},
        {"role": "_____", "value": "e"},
    ]
    assert result.item["descriptions"] == [
        {"role": "caption", "contentType": "application/xhtml+xml", "value": "b"},
        {"role": "creditline", "value": "c"},
    ]
    assert result.item["bodies"] == [{"role": "richtext", "value": "d"}]


def test_1x_entities_scheme_and_code() -> None:
    result = upgrade(
        {
            "uri": "u",
            "byline": "Paulo Santalucia",
            "person": [
                {
                    "name": "A",
                    "rel": "about",
                    "scheme": "http://www.wikidata.org/entity/",
                    "code": "Q1",
                },
                {"name": "B", "code": "http://www.wikidata.org/entity/Q2"},
                {"name": "C", "code": "notrecommended:but-punctuation-is-allowed"},
                {"name": "D", "scheme": "http://cv.example/"},
            ],
            "place": [
                {"name": "Ljubljana", "scheme": "http://sws.geonames.org", "code": "3196359"}
            ],
            "infosource": [{"name": "S", "rel": "interviewee"}],
            "trustindicator": [
                {
                    "scheme": "http://cv.iptc.org/newscodes/trustindicator/",
                    "code": "editorialPolicy",
                }
            ],
            "organisation": [{"name": "O", "symbols": [{"ticker": "ETL", "exchange": "BOURSE"}]}],
        },
        "1.5",
    )
    item = result.item
    assert item["by"] == "Paulo Santalucia"
    assert item["people"] == [
        {"name": "A", "rel": "about", "uri": "http://www.wikidata.org/entity/Q1", "literal": "Q1"},
        {"name": "B", "uri": "http://www.wikidata.org/entity/Q2"},
        {"name": "C", "literal": "notrecommended:but-punctuation-is-allowed"},
        {"name": "D"},
    ]
    assert item["places"] == [
        {"name": "Ljubljana", "uri": "http://sws.geonames.org/3196359", "literal": "3196359"}
    ]
    assert item["infoSources"] == [{"name": "S", "role": "interviewee"}]
    assert item["trustIndicators"] == [
        {"role": "http://cv.iptc.org/newscodes/trustindicator/editorialPolicy"}
    ]
    assert item["organisations"] == [
        {"name": "O", "symbols": [{"symbol": "ETL", "exchange": "BOURSE"}]}
    ]
    assert result.dropped == (
        "$.person[3].scheme: a scheme without a code names no concept; 3.1 has no scheme",
    )


def test_1x_numbers_3x_cannot_hold_are_dropped() -> None:
    result = upgrade(
        {
            "uri": "u",
            "urgency": 10,
            "renditions": {"r": {"width": 70.5, "height": 70.0, "sizeinbytes": 4380}},
        },
        "1.1",
    )
    assert "urgency" not in result.item
    assert result.item["renditions"] == [{"name": "r", "height": 70.0, "sizeInBytes": 4380}]
    assert result.dropped == (
        "$.urgency: 10: 3.1 urgency is a whole number from 1 to 9",
        "$.renditions.r.width: 70.5 is not a whole number, as 3.1 requires here",
    )
    assert upgrade({"uri": "u", "urgency": 0.1}, "2.2").dropped == (
        "$.urgency: 0.1: 3.1 urgency is a whole number from 1 to 9",
    )
    assert upgrade({"uri": "u", "urgency": 5}, "2.2").item["urgency"] == 5


def test_1x_odds_and_ends() -> None:
    result = upgrade(
        {
            "$standard": {
                "name": "ninjs",
                "version": "1.4",
                "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_1.4.json",
            },
            "uri": "u",
            "mimetype": "text/plain",
            "representationtype": "incomplete",
            "charcount": 12,
            "wordcount": 2,
            "body_html": "<p>Hello world</p>",
            "body_text": "Hello world!",
            "altids": {"itemid": "A1", "numeric": 42, "several": ["x", "y"], "nested": {"a": "b"}},
            "place": [
                {"name": "P", "geometry_geojson": {"type": "Feature", "geometry": None}},
            ],
        },
        "1.4",
    )
    item = result.item
    assert item["standard"] == STANDARD
    assert "$standard (ninjs 1.4) → standard: ninjs 3.1" in result.steps
    assert item["representationType"] == "partial"
    assert item["bodies"][1] == {
        "role": "main",
        "contentType": "text/plain",
        "value": "Hello world!",
        "charCount": 12,
        "wordCount": 2,
    }
    assert "charCount" not in item["bodies"][0]
    assert item["altIds"] == [
        {"role": "itemid", "value": "A1"},
        {"role": "numeric", "value": "42"},
        {"role": "several", "value": "x"},
        {"role": "several", "value": "y"},
    ]
    assert item["places"] == [
        {"name": "P", "geoJSON": {"type": "Feature", "geometry": None, "properties": None}}
    ]
    assert _dropped_paths(result) == ["$.mimetype", "$.altids.nested"]
    assert Validator("ninjs-3.1").validate(item).valid


def test_1x_nested_associations_are_upgraded_too() -> None:
    source = {
        "uri": "u",
        "associations": {
            "gallery": {
                "uri": "g",
                "headline": "Gallery",
                "associations": {"first": {"uri": "p1", "byline": "Someone", "mimetype": "x"}},
            }
        },
    }
    result = upgrade(source, "1.2")
    [gallery] = result.item["associations"]
    assert gallery["headlines"] == [{"role": "main", "value": "Gallery"}]
    assert gallery["associations"] == [{"name": "first", "uri": "p1", "by": "Someone"}]
    assert "standard" not in gallery, "only the item itself declares its standard"
    assert _dropped_paths(result) == ["$.associations.gallery.associations.first.mimetype"]


def test_2x_lower_case_names_and_standard() -> None:
    source = {
        "uri": "u",
        "standard": {
            "name": "ninjs",
            "version": "2.2",
            "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
        },
        "versioncreated": "2021-05-26T13:40:18+02:00",
        "embargoed": "2021-05-27T00:00:00Z",
        "copyrightholder": "TT",
        "usageterms": "editorial",
        "ednote": "note",
        "representationtype": "full",
        "bodies": [{"role": "text", "contenttype": "text/plain", "charcount": 985, "value": "v"}],
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": "h"}],
        "altids": [{"role": "otr", "value": "a0f2"}],
        "infosources": [{"name": "TT", "contactinfo": [{"address": {"postalcode": "111 51"}}]}],
        "places": [{"name": "P", "geojson": {"type": "Point", "coordinates": [1, 2]}}],
        "organisations": [{"name": "O", "symbols": [{"symboltype": "urn:ISIN", "symbol": "FR1"}]}],
        "renditions": [{"name": "r", "contenttype": "image/jpeg", "sizeinbytes": 10}],
        "rightsinfo": {"langid": "http://w3.org/ns/odrl/2/", "linkedrights": "http://tt.se/r"},
        "digitalsourcetype": {
            "uri": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
        },
    }
    result = upgrade(source, "2.2")
    assert result.item == {
        "standard": STANDARD,
        "uri": "u",
        "versionCreated": "2021-05-26T13:40:18+02:00",
        "embargoedUntil": "2021-05-27T00:00:00Z",
        "copyrightHolder": "TT",
        "usageTerms": "editorial",
        "edNote": "note",
        "representationType": "full",
        "bodies": [{"role": "text", "contentType": "text/plain", "charCount": 985, "value": "v"}],
        "headlines": [{"role": "main", "contentType": "text/plain", "value": "h"}],
        "altIds": [{"role": "otr", "value": "a0f2"}],
        "infoSources": [{"name": "TT", "contactInfo": [{"address": {"postalCode": "111 51"}}]}],
        "places": [{"name": "P", "geoJSON": {"type": "Point", "coordinates": [1, 2]}}],
        "organisations": [{"name": "O", "symbols": [{"symbolType": "urn:ISIN", "symbol": "FR1"}]}],
        "renditions": [{"name": "r", "contentType": "image/jpeg", "sizeInBytes": 10}],
        "rightsInfo": {"langId": "http://w3.org/ns/odrl/2/", "linkedRights": "http://tt.se/r"},
        "digitalSourceType": {
            "uri": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
        },
    }
    assert result.dropped == ()
    assert "standard (ninjs 2.2) → standard: ninjs 3.1" in result.steps
    assert "renamed bodies[].contenttype to contentType" in result.steps

    # 1.3-1.6 spelt it $standard; a 2.x document that still does is read the same way.
    dollar = {"name": "ninjs", "version": "2.0", "schema": "http://www.iptc.org/std/ninjs/"}
    result = upgrade({"$standard": dollar, "uri": "u"}, "2.0")
    assert result.item == {"standard": STANDARD, "uri": "u"}
    assert result.steps == ("$standard (ninjs 2.0) → standard: ninjs 3.1",)
    assert result.dropped == ()


def test_20_associations_keep_what_they_have(data_dir: Path) -> None:
    """2.0 let an association be any object with a name; 3.1 also wants a uri (and the
    reverse). Nothing is invented: the gap is noted and left for validation to report."""
    suite = "test_suite/2.1/should_fail/"
    extra = upgrade(_load(data_dir, suite + "001_bad_association.json"), "2.0")
    assert _dropped_paths(extra) == ["$.associations[0].incorrectproperty"]
    no_name = upgrade(_load(data_dir, suite + "002_good_association_but_no_name.json"), "2.0")
    assert no_name.item["associations"] == [
        {"uri": "http://mms.businesswire.com/media/newsItemId/en/221373/3/dell_blue_rgb.jpg"}
    ]
    assert any("$.associations[0] has no name" in step for step in no_name.steps)
    no_uri = upgrade(_load(data_dir, suite + "003_good_association_but_no_uri.json"), "2.0")
    assert no_uri.item["associations"] == [{"name": "Company logo"}]
    assert any("$.associations[0] has no uri" in step for step in no_uri.steps)


def test_extension_property_is_dropped_with_a_reason(data_dir: Path) -> None:
    result = upgrade(_load(data_dir, "examples/2.1/schema-extension/extension-example.json"), "2.1")
    assert [entry for entry in result.dropped if "foofoo" in entry] == [
        "$.foofoo: no ninjs 3.1 equivalent"
    ]


def test_30_to_31_adds_or_replaces_the_standard() -> None:
    source = {"uri": "u", "versionCreated": "2023-10-16T12:00:00Z"}
    result = upgrade(source, "3.0")
    assert result.item == {"standard": STANDARD, **source}
    assert result.steps == ("added standard: ninjs 3.1 (was undeclared 3.0)",)
    declared = upgrade({"standard": {"name": "ninjs", "version": "3.0"}, "uri": "u"}, "3.0")
    assert declared.item == {"standard": STANDARD, "uri": "u"}
    assert declared.steps == ("standard (ninjs 3.0) → standard: ninjs 3.1",)


def test_31_is_copied_unchanged_and_the_input_is_never_touched() -> None:
    source: dict[str, Any] = {
        "uri": "u",
        "headlines": [{"value": "h"}],
        "anything": {"even": ["unknown"]},
    }
    before = copy.deepcopy(source)
    result = upgrade(source, "3.1")
    assert result == Upgrade(item=before, steps=(), dropped=())
    assert result.item is not source
    result.item["headlines"][0]["value"] = "changed"
    result.item["anything"]["even"].append("more")
    assert source == before

    old = {"uri": "u", "person": [{"name": "p"}], "renditions": {"r": {"href": "h"}}}
    old_before = copy.deepcopy(old)
    upgraded = upgrade(old, "1.0").item
    upgraded["people"][0]["name"] = "changed"
    upgraded["renditions"][0]["href"] = "changed"
    assert old == old_before


def test_upgrade_is_frozen() -> None:
    result = upgrade({"uri": "u"}, "3.1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.steps = ("x",)  # type: ignore[misc]


@pytest.mark.parametrize("version", ["3.2", "1.7", "2", "ninjs-3.1", "", " 3.1", "v1.0"])
def test_unknown_version_raises_naming_it(version: str) -> None:
    with pytest.raises(ValueError, match="not a published ninjs version") as caught:
        upgrade({"uri": "u"}, version)
    assert repr(version) in str(caught.value)


def test_every_published_version_is_accepted() -> None:
    assert SOURCE_VERSIONS == NINJS_VERSIONS
    for version in SOURCE_VERSIONS:
        assert upgrade({"uri": "u"}, version).item["uri"] == "u"


@pytest.mark.parametrize(
    ("source", "dropped"),
    [
        ({"uri": "u", "person": "Francesco"}, ["$.person"]),
        ({"uri": "u", "person": ["Francesco", {"name": "B"}]}, ["$.person[0]"]),
        ({"uri": "u", "associations": "none"}, ["$.associations"]),
        ({"uri": "u", "associations": {"a": 1}}, ["$.associations.a"]),
        ({"uri": "u", "renditions": {"r": "x"}}, ["$.renditions.r"]),
        ({"uri": "u", "altids": {"role": None}}, ["$.altids.role"]),
        ({"uri": "u", "standard": "ninjs"}, ["$.standard"]),
        ({"uri": "u", "place": [{"geometry_wkt": "POINT(1 2)"}]}, ["$.place[0].geometry_wkt"]),
        (
            {"uri": "u", "person": [{"scheme": 1, "code": 2}]},
            ["$.person[0].scheme", "$.person[0].code"],
        ),
        ({"uri": "u", "name": "top-level names belong to associations"}, ["$.name"]),
        ({"uri": "u", "charcount": 3}, ["$.charcount"]),
        ({"uri": "u", "versioncreated": "a", "versionCreated": "b"}, ["$.versionCreated"]),
    ],
)
def test_odd_input_is_dropped_not_raised(source: dict[str, Any], dropped: list[str]) -> None:
    result = upgrade(source, "1.6")
    assert _dropped_paths(result) == dropped
    assert _lost(source, result) == []


def test_deep_nesting_does_not_raise() -> None:
    deep: dict[str, Any] = {"uri": "leaf"}
    for level in range(80):
        deep = {"uri": f"level{level}", "associations": [{"name": "a", **deep}]}
    result = upgrade(deep, "2.1")
    assert any("nested deeper than" in entry for entry in result.dropped)

    tower: Any = "bottom"
    for _ in range(5000):
        tower = [tower]
    item = upgrade({"uri": "u", "eventDetails": {"x": tower}}, "3.0").item
    assert item["eventDetails"]["x"] is not tower
    assert upgrade({"uri": "u", "list": tower}, "2.0").dropped == (
        "$.list: no ninjs 3.1 equivalent",
    )


def test_not_an_object_is_reported() -> None:
    result = upgrade([{"uri": "u"}], "3.0")  # type: ignore[arg-type]
    assert result.item == {}
    assert result.dropped == ("$: an array, not a ninjs object",)


def test_an_owned_31_document_is_the_item_itself_and_a_borrowed_one_a_copy() -> None:
    doc = {"uri": "u", "headlines": [{"value": "h"}], "subjects": [{"name": "n"}]}
    borrowed = upgrade(doc, "3.1")
    assert borrowed.item == doc
    assert borrowed.item is not doc
    assert borrowed.item["subjects"] is not doc["subjects"]  # deep: nothing shared
    assert upgrade(doc, "3.1", owned=True).item is doc
    source = {"uri": "u", "headline": "h"}
    older = upgrade(source, "1.6", owned=True)  # rewritten: a new item, the input as it was
    assert older.item["headlines"] == [{"role": "main", "value": "h"}]
    assert source == {"uri": "u", "headline": "h"}
