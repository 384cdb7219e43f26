"""The offline registry: every schema present, well-formed, and nothing fetched."""

from __future__ import annotations

import socket
from typing import Any

import jsonschema.validators
import pytest
from wirearchive.validators import (
    NINJS_VERSIONS,
    SchemaNotFound,
    SchemaRegistry,
    Validator,
    default_registry,
)

DRAFT3_ONLY = {"extends", "disallow", "divisibleBy"}


def test_every_published_ninjs_version_and_our_own_schemas_are_registered() -> None:
    names = set(default_registry().names())
    assert {f"ninjs-{v}" for v in NINJS_VERSIONS} <= names
    assert {"geojson-1.0", "wire-item-1.0", "provenance-1.0", "record-1.0"} <= names
    assert default_registry().resolve_name("profile") == "wire-item-1.0"


@pytest.mark.parametrize("name", sorted(default_registry().names()))
def test_schema_is_valid_against_its_metaschema(name: str) -> None:
    contents = dict(default_registry().contents(name))
    jsonschema.validators.validator_for(contents).check_schema(contents)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(SchemaNotFound, match=r"ninjs-3\.1"):
        default_registry().resolve_name("ninjs-9.9")


def _keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keywords(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keywords(v)}
    return set()


def test_draft3_rewrite_covers_what_ninjs_1_0_uses() -> None:
    registry = default_registry()
    original = registry.contents("ninjs-1.0")
    assert original["$schema"].startswith("http://json-schema.org/draft-03/")
    assert not _keywords(original) & DRAFT3_ONLY
    rewritten = registry.for_rust("ninjs-1.0")
    assert rewritten["required"] == ["uri"]
    assert "required" not in rewritten["properties"]["uri"]
    jsonschema.validators.Draft4Validator.check_schema(rewritten)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_validation_works_with_sockets_disabled(no_network: list[object]) -> None:
    registry = SchemaRegistry.from_package()  # a fresh load, not the cached one
    place = {"name": "Oslo", "geoJSON": {"type": "Point", "coordinates": [10.75, 59.91]}}
    for version in NINJS_VERSIONS:
        validator = Validator(f"ninjs-{version}", registry=registry)
        assert validator.validate({"uri": "urn:x"}).valid, version
    # 3.1 resolves GeoJSON through its remote-looking $ref, from the registry.
    validator = Validator("ninjs-3.1", registry=registry)
    assert validator.validate({"uri": "urn:x", "places": [place]}).valid
    broken = {**place, "geoJSON": {"type": "Point", "coordinates": "north"}}
    assert not validator.validate({"uri": "urn:x", "places": [broken]}).valid
    assert Validator("auto", registry=registry).validate({"uri": "urn:x"}).valid
    assert no_network == []


def test_unknown_remote_ref_is_refused_not_fetched(no_network: list[object]) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://wirearchive.invalid/schemas/remote_1.0.json",
        "$ref": "http://example.com/elsewhere.json",
    }
    # jsonschema-rs resolves references when the registry is built, through our retriever.
    with pytest.raises(ValueError, match="not in the offline registry"):
        SchemaRegistry({"remote-1.0": schema})
    assert no_network == []


def test_profile_errors_explain_the_rule() -> None:
    report = Validator("profile").validate(
        {
            "uri": "not a uri",
            "type": "text",
            "versionCreated": "2024-05-29T10:00:00",
            "language": "ru",
            "headlines": [{"value": "Заголовок"}],
            "bodies": [{"value": "Текст"}],
            "standard": {"name": "ninjs", "version": "3.1", "schema": "x"},
        }
    )
    messages = {p.json_path: p.message for p in report.errors}
    assert "absolute URI" in messages["$.uri"]
    assert "zone" in messages["$.versionCreated"]
    assert "role main" in messages["$.headlines"]
