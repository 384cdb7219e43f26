"""What the NewsML-G2 and NITF readers share: bounded reading, parsing with clear problems,
root sniffing, RFC 3339 times, IPTC qcodes, and NITF or XHTML bodies rendered as HTML.

A NewsML-G2 newsItem carries its text as NITF or XHTML inside ``inlineXML``, and a NITF
file is the same NITF on its own, so both readers take bodies, headlines, bylines and
datelines from `nitf_parts` and `html_body`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from wirearchive.text.dateline import parse_dateline
from wirearchive.validators import Problem, Severity

from ._xml import local_name, parse_xml
from .base import Extracted, ReadContext, Source, step, too_large

__all__ = [
    "NAR_NS",
    "NINJS_31",
    "NITF_NS",
    "NitfParts",
    "all_text",
    "clean",
    "expand_qcode",
    "html_body",
    "kid",
    "kid_text",
    "kids",
    "lang_of",
    "nitf_parts",
    "normalise_time",
    "parse",
    "parse_step",
    "root_of",
    "words",
]

NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
NITF_NS = "http://iptc.org/std/NITF/2006-10-18/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
NINJS_31 = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}

# --- reading and parsing -------------------------------------------------------------


_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _error_at_end(data: bytes, message: str) -> bool:
    """Whether libxml2 stopped at the very end of the data: the file was cut short."""
    match = re.search(r"line (\d+), column (\d+)", message)
    if match is None or "mismatch" in message or "Extra content" in message:
        return False
    line, column = int(match.group(1)), int(match.group(2))
    lines = data.rstrip().split(b"\n")
    return line >= len(lines) and column >= len(lines[-1])


def read_root(
    source: Source, context: ReadContext, reader: str, version: str
) -> tuple[bytes, etree._Element] | Extracted:
    """The input's bytes and parsed root, or the `Extracted` problem that stops the reader."""
    data = source.read(context.max_bytes)
    if data is None:
        problem = too_large(context.max_bytes)
        return Extracted(source.name, reader, version, None, "application/xml", problem=problem)
    root = parse(data)
    if isinstance(root, Problem):
        return Extracted(source.name, reader, version, data, "application/xml", problem=root)
    return data, root


def parse(data: bytes) -> etree._Element | Problem:
    """`parse_xml`, with the failures a person can act on told apart.

    Empty files, binary files, bytes that are not in the declared encoding and files
    cut short each get their own rule; everything else stays ``xml.syntax``.
    """
    if not data.strip():
        return Problem(rule="input.empty", message="the file is empty, not an XML document")
    parsed = parse_xml(data)
    if not isinstance(parsed, Problem) or parsed.rule != "xml.syntax":
        return parsed
    message = parsed.message
    if b"\x00" in data[:1024] and not data.startswith(_UTF16_32_BOMS) and b"<\x00" not in data[:8]:
        return Problem(rule="input.binary", message="binary data (NUL bytes), not an XML document")
    if "invalid bytes in character encoding" in message.lower() or "encoding" in message.lower():
        declared = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data.lstrip())
        name = declared.group(1).decode("ascii") if declared else "UTF-8 (the XML default)"
        return Problem(
            rule="input.encoding",
            message=f"the bytes are not {name} as declared: {message}; the file is "
            "mis-encoded or declares the wrong encoding",
        )
    if _error_at_end(data, message):
        return Problem(
            rule="xml.truncated", message=f"{message}: the document is truncated (cut short)"
        )
    return parsed


def parse_step(root: etree._Element, data: bytes) -> dict[str, str]:
    """The provenance of a parse: the parser, its settings, and how the encoding was set."""
    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    if data.startswith(_UTF16_32_BOMS) or data.startswith(b"\xef\xbb\xbf"):
        how = "byte order mark"
    elif re.match(rb"\s*<\?xml[^>]*encoding=", data):
        how = "declared"
    else:
        how = "the XML default"
    versions = (
        f"lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))} / libxml2 "
        f"{'.'.join(map(str, etree.LIBXML_VERSION))}"
    )
    return step("parse", f"{versions}; {encoding} ({how}); entities, DTDs and network off")


_ROOT = re.compile(
    r"\A\ufeff?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*"
    r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)([^>]*)",
    re.S,
)


def root_of(head: bytes) -> tuple[str, str, str] | None:
    """The root element of a document from its first bytes: (local name, namespace, attrs).

    Comments, processing instructions and a DOCTYPE before the root are skipped, so an
    element named in a comment never counts; the namespace is "" when none is declared.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif head[:2] == b"<\x00":
        text = head.decode("utf-16-le", errors="ignore")
    elif head[:2] == b"\x00<":
        text = head.decode("utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")
        if text.startswith("\xef\xbb\xbf"):
            text = text[3:]
    match = _ROOT.match(text)
    if match is None:
        return None
    qualified, attrs = match.groups()
    prefix, _, local = qualified.rpartition(":")
    xmlns = "xmlns:" + prefix if prefix else "xmlns"
    declared = re.search(rf"(?:^|\s){re.escape(xmlns)}\s*=\s*[\"']([^\"']*)[\"']", attrs)
    return local, declared.group(1) if declared else "", attrs


# --- navigating elements with or without a namespace -----------------------------------


def kids(element: etree._Element | None, name: str) -> list[etree._Element]:
    """The child elements called `name`, whatever their namespace."""
    if element is None:
        return []
    return [child for child in element if isinstance(child.tag, str) and local_name(child) == name]


def kid(element: etree._Element | None, name: str) -> etree._Element | None:
    found = kids(element, name)
    return found[0] if found else None


def descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for node in element.iter():
        if isinstance(node.tag, str) and local_name(node) == name:
            yield node


def clean(text: str | None) -> str:
    """Text with its white space collapsed, as a person would read it."""
    return " ".join(text.split()) if text else ""


def all_text(element: etree._Element) -> str:
    """All the text inside an element, as written."""
    return "".join(text for text in element.itertext() if isinstance(text, str))


def words(element: etree._Element) -> str:
    """All the text inside an element, white space collapsed."""
    return clean(all_text(element))


def kid_text(element: etree._Element | None, name: str) -> str:
    found = kid(element, name)
    return words(found) if found is not None else ""


def lang_of(element: etree._Element) -> str | None:
    """The element's own ``xml:lang``."""
    value = element.get(XML_LANG)
    return value.strip() if value and value.strip() else None


# --- times -----------------------------------------------------------------------------

_EXTENDED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?"
    r"\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_BASIC = re.compile(
    r"(\d{4})(\d{2})(\d{2})(?:[Tt](\d{2})(\d{2})(\d{2})?(\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def _zone(raw: str | None) -> str | None:
    if raw is None:
        return None
    if raw in ("Z", "z"):
        return "Z"
    digits = raw[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(raw)
    return f"{raw[0]}{hours:02d}:{minutes:02d}"


def normalise_time(raw: str | None, name: str) -> tuple[str | None, Problem | None]:
    """An XML or NITF date-time as zoned RFC 3339, keeping its offset, and any warning.

    Missing seconds are completed. A date without a time becomes midnight UTC and a time
    without an offset is read as UTC, each with a warning; anything else is left out,
    with a warning.
    """
    value = (raw or "").strip()
    if not value:
        return None, None
    match = _EXTENDED.fullmatch(value) or _BASIC.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        year, month, day, hour, minute, second, fraction, zone_raw = match.groups()
        zone = _zone(zone_raw)
        datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                 min(int(second or 0), 59))  # fmt: skip
    except ValueError:
        return None, Problem(
            rule="time.unparsable",
            message=f"{name} {value!r} is not a date and time; left out",
            path=(name,),
            severity=Severity.WARNING,
        )
    date = f"{year}-{month}-{day}"
    if hour is None:
        return f"{date}T00:00:00{zone or 'Z'}", Problem(
            rule="time.date-only",
            message=f"{name} {value!r} has no time of day; read as midnight"
            + ("" if zone else " UTC"),
            path=(name,),
            severity=Severity.WARNING,
        )
    moment = f"{date}T{hour}:{minute}:{second or '00'}{fraction or ''}"
    if zone is None:
        return moment + "Z", Problem(
            rule="time.zone-assumed",
            message=f"{name} {value!r} has no UTC offset; read as UTC",
            path=(name,),
            severity=Severity.WARNING,
        )
    return moment + zone, None


# --- qcodes ----------------------------------------------------------------------------

#: Aliases of IPTC NewsCodes schemes in the IPTC G2 Standards catalog
#: (http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_NN.xml).
IPTC_SCHEMES = {
    "medtop": "http://cv.iptc.org/newscodes/mediatopic/",
    "subj": "http://cv.iptc.org/newscodes/subjectcode/",
    "genre": "http://cv.iptc.org/newscodes/genre/",
    "ninat": "http://cv.iptc.org/newscodes/ninature/",
    "cpnat": "http://cv.iptc.org/newscodes/cpnature/",
    "drol": "http://cv.iptc.org/newscodes/descriptionrole/",
    "stat": "http://cv.iptc.org/newscodes/pubstatusg2/",
    "rnd": "http://cv.iptc.org/newscodes/rendition/",
    "nprov": "http://cv.iptc.org/newscodes/newsprovider/",
    "digsrctype": "http://cv.iptc.org/newscodes/digitalsourcetype/",
    "scene": "http://cv.iptc.org/newscodes/scene/",
    "vcdc": "http://cv.iptc.org/newscodes/videocodec/",
}


def expand_qcode(qcode: str | None, iptc_catalog: bool) -> str | None:
    """The URI of an IPTC qcode (``medtop:20000523``) when the item uses IPTC's catalog."""
    if not qcode or not iptc_catalog:
        return None
    alias, sep, code = qcode.strip().partition(":")
    scheme = IPTC_SCHEMES.get(alias)
    if not sep or scheme is None or not code or any(c.isspace() for c in code):
        return None
    return scheme + code


# --- bodies as HTML --------------------------------------------------------------------

#: NITF elements and their HTML equivalents; NITF elements not named here (person, org,
#: location, chron, money, num, block, ...) are unwrapped, keeping their text.
_NITF_TAGS = {
    "p": "p", "hl1": "h1", "hl2": "h2", "ul": "ul", "ol": "ol", "li": "li", "dl": "dl",
    "dt": "dt", "dd": "dd", "bq": "blockquote", "pre": "pre", "hr": "hr", "br": "br",
    "fn": "aside", "note": "aside", "table": "table", "caption": "caption", "col": "col",
    "colgroup": "colgroup", "thead": "thead", "tbody": "tbody", "tfoot": "tfoot", "tr": "tr",
    "th": "th", "td": "td", "em": "em", "a": "a", "q": "q", "sub": "sub", "sup": "sup",
    "lang": "span", "credit": "p", "byline": "p", "dateline": "p", "copyrite": "p",
    "datasource": "p", "tagline": "p", "bibliography": "p",
}  # fmt: skip
#: NITF metadata with no text for readers.
_NITF_SKIP = frozenset(
    {"tobject", "key-list", "classifier", "media-reference", "media-metadata", "media-object",
     "nitf-table-metadata", "nitf-col", "nitf-colgroup"}
)  # fmt: skip
_KEPT_ATTRIBUTES = frozenset(
    {"href", "colspan", "rowspan", "align", "valign", "span", "start", "type", "scope"}
)
#: HTML elements that never belong in an archived body.
_HTML_DROP = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset"})
_CONTAINERS = frozenset(
    {"div", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup",
     "blockquote", "figure", "aside", "body", "article", "section", "header", "footer"}
)  # fmt: skip
_TEXT_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption",
     "figcaption", "small"}
)  # fmt: skip


def _unsafe_url(value: str) -> bool:
    return re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(("javascript:", "vbscript:"))


def _attributes(element: etree._Element) -> list[tuple[str, str]]:
    return [(str(key), str(value)) for key, value in element.attrib.items()]


def _add_text(out: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(out):
        last = out[len(out) - 1]
        last.tail = (last.tail or "") + text
    else:
        out.text = (out.text or "") + text


def _nitf_into(source: etree._Element, out: etree._Element) -> None:
    _add_text(out, source.text)
    for child in source:
        if isinstance(child.tag, str):
            name = local_name(child)
            if name == "media":
                _nitf_media(child, out)
            elif name == "nitf-table-metadata":
                for summary in kids(child, "nitf-table-summary"):  # the table's summary only
                    _nitf_into(summary, out)
            elif name in _NITF_TAGS:
                made = etree.SubElement(out, _NITF_TAGS[name])
                for key, value in _attributes(child):
                    if key == XML_LANG:
                        made.set("lang", value)
                    elif key in _KEPT_ATTRIBUTES and not (key == "href" and _unsafe_url(value)):
                        made.set(key, value)
                if name == "lang" and child.get("lang"):
                    made.set("lang", child.get("lang", ""))
                _nitf_into(child, made)
            elif name not in _NITF_SKIP:
                _nitf_into(child, out)  # unwrap: keep the text, drop the element
        _add_text(out, child.tail)


def _nitf_media(media: etree._Element, out: etree._Element) -> None:
    """A NITF ``media`` block becomes a figure with its caption and credit, no file."""
    captions = kids(media, "media-caption")
    producers = kids(media, "media-producer")
    if not any(words(el) for el in (*captions, *producers)):
        return
    figure = etree.SubElement(out, "figure")
    caption = etree.SubElement(figure, "figcaption")
    for element in captions:
        _nitf_into(element, caption)
        _add_text(caption, " ")
    for element in producers:
        _nitf_into(element, etree.SubElement(caption, "small"))


def _html_into(source: etree._Element, out: etree._Element) -> None:
    _add_text(out, source.text)
    for child in source:
        if isinstance(child.tag, str) and local_name(child).lower() not in _HTML_DROP:
            made = etree.SubElement(out, local_name(child))
            for key, value in _attributes(child):
                qname = etree.QName(key)
                if key == XML_LANG:
                    made.set("lang", value)
                elif (
                    qname.namespace
                    or qname.localname.lower().startswith("on")
                    or (qname.localname.lower() in ("href", "src", "action") and _unsafe_url(value))
                ):
                    continue
                else:
                    made.set(qname.localname, value)
            _html_into(child, made)
        _add_text(out, child.tail)


def _in_pre(element: etree._Element) -> bool:
    return any(node.tag == "pre" for node in element.iterancestors()) or element.tag == "pre"


def _tidy(root: etree._Element) -> None:
    """Collapse source indentation to single spaces and drop it between blocks."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if not _in_pre(element):
            element.text = re.sub(r"\s+", " ", element.text) if element.text else None
        parent = element.getparent()
        if element.tail and (parent is None or not _in_pre(parent)):
            element.tail = re.sub(r"\s+", " ", element.tail)
        if element.tag in _CONTAINERS or element is root:
            if element.text is not None and not element.text.strip():
                element.text = None
            for child in element:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
        if element.tag in _TEXT_BLOCKS:
            if element.text:
                element.text = element.text.lstrip() or None
            last = element[len(element) - 1] if len(element) else None
            if last is not None and last.tail:
                last.tail = last.tail.rstrip() or None
            elif last is None and element.text:
                element.text = element.text.rstrip() or None


def _serialise(root: etree._Element) -> str:
    _tidy(root)
    for child in list(root)[:-1]:
        child.tail = (child.tail or "") + "\n"
    markup = etree.tostring(root, method="html", encoding="unicode")
    return markup[len("<div>") : -len("</div>")].strip()


def _has_text(element: etree._Element) -> bool:
    return bool(all_text(element).strip())


def nitf_html(*containers: etree._Element | None) -> str:
    """NITF block content (``body.content``, ``body.end``) as one HTML fragment."""
    root = etree.Element("div")
    for container in containers:
        if container is not None:
            _nitf_into(container, root)
    return _serialise(root) if _has_text(root) else ""


def html_body(container: etree._Element) -> str:
    """XHTML (``html``, its ``body``, or bare block elements) as an HTML fragment."""
    body = container
    if local_name(container) == "html":
        found = kid(container, "body")
        body = found if found is not None else container
    root = etree.Element("div")
    _html_into(body, root)
    return _serialise(root) if _has_text(root) else ""


# --- NITF --------------------------------------------------------------------------------


@dataclass(slots=True)
class NitfParts:
    """What a NITF ``body`` says, ready for ninjs."""

    headline: str = ""
    subheadlines: list[str] = field(default_factory=list)
    by: str = ""
    people: list[str] = field(default_factory=list)
    located: str = ""
    #: How `located` was found, for the provenance steps.
    located_how: str = ""
    abstract: str = ""
    notes: list[str] = field(default_factory=list)
    distributors: list[str] = field(default_factory=list)
    html: str = ""


def _byline(byline: etree._Element) -> str:
    """``By Meredith Jameson, <byttl>Staff Reporter</byttl>`` → "By Meredith Jameson, Staff
    Reporter": the statement, then each title after a comma."""
    titles = [words(t) for t in kids(byline, "byttl")]
    parts = [byline.text or ""]
    for child in byline:
        if isinstance(child.tag, str) and local_name(child) != "byttl":
            parts.append(all_text(child))
        parts.append(child.tail or "")
    statement = clean("".join(parts)).rstrip(" ,;/-")
    return ", ".join(part for part in (statement, *titles) if part)


def _dateline_city(dateline: etree._Element) -> tuple[str, str]:
    """The city a NITF dateline names, and how it was found; ("", "") when unsure."""
    for city in descendants(dateline, "city"):
        if words(city):
            return words(city), "dateline/location/city"
    for location in descendants(dateline, "location"):
        if words(location):
            return words(location), "dateline/location"
    text = words(dateline)
    if not text:
        return "", ""
    parsed = parse_dateline(text)
    if parsed is not None and parsed.city:
        return parsed.city, "dateline text (parse_dateline)"
    # A dateline of just a place name, as NTB writes them ("Unnao").
    bare = text.rstrip(" ,.:;-–—")
    if bare and len(bare) <= 60 and not any(c.isdigit() for c in bare) and "(" not in bare:
        return bare, "dateline text (a place name alone)"
    return "", ""


def nitf_parts(nitf: etree._Element) -> NitfParts:
    """Headlines, byline, dateline, abstract and body of a ``nitf`` element."""
    parts = NitfParts()
    body = kid(nitf, "body")
    head = kid(body, "body.head")
    hedline = kid(head, "hedline")
    parts.headline = kid_text(hedline, "hl1")
    parts.subheadlines = [text for el in kids(hedline, "hl2") if (text := words(el))]
    bylines = [text for el in kids(head, "byline") if (text := _byline(el))]
    parts.by = "; ".join(bylines)
    parts.people = [
        text
        for byline in kids(head, "byline")
        for person in kids(byline, "person")
        if (text := words(person))
    ]
    for dateline in kids(head, "dateline"):
        parts.located, parts.located_how = _dateline_city(dateline)
        if parts.located:
            break
    abstracts = kids(head, "abstract")
    parts.abstract = "\n".join(words(el) for el in abstracts if _has_text(el))
    parts.notes = [words(n) for n in kids(head, "note") if _has_text(n)]
    parts.distributors = [text for el in kids(head, "distributor") if (text := words(el))]
    parts.html = nitf_html(kid(body, "body.content"), kid(body, "body.end"))
    return parts
