"""NITF 3.x documents (with or without the 2006-10-18 namespace, in any declared encoding)
as ninjs 3.1 text items.

``head/docdata`` gives the identity and the dates: ``doc-id`` becomes a ``urn:nitf:`` URI,
``date.issue`` the version's time, ``date.release`` (the time before which the document
may not be released) ``embargoedUntil``, ``management-status`` (or a kill ``ed-msg``) the
``pubStatus`` that tells the archive a story is withheld or canceled. ``body.head`` gives
the headlines, byline, dateline and abstract; ``body.content`` and ``body.end`` the main
body as HTML.

A document without an identifier, a date or a language (IPTC's own fishing sample has
none) gets them the way the text reader does, each with a warning in the record: an id
from the file's name, the capture time, and the language of its text. Validation still
refuses what cannot be had that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from lxml import etree
from wirearchive import __version__
from wirearchive.text.language import detect_language
from wirearchive.validators import Problem, Severity

from ._inline import (
    NINJS_31,
    NITF_NS,
    clean,
    kid,
    kid_text,
    kids,
    lang_of,
    nitf_parts,
    normalise_time,
    parse_step,
    read_root,
    root_of,
)
from ._xml import local_name
from .base import TEXT, Extracted, ReadContext, Source, step

__all__ = ["READER", "NitfReader"]

#: IPTC's name for NITF content (as NewsML-G2 ``inlineXML/@contenttype`` writes it).
MEDIA_TYPE = "application/nitf+xml"
_SUBJECT_CODES = "http://cv.iptc.org/newscodes/subjectcode/"
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://\S+|urn:\S+|tag:\S+)$")


def _fill_gaps(
    item: dict[str, Any],
    steps: list[dict[str, str]],
    warnings: list[Problem],
    stem: str,
    context: ReadContext,
) -> None:
    """Identity, time and language for a document that declares none, each with a warning."""

    def warn(rule: str, field: str, message: str) -> None:
        warnings.append(Problem(rule, message, (field,), Severity.WARNING))
        steps.append(step("fallback", f"{field}: {message}"))

    if "uri" not in item:
        slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "item"
        item["uri"] = f"urn:wirearchive:nitf:{slug}"
        warn("nitf.uri-from-file", "uri", f"no doc-id: {item['uri']} made from the file name")
    if "versionCreated" not in item:
        item["versionCreated"] = context.retrieved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        warn("time.capture-time", "versionCreated",
             f"no date.issue: the capture time {item['versionCreated']} stands in")  # fmt: skip
    if "language" not in item:
        text = " ".join(
            str(entry.get("value", ""))
            for entry in item.get("bodies", [])
            if isinstance(entry, dict)
        )
        language = detect_language(re.sub(r"<[^>]+>", " ", text))
        if language:
            item["language"] = language
            warn("language.detected", "language", f"none declared: {language} read from the text")


#: docdata/@management-status values that are ninjs 3.1 pubStatus values too.
_MANAGEMENT_STATUS = frozenset({"usable", "withheld", "canceled"})
#: ed-msg/@msg-type values that take a story out of use (a kill message).
_KILL_MESSAGES = frozenset({"kill", "killed", "withdraw", "withdrawal", "withdrawn", "cancel"})


def _pub_status(
    docdata: etree._Element | None, message: etree._Element | None
) -> tuple[str | None, str, Problem | None]:
    """ninjs ``pubStatus`` from ``docdata/@management-status``, else from a kill ``ed-msg``.

    ``embargoed`` is not a pubStatus in ninjs: the embargo is ``embargoedUntil``.
    """
    raw = (docdata.get("management-status") or "").strip().lower() if docdata is not None else ""
    if raw in _MANAGEMENT_STATUS:
        return raw, "docdata/@management-status", None
    kind = (message.get("msg-type") or "").strip().lower() if message is not None else ""
    if kind in _KILL_MESSAGES:
        return "canceled", f"ed-msg/@msg-type {kind!r}", None
    if raw and raw != "embargoed":
        problem = Problem(
            "nitf.management-status",
            f"unknown management-status {raw!r}; left out",
            ("pubStatus",),
            Severity.WARNING,
        )
        return None, "", problem
    return None, "", None


def _uri(nitf: etree._Element, docdata: etree._Element | None) -> tuple[str | None, str]:
    """The item's URI from ``doc-id`` (or the root's ``uno``), and how it was made."""
    doc_id = kid(docdata, "doc-id")
    ident = (doc_id.get("id-string") or "").strip() if doc_id is not None else ""
    source = (doc_id.get("regsrc") or "").strip() if doc_id is not None else ""
    how = "doc-id/@id-string"
    if not ident:
        ident, source, how = (nitf.get("uno") or "").strip(), "", "nitf/@uno"
    if not ident:
        return None, ""
    if _ABSOLUTE.match(ident):
        return ident, f"{how} (already a URI)"
    safe = "-._~!$&'()*+,;=:@"
    parts = [quote(part, safe=safe) for part in (source, ident) if part]
    return "urn:nitf:" + ":".join(parts), f"{how} → urn:nitf:" + (
        "<regsrc>:" if source else ""
    ) + "<id>"


def _when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _language(nitf: etree._Element) -> tuple[str | None, str]:
    for element, how in (
        (nitf, "nitf/@baselang"),
        (nitf, "nitf/@xml:lang"),
        (kid(nitf, "head"), "head/@xml:lang"),
        (kid(nitf, "body"), "body/@xml:lang"),
    ):
        if element is None:
            continue
        value = element.get("baselang") if how.endswith("baselang") else lang_of(element)
        if value and value.strip():
            return value.strip().replace("_", "-"), how
    return None, ""


def _subjects(head: etree._Element | None) -> list[dict[str, Any]]:
    subjects: list[dict[str, Any]] = []
    for tobject in kids(head, "tobject"):
        for subject in kids(tobject, "tobject.subject"):
            entry: dict[str, Any] = {}
            name = next(
                (
                    value.strip()
                    for key in ("tobject.subject.detail", "tobject.subject.matter",
                                "tobject.subject.type")
                    if (value := subject.get(key)) and value.strip()
                ),
                "",
            )  # fmt: skip
            if name:
                entry["name"] = name
            refnum = (subject.get("tobject.subject.refnum") or "").strip()
            ipr = (subject.get("tobject.subject.ipr") or "IPTC").strip().upper()
            if refnum:
                if ipr == "IPTC" and re.fullmatch(r"\d{8}", refnum):
                    entry["uri"] = _SUBJECT_CODES + refnum
                entry["literal"] = refnum
            if entry:
                subjects.append(entry)
    return subjects


class NitfReader:
    name: str = "nitf"
    version: str = __version__
    suffixes: tuple[str, ...] = (".xml", ".nitf")

    def sniff(self, head: bytes, name: str) -> int:
        root = root_of(head)
        if root is None or root[0] != "nitf":
            return 0
        _, namespace, attrs = root
        if namespace == NITF_NS or "NITF" in attrs or b"<!DOCTYPE nitf" in head:
            return 95
        return 85 if namespace == "" else 30

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        read = read_root(source, context, self.name, self.version)
        if isinstance(read, Extracted):
            yield read
            return
        data, root = read
        if local_name(root) != "nitf":
            yield Extracted(
                source.name, self.name, self.version, data, "application/xml",
                problem=Problem(
                    rule="nitf.not-nitf",
                    message=f"the root element is <{local_name(root)}>, not <nitf>",
                ),
            )  # fmt: skip
            return
        item, steps, warnings = self._map(root)
        _fill_gaps(item, steps, warnings, source.stem, context)
        parsed = parse_step(root, data)
        yield Extracted(
            source.name,
            self.name,
            self.version,
            data,
            MEDIA_TYPE,
            item=item,
            steps=(parsed, *steps),
            warnings=tuple(warnings),
            schema=TEXT,
        )

    def _map(
        self, nitf: etree._Element
    ) -> tuple[dict[str, Any], list[dict[str, str]], list[Problem]]:
        head = kid(nitf, "head")
        docdata = kid(head, "docdata")
        parts = nitf_parts(nitf)
        notes: list[str] = []
        warnings: list[Problem] = []

        def time(element_name: str, attribute: str, target: str) -> str | None:
            parent = kid(head, "pubdata") if element_name == "pubdata" else docdata
            element = kid(parent, element_name)
            if element is None:
                return None
            value, warning = normalise_time(element.get(attribute), target)
            if warning is not None:
                warnings.append(warning)
            return value

        out: dict[str, Any] = {}
        uri, how = _uri(nitf, docdata)
        if uri:
            out["uri"] = uri
            notes.append(f"uri from {how}")
        out["type"] = "text"
        issued = time("date.issue", "norm", "versionCreated")
        if issued is None:
            issued = time("pubdata", "date.publication", "versionCreated")
            if issued is not None:
                notes.append("versionCreated from pubdata/@date.publication (no date.issue)")
        if issued is not None:
            out["versionCreated"] = issued
        release = time("date.release", "norm", "embargoedUntil")
        release_at, issued_at = _when(release), _when(issued)
        if release and release_at and (issued_at is None or release_at > issued_at):
            out["embargoedUntil"] = release
        urgency_element = kid(docdata, "urgency")
        if urgency_element is not None and urgency_element.get("ed-urg"):
            raw = urgency_element.get("ed-urg", "").strip()
            if raw.isdigit() and 1 <= int(raw) <= 9:
                out["urgency"] = int(raw)
            else:
                warnings.append(Problem("nitf.urgency", f"ed-urg {raw!r} is not 1-9; left out",
                                        ("urgency",), Severity.WARNING))  # fmt: skip
        language, how = _language(nitf)
        if language:
            out["language"] = language
            notes.append(f"language from {how}")
        title = kid_text(head, "title")
        if title:
            out["title"] = title
        headline = parts.headline
        if not headline and title:
            headline = title
            notes.append("main headline from head/title (no hl1)")
        headlines = [{"role": "main", "value": headline}] if headline else []
        headlines += [{"role": "subheadline", "value": sub} for sub in parts.subheadlines]
        if headlines:
            out["headlines"] = headlines
        if parts.by:
            out["by"] = parts.by
        if parts.located:
            out["located"] = parts.located
            notes.append(f"located from {parts.located_how}")
        descriptions = []
        if parts.abstract:
            descriptions.append({"role": "abstract", "value": parts.abstract})
        descriptions += [{"role": "note", "value": note} for note in parts.notes]
        if descriptions:
            out["descriptions"] = descriptions
        if parts.html:
            out["bodies"] = [{"role": "main", "contentType": "text/html", "value": parts.html}]
            notes.append("body.content and body.end → HTML")
        copyright_element = kid(docdata, "doc.copyright")
        holder = (
            (copyright_element.get("holder") or "").strip() if copyright_element is not None else ""
        )
        if holder:
            out["copyrightHolder"] = holder
        rights = kid(docdata, "doc.rights")
        limitations = (rights.get("limitations") or "").strip() if rights is not None else ""
        if limitations:
            out["usageTerms"] = limitations
        message = kid(docdata, "ed-msg")
        ed_note = clean(message.get("info")) if message is not None else ""
        if ed_note:
            out["edNote"] = ed_note
        status, how, problem = _pub_status(docdata, message)
        if status:
            out["pubStatus"] = status
            notes.append(f"pubStatus from {how}")
        if problem is not None:
            warnings.append(problem)
        subjects = _subjects(head)
        for key_list in kids(docdata, "key-list"):
            for keyword in kids(key_list, "keyword"):
                if (keyword.get("key") or "").strip():
                    subjects.append({"name": keyword.get("key", "").strip(), "rel": "keyword"})
        if subjects:
            out["subjects"] = subjects
        if parts.people:
            out["people"] = [{"name": name, "rel": "author"} for name in parts.people]
        places = []
        for evloc in kids(docdata, "evloc"):
            name = next(
                (
                    value.strip()
                    for key in ("city", "county-dist", "state-prov", "iso-cc")
                    if (value := evloc.get(key)) and value.strip()
                ),
                "",
            )
            if name:
                places.append({"name": name, "rel": "event location"})
        if places:
            out["places"] = places
        if parts.distributors:
            out["infoSources"] = [{"name": d, "role": "distributor"} for d in parts.distributors]
        out["standard"] = dict(NINJS_31)
        steps = [step("map", "NITF " + (self._version(nitf) or "3.x") + " → ninjs 3.1 text")]
        steps += [step("map", note) for note in notes]
        return out, steps, warnings

    @staticmethod
    def _version(nitf: etree._Element) -> str:
        match = re.search(r"NITF (\d+\.\d+)", nitf.get("version") or "")
        return match.group(1) if match else ""


READER = NitfReader()
