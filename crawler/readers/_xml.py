"""Parse untrusted XML safely: no entity expansion, no DTD loading, no network, no files.

libxml2 is told not to resolve entities, not to load DTDs and not to touch the network,
and a document that declares entities at all (billion laughs, XXE with ``file://`` or
``http://`` system ids) is refused before parsing, with a clear message. A plain
``<!DOCTYPE nitf SYSTEM "nitf.dtd">`` is fine: it is never fetched.
"""

from __future__ import annotations

import re
from typing import Any, cast

from lxml import etree
from wirearchive.text.encoding import Decoded, decode
from wirearchive.validators import Problem

__all__ = ["local_name", "parse_xml", "prepare", "text_of"]

_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)(?:\s+(SYSTEM|PUBLIC)\s+(\"[^\"]*\"|'[^']*'))?")
_PROLOG_LIMIT = 1 << 20  # entity declarations live in the DOCTYPE, before the root


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def _declared_entities(data: bytes) -> Problem | None:
    head = data[:_PROLOG_LIMIT]
    doctype = head.find(b"<!DOCTYPE")
    if doctype == -1:
        return None
    match = _ENTITY.search(head, doctype)
    if match is None:
        return None
    name = match.group(2).decode("utf-8", "replace")
    kind = "external" if match.group(3) else "internal"
    target = match.group(4).decode("utf-8", "replace") if match.group(4) else ""
    extra = f" pointing to {target}" if target else ""
    return Problem(
        rule="xml.entities",
        message=f"the document declares an {kind} entity {name!r}{extra}: entity "
        "declarations are refused (billion laughs, XXE), nothing was expanded or fetched",
    )


#: White space (or a BOM) before the XML declaration, which libxml2 refuses ("XML
#: declaration allowed only at the start of the document") and feeds often have.
_BEFORE_DECLARATION = re.compile(
    rb"\A(\xef\xbb\xbf)?([ \t\r\n]*)(\xef\xbb\xbf)?(?=<\?xml[ \t\r\n])"
)
_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=", re.S)


def prepare(data: bytes) -> tuple[bytes, str | None] | Problem:
    """The bytes libxml2 should parse, and what was done to them (None: nothing).

    Leading white space before ``<?xml`` is dropped (the BOM kept). A document with no
    BOM and no declared encoding that is not UTF-8 (the XML default) is decoded the way
    `decode` tells Cyrillic charsets apart, and handed over as UTF-8; mojibake is refused.
    """
    notes = []
    match = _BEFORE_DECLARATION.match(data)
    if match is not None and (match.group(2) or (match.group(1) and match.group(3))):
        bom = b"\xef\xbb\xbf" if match.group(1) or match.group(3) else b""
        data = bom + data[match.end() :]
        notes.append(f"{len(match.group(0)) - len(bom)} bytes of white space before <?xml dropped")
    undeclared = not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if undeclared and not _DECLARED.match(data) and b"\x00" not in data[:1024]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            decoded = decode(data)
            if not isinstance(decoded, Decoded):
                return Problem(rule=decoded.rule, message=decoded.message)
            data = decoded.text.encode("utf-8")
            notes.append(f"no charset declared and not UTF-8: read as {decoded.step}")
    return data, "; ".join(notes) or None


def parse_xml(data: bytes) -> etree._Element | Problem:
    """The root element of `data`, or the problem that keeps it from being trusted."""
    prepared = prepare(data)
    if isinstance(prepared, Problem):
        return prepared
    data = prepared[0]
    refused = _declared_entities(data)
    if refused is not None:
        return refused
    if not data.strip():
        return Problem(rule="xml.syntax", message="empty input, not an XML document")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        message = str(exc.msg or exc)
        if "amplification" in message or "entity reference loop" in message.lower():
            # Declarations the byte scan could not see (UTF-16, past the first MiB) that
            # libxml2 stopped on by itself: refused for the same reason.
            return Problem(
                rule="xml.entities",
                message=f"{message} (line {line}): entity declarations are refused "
                "(billion laughs, XXE), nothing was expanded or fetched",
            )
        truncated = "end of data" in message.lower() or "premature end" in message.lower()
        where = "" if f"line {line}," in message else f" (line {line})"  # libxml2 may say
        return Problem(
            rule="xml.truncated" if truncated else "xml.syntax",
            message=f"{message}{where}" + (": the document is truncated" if truncated else ""),
        )
    if root is None:
        return Problem(rule="xml.syntax", message="no root element")
    # The byte scan above cannot see declarations in a UTF-16 or UTF-32 document, or past
    # its first MiB; libxml2 has not expanded them (resolve_entities is off), but such a
    # document must be refused all the same rather than read with its references
    # left as "&name;" text.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in cast(Any, dtd).entities():  # lxml-stubs lack DTD.entities
            return Problem(
                rule="xml.entities",
                message=f"the document declares an entity {entity.name!r}: entity "
                "declarations are refused (billion laughs, XXE), nothing was expanded or fetched",
            )
    return root


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace: NITF and NewsML come with and without."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def text_of(element: etree._Element | None) -> str:
    """All the text inside an element, whitespace collapsed."""
    if element is None:
        return ""
    return " ".join("".join(t for t in element.itertext() if isinstance(t, str)).split())
