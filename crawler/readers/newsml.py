"""NewsML-G2 newsItems and newsMessages, mapped to ninjs 3.1 the way IPTC's ninjs guide
maps NewsML-G2.

A text newsItem (``ninat:text``, or a composite one whose content is inline text) becomes
a ninjs text item with its body from ``inlineXML`` (NITF ``body.content`` or XHTML
``body``, both as HTML) or ``inlineData``. A picture or video newsItem becomes a ninjs
picture or video with its ``remoteContent`` as renditions, checked against the official
schema. Package, concept, planning and other items, and newsItems of other natures, are
not news content the archive stores: each yields a problem naming its class. A
newsMessage yields one result per item of its ``itemSet``, all sharing the message's
bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from wirearchive import __version__
from wirearchive.text.dateline import parse_dateline
from wirearchive.validators import Problem, Severity

from ._inline import (
    NAR_NS,
    NINJS_31,
    clean,
    expand_qcode,
    html_body,
    kid,
    kid_text,
    kids,
    lang_of,
    nitf_parts,
    normalise_time,
    parse_step,
    read_root,
    root_of,
    words,
)
from ._xml import local_name
from .base import PICTURE_OR_VIDEO, TEXT, Extracted, ReadContext, Source, step

__all__ = ["READER", "NewsMLReader"]

_ITEMS = ("newsItem", "packageItem", "conceptItem", "planningItem", "knowledgeItem", "catalogItem")
_MEDIA_TYPES = {name: f"application/vnd.iptc.g2.{name.lower()}+xml" for name in _ITEMS}
_MESSAGE_TYPE = "application/vnd.iptc.g2.newsmessage+xml"
_PUB_STATUS = frozenset({"usable", "withheld", "canceled"})
_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
#: Subject types (cpnat:...) that ninjs 3.1 keeps in their own arrays.
_SUBJECT_ARRAYS = {
    "person": "people",
    "organisation": "organisations",
    "geoArea": "places",
    "poi": "places",
    "event": "events",
    "object": "objects",
}
_TEXT_KIND = "text"


def _code(qcode_or_uri: str | None) -> str:
    """The code part of a qcode or NewsCodes URI: ``stat:usable`` → ``usable``."""
    value = (qcode_or_uri or "").strip().rstrip("/")
    return value.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


@dataclass(slots=True)
class _Context:
    """What mapping one item needs besides the element."""

    language: str | None
    iptc_catalog: bool
    #: Names that ``assert`` elements give to qcodes and literals.
    asserted: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def warn(self, rule: str, message: str, *path: str | int) -> None:
        self.warnings.append(Problem(rule, message, tuple(path), Severity.WARNING))

    def time(self, raw: str | None, name: str) -> str | None:
        value, warning = normalise_time(raw, name)
        if warning is not None:
            self.warnings.append(warning)
        return value


@dataclass(slots=True)
class _Body:
    value: str
    content_type: str
    how: str


@dataclass(slots=True)
class _Outcome:
    item: dict[str, Any] | None = None
    problem: Problem | None = None
    schema: str = TEXT


def _name(element: etree._Element, ctx: _Context) -> str:
    """The element's ``name`` in the item's language if given, else the first name."""
    names = [(lang_of(n), words(n)) for n in kids(element, "name")]
    names = [(lang, text) for lang, text in names if text]
    if not names:
        return ""
    if ctx.language:
        want = ctx.language.lower()
        for lang, text in names:
            if lang and lang.lower() == want:
                return text
        for lang, text in names:
            if lang and lang.split("-")[0].lower() == want.split("-")[0]:
                return text
    for lang, text in names:
        if lang is None:
            return text
    return names[0][1]


def _concept(element: etree._Element, ctx: _Context) -> dict[str, Any]:
    """A G2 concept (subject, genre, located, creator ...) as ninjs name/uri/literal."""
    qcode = (element.get("qcode") or "").strip()
    literal = (element.get("literal") or "").strip()
    out: dict[str, Any] = {}
    name = _name(element, ctx) or ctx.asserted.get(qcode or literal, "")
    if name:
        out["name"] = name
    uri = (element.get("uri") or "").strip() or expand_qcode(qcode, ctx.iptc_catalog)
    if uri:
        out["uri"] = uri
    if qcode or literal:
        out["literal"] = qcode or literal
    return out


def _asserted(item: etree._Element) -> dict[str, str]:
    names: dict[str, str] = {}
    for assertion in kids(item, "assert"):
        key = (assertion.get("qcode") or assertion.get("literal") or "").strip()
        name = kid_text(assertion, "name")
        if key and name:
            names[key] = name
    return names


def _uses_iptc_catalog(item: etree._Element) -> bool:
    return any(
        "iptc.org/std/catalog/catalog.iptc-g2-standards" in (ref.get("href") or "").lower()
        for ref in kids(item, "catalogRef")
    )


def _language(item: etree._Element, content_meta: etree._Element | None) -> str | None:
    tags = [
        (el.get("role"), (el.get("tag") or "").strip())
        for el in kids(content_meta, "language")
        if (el.get("tag") or "").strip()
    ]
    for role, tag in tags:
        if role is None:
            return tag
    if tags:
        return tags[0][1]
    return lang_of(item)


# --- bodies ------------------------------------------------------------------------------


def _inline_body(inline: etree._Element) -> tuple[_Body | None, dict[str, Any], str | None]:
    """The HTML body of an ``inlineXML``, NITF extras, and why nothing was found."""
    content_type = (inline.get("contenttype") or "").split(";")[0].strip().lower()
    children = [child for child in inline if isinstance(child.tag, str)]
    if not children:
        text = (inline.text or "").strip()
        if text and content_type in ("", "text/plain"):
            return _Body(text, "text/plain", "inlineXML plain text"), {}, None
        return None, {}, None  # empty: the item simply has no text
    first = children[0]
    if local_name(first) == "nitf":
        parts = nitf_parts(first)
        extras: dict[str, Any] = {"nitf": parts}
        if parts.html:
            return _Body(parts.html, "text/html", "NITF body.content → HTML"), extras, None
        return None, extras, None
    is_html = content_type in _HTML_TYPES or local_name(first) == "html"
    if is_html or etree.QName(first).namespace == "http://www.w3.org/1999/xhtml":
        container = first if local_name(first) == "html" else inline
        markup = html_body(container)
        return (_Body(markup, "text/html", "XHTML body → HTML") if markup else None), {}, None
    kind = content_type or f"<{local_name(first)}>"
    return None, {}, f"inlineXML of type {kind} holds no text the archive reads"


def _bodies(
    content_set: etree._Element | None,
) -> tuple[list[_Body], dict[str, Any], list[str]]:
    bodies: list[_Body] = []
    extras: dict[str, Any] = {}
    unread: list[str] = []
    for element in content_set if content_set is not None else ():
        if not isinstance(element.tag, str):
            continue
        name = local_name(element)
        if name == "inlineXML":
            body, more, why = _inline_body(element)
            if body is not None:
                bodies.append(body)
            extras = extras or more
            if why:
                unread.append(why)
        elif name == "inlineData":
            content_type = (element.get("contenttype") or "text/plain").split(";")[0].strip()
            text = element.text or ""
            if content_type.lower() in ("text/plain", *_HTML_TYPES) and text.strip():
                kind = "text/html" if content_type.lower() in _HTML_TYPES else "text/plain"
                bodies.append(_Body(text.strip(), kind, f"inlineData ({content_type})"))
            elif text.strip():
                unread.append(f"inlineData of type {content_type} holds no text the archive reads")
        elif name == "remoteContent" and element.get("href"):
            unread.append(f"the content is remote ({element.get('href')}) and was not fetched")
    return bodies, extras, unread


# --- renditions --------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _number(value: str | None) -> float | int | None:
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None  # "nan", "inf" and negative durations are not JSON numbers we keep
    return int(number) if number.is_integer() else number


def _rendition(element: etree._Element, index: int, ctx: _Context) -> dict[str, Any]:
    name = _code(element.get("rendition") or element.get("renditionuri")) or f"r{index:02d}"
    out: dict[str, Any] = {"name": name}
    href = (element.get("href") or element.get("residref") or "").strip()
    if href:
        out["href"] = href
    if element.get("contenttype"):
        out["contentType"] = element.get("contenttype", "").strip()
    for source, target in (("width", "width"), ("height", "height"), ("size", "sizeInBytes")):
        number = _int(element.get(source))
        if number is not None and number >= 0:
            out[target] = number
    duration = _number(element.get("duration"))
    unit = _code(element.get("durationunit") or "timeunit:seconds").lower()
    if duration is not None and unit in ("seconds", "second", "s", "milliseconds"):
        out["duration"] = duration / 1000 if unit == "milliseconds" else duration
    frame_rate = _number(element.get("videoframerate"))
    if frame_rate is not None:
        out["frameRate"] = frame_rate
    if element.get("videoaspectratio"):
        out["aspectRatio"] = element.get("videoaspectratio", "").strip()
    codec = element.get("videocodec") or element.get("videocodecuri")
    if codec:
        out["videoCodec"] = expand_qcode(codec, ctx.iptc_catalog) or codec.strip()
    scan = _code(element.get("videoscan")).lower()
    if scan in ("progressive", "interlaced"):
        out["scanType"] = scan
    if element.get("format"):
        out["format"] = element.get("format", "").strip()
    return out


# --- one item ------------------------------------------------------------------------------


def _unsupported(kind: str, item_class: str) -> Problem:
    what = f"a NewsML-G2 {kind}" + (f" of itemClass {item_class}" if item_class else "")
    return Problem(
        rule="newsml.unsupported-item",
        message=f"{what} is not news content the archive stores (it keeps text, picture "
        "and video newsItems)",
    )


def _headlines(content_meta: etree._Element | None) -> list[dict[str, Any]]:
    headlines: list[dict[str, Any]] = []
    for element in kids(content_meta, "headline"):
        value = words(element)
        if not value:
            continue
        role = _code(element.get("role")) if element.get("role") else ""
        if not headlines and role.lower() in ("", "main", "headline"):
            role = "main"
        headlines.append({"role": role or "other", "value": value})
    if headlines and not any(h["role"] == "main" for h in headlines):
        headlines[0]["role"] = "main"
    return headlines


def _people_and_subjects(
    content_meta: etree._Element | None, ctx: _Context, out: dict[str, Any]
) -> None:
    for subject in kids(content_meta, "subject"):
        source = kid(subject, "mainConcept")
        source = source if source is not None else subject
        entry = _concept(source, ctx)
        if not entry:
            continue
        kind = _code(subject.get("type")) if subject.get("type") else ""
        target = _SUBJECT_ARRAYS.get(kind, "subjects")
        if target == "subjects":
            relevance = _int(subject.get("relevance"))
            if relevance is not None and 0 <= relevance <= 100:
                entry["relevance"] = relevance
            confidence = _int(subject.get("confidence"))
            if confidence is not None and 0 <= confidence <= 100:
                entry["confidence"] = confidence
            creator = subject.get("creator")
            if creator:
                entry["creator"] = creator.strip()
        out.setdefault(target, []).append(entry)
    for keyword in kids(content_meta, "keyword"):
        text = words(keyword)
        if text:
            out.setdefault("subjects", []).append({"name": text, "rel": "keyword"})


def _map_news_item(item: etree._Element, ctx: _Context) -> _Outcome:
    item_meta = kid(item, "itemMeta")
    content_meta = kid(item, "contentMeta")
    content_set = kid(item, "contentSet")
    item_class_element = kid(item_meta, "itemClass")
    item_class = ""
    if item_class_element is not None:
        item_class = (
            item_class_element.get("qcode") or item_class_element.get("uri") or ""
        ).strip()
    nature = _code(item_class).lower()
    bodies, extras, unread = _bodies(content_set)
    if nature in ("picture", "video"):
        kind, schema = nature, PICTURE_OR_VIDEO
    elif nature == "text":
        kind, schema = _TEXT_KIND, TEXT
    elif nature in ("composite", "") and bodies:
        kind, schema = _TEXT_KIND, TEXT
        ctx.warn(
            "newsml.read-as-text",
            f"a newsItem of itemClass {item_class or '(none)'} with an inline text body: "
            "read as a text item",
            "type",
        )
    elif not item_class:
        return _Outcome(
            problem=Problem(
                rule="newsml.unsupported-item",
                message="a newsItem without itemMeta/itemClass and without an inline text "
                "body: not news content the archive can store",
            )
        )
    else:
        return _Outcome(problem=_unsupported("newsItem", item_class))

    out: dict[str, Any] = {}
    guid = (item.get("guid") or "").strip()
    if guid:
        out["uri"] = guid
    out["type"] = kind
    if (item.get("version") or "").strip():
        out["version"] = item.get("version", "").strip()
    for source, target, parent in (
        ("firstCreated", "firstCreated", item_meta),
        ("versionCreated", "versionCreated", item_meta),
        ("contentCreated", "contentCreated", content_meta),
        ("embargoed", "embargoedUntil", item_meta),
    ):
        element = kid(parent, source)
        if element is not None:
            value = ctx.time(element.text, target)
            if value:
                out[target] = value
    status_element = kid(item_meta, "pubStatus")
    if status_element is not None:
        status = _code(status_element.get("qcode") or status_element.get("uri")).lower()
        if status in _PUB_STATUS:
            out["pubStatus"] = status
        else:
            ctx.warn("newsml.pub-status", f"unknown pubStatus {status!r}; left out", "pubStatus")
    urgency_text = kid_text(content_meta, "urgency")
    if urgency_text:
        urgency = _int(urgency_text)
        if urgency is not None and 1 <= urgency <= 9:
            out["urgency"] = urgency
        else:
            ctx.warn("newsml.urgency", f"urgency {urgency_text!r} is not 1-9; left out", "urgency")
    if ctx.language:
        out["language"] = ctx.language
    title = kid_text(item_meta, "title")
    if title:
        out["title"] = title
    slugline = kid_text(content_meta, "slugline")
    if slugline:
        out["slugline"] = slugline

    nitf = extras.get("nitf")
    headlines = _headlines(content_meta)
    if not headlines and nitf is not None and nitf.headline:
        headlines = [{"role": "main", "value": nitf.headline}]
        ctx.notes.append("headline from NITF hl1")
    if nitf is not None:
        known = {h["value"] for h in headlines}
        headlines += [
            {"role": "subheadline", "value": sub} for sub in nitf.subheadlines if sub not in known
        ]
    if headlines:
        out["headlines"] = headlines

    creators = [_concept(c, ctx) for c in kids(content_meta, "creator")]
    by = kid_text(content_meta, "by")
    if not by and nitf is not None and nitf.by:
        by = nitf.by
    if not by:
        by = ", ".join(c["name"] for c in creators if c.get("name"))
    if by:
        out["by"] = by

    located_element = kid(content_meta, "located")
    located = _name(located_element, ctx) if located_element is not None else ""
    if not located and located_element is not None:
        located = ctx.asserted.get((located_element.get("qcode") or "").strip(), "")
    if not located and nitf is not None and nitf.located:
        located = nitf.located
        ctx.notes.append(f"located from NITF {nitf.located_how}")
    if not located:
        dateline = kid_text(content_meta, "dateline")
        if dateline:
            parsed = parse_dateline(dateline)
            if parsed is not None and parsed.city:
                located = parsed.city
                ctx.notes.append("located from the dateline text (parse_dateline)")
    if located:
        out["located"] = located

    descriptions = []
    for element in kids(content_meta, "description"):
        value = words(element)
        if value:
            entry = {"value": value}
            if element.get("role"):
                entry = {"role": _code(element.get("role")), "value": value}
            descriptions.append(entry)
    if not descriptions and nitf is not None and nitf.abstract:
        descriptions.append({"role": "abstract", "value": nitf.abstract})
    if descriptions:
        out["descriptions"] = descriptions

    if kind == _TEXT_KIND:
        if bodies:
            out["bodies"] = [
                {"role": "main" if i == 0 else f"alternative {i}", "contentType": b.content_type,
                 "value": b.value}
                for i, b in enumerate(bodies)
            ]  # fmt: skip
            ctx.notes.extend(b.how for b in bodies)
        for why in unread:
            ctx.warn("newsml.body-unread", why, "bodies")
    else:
        renditions = [
            _rendition(rc, i, ctx) for i, rc in enumerate(kids(content_set, "remoteContent"))
        ]
        icons = [_rendition(icon, len(renditions) + i, ctx)
                 for i, icon in enumerate(kids(content_meta, "icon"))]  # fmt: skip
        if renditions or icons:
            out["renditions"] = renditions + icons
            ctx.notes.append(f"{len(renditions)} remoteContent, {len(icons)} icon → renditions")

    rights = kid(item, "rightsInfo")
    holder = kid(rights, "copyrightHolder")
    if holder is not None:
        concept = _concept(holder, ctx)
        value = concept.get("name") or concept.get("uri") or concept.get("literal")
        if value:
            out["copyrightHolder"] = value
    for source, target in (("copyrightNotice", "copyrightNotice"), ("usageTerms", "usageTerms")):
        text = kid_text(rights, source)
        if text:
            out[target] = text
    ed_note = kid_text(item_meta, "edNote")
    if ed_note:
        out["edNote"] = ed_note

    _people_and_subjects(content_meta, ctx, out)
    for creator, element in zip(creators, kids(content_meta, "creator"), strict=True):
        if creator:
            rel = _code(element.get("role")) if element.get("role") else "author"
            person = {**creator, "rel": rel}
            kind_of = _code(element.get("type")) if element.get("type") else ""
            out.setdefault("organisations" if kind_of == "organisation" else "people", []).append(
                person
            )
    if located_element is not None:
        place = _concept(located_element, ctx)
        if place:
            out.setdefault("places", []).insert(0, {**place, "rel": "located"})
    genres = [g for g in (_concept(el, ctx) for el in kids(content_meta, "genre")) if g]
    if genres:
        out["genres"] = genres
    sources = []
    for element in kids(content_meta, "infoSource"):
        entry = _concept(element, ctx)
        if entry and element.get("role"):
            entry["role"] = _code(element.get("role"))
        if entry:
            sources.append(entry)
    if sources:
        out["infoSources"] = sources
    alt_ids = []
    for element in kids(content_meta, "altId"):
        value = clean(element.text)
        if value:
            alt_ids.append({"role": (element.get("type") or "").strip() or "altId", "value": value})
    if alt_ids:
        out["altIds"] = alt_ids
    associations = []
    for link in kids(item_meta, "link"):
        target = (link.get("residref") or link.get("href") or "").strip()
        if target:
            rel = (link.get("rel") or "").strip()
            entry = {"name": _code(rel) or "link", "uri": target}
            if rel:
                entry["rel"] = rel
            associations.append(entry)
    if associations:
        out["associations"] = associations
    source_type = kid(content_meta, "digitalSourceType")
    if source_type is not None:
        concept = _concept(source_type, ctx)
        if concept:
            out["digitalSourceType"] = concept
    out["standard"] = dict(NINJS_31)
    return _Outcome(item=out, schema=schema)


# --- the reader ----------------------------------------------------------------------------


class NewsMLReader:
    name: str = "newsml-g2"
    version: str = __version__
    suffixes: tuple[str, ...] = (".xml", ".newsml", ".g2")

    def sniff(self, head: bytes, name: str) -> int:
        root = root_of(head)
        if root is None:
            return 0
        local, namespace, _ = root
        if local in ("newsItem", "newsMessage"):
            return {NAR_NS: 98, "": 85}.get(namespace, 30)
        if local in _ITEMS:
            return {NAR_NS: 90, "": 60}.get(namespace, 20)
        return 0

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        read = read_root(source, context, self.name, self.version)
        if isinstance(read, Extracted):
            yield read
            return
        data, root = read
        parsed = parse_step(root, data)
        name = local_name(root)
        if name == "newsMessage":
            item_set = kid(root, "itemSet")
            items = (
                [el for el in item_set if isinstance(el.tag, str)] if item_set is not None else []
            )
            if not items:
                yield Extracted(
                    source.name, self.name, self.version, data, _MESSAGE_TYPE, steps=(parsed,),
                    problem=Problem(rule="newsml.empty-message",
                                    message="the newsMessage has no items in its itemSet"),
                )  # fmt: skip
                return
            counts: dict[str, int] = {}
            for element in items:
                kind = local_name(element)
                counts[kind] = counts.get(kind, 0) + 1
                yield self._one(source, data, element, _MESSAGE_TYPE, parsed,
                                part=f"{kind} {counts[kind]}")  # fmt: skip
            return
        if name not in _ITEMS:
            yield Extracted(
                source.name, self.name, self.version, data, "application/xml", steps=(parsed,),
                problem=Problem(
                    rule="newsml.not-an-item",
                    message=f"the root element is <{name}>, not a NewsML-G2 newsItem, "
                    "newsMessage or other item (a fragment?)",
                ),
            )  # fmt: skip
            return
        yield self._one(source, data, root, _MEDIA_TYPES[name], parsed, part=None)

    def _one(
        self,
        source: Source,
        data: bytes,
        element: etree._Element,
        media_type: str,
        parsed: dict[str, str],
        part: str | None,
    ) -> Extracted:
        kind = local_name(element)
        content_meta = kid(element, "contentMeta")
        ctx = _Context(
            language=_language(element, content_meta),
            iptc_catalog=_uses_iptc_catalog(element),
            asserted=_asserted(element),
        )
        if kind == "newsItem":
            outcome = _map_news_item(element, ctx)
        else:
            item_class = kid(kid(element, "itemMeta"), "itemClass")
            cls = (item_class.get("qcode") or "") if item_class is not None else ""
            outcome = _Outcome(
                problem=_unsupported(kind, cls)
                if kind in _ITEMS
                else Problem(
                    rule="newsml.unsupported-item",
                    message=f"<{kind}> in the itemSet is not a NewsML-G2 item",
                )
            )
        steps = [parsed]
        if outcome.item is not None:
            version = (element.get("standardversion") or "").strip() or "?"
            steps.append(step("map", f"NewsML-G2 {version} {kind} → ninjs 3.1 "
                                     f"{outcome.item.get('type')}"))  # fmt: skip
            if ctx.iptc_catalog:
                steps.append(step("qcodes", "IPTC NewsCodes aliases expanded to URIs"))
            steps.extend(step("map", note) for note in ctx.notes)
        return Extracted(
            source.name,
            self.name,
            self.version,
            data,
            media_type,
            item=outcome.item,
            problem=outcome.problem,
            part=part,
            steps=tuple(steps),
            warnings=tuple(ctx.warnings),
            schema=outcome.schema,
        )


READER = NewsMLReader()
