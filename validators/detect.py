"""Tell ninjs versions apart: which published schema a document was written for.

The spelling of the keys decides the major version (1.x flat ``headline`` and
``body_*``, 2.x lowercase arrays such as ``headlines`` and ``versioncreated``, 3.x
camelCase such as ``versionCreated``); a declared ``standard``/``$standard``/``$schema``
picks the minor version when it agrees with that shape. The key sets come from the
schemas themselves, so a new ninjs release needs no code here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .registry import NINJS_VERSIONS, SchemaRegistry

__all__ = ["Detection", "VersionDetector"]

_VERSION_IN = re.compile(r"(\d+\.\d+)")
#: The most distinct keys `VersionDetector` remembers.
_KNOWN_KEYS = 4096


@dataclass(frozen=True, slots=True)
class Detection:
    """The version chosen, and why (shown to people when auto picks something surprising)."""

    version: str
    declared: str | None
    reason: str

    @property
    def schema(self) -> str:
        return f"ninjs-{self.version}"


def _top_level(contents: Mapping[str, Any]) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    # 1.x lists its properties at the top; 2.1 and later under $defs/ninjsType.
    body = contents.get("$defs", {}).get("ninjsType", contents)
    names = frozenset(body.get("properties", {}))
    patterns = tuple(re.compile(p) for p in body.get("patternProperties", {}))
    return names, patterns


def _declared_version(document: Mapping[str, Any]) -> str | None:
    found: list[str] = []
    for key in ("standard", "$standard"):
        declared = document.get(key)
        if not isinstance(declared, dict):
            continue
        name = declared.get("name")
        if isinstance(name, str) and "ninjs" not in name.lower():
            continue  # a declaration of some other standard
        found += [
            v for v in (declared.get("schema"), declared.get("version")) if isinstance(v, str)
        ]
    schema = document.get("$schema")
    if isinstance(schema, str) and "ninjs" in schema.lower():
        found.append(schema)
    for value in found:
        match = _VERSION_IN.search(value)
        if match and match[1] in NINJS_VERSIONS:
            return match[1]
    return None


class VersionDetector:
    """Picks a ninjs version for a document; see the module docstring for the rules."""

    def __init__(
        self, registry: SchemaRegistry, is_valid: Callable[[str, Any], bool] | None = None
    ) -> None:
        newest: dict[str, str] = {}
        for version in NINJS_VERSIONS:
            newest[version.split(".")[0]] = version
        self._newest = newest
        self._keys = {
            major: _top_level(registry.contents(f"ninjs-{version}"))
            for major, version in newest.items()
        }
        self._is_valid = is_valid
        #: Each key seen, with the majors whose schema knows it: a feed repeats the same
        #: few dozen keys, so the pattern matches are done once per key, not per document.
        self._known: dict[str, tuple[str, ...]] = {}

    def _majors(self, key: str) -> tuple[str, ...]:
        majors = self._known.get(key)
        if majors is None:
            majors = tuple(
                major
                for major, (names, patterns) in self._keys.items()
                if key in names or any(p.match(key) for p in patterns)
            )
            if len(self._known) < _KNOWN_KEYS:  # hostile inputs cannot grow it unbounded
                self._known[key] = majors
        return majors

    def _scores(self, document: Mapping[str, Any]) -> dict[str, int]:
        scores = dict.fromkeys(self._keys, 0)
        for key in document:
            for major in self._majors(key) if isinstance(key, str) else ():
                scores[major] += 1
        return scores

    def detect(self, document: Any) -> Detection:
        newest_overall = NINJS_VERSIONS[-1]
        if not isinstance(document, dict):
            return Detection(newest_overall, None, "not an object; checked as the newest ninjs")
        declared = _declared_version(document)
        scores = self._scores(document)
        best = max(scores.values())
        tied = sorted((m for m, s in scores.items() if s == best), reverse=True)
        if declared is not None and declared.split(".")[0] in tied:
            return Detection(declared, declared, "declared, and the keys agree")
        # The keys fit several major versions equally: prefer one the document is valid
        # under, newest first, so that {"uri", "representationtype"} reads as 1.x.
        major = tied[0]
        if len(tied) > 1 and self._is_valid is not None:
            for candidate in tied:
                if self._is_valid(f"ninjs-{self._newest[candidate]}", document):
                    major = candidate
                    break
        version = self._newest[major]
        if declared is not None:
            reason = f"declares ninjs {declared}, but its keys are those of ninjs {major}.x"
        else:
            reason = f"keys of ninjs {major}.x; no version declared, so the newest {major}.x"
        return Detection(version, declared, reason)
