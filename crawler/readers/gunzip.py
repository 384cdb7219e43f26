"""Gzip-compressed inputs of any format: decompressed with the size limit on what comes out.

Told by its magic bytes (1f 8b), not by a ``.gz`` suffix. The limit applies to the
DECOMPRESSED size: at most ``max_bytes + 1`` bytes are ever inflated, so a gzip bomb is
refused as ``input.too-large`` without filling memory. A corrupt or truncated stream is
``input.gzip``. The inner bytes then go to the reader their content calls for (`choose`),
and every result records a ``gunzip`` step with the compressed file's size and sha256 and a
``choose`` step for the inner reader. Each result's ``raw`` is what the inner reader read
(the decompressed document, or its JSON Lines line), so the archived bytes re-read to the
same item; the step names the exact compressed file. A gzip inside a gzip is refused
(``input.gzip``): nothing a wire service sends is compressed twice, and a gzip quine
would otherwise never end.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import quote

from wirearchive import __version__
from wirearchive.validators import Problem

from .base import Extracted, ReadContext, Reader, Source, WholeReader, step

__all__ = ["READER", "GzipReader", "gunzip"]

NAME = "gunzip"
MEDIA_TYPE = "application/gzip"
MAGIC = b"\x1f\x8b"
#: The URI of bytes that came out of a gzip, before the intake names the file they came from.
_GUNZIPPED = "urn:wirearchive:gunzipped:"


def gunzip(data: bytes, max_bytes: int) -> bytes | Problem:
    """The decompressed bytes (every member), or why not; never inflates past the limit."""
    out = bytearray()
    rest = data
    while True:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            return Problem(rule="input.gzip", message=f"not a valid gzip stream: {exc}")
        if len(out) > max_bytes:
            return Problem(
                rule="input.too-large",
                message=f"decompresses to more than the {max_bytes:,}-byte limit "
                f"({len(data):,} bytes compressed); not read further",
            )
        if not inflater.eof:
            return Problem(
                rule="input.gzip",
                message=f"the gzip stream ends early after {len(out):,} bytes: the file "
                "is truncated",
            )
        rest = inflater.unused_data
        if not rest.strip(b"\x00"):  # padding after the last member is allowed
            return bytes(out)
        if not rest.startswith(MAGIC):
            return Problem(rule="input.gzip", message="data after the gzip stream is not gzip")


def _inner_name(name: str) -> str:
    for suffix in (".gz", ".gzip"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    if name.lower().endswith(".tgz"):
        return name[:-4] + ".tar"
    return name


def _read_inner(
    reader: Reader, data: bytes, name: str, context: ReadContext
) -> Iterator[Extracted]:
    """The inner reader over the decompressed bytes, named like the inner file."""
    read_bytes: Callable[[bytes, str, ReadContext], Iterator[Extracted]] | None = getattr(
        reader, "read_bytes", None
    )
    if read_bytes is not None:
        return read_bytes(data, name, context)
    return reader.read(Source.from_bytes(data, _GUNZIPPED + quote(name), name), context)


class GzipReader(WholeReader):
    """A gzip is small beside what it holds: the cap on the compressed bytes is the same
    limit, and the decompressed size is checked on its own."""

    name: str = NAME
    version: str = __version__
    media_type: str = MEDIA_TYPE
    suffixes: tuple[str, ...] = (".gz", ".gzip")

    def sniff(self, head: bytes, name: str) -> int:
        return 99 if head.startswith(MAGIC) else 0

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        from . import choose  # the registry imports this module: import at call time

        inner = gunzip(data, context.max_bytes)
        if isinstance(inner, Problem):
            yield Extracted(name, self.name, self.version, data, MEDIA_TYPE, problem=inner)
            return
        digest = hashlib.sha256(data).hexdigest()
        unzipped = step("gunzip", f"{len(data):,} bytes (sha256:{digest}) → {len(inner):,} bytes")
        inner_name = _inner_name(name)
        if inner.startswith(MAGIC):
            yield Extracted(
                name, self.name, self.version, data, MEDIA_TYPE, steps=(unzipped,),
                problem=Problem(rule="input.gzip", message="a gzip inside a gzip is not read"),
            )  # fmt: skip
            return
        reader = choose(inner_name, inner[:4096])
        chosen = step("choose", f"{reader.name} (content, inside the gzip)")
        for extracted in _read_inner(reader, inner, inner_name, context):
            yield replace(extracted, path=name, steps=(unzipped, chosen, *extracted.steps))


READER = GzipReader()
