"""NewsML 1.2 documents (AFP, Business Wire, ANA-MPE and others) as ninjs 3.1 text items.

Each ``NewsML/NewsItem`` becomes one item (``part`` "NewsItem N" when a document holds
several), all sharing the document's bytes. Per NewsItem:

- ``uri``: ``Identification/NewsIdentifier/PublicIdentifier`` without its revision
  (``urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86:1`` → ``...:TX-PAR-FXW86``) so that
  revisions become versions of one item; the ``RevisionId`` is the ``version`` and the whole
  identifier an ``altIds`` ``publicIdentifier``.
- ``NewsManagement``: ``ThisRevisionCreated`` → ``versionCreated``, ``FirstCreated`` →
  ``firstCreated``, ``Status`` (Usable, Withheld, Canceled) → ``pubStatus``, ``Urgency`` →
  ``urgency``.
- ``NewsLines`` (the first that has a ``HeadLine``, nested components included):
  ``HeadLine``, ``SubHeadLine``, ``ByLine`` (else the ``Creator`` party), ``DateLine``
  (through `parse_dateline` → ``located``), ``CopyrightLine`` → ``copyrightNotice``,
  ``SlugLine`` → ``slugline``, an ``AdvisoryLine`` → ``edNote``.
- ``DescriptiveMetadata``: ``Language`` (else ``xml:lang``, else the text's language, with
  a warning), ``SubjectCode`` → IPTC subject codes, ``Genre`` → ``genres``, ``Keyword``
  properties → keyword subjects; ``UsageType`` → ``usageTerms``.
- the body: the text ``ContentItem`` (a ``Role`` Body or Main first; style sheets and
  pictures are not text) with NITF (``body.content``), XHTML, bare HTML elements, HTML in
  CDATA, or plain text in its ``DataContent``, as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from wirearchive import __version__
from wirearchive.text.dateline import parse_dateline
from wirearchive.text.encoding import Undecodable, decode
from wirearchive.text.language import detect_language
from wirearchive.validators import Problem, Severity

from ._inline import (
    NINJS_31,
    descendants,
    html_body,
    kid,
    kid_text,
    kids,
    lang_of,
    nitf_html,
    normalise_time,
    parse,
    parse_step,
    root_of,
    words,
)
from ._xml import local_name
from .base import Extracted, ReadContext, WholeReader, step
from .feed import sanitize_html

__all__ = ["READER", "NewsML1Reader", "read_bytes"]

NAME = "newsml-1.2"
#: IANA's media type for NewsML 1.
MEDIA_TYPE = "text/vnd.IPTC.NewsML"
_SUBJECT_CODES = "http://cv.iptc.org/newscodes/subjectcode/"
_STATUS = {"usable": "usable", "withheld": "withheld", "canceled": "canceled",
           "cancelled": "canceled"}  # fmt: skip
_NOT_TEXT = re.compile(r"css|jpe?g|gif|png|image|video|audio|stylesheet|logo|photo", re.I)
_BODY_ROLES = ("body", "main")


def _formal(element: etree._Element | None) -> str:
    return (element.get("FormalName") or "").strip() if element is not None else ""


def _news_lines(component: etree._Element) -> etree._Element | None:
    """The NewsLines that carry the headline: the first one with a HeadLine, at any depth."""
    found = list(descendants(component, "NewsLines"))
    with_headline = [lines for lines in found if kid_text(lines, "HeadLine")]
    return with_headline[0] if with_headline else (found[0] if found else None)


def _content_items(component: etree._Element) -> list[etree._Element]:
    """Text ContentItems, those of a Body or Main component first."""
    items = []
    for item in descendants(component, "ContentItem"):
        kinds = " ".join(_formal(kid(item, name)) for name in ("MediaType", "Format", "MimeType"))
        parent = item.getparent()
        role = _formal(kid(parent, "Role")).lower() if parent is not None else ""
        if _NOT_TEXT.search(kinds) or (role and _NOT_TEXT.search(role)):
            continue
        if kid(item, "DataContent") is None:
            continue
        items.append((0 if role in _BODY_ROLES else 1, role, item))
    items.sort(key=lambda entry: entry[0])
    return [item for _, role, item in items if role not in ("headline", "subheadline", "contact")]


def _body(content: etree._Element) -> tuple[str, str]:
    """The DataContent as HTML, and what it held."""
    data = kid(content, "DataContent")
    if data is None:
        return "", ""
    nitf = kid(data, "nitf")
    if nitf is not None:
        body = kid(nitf, "body")
        return nitf_html(kid(body, "body.content"), kid(body, "body.end")), "NITF body.content"
    html_root = kid(data, "html")
    if html_root is not None:
        return html_body(html_root), "XHTML"
    if any(isinstance(child.tag, str) for child in data):
        return html_body(data), "HTML elements"
    text = (data.text or "").strip()
    if not text:
        return "", ""
    if re.search(r"<[A-Za-z][^>]*>", text):
        return sanitize_html(text), "HTML text (CDATA)"
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs), "plain text"


class _Item:
    """Mapping one NewsItem; collects the steps and warnings on the way."""

    def __init__(self, news_item: etree._Element, envelope: etree._Element | None) -> None:
        self.element = news_item
        self.envelope = envelope
        self.steps: list[dict[str, str]] = []
        self.warnings: list[Problem] = []

    def warn(self, rule: str, message: str, path: str) -> None:
        self.warnings.append(Problem(rule, message, (path,), Severity.WARNING))

    def time(self, raw: str | None, name: str) -> str | None:
        value, warning = normalise_time(raw, name)
        if warning is not None:
            self.warnings.append(warning)
        return value

    def identity(self, out: dict[str, Any]) -> None:
        ident = kid(kid(self.element, "Identification"), "NewsIdentifier")
        public = kid_text(ident, "PublicIdentifier")
        revision = kid_text(ident, "RevisionId")
        if public:
            out["altIds"] = [{"role": "publicIdentifier", "value": public}]
            base = re.sub(rf":{re.escape(revision)}[A-Za-z]?$", "", public) if revision else public
            out["uri"] = base
            self.steps.append(step("map", "uri from PublicIdentifier without its RevisionId"))
        elif ident is not None:
            parts = [kid_text(ident, n) for n in ("ProviderId", "DateId", "NewsItemId")]
            if all(parts):
                out["uri"] = "urn:newsml:" + ":".join(parts)
                self.steps.append(step("map", "uri from ProviderId, DateId and NewsItemId"))
        if revision:
            out["version"] = revision

    def management(self, out: dict[str, Any]) -> None:
        management = kid(self.element, "NewsManagement")
        revised = self.time(kid_text(management, "ThisRevisionCreated"), "versionCreated")
        first = self.time(kid_text(management, "FirstCreated"), "firstCreated")
        if revised is None and self.envelope is not None:
            revised = self.time(kid_text(self.envelope, "DateAndTime"), "versionCreated")
            if revised is not None:
                self.steps.append(step("map", "versionCreated from NewsEnvelope/DateAndTime"))
        if revised:
            out["versionCreated"] = revised
        if first:
            out["firstCreated"] = first
        status = _formal(kid(management, "Status"))
        if status:
            mapped = _STATUS.get(status.lower())
            if mapped:
                out["pubStatus"] = mapped
            else:
                self.warn("newsml1.status", f"Status {status!r} is not Usable, Withheld or "
                          "Canceled; pubStatus left out", "pubStatus")  # fmt: skip
        urgency = _formal(kid(management, "Urgency"))
        if urgency.isdigit() and 1 <= int(urgency) <= 9:
            out["urgency"] = int(urgency)

    def lines(self, out: dict[str, Any], component: etree._Element | None) -> None:
        news_lines = _news_lines(component) if component is not None else None
        headline = kid_text(news_lines, "HeadLine")
        headlines = [{"role": "main", "value": headline}] if headline else []
        headlines += [
            {"role": "subheadline", "value": text}
            for el in kids(news_lines, "SubHeadLine")
            if (text := words(el))
        ]
        if headlines:
            out["headlines"] = headlines
        by = kid_text(news_lines, "ByLine")
        if not by and component is not None:
            creators = [
                _formal(party)
                for creator in descendants(component, "Creator")
                for party in kids(creator, "Party")
            ]
            by = ", ".join(c for c in creators if c)
        if by:
            out["by"] = by
        dateline_text = kid_text(news_lines, "DateLine")
        dateline = parse_dateline(dateline_text) if dateline_text else None
        if dateline is not None:
            out["located"] = dateline.city
            if dateline.agency:
                out["infoSources"] = [{"name": dateline.agency, "role": "source"}]
            self.steps.append(step("dateline", f"{dateline_text!r}: {dateline.city}"))
        copyright_line = kid_text(news_lines, "CopyrightLine")
        if copyright_line:
            out["copyrightNotice"] = copyright_line
        slug = kid_text(news_lines, "SlugLine")
        if slug:
            out["slugline"] = slug
        advisories = [
            words(text)
            for line in kids(news_lines, "NewsLine")
            if _formal(kid(line, "NewsLineType")).lower() == "advisoryline"
            for text in kids(line, "NewsLineText")
        ]
        if advisories:
            out["edNote"] = "\n".join(a for a in advisories if a)

    def metadata(self, out: dict[str, Any], component: etree._Element | None) -> str | None:
        """Subjects, genres, keywords and rights; the declared language, if any."""
        language = None
        subjects: list[dict[str, Any]] = []
        seen: set[str] = set()
        genres: list[dict[str, Any]] = []
        descriptive = [d for d in descendants(component, "DescriptiveMetadata")] if (
            component is not None
        ) else []  # fmt: skip
        for meta in descriptive:
            if language is None and _formal(kid(meta, "Language")):
                language = _formal(kid(meta, "Language"))
            for code in kids(meta, "SubjectCode"):
                for subject in code:
                    value = _formal(subject) if isinstance(subject.tag, str) else ""
                    if value and value not in seen:
                        seen.add(value)
                        entry: dict[str, Any] = {"literal": value, "rel": "about"}
                        if re.fullmatch(r"\d{8}", value):
                            entry["uri"] = _SUBJECT_CODES + value
                        subjects.append(entry)
            for genre in kids(meta, "Genre"):
                if _formal(genre) and {"name": _formal(genre)} not in genres:
                    genres.append({"name": _formal(genre)})
            for prop in kids(meta, "Property"):
                if _formal(prop) == "Keyword" and (prop.get("Value") or "").strip():
                    if prop.get("Role"):
                        continue  # AFP's "PersonInImage": about the pictures, not the text
                    subjects.append({"name": prop.get("Value", "").strip(), "rel": "keyword"})
        if subjects:
            out["subjects"] = subjects
        if genres:
            out["genres"] = genres
        if component is not None:
            usage = [words(u) for u in descendants(component, "UsageType") if words(u)]
            if usage:
                out["usageTerms"] = "; ".join(usage)
        return language

    def body(self, out: dict[str, Any], component: etree._Element | None) -> None:
        for content in _content_items(component) if component is not None else []:
            value, how = _body(content)
            if value:
                out["bodies"] = [{"role": "main", "contentType": "text/html", "value": value}]
                self.steps.append(step("map", f"body from DataContent ({how})"))
                return

    def language(self, out: dict[str, Any], declared: str | None) -> None:
        tag = declared
        how = "DescriptiveMetadata/Language"
        if not tag:
            tag, how = lang_of(self.element), "NewsItem/@xml:lang"
        if tag:
            out["language"] = tag.replace("_", "-").lower() if len(tag) <= 3 else tag
            self.steps.append(step("map", f"language from {how}"))
            return
        text = " ".join(
            [
                str(h.get("value", "")) for h in out.get("headlines", [])
            ] + [re.sub(r"<[^>]+>", " ", str(b.get("value", ""))) for b in out.get("bodies", [])]
        )  # fmt: skip
        detected = detect_language(text)
        if detected:
            out["language"] = detected
            self.warn("language.detected", f"none declared: {detected} read from the text",
                      "language")  # fmt: skip

    def map(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.identity(out)
        out["type"] = "text"
        self.management(out)
        component = kid(self.element, "NewsComponent")
        self.lines(out, component)
        declared = self.metadata(out, component)
        self.body(out, component)
        self.language(out, declared)
        out["standard"] = dict(NINJS_31)
        return out


_LATIN_DECLARED = re.compile(
    rb"\A(\s*<\?xml[^>]*encoding=[\"'])(iso-8859-1|latin-?1|iso_8859-1|windows-1252|cp1252)([\"'])",
    re.IGNORECASE,
)


def _declared_latin_but_utf8(data: bytes) -> bytes | None:
    """The document with its declaration corrected when it says Latin-1 but its bytes are
    UTF-8 (AFP's NewsML 1.2 feed does this): read as Latin-1, every accent would be mojibake.
    """
    match = _LATIN_DECLARED.match(data)
    if match is None or data.isascii():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return match.group(1) + b"utf-8" + match.group(3) + data[match.end() :]


def _mojibake(item: dict[str, Any], data: bytes) -> Problem | None:
    """Text that was decoded with the wrong charset before it was sent is refused; the
    message names the line of the file where the mojibake stands."""
    text = "\n".join(
        [str(h.get("value", "")) for h in item.get("headlines", [])]
        + [str(b.get("value", "")) for b in item.get("bodies", [])]
    )
    checked = decode(text.encode("utf-8"), "utf-8")
    if not isinstance(checked, Undecodable):
        return None
    found = re.search(r"holds mojibake '(.+?)'", checked.message)
    at = data.find(found.group(1).encode("utf-8")) if found else -1
    newline = b"\n"
    where = f"line {data.count(newline, 0, at) + 1}" if at >= 0 else "the text"
    return Problem(
        rule=checked.rule,
        message=re.sub(r"^line \d+", where, checked.message),
    )


def read_bytes(data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
    """Every NewsItem of a NewsML 1.2 document's bytes, each an item or its problem."""
    del context  # nothing in NewsML 1.2 depends on it; the signature matches the readers'
    corrected = _declared_latin_but_utf8(data)
    root = parse(corrected if corrected is not None else data)
    if isinstance(root, Problem):
        yield Extracted(name, NAME, __version__, data, MEDIA_TYPE, problem=root)
        return
    parsed = parse_step(root, data)
    warnings: list[Problem] = []
    if corrected is not None:
        declared = _LATIN_DECLARED.match(data)
        label = declared.group(2).decode() if declared else "Latin-1"
        parsed = step("parse", parsed["detail"] + f"; read as UTF-8, not the declared {label}")
        warnings.append(
            Problem(
                "input.charset-corrected",
                f"the document declares {label} but its bytes are UTF-8; read as UTF-8",
                (),
                Severity.WARNING,
            )
        )
    if local_name(root) != "NewsML":
        yield Extracted(
            name, NAME, __version__, data, MEDIA_TYPE, steps=(parsed,),
            problem=Problem(rule="newsml1.not-newsml",
                            message=f"the root element is <{local_name(root)}>, not <NewsML>"),
        )  # fmt: skip
        return
    items = kids(root, "NewsItem")
    if not items:
        yield Extracted(
            name, NAME, __version__, data, MEDIA_TYPE, steps=(parsed,),
            problem=Problem(rule="newsml1.empty", message="the NewsML document has no NewsItem"),
        )  # fmt: skip
        return
    envelope = kid(root, "NewsEnvelope")
    version = (root.get("Version") or "").strip() or "1.x"
    for index, element in enumerate(items, start=1):
        mapper = _Item(element, envelope)
        item = mapper.map()
        part = f"NewsItem {index}" if len(items) > 1 else None
        problem = _mojibake(item, data)
        if problem is not None:
            yield Extracted(name, NAME, __version__, data, MEDIA_TYPE, problem=problem,
                            part=part, steps=(parsed,))  # fmt: skip
            continue
        yield Extracted(
            name,
            NAME,
            __version__,
            data,
            MEDIA_TYPE,
            item=item,
            part=part,
            steps=(
                parsed,
                step("map", f"NewsML {version} NewsItem → ninjs 3.1 text"),
                *mapper.steps,
            ),
            warnings=(*warnings, *mapper.warnings),
        )


class NewsML1Reader(WholeReader):
    name: str = NAME
    version: str = __version__
    media_type: str = MEDIA_TYPE
    suffixes: tuple[str, ...] = (".xml", ".newsml")

    def sniff(self, head: bytes, name: str) -> int:
        root = root_of(head)
        if root is None or root[0] != "NewsML":
            return 0
        _, namespace, attrs = root
        if namespace:
            return 20  # NewsML 1 has no namespace; a namespaced NewsML is something else
        return 95 if re.search(r"Version\s*=\s*[\"']1\.", attrs) or not attrs.strip() else 80

    def read_bytes(self, data: bytes, name: str, context: ReadContext) -> Iterator[Extracted]:
        return read_bytes(data, name, context)


READER = NewsML1Reader()
