"""ninjs documents in JSON and JSON Lines, any published version, upgraded to 3.1."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property, partial
from typing import BinaryIO

from wirearchive import __version__
from wirearchive.validators import (
    Document,
    Problem,
    Validator,
    VersionDetector,
    default_registry,
    read_stream,
)

from .base import Extracted, ReadContext, Source, step
from .upgrade import upgrade

__all__ = ["READER", "NinjsReader"]

_LINES = (".jsonl", ".ndjson")


class NinjsReader:
    name = "ninjs"
    version = __version__
    suffixes = (".json", *_LINES)

    @cached_property
    def _detector(self) -> VersionDetector:
        registry = default_registry()
        return VersionDetector(registry, Validator("ninjs-3.1", registry=registry).engine.is_valid)

    def sniff(self, head: bytes, name: str) -> int:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"{"):
            return 90
        if text.startswith(b"["):
            return 40
        return 5 if name.lower().endswith(self.suffixes) else 0

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        lines = source.suffix in _LINES
        media_type = "application/jsonl" if lines else "application/json"
        with source.open() as handle:
            yield from self._documents(handle, source.name, lines, media_type, context)

    def _documents(
        self, handle: BinaryIO, name: str, lines: bool, media_type: str, context: ReadContext
    ) -> Iterator[Extracted]:
        documents = read_stream(handle, name, lines=lines, max_bytes=context.max_bytes)
        for document in documents:
            yield self.extract(document, media_type, owned=True)  # parsed here, for this

    def extract(
        self, document: Document, media_type: str = "application/json", *, owned: bool = False
    ) -> Extracted:
        """The item one parsed document makes (detected, upgraded), or why it makes none.

        Public so that an ingest can check the lines of a JSON Lines file in other
        processes, each line exactly as `read` would. With `owned` (the document was parsed
        for this call alone) a 3.1 item is its data itself, not a copy.
        """
        make = partial(
            Extracted,
            document.path,
            self.name,
            self.version,
            document.raw,
            "application/json" if document.line else media_type,
            line=document.line,
            part=None if document.index is None else f"item {document.index + 1}",
        )
        if document.problem is not None:
            return make(problem=document.problem)
        data = document.data
        if not isinstance(data, dict):
            kind = type(data).__name__.replace("NoneType", "null")
            problem = Problem(
                rule="schema.type", message=f"a ninjs item is a JSON object, not {kind}"
            )
            return make(problem=problem)
        detection = self._detector.detect(data)
        steps = [step("detect", f"ninjs {detection.version}: {detection.reason}")]
        upgraded = upgrade(data, detection.version, owned=owned)
        if upgraded.steps:
            done = "; ".join(upgraded.steps)
            steps.append(step("upgrade", f"ninjs {detection.version} to 3.1: {done}"))
        if upgraded.dropped:
            steps.append(step("drop", "; ".join(upgraded.dropped)))
        return make(item=upgraded.item, steps=tuple(steps))


READER = NinjsReader()
