"""The offline schema registry: every schema we know, loaded from package data.

No schema is ever fetched from the network, whatever a ``$ref`` says: both engines get
a retriever that refuses, with an error that names the URI. Schemas are read once per
process; compiled validators are cached by name (see `structural`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import orjson

if TYPE_CHECKING:
    import referencing

__all__ = [
    "NINJS_VERSIONS",
    "PROFILE",
    "SchemaNotFound",
    "SchemaRegistry",
    "default_registry",
]

#: Every published ninjs version, oldest first.
NINJS_VERSIONS: tuple[str, ...] = (
    "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1", "2.2", "3.0", "3.1",
)  # fmt: skip

#: The name of the archive's own profile (a ninjs 3.1 text item with what an archive needs).
PROFILE = "profile"

_FILE_NAME = re.compile(r"^(?P<stem>[a-z-]+?)(?:-schema)?_(?P<version>\d+\.\d+)\.json$")
_OWN_PREFIX = "https://wirearchive.invalid/"
_DRAFT3 = "http://json-schema.org/draft-03/schema#"
_DRAFT4 = "http://json-schema.org/draft-04/schema#"


class SchemaNotFound(LookupError):
    """A schema name or ``$ref`` URI that the offline registry does not hold."""


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    uri: str
    contents: Mapping[str, Any]


def _schema_uri(contents: Mapping[str, Any]) -> str:
    uri = contents.get("$id") or contents.get("id")
    if not isinstance(uri, str):
        raise ValueError(f"schema {contents.get('title')!r} has no $id")
    return uri.rstrip("#")


def _entry_name(file_name: str) -> str:
    match = _FILE_NAME.match(file_name)
    if match is None:
        raise ValueError(f"schema file {file_name!r} is not named <name>_<version>.json")
    return f"{match['stem']}-{match['version']}"


def _draft3_to_draft4(schema: Any) -> Any:
    """Rewrite draft-03's per-property ``"required": true`` as draft-04's list.

    ninjs 1.0 is the only draft-03 schema we hold and uses no other draft-03-only keyword
    (tests/validators/test_registry.py checks that); jsonschema-rs starts at draft 4.
    """
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                required = [
                    key
                    for key, sub in properties.items()
                    if isinstance(sub, dict) and sub.pop("required", False) is True
                ]
                if required:
                    node["required"] = required
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    schema["$schema"] = _DRAFT4
    return schema


def _refuse(uri: str) -> Any:
    raise SchemaNotFound(f"schema {uri!r} is not in the offline registry (network access is off)")


def _refuse_resource(uri: str) -> referencing.Resource[Any]:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class; mypy misses it


def _schema_files() -> Iterator[Any]:
    """The files of the ``wirearchive.schemas`` package: from its folder when it has one
    (importlib.resources, with the tempfile and shutil it imports, is a tenth of the
    start of ``wirearchive validate``), else through importlib.resources (a zip)."""
    package = import_module("wirearchive.schemas")
    origin = getattr(package, "__file__", None)
    if origin is not None and Path(origin).parent.is_dir():
        return Path(origin).parent.iterdir()
    from importlib.resources import files

    return files(package).iterdir()


class SchemaRegistry:
    """Named schemas plus the resources their ``$ref``s point at, for both engines."""

    def __init__(self, schemas: Mapping[str, Mapping[str, Any]]) -> None:
        self._by_name: dict[str, _Entry] = {}
        for name, contents in schemas.items():
            self._by_name[name] = _Entry(name, _schema_uri(contents), contents)
        self._rs_registry = jsonschema_rs.Registry(
            [(entry.uri, self.for_rust(entry.name)) for entry in self._by_name.values()],
            retriever=_refuse,
        )

    @cached_property
    def referencing_registry(self) -> referencing.Registry[Any]:
        """The same schemas for python-jsonschema (built on first use: it is not on the
        fast path)."""
        import referencing

        resources = [
            (entry.uri, referencing.Resource.from_contents(entry.contents))
            for entry in self._by_name.values()
        ]
        registry: referencing.Registry[Any] = referencing.Registry(
            retrieve=_refuse_resource  # type: ignore[call-arg]
        )
        return registry.with_resources(resources)

    @classmethod
    def from_package(cls) -> SchemaRegistry:
        """Load every ``*.json`` shipped in ``wirearchive/schemas``."""
        schemas: dict[str, Mapping[str, Any]] = {}
        for resource in sorted(_schema_files(), key=lambda r: r.name):
            if resource.name.endswith(".json"):
                schemas[_entry_name(resource.name)] = orjson.loads(resource.read_bytes())
        return cls(schemas)

    def names(self) -> Iterator[str]:
        return iter(self._by_name)

    def resolve_name(self, name: str) -> str:
        """Map a user-facing name (``profile``, ``ninjs-3.1``) to a registry name."""
        if name == PROFILE:
            name = "wire-item-1.0"
        if name not in self._by_name:
            known = ", ".join(sorted([PROFILE, *self._by_name]))
            raise SchemaNotFound(f"unknown schema {name!r} (known: {known})")
        return name

    def uri(self, name: str) -> str:
        return self._by_name[self.resolve_name(name)].uri

    def contents(self, name: str) -> Mapping[str, Any]:
        return self._by_name[self.resolve_name(name)].contents

    def for_rust(self, name: str) -> Any:
        """The schema as jsonschema-rs compiles it (draft 3 rewritten as draft 4)."""
        contents = self.contents(name)
        if contents.get("$schema") == _DRAFT3:
            return _draft3_to_draft4(contents)
        return contents

    def describe(self, name: str, schema_path: Sequence[str | int]) -> str | None:
        """The ``description`` of the subschema a failing keyword sits in, for messages.

        Only our own schemas are described (theirs are written for people, ours for error
        messages), and the walk stops at a ``$ref`` into another document.
        """
        entry = self._by_name[self.resolve_name(name)]
        if not entry.uri.startswith(_OWN_PREFIX):
            return None
        node: Any = entry.contents
        found: str | None = None
        for step in schema_path[:-1]:
            if step == "$ref":
                ref = node.get("$ref") if isinstance(node, dict) else None
                if not isinstance(ref, str) or not ref.startswith("#/"):
                    return None
                node = entry.contents
                for part in ref[2:].split("/"):
                    node = node.get(part) if isinstance(node, dict) else None
            elif isinstance(node, dict):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                return None
            if isinstance(node, dict) and isinstance(node.get("description"), str):
                found = node["description"]
        keyword_value = (
            node.get(schema_path[-1]) if isinstance(node, dict) and schema_path else None
        )
        if isinstance(keyword_value, dict) and "$ref" in keyword_value:
            return self.describe(name, [*schema_path, "$ref", "_"]) or found
        return found

    @property
    def rs_registry(self) -> Any:
        return self._rs_registry


@cache
def default_registry() -> SchemaRegistry:
    """The registry of the schemas this package ships, loaded once per process."""
    return SchemaRegistry.from_package()
