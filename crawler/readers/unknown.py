"""Inputs no reader takes: XML of an unsupported vocabulary, and archives.

An SVG, a word processor's XML or any XML that is no news format must not be read as
plain text (the text reader would make a "story" of its markup): it is refused as
``input.unknown-format``, naming its root element and namespace (or, when it is not even
well-formed, as ``xml.syntax``/``xml.truncated`` with the line, as any XML). A zip archive (a .docx,
an .epub, a bundle of wire files) is refused as ``input.archive``: archives are not
unpacked, since what is inside would arrive without names or provenance of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from wirearchive import __version__
from wirearchive.validators import Problem

from ._inline import root_of
from ._xml import parse_xml
from .base import Extracted, ReadContext, WholeReader

__all__ = ["READER", "UnknownFormat", "refusal"]

NAME = "unknown"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def refusal(head: bytes) -> Problem | None:
    """Why bytes starting with `head` are refused, or None when this module has no say."""
    if head.startswith(_ZIP):
        return Problem(
            rule="input.archive",
            message="a zip archive (PK\\x03\\x04), not a news document: archives are not "
            "unpacked; unzip it and hand over the files inside",
        )
    root = root_of(head)
    if root is None:
        return None
    local, namespace, _ = root
    where = f" in namespace {namespace}" if namespace else " (no namespace)"
    return Problem(
        rule="input.unknown-format",
        message=f"an XML document with root <{local}>{where} is none of the formats read "
        "here (ninjs, NewsML-G2, NewsML 1.2, NITF, IPTC 7901, ANPA 1312, RSS/Atom, HTML); "
        "not read as text",
    )


class UnknownFormat(WholeReader):
    """The choice when no reader is sure of a file that is XML or an archive."""

    name: str = NAME
    version: str = __version__
    suffixes: tuple[str, ...] = ()

    def sniff(self, head: bytes, name: str) -> int:
        return 1 if refusal(head) is not None else 0

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        problem = refusal(data[:4096]) or Problem(
            rule="input.unknown-format", message="none of the formats read here"
        )
        if problem.rule == "input.unknown-format":
            # Broken XML is broken whatever its vocabulary: its line and the rule first.
            parsed = parse_xml(data)
            if isinstance(parsed, Problem):
                found = root_of(data[:4096])
                root = f"root <{found[0]}>" if found is not None else "its root"
                problem = Problem(
                    rule=parsed.rule,
                    message=f"{parsed.message} ({root} is of none of the formats read here)",
                )
        media_type = "application/zip" if problem.rule == "input.archive" else "application/xml"
        yield Extracted(name, self.name, self.version, data, media_type, problem=problem)


READER = UnknownFormat()
