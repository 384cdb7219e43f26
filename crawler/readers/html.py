"""Saved article pages: one web page in HTML becomes one ninjs 3.1 text item.

Where each field comes from, best source first (every choice is a provenance step):

- bytes to text: the charset the page declares (WHATWG labels: "iso-8859-1" is
  windows-1252), else UTF-8, else a Cyrillic charset detected from the text with the markup
  left aside; a declaration the bytes contradict is overruled with an
  ``html.charset-mismatch`` warning. Undecodable bytes or mojibake are judged where they
  are: in the article text they refuse the page (``input.encoding``, ``input.mojibake``); in
  a sidebar's ``alt`` text or a script they do not.
- ``uri``: ``<link rel=canonical>``, ``og:url``, the schema.org article's ``url`` or
  ``mainEntityOfPage``, the address the caller fetched the page from (`extract_page`'s
  ``url``), ``twitter:url``, the permalink in a WordPress/Drupal oEmbed link, the address a
  browser noted when saving the page (``<!-- saved from url=... -->``), a ``<base href>``
  deeper than the front page. A canonical link to the front page is passed over when a
  deeper address exists (a misconfiguration that would make every article a version of the
  home page). No address at all: ``html.no-url``; the reader never invents an identity.
- text: ``trafilatura`` in its precision mode, comments left out, tables kept, no links or
  images; its default balance when precision keeps nothing. The body is ``text/html``:
  paragraphs, headings, lists, tables and quotes as trafilatura rebuilds them from a fixed
  set of tags without attributes (no scripts, styles, trackers), so the structure a
  plain-text body would lose (a table of results, a list) survives, as in the NITF, NewsML
  and text readers' bodies. A first heading that repeats the headline is left out; soft
  hyphens and zero-width spaces are dropped.
- headline: the page's visible ``<h1>`` when its metadata confirms it (the same text as, or
  part of, the schema.org headline, ``og:title`` or ``<title>``), else the schema.org
  headline, ``og:title``, trafilatura's title or ``<title>``, with the site's name cut
  ("Headline | Site").
- metadata: schema.org ``NewsArticle``/``Article``/``BlogPosting``... in JSON-LD and
  microdata, and OpenGraph, read with ``extruct`` (no network); trafilatura's metadata only
  fills gaps (author, site name, categories).
- times: htmldate's original publication day (run inside trafilatura; it reads the
  address, the metadata and the visible text); the article's ``datePublished`` or
  ``article:published_time`` gives the time and zone when it falls on that day. The update
  time: ``dateModified``, ``article:modified_time`` or ``og:updated_time`` when htmldate's
  last-update day (explicit dates only) agrees; else the publication time. A date without
  a time becomes 00:00 UTC with a ``time.date-only`` warning; a time without a zone is read
  as UTC with a ``time.zone-assumed`` warning.
- language: ``<html lang>``, ``Content-Language``, ``og:locale``, the article's
  ``inLanguage``, ``<meta name=language>``; else a detection from the text with a
  ``language.detected`` warning; a declaration the text contradicts gets a
  ``language.disagrees`` warning (template defaults such as ``en-US`` on German blogs).
- the dateline at the start of the first paragraphs ("МОСКВА, 29 мая - РИА Новости.")
  gives ``located`` and the agency as an info source with role ``source``. It stays in the
  body: it is part of the published text (and so of what a reader of the page saw); the
  step records it and the offset where the story proper begins.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import extruct
import htmldate
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.settings import Document
from trafilatura.utils import load_html
from wirearchive import __version__
from wirearchive.validators import Problem, Severity

from ..dateline import Dateline, parse_dateline
from ..encoding import Decoded, decode
from ..language import detect_language
from .base import Extracted, ReadContext, Source, step, too_large

__all__ = [
    "DETECTABLE",
    "READER",
    "HtmlReader",
    "Page",
    "When",
    "absolute_url",
    "add_source",
    "apply_dateline",
    "clean_name",
    "declared_charset",
    "extract_page",
    "find_dateline",
    "language_tag",
    "parse_when",
    "plain_text",
    "read_structured",
    "rfc3339",
    "sniff_html",
    "stamp",
    "warning",
]

STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}
MEDIA_TYPE = "text/html"

_LIBRARIES = ", ".join(
    f"{name} {package_version(name)}" for name in ("trafilatura", "extruct", "htmldate")
)

# --- schema.org ------------------------------------------------------------------------

#: schema.org types of an article, best first; a page may hold several objects.
_ARTICLE_TYPES = {
    name.casefold(): rank
    for rank, names in enumerate(
        (
            ("NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
             "BackgroundNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle",
             "AskPublicNewsArticle", "SatiricalArticle"),
            ("Article", "BlogPosting", "LiveBlogPosting", "TechArticle", "Report",
             "ScholarlyArticle", "SocialMediaPosting", "DiscussionForumPosting", "Posting"),
        )
    )
    for name in names
}  # fmt: skip
_PAGE_TYPES = frozenset(
    t.casefold() for t in ("WebPage", "ItemPage", "AboutPage", "ProfilePage", "CollectionPage")
)
#: Article types that name a genre (IPTC genre names; the uri is the schema.org type).
_GENRES = {
    "analysisnewsarticle": "Analysis",
    "backgroundnewsarticle": "Background",
    "opinionnewsarticle": "Opinion",
    "reviewnewsarticle": "Review",
    "reportagenewsarticle": "Reportage",
    "satiricalarticle": "Satire",
    "liveblogposting": "Live blog",
}
_SCHEMA_TYPES = {
    "reportagenewsarticle": "ReportageNewsArticle",
    "analysisnewsarticle": "AnalysisNewsArticle",
    "backgroundnewsarticle": "BackgroundNewsArticle",
    "opinionnewsarticle": "OpinionNewsArticle",
    "reviewnewsarticle": "ReviewNewsArticle",
    "satiricalarticle": "SatiricalArticle",
    "liveblogposting": "LiveBlogPosting",
}

# --- patterns --------------------------------------------------------------------------

_HEAD_LIMIT = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
#: WHATWG Encoding Standard labels that browsers decode as another charset.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
    "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874", "x-cp1251": "cp1251",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8",
    "x-sjis": "shift_jis", "gb2312": "gb18030", "gbk": "gb18030",
}  # fmt: skip
_MARKUP = re.compile(r"<(?:!doctype|html|head|body|meta|title|div|p|article|script)\b", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s*\n\s*url:\s*(\S+)", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|•·»«–—:]|-{1,2}|::)\s+")
_HAS_TIME = re.compile(r"\d{1,2}(?::|h)\d{2}")
_BCP47 = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:view all posts|posted|written|published|beitrag|ein beitrag|artikel) (?:by|von)"
    r"|zum profil von|by|von|par|por|di|door|от|автор:?|author:|autor:|责任编辑[:：])\s*",
    re.I,
)
_PLACEHOLDER_AUTHORS = frozenset(
    ("name", "no author", "author", "autor", "admin", "administrator", "wordpressadmin",
     "posted", "follow", "human", "null", "none", "unknown", "anonymous", "guest")
)  # fmt: skip
_ORGANISATION_TYPES = frozenset(("corporation", "ngo", "governmentorganization"))
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_PAREN_SUFFIX = re.compile(r"\s*\(([^()]{2,60})\)$")
_TRAILING_SEPARATOR = re.compile(r"\s+[-|–—·•:]+$")
_MIN_HEADLINE_WORDS = 3
_FIRST_BLOCK = re.compile(r"^\s*<(h[1-6]|p)>(.*?)</\1>", re.DOTALL)
#: The languages `detect_language` tells apart; a page in another language is not checked.
DETECTABLE = frozenset(("ru", "uk", "kk", "be", "en", "de", "fr", "es", "it", "tr"))
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
_BLOCKS = frozenset(
    ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "table",
     "ul", "ol", "dl", "dt", "dd")
)  # fmt: skip
_CELLS = frozenset(("td", "th"))
_DATELINE_PARAGRAPHS = 3
_MAX_SUBJECTS = 50


def warning(rule: str, message: str, *path: str | int) -> Problem:
    """A guess worth a person's attention: a warning, never a reason to refuse."""
    return Problem(rule=rule, message=message, path=tuple(path), severity=Severity.WARNING)


# --- bytes to text ---------------------------------------------------------------------


def _known_charset(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in a ``<meta>`` or its XML declaration, if any."""
    head = data[:_HEAD_LIMIT]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if found is None:
        return None
    label = found.group(1).decode("ascii", "replace").strip().lower()
    return _CHARSET_ALIASES.get(label, label)


def _truncated_utf8(data: bytes) -> bytes | None:
    """`data` without an incomplete UTF-8 character at its very end, if that is all."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and "unexpected end" in exc.reason:
            try:
                data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
            return data[: exc.start]
    return None


# --- the page --------------------------------------------------------------------------


@dataclass
class Page:
    """What the reader knows about a page so far: the item, steps and warnings."""

    item: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def note(self, name: str, detail: str = "") -> None:
        self.steps.append(step(name, detail))


@dataclass(frozen=True, slots=True)
class When:
    moment: datetime
    has_time: bool
    has_zone: bool
    source: str


def parse_when(value: Any, source: str) -> When | None:
    """A date or time written by a publisher, in ISO 8601, RFC 822 or words."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 64:
        return None
    has_time = bool(_HAS_TIME.search(text))
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if has_time else text[:10])
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = _dateparser(text)
    if moment is None or not 1970 <= moment.year <= 2100:
        return None
    has_zone = moment.tzinfo is not None and moment.utcoffset() is not None
    if not has_zone:
        moment = moment.replace(tzinfo=UTC)  # compared as UTC; `stamp` warns
    return When(moment, has_time, has_zone, source)


def _dateparser(text: str) -> datetime | None:
    import dateparser

    try:
        found = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
    except (ValueError, TypeError, OverflowError):
        return None
    return found if isinstance(found, datetime) else None


def rfc3339(moment: datetime) -> str:
    text = moment.replace(microsecond=0).isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- structured metadata ---------------------------------------------------------------


def _short_type(value: Any) -> list[str]:
    types = value if isinstance(value, list) else [value]
    out = []
    for entry in types:
        if isinstance(entry, str):
            out.append(re.split(r"[/:#]", entry.rstrip("/"))[-1].casefold())
    return out


def _from_microdata(entry: Any) -> Any:
    """extruct's microdata shape ({"type", "properties"}) as JSON-LD-like dicts."""
    if isinstance(entry, list):
        return [_from_microdata(e) for e in entry]
    if isinstance(entry, dict) and "properties" in entry:
        node: dict[str, Any] = {"@type": entry.get("type")}
        properties = entry.get("properties")
        if isinstance(properties, dict):
            for key, value in properties.items():
                node[key] = _from_microdata(value)
        if "id" in entry:
            node["@id"] = entry["id"]
        return node
    return entry


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(node, list):
        for entry in node:
            yield from _walk(entry, depth + 1)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)


@dataclass
class Structured:
    """The page's schema.org article and web page, OpenGraph and links."""

    article: dict[str, Any] | None = None
    article_source: str = ""
    page: dict[str, Any] | None = None
    og: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    saved_from: str | None = None
    base: str | None = None
    oembed: str | None = None
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    lang: str | None = None
    content_language: str | None = None
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def og_first(self, *names: str) -> str | None:
        for name in names:
            for value in self.og.get(name, []):
                if isinstance(value, str) and value.strip():
                    return " ".join(value.split())
        return None

    def resolve(self, value: Any) -> Any:
        """A node that only points at another (``{"@id": ...}``) replaced by that node."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.ids.get(str(value["@id"]), value)
        return value


def read_structured(tree: HtmlElement, text: str) -> Structured:
    """schema.org in JSON-LD and microdata and OpenGraph (extruct), links and meta tags."""
    found = Structured()
    try:
        data = extruct.extract(
            tree, syntaxes=["json-ld", "microdata", "opengraph"], errors="ignore", uniform=False
        )
    except Exception:  # noqa: BLE001 - extruct on hostile markup; nothing structured then
        data = {}
    candidates: list[tuple[int, int, str, dict[str, Any]]] = []
    order = 0
    for syntax in ("json-ld", "microdata"):
        entries = data.get(syntax) or []
        if syntax == "microdata":
            entries = _from_microdata(entries)
        for node in _walk(entries):
            if "@id" in node and len(node) > 2:
                found.ids.setdefault(str(node["@id"]), node)
            for kind in _short_type(node.get("@type")):
                if kind in _ARTICLE_TYPES:
                    order += 1
                    candidates.append((_ARTICLE_TYPES[kind], order, syntax, node))
                    break
                if kind in _PAGE_TYPES and found.page is None:
                    found.page = node
    if candidates:
        # The article that has a headline, of the most specific type, first on the page.
        candidates.sort(key=lambda c: (not _strings(c[3].get("headline")), c[0], c[1]))
        found.article, found.article_source = candidates[0][3], candidates[0][2]
    for entry in data.get("opengraph") or []:
        properties = entry.get("properties") if isinstance(entry, dict) else None
        for pair in properties or []:
            if isinstance(pair, list | tuple) and len(pair) == 2 and isinstance(pair[1], str):
                found.og.setdefault(str(pair[0]), []).append(pair[1])
    _read_head(tree, found)
    saved = _SAVED_FROM.search(text[:_HEAD_LIMIT]) or _SINGLEFILE.search(text[:_HEAD_LIMIT])
    found.saved_from = saved.group(1) if saved else None
    return found


def _read_head(tree: HtmlElement, found: Structured) -> None:
    root = tree.getroottree().getroot()
    found.lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href and found.canonical is None:
            found.canonical = href
        elif "alternate" in rel and "oembed" in (link.get("type") or "") and found.oembed is None:
            # WordPress and Drupal name the page's permalink in their oEmbed discovery link.
            found.oembed = next(iter(parse_qs(urlsplit(href).query).get("url", [])), None)
    base = tree.find(".//base[@href]")
    if base is not None:
        found.base = (base.get("href") or "").strip() or None
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        equiv = (meta.get("http-equiv") or "").lower()
        if equiv == "content-language":
            found.content_language = content
        elif key and key not in found.meta:
            found.meta[key] = " ".join(content.split())
        # OpenGraph tags extruct missed (a `name=` instead of `property=`, say).
        if key.startswith(("og:", "article:")) and key not in found.og:
            found.og[key] = [content]
    title = tree.find(".//title")
    if title is not None:
        found.title = " ".join("".join(title.itertext()).split()) or None


def _strings(value: Any) -> list[str]:
    """Every non-blank string in a value that may be a string, a list or a dict."""
    if isinstance(value, str):
        return [" ".join(value.split())] if value.strip() else []
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        for key in ("name", "@value", "value", "text"):
            if key in value:
                return _strings(value[key])
    return []


def _first(value: Any) -> str | None:
    strings = _strings(value)
    return strings[0] if strings else None


# --- the reader ------------------------------------------------------------------------


def plain_text(fragment: str) -> str:
    """The text of an HTML body: one block per line, table cells apart, entities decoded."""
    if "<" not in fragment:
        return html.unescape(fragment)
    try:
        root = etree.fromstring(f"<div>{fragment}</div>", etree.HTMLParser())
    except etree.ParserError:
        return html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    if root is None:
        return ""
    out: list[str] = []

    def visit(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            out.append("\n")
        elif tag in _CELLS:
            out.append(" ")
        elif tag == "br":
            out.append("\n")
        if element.text and tag:
            out.append(element.text)
        for child in element:
            visit(child)
        if tag in _BLOCKS:
            out.append("\n")
        if element.tail:
            out.append(element.tail)

    visit(root)
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


class HtmlReader:
    name = "html"
    version = __version__
    suffixes = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes, name: str) -> int:
        return sniff_html(head)

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        data = source.read(context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(source.name, self.name, self.version, None, MEDIA_TYPE, problem=problem)
            return
        fetched = source.uri if source.uri.startswith(("http://", "https://")) else None
        yield extract_page(data, path=source.name, context=context, url=fetched)


def sniff_html(head: bytes) -> int:
    """How sure we are that `head` starts an HTML page (0-100)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    # Skip an XML declaration, comments and processing instructions.
    while text.startswith(("<?", "<!--")):
        end = text.find("?>" if text.startswith("<?") else "-->")
        if end == -1:
            return 0
        text = text[end + (2 if text.startswith("<?") else 3) :].lstrip()
    if text.startswith("<!doctype"):
        return 95 if re.match(r"<!doctype\s+html", text) else 0
    tag = re.match(r"<([a-z][a-z0-9:._-]*)", text)
    if tag is not None:
        name = tag.group(1)
        if name == "html":
            return 95
        if name in ("head", "meta", "title", "body", "link", "base", "style", "script"):
            return 70
        if name in ("div", "p", "article", "main", "section", "header", "table", "span"):
            return 40
        return 0  # some XML: a feed, NITF, NewsML
    # Text before the markup (saved HTTP headers, a note): HTML only if clearly so.
    if re.search(r"<!doctype\s+html|<html[\s>]", text[:4096]):
        return 50
    return 0


def extract_page(
    data: bytes, *, path: str, context: ReadContext | None = None, url: str | None = None
) -> Extracted:
    """One saved page's bytes as an item, or the problem that keeps it from being one.

    `url` is the address the page was fetched from, when the caller knows it (a crawler,
    a WARC record): the item's uri when the page names none of its own, and the base for
    relative links.
    """
    try:
        return _extract_page(data, path, context or ReadContext(), url)
    except Exception as exc:  # noqa: BLE001 - the reader's boundary
        # trafilatura, htmldate and extruct on hostile markup may raise anything: the page
        # is quarantined with the reason and the batch goes on.
        return Extracted(
            path, READER.name, READER.version, data, MEDIA_TYPE,
            problem=Problem(
                rule="html.extraction-failed", message=f"{type(exc).__name__}: {exc}"[:500]
            ),
        )  # fmt: skip


def _extract_page(data: bytes, path: str, context: ReadContext, fetched: str | None) -> Extracted:

    def refused(problem: Problem, steps: Iterable[dict[str, str]] = ()) -> Extracted:
        return Extracted(
            path, READER.name, READER.version, data, MEDIA_TYPE, problem=problem,
            steps=tuple(steps),
        )  # fmt: skip

    if not data.strip():
        return refused(Problem(rule="input.empty", message="empty file, no page"))
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return refused(Problem(rule="input.binary", message="binary data, not a page (NUL bytes)"))
    page = Page()
    decoded = _decode_page(data, page, context.charset)
    if isinstance(decoded, Problem):
        return refused(decoded, page.steps)
    text = decoded.text
    if not _MARKUP.search(text[:_HEAD_LIMIT]):
        return refused(
            Problem(rule="html.not-html", message="no HTML markup in the first 64 KiB"), page.steps
        )
    try:
        tree = load_html(text)
    except (ValueError, TypeError, etree.LxmlError):
        tree = None
    if tree is None:
        return refused(
            Problem(rule="html.syntax", message="the page could not be parsed as HTML"),
            page.steps,
        )
    structured = read_structured(tree, text)
    url = _choose_url(structured, fetched, page)
    if url is None:
        return refused(
            Problem(
                rule="html.no-url",
                message="the page names no address of its own (no canonical link, og:url, "
                "schema.org url, oEmbed link or saved-from comment) and none was given: "
                "an identity is not invented",
            ),
            page.steps,
        )
    document = _extract_text(tree, url, context, page)
    if document is None:
        return refused(
            Problem(
                rule="html.no-text",
                message="no article text found on the page (trafilatura kept nothing): "
                "an index page, a paywall or a page of scripts",
            ),
            page.steps,
        )
    _build_item(page, structured, document, url, tree, context)
    unclean = _unclean_article(decoded, page.item, document)
    if unclean is not None:
        return refused(unclean, page.steps)
    return Extracted(
        path,
        READER.name,
        READER.version,
        data,
        f"{MEDIA_TYPE}; charset={decoded.encoding}",
        item=page.item,
        steps=tuple(page.steps),
        warnings=tuple(page.warnings),
    )


@dataclass(frozen=True, slots=True)
class _PageText:
    text: str
    encoding: str
    #: Undecodable bytes or mojibake somewhere in the page: a problem only if they reach
    #: the article text (a garbled ``alt`` in the sidebar or a script is page furniture).
    deferred: Problem | None = None


_BOM_PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: At most this many undecodable bytes are tolerated outside the article text.
_MAX_BAD_BYTES = 32
_MARKUP_BYTES = re.compile(
    rb"<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def _detected_charset(data: bytes) -> str | None:
    """For an undeclared legacy page: the charset its text (markup aside) reads as.

    Markup is ASCII and dilutes the letters the detection weighs, so that e.g.
    windows-1251 and mac-cyrillic, which share their lower-case letters, are told apart
    on the text alone."""
    if data.isascii() or data.startswith(_BOM_PREFIXES):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    found = decode(_MARKUP_BYTES.sub(b" ", data))
    return found.encoding if isinstance(found, Decoded) and found.how == "detected" else None


def _mostly_not_utf8(data: bytes, declared: str) -> bool:
    """Whether a page declared as UTF-8 is in fact in another charset: most of its
    non-ASCII bytes are no UTF-8, rather than a few stray bytes in a UTF-8 page."""
    if declared.replace("-", "").replace("_", "").lower() != "utf8":
        return True
    high = sum(1 for byte in data if byte >= 0x80)
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    return bad * 2 > high


def _decode_page(data: bytes, page: Page, transport: str | None = None) -> _PageText | Problem:
    # As in browsers, the charset the transport (HTTP Content-Type) names comes first.
    declared = _known_charset(transport) or declared_charset(data)
    detected = None if declared else _detected_charset(data)
    if detected is not None:
        guessed = decode(data, detected)
        if isinstance(guessed, Decoded):
            page.note("decode", f"{detected} (detected from the text, markup aside)")
            return _PageText(guessed.text, guessed.encoding)
    decoded = decode(data, declared)
    if isinstance(decoded, Decoded):
        page.note("decode", decoded.step)
        return _PageText(decoded.text, decoded.encoding)
    if decoded.rule == "input.encoding" and declared in (None, "utf-8", "utf8"):
        trimmed = _truncated_utf8(data)
        if trimmed is not None:
            retry = decode(trimmed, "utf-8")
            if isinstance(retry, Decoded):
                page.note("decode", f"{retry.step}; an incomplete character at the end dropped")
                page.warnings.append(
                    warning("input.truncated", "the file ends inside a UTF-8 character")
                )
                return _PageText(retry.text, retry.encoding)
    if declared is not None:
        # A wrong declaration: browsers show such pages garbled; UTF-8 bytes or clearly
        # Cyrillic text are still read right, and a person is told.
        detected = _detected_charset(data)
        retry = decode(data, detected) if detected else decode(data)
        if detected and isinstance(retry, Decoded):
            retry = Decoded(retry.text, retry.encoding, "detected")
        if isinstance(retry, Decoded) and (
            retry.how == "utf-8" or (retry.how == "detected" and _mostly_not_utf8(data, declared))
        ):
            page.note("decode", f"{retry.step}; the page declares {declared}")
            page.warnings.append(
                warning(
                    "html.charset-mismatch",
                    f"the page declares {declared} but its bytes are {retry.encoding}",
                )
            )
            return _PageText(retry.text, retry.encoding)
    if decoded.rule not in ("input.encoding", "input.mojibake") or data.startswith(_BOM_PREFIXES):
        return decoded
    encoding = declared or "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        return decoded
    bad = text.count("\ufffd")
    if bad > _MAX_BAD_BYTES:
        return decoded
    what = f"{bad} undecodable bytes replaced" if bad else "mojibake in the page"
    page.note(
        "decode",
        f"{encoding} ({'declared' if declared else 'utf-8'}); {what}, judged on the article text",
    )
    return _PageText(text, encoding, deferred=decoded)


def _unclean_article(decoded: _PageText, item: dict[str, Any], text: _Text) -> Problem | None:
    """The deferred decoding problem, if the bad bytes or mojibake reach the article."""
    if decoded.deferred is None:
        return None
    headlines = " ".join(h.get("value", "") for h in item.get("headlines", []))
    article = f"{headlines}\n{text.text}"
    if decoded.deferred.rule == "input.encoding":
        if "\ufffd" in article:
            return Problem(
                rule="input.encoding",
                message=f"{decoded.deferred.message}; undecodable bytes in the article text",
            )
        return None
    check = decode(article.encode("utf-8"), "utf-8")
    if isinstance(check, Problem):
        return Problem(rule=check.rule, message=f"the article text: {check.message}")
    return None


def absolute_url(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if base and not _ABSOLUTE.match(url):
        url = urljoin(base, url)
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    if not _ABSOLUTE.match(url) or (not urlsplit(url).netloc and not url.startswith("urn:")):
        return None
    return url


def _is_front_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _choose_url(found: Structured, fetched: str | None, page: Page) -> str | None:
    article = found.article or {}
    main_entity = found.resolve(article.get("mainEntityOfPage"))
    entity_url = (
        main_entity.get("@id") or main_entity.get("url")
        if isinstance(main_entity, dict)
        else main_entity
    )
    base_href = found.base if found.base and not _is_front_page(found.base) else None
    candidates = [
        ("canonical link", found.canonical),
        ("og:url", found.og_first("og:url")),
        ("schema.org url", _first(article.get("url"))),
        ("schema.org mainEntityOfPage", entity_url if isinstance(entity_url, str) else None),
        ("address it was fetched from", fetched),
        ("twitter:url", found.meta.get("twitter:url")),
        ("oEmbed discovery link", found.oembed),
        ("saved-from comment", found.saved_from),
        ("<base href>", base_href),
    ]
    base = next((u for _, u in candidates if u and _ABSOLUTE.match(u.strip())), None)
    resolved = [(source, absolute_url(url, base)) for source, url in candidates]
    usable = [(source, url) for source, url in resolved if url and url.startswith("http")]
    if not usable:
        return None
    source, url = usable[0]
    if _is_front_page(url):
        deeper = next(((s, u) for s, u in usable if not _is_front_page(u)), None)
        if deeper is not None:
            page.note("uri", f"{deeper[0]}; the {source} names the front page {url}")
            return deeper[1]
    page.note("uri", source)
    return url


@dataclass
class _Text:
    html: str
    text: str
    title: str | None
    author: str | None
    sitename: str | None
    date: str | None
    description: str | None
    categories: list[str]
    tags: list[str]


def _bare_extraction(tree: HtmlElement, **settings: Any) -> Document | None:
    found = trafilatura.bare_extraction(tree, **settings)
    return found if isinstance(found, Document) else None


def _extract_text(tree: HtmlElement, url: str, context: ReadContext, page: Page) -> _Text | None:
    settings: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        # htmldate's original publication date, as `_dates` wants it: no later than the
        # capture, the whole page searched.
        "date_extraction_params": {
            "original_date": True,
            "extensive_search": True,
            "max_date": context.retrieved_at.strftime("%Y-%m-%d"),
        },
        "include_comments": False,
        "include_tables": True,
        "include_images": False,
        "include_links": False,
    }
    mode = "precision"
    document = _bare_extraction(tree, favor_precision=True, **settings)
    if document is None or not (document.text or "").strip():
        mode = "balanced (precision kept nothing)"
        document = _bare_extraction(tree, **settings)
    if document is None or not (document.text or "").strip() or document.body is None:
        return None
    body = convert_to_html(document.body).find("body")
    fragment = ""
    if body is not None:
        # The body's own text and its children's tails are text too (a line after a <br>).
        body.tail = None
        whole = etree.tostring(body, method="html", encoding="unicode").strip()
        fragment = whole.removeprefix("<body>").removesuffix("</body>").strip()
    if not fragment:
        lines = (document.text or "").splitlines()
        fragment = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    # Soft hyphens and zero-width spaces are hints for the page's layout; left in, they
    # split words for every search (trafilatura's own text drops them too).
    fragment = fragment.translate(_INVISIBLE)
    page.note("extract", f"{_LIBRARIES}; trafilatura {mode}, comments left out, text/html")
    return _Text(
        html=fragment,
        text=plain_text(fragment),
        title=document.title,
        author=document.author,
        sitename=document.sitename,
        date=document.date,
        description=document.description,
        categories=list(document.categories or []),
        tags=list(document.tags or []),
    )


def _site_names(found: Structured, text: _Text, url: str) -> list[str]:
    names = [found.og_first("og:site_name"), text.sitename, found.meta.get("application-name")]
    publisher = found.resolve((found.article or {}).get("publisher"))
    names.append(_first(publisher))
    host = urlsplit(url).hostname or ""
    names += [host, host.removeprefix("www."), host.removeprefix("www.").split(".")[0]]
    return [n for n in names if n]


def _fold(text: str) -> str:
    """Text compared loosely: entities, spacing, case and typographic quotes aside."""
    text = " ".join(html.unescape(text).split()).casefold()
    return text.translate(_QUOTES)


def _strip_site(title: str, sites: list[str]) -> str:
    """ "Headline | Site" → "Headline", "Site - Headline" → "Headline", when Site names
    the site (og:site_name, the publisher, the host); "Headline -" → "Headline"."""
    folded = [_fold(s).strip(" .") for s in sites if s.strip()]

    def is_site(part: str) -> bool:
        part = _fold(part).strip(" .()")
        return not part or any(
            part == s
            or (len(s) >= 4 and s in part and len(part) <= len(s) + 20)
            or (len(part) >= 4 and part in s)
            for s in folded
        )

    spans, start = [], 0
    for separator in _TITLE_SEPARATORS.finditer(title):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(title)))
    first, last = 0, len(spans) - 1
    while last > first and is_site(title[spans[last][0] : spans[last][1]]):
        last -= 1
    while first < last and is_site(title[spans[first][0] : spans[first][1]]):
        first += 1
    kept = title[spans[first][0] : spans[last][1]]
    suffix = _PAREN_SUFFIX.search(kept)
    if suffix is not None and suffix.start() > 0 and is_site(suffix.group(1)):
        kept = kept[: suffix.start()]
    return _TRAILING_SEPARATOR.sub("", kept).strip()


def _h1s(tree: HtmlElement) -> list[str]:
    found = []
    for heading in tree.iter("h1"):
        text = " ".join("".join(heading.itertext()).split())
        if text:
            found.append(text)
        if len(found) == 8:
            break
    return found


def _headline(found: Structured, text: _Text, url: str, h1s: list[str], page: Page) -> str | None:
    """The visible headline (an ``<h1>``) that the page's metadata confirms, else the
    metadata's headline: schema.org, og:title, trafilatura's title, ``<title>``."""
    article = found.article or {}
    headline = _first(article.get("headline"))
    confirming = [
        (f"schema.org headline ({found.article_source})", headline),
        ("og:title", found.og_first("og:title")),
        ("<title>", found.title),
    ]
    confirmers = [(source, _fold(value)) for source, value in confirming if value]
    for h1 in h1s:
        source = next((s for s, v in confirmers if v == _fold(h1)), None)
        if source is not None:
            page.note("headline", f"<h1>, as in the {source}")
            return h1
    for h1 in h1s:
        if len(h1.split()) >= _MIN_HEADLINE_WORDS:
            source = next((s for s, v in confirmers if _fold(h1) in v), None)
            if source is not None:
                page.note("headline", f"<h1>, part of the {source}")
                return h1
    sites = _site_names(found, text, url)
    candidates = [*confirming[:2], ("trafilatura title", text.title), confirming[2]]
    for source, value in candidates:
        if not value:
            continue
        value = " ".join(html.unescape(value).split())
        cleaned = _strip_site(value, sites)
        if cleaned and cleaned != value:
            page.note("headline", f"{source}, site name cut")
            return cleaned
        if value:
            page.note("headline", source)
            return value
    return None


def language_tag(value: str | None) -> str | None:
    if not value:
        return None
    tag = value.strip().replace("_", "-").split(",")[0].split(";")[0].strip()
    if not _BCP47.match(tag) or tag.lower() in ("x-default", "und", "mul", "zxx"):
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def _language(found: Structured, text: _Text, page: Page) -> str | None:
    article = found.article or {}
    in_language = found.resolve(article.get("inLanguage"))
    if isinstance(in_language, dict):
        in_language = in_language.get("alternateName") or in_language.get("name")
    candidates = [
        ("<html lang>", found.lang),
        ("Content-Language", found.content_language),
        ("og:locale", found.og_first("og:locale")),
        ("schema.org inLanguage", _first(in_language)),
        ("<meta name=language>", found.meta.get("language") or found.meta.get("dc.language")),
    ]
    for source, value in candidates:
        tag = language_tag(value)
        if tag:
            page.note("language", f"{tag} from {source}")
            primary = tag.split("-")[0]
            detected = detect_language(text.text[:20000]) if primary in DETECTABLE else None
            if detected and detected != primary:
                page.warnings.append(
                    warning(
                        "language.disagrees",
                        f"the page says {tag} ({source}) but its text reads as {detected}",
                        "language",
                    )
                )
            return tag
    detected = detect_language(text.text[:20000])
    if detected:
        page.note("language", f"{detected} detected from the text (script and common words)")
        page.warnings.append(
            warning(
                "language.detected",
                f"the page declares no language; {detected} was detected from its text",
                "language",
            )
        )
    return detected


def _dates(
    found: Structured, text: _Text, url: str, tree: HtmlElement, context: ReadContext, page: Page
) -> None:
    article = found.article or {}
    pg = found.page or {}
    max_date = context.retrieved_at.strftime("%Y-%m-%d")
    published_day = _day(text.date)  # htmldate's, run by trafilatura with our settings
    updated_day = _htmldate(tree, url, max_date=max_date)
    published = _pick(
        [
            parse_when(article.get("datePublished"), "schema.org datePublished"),
            parse_when(found.og_first("article:published_time"), "article:published_time"),
            parse_when(article.get("dateCreated"), "schema.org dateCreated"),
            parse_when(pg.get("datePublished"), "schema.org WebPage datePublished"),
        ],
        published_day,
        "htmldate (original date)",
    )
    modified = _pick(
        [
            parse_when(article.get("dateModified"), "schema.org dateModified"),
            parse_when(found.og_first("article:modified_time"), "article:modified_time"),
            parse_when(found.og_first("og:updated_time"), "og:updated_time"),
            parse_when(pg.get("dateModified"), "schema.org WebPage dateModified"),
        ],
        updated_day,
        "htmldate (last update)",
        strict=True,
    )
    if published is None and modified is None:
        page.note("dates", "none found")
        return
    if published is None:
        assert modified is not None
        published, modified = modified, None
        page.note("firstCreated", f"no publication date; the update time from {published.source}")
    if modified is not None and modified.moment < published.moment:
        modified = None
    if modified is not None and modified.moment == published.moment:
        modified = None
    first = stamp(published, "firstCreated", page)
    page.item["firstCreated"] = first
    if modified is not None:
        page.item["versionCreated"] = stamp(modified, "versionCreated", page)
    else:
        page.item["versionCreated"] = first


def _htmldate(tree: HtmlElement, url: str, *, max_date: str) -> date | None:
    """htmldate's last-update date, from the page's explicit dates only (no text search)."""
    try:
        found = htmldate.find_date(
            tree, url=url, original_date=False, extensive_search=False, max_date=max_date
        )
    except (ValueError, TypeError, OverflowError):
        return None
    return _day(found)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _pick(
    candidates: list[When | None], day: date | None, day_source: str, *, strict: bool = False
) -> When | None:
    """The publisher's timestamp that falls on htmldate's day, else that day at midnight.

    `strict` (the update time): htmldate's day alone is never used, only to confirm a
    publisher's timestamp; its "last update" guess may be any late date on the page.
    """
    present = [c for c in candidates if c is not None]
    if day is None:
        return present[0] if present else None
    for candidate in present:
        if candidate.moment.date() == day:
            return candidate
    if strict:
        return None
    moment = datetime.combine(day, time(0), tzinfo=UTC)
    return When(moment, has_time=False, has_zone=True, source=day_source)


def stamp(when: When, name: str, page: Page) -> str:
    """`when` as RFC 3339 for the item's `name` field, with a warning for what was assumed."""
    moment = when.moment
    if not when.has_time:
        moment = datetime.combine(moment.date(), time(0), tzinfo=UTC)
        page.warnings.append(
            warning(
                "time.date-only",
                f"only the date is known ({when.source}); the time says 00:00 UTC",
                name,
            )
        )
    elif not when.has_zone:
        page.warnings.append(
            warning(
                "time.zone-assumed",
                f"{when.source} gives a time without a zone; read as UTC",
                name,
            )
        )
    page.note(name, when.source)
    return rfc3339(moment)


def clean_name(value: str) -> str | None:
    """A byline name without "By"/"Von"/"View all posts by", or None for non-names."""
    name = " ".join(html.unescape(value).split())
    for _ in range(2):
        name = _BYLINE_PREFIX.sub("", name).strip(" ,;:|-")
    folded = name.casefold()
    if (
        not name
        or len(name) > 80
        or not any(c.isalpha() for c in name)
        or folded in _PLACEHOLDER_AUTHORS
        or folded.endswith((" says", " said", " sagt"))
        or "://" in name
        or name.startswith(("/", "www."))
        or re.search(r"\S@\S+\.\w", name)
    ):
        return None
    return name


def _authors(value: Any, found: Structured) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The people (name, uri) and the organisations in a schema.org author value."""
    people: list[tuple[str, str | None]] = []
    organisations: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        entry = found.resolve(entry)
        uri = None
        organisation = False
        if isinstance(entry, dict):
            name = _first(entry.get("name"))
            if not name:
                given, family = _first(entry.get("givenName")), _first(entry.get("familyName"))
                name = " ".join(p for p in (given, family) if p) or None
            uri = _first(entry.get("url")) or _first(entry.get("sameAs"))
            organisation = any(
                "organization" in kind or kind in _ORGANISATION_TYPES
                for kind in _short_type(entry.get("@type"))
            )
        elif isinstance(entry, str):
            name = entry
        else:
            continue
        cleaned = clean_name(name) if name else None
        if cleaned is None:
            continue
        if organisation:
            organisations.append(cleaned)
        else:
            people.append((cleaned, uri if uri and _ABSOLUTE.match(uri) else None))
    return people, organisations


def _people(found: Structured, text: _Text, page: Page) -> tuple[list[tuple[str, str | None]], str]:
    """The authors who are people, and the byline (people, else organisations)."""
    article = found.article or {}
    people, organisations = _authors(article.get("author"), found)
    source = f"schema.org author ({found.article_source})"
    if not people and text.author:
        names = (clean_name(n) for n in text.author.split(";"))
        people = [(n, None) for n in names if n]
        source = "trafilatura author"
    if not people and found.og_first("article:author"):
        name = clean_name(found.og_first("article:author") or "")
        if name:
            people, source = [(name, None)], "article:author"
    seen: set[str] = set()
    unique = []
    for name, uri in people:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append((name, uri))
    if unique:
        page.note("by", source)
        return unique, ", ".join(name for name, _ in unique)
    if organisations:
        page.note("by", f"schema.org author, an organisation ({found.article_source})")
        return [], ", ".join(dict.fromkeys(organisations))
    return [], ""


def find_dateline(paragraphs: list[str]) -> Dateline | None:
    """The dateline that opens one of the first paragraphs of a story, if any."""
    for paragraph in paragraphs[:_DATELINE_PARAGRAPHS]:
        found = parse_dateline(paragraph)
        if found is not None:
            return found
    return None


def _drop_repeated_headline(text: _Text, headline: str, page: Page) -> None:
    """Leave out a first heading that only repeats the headline (trafilatura keeps the
    article's ``<h1>`` when it sits inside the article's markup)."""
    first = _FIRST_BLOCK.match(text.html)
    if first is None or _fold(plain_text(first.group(2))) != _fold(headline):
        return
    rest = text.html[first.end() :].strip()
    if not plain_text(rest).strip():
        return
    text.html, text.text = rest, plain_text(rest)
    page.note("body", "its first heading repeated the headline and was left out")


def apply_dateline(item: dict[str, Any], text: str, page: Page) -> list[dict[str, Any]]:
    """`located` from the dateline opening the story's plain `text`; its agency as the
    info source with role ``source``. The dateline stays in the body: it is part of the
    published text, and the step records it and where the story proper begins."""
    sources: list[dict[str, Any]] = []
    dateline = find_dateline(text.split("\n"))
    if dateline is None:
        return sources
    item["located"] = dateline.city
    if dateline.agency:
        written = (dateline.agency_text or dateline.agency).casefold().strip(" ()/")
        sources.append({"name": dateline.agency, "role": "source", "_written": written})
    page.note(
        "dateline",
        f"{dateline.text!r}: {dateline.city}"
        + (f", {dateline.agency}" if dateline.agency else "")
        + f"; kept in the body, the story begins at character {dateline.end}",
    )
    return sources


def add_source(sources: list[dict[str, Any]], name: str, role: str, uri: str | None) -> None:
    """Add an info source unless it is there already under this name or as written in the
    dateline ("RIA Novosti" is the publisher "РИА Новости")."""
    folded = name.casefold().strip(" ()/")
    if any(folded in (s["name"].casefold(), s.get("_written", "")) for s in sources):
        return
    entry: dict[str, Any] = {"name": name, "role": role}
    if uri and _ABSOLUTE.match(uri) and "://" in uri:
        entry["uri"] = uri
    sources.append(entry)


def _image(found: Structured, url: str) -> dict[str, Any] | None:
    article = found.article or {}
    image = found.resolve(article.get("image"))
    if isinstance(image, list):
        image = found.resolve(image[0]) if image else None
    href: str | None = None
    width = height = None
    caption = None
    source = "schema.org image"
    if isinstance(image, dict):
        href = _first(image.get("url")) or _first(image.get("contentUrl"))
        width, height = _integer(image.get("width")), _integer(image.get("height"))
        caption = _first(image.get("caption"))
    elif isinstance(image, str):
        href = image
    if not href:
        href, source = found.og_first("og:image", "og:image:url", "og:image:secure_url"), "og:image"
        width = _integer(found.og_first("og:image:width"))
        height = _integer(found.og_first("og:image:height"))
        caption = found.og_first("og:image:alt")
    absolute = absolute_url(href, url)
    if absolute is None:
        return None
    rendition: dict[str, Any] = {"name": "original", "href": absolute}
    if width:
        rendition["width"] = width
    if height:
        rendition["height"] = height
    picture: dict[str, Any] = {
        "name": "featureimage",
        "type": "picture",
        "uri": absolute,
        "renditions": [rendition],
    }
    if caption:
        picture["descriptions"] = [{"role": "caption", "value": caption}]
    picture["_source"] = source
    return picture


def _integer(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    text = _first(value)
    if text and text.removesuffix("px").strip().isdigit():
        number = int(text.removesuffix("px").strip())
        return number if number > 0 else None
    return None


def _subjects(found: Structured, text: _Text) -> list[str]:
    article = found.article or {}
    values: list[str] = []
    keywords = article.get("keywords")
    values += [k for s in _strings(keywords) for k in s.split(",")]
    values += _strings(article.get("articleSection"))
    values += [k for s in found.og.get("article:tag", []) for k in s.split(",")]
    news = found.meta.get("news_keywords") or found.meta.get("keywords") or ""
    values += news.split(",")
    values += text.categories + text.tags
    seen: set[str] = set()
    out = []
    for value in values:
        value = " ".join(html.unescape(value).split())
        if value and len(value) <= 100 and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out[:_MAX_SUBJECTS]


def _build_item(
    page: Page,
    found: Structured,
    text: _Text,
    url: str,
    tree: HtmlElement,
    context: ReadContext,
) -> None:
    article = found.article or {}
    page.note(
        "metadata",
        f"schema.org {'/'.join(_short_type(article.get('@type'))) or 'none'}"
        + (f" ({found.article_source})" if found.article else "")
        + f"; OpenGraph {len(found.og)} properties",
    )
    item = page.item
    item.update(uri=url, type="text")
    if found.article is not None:
        kinds = [k for k in _short_type(article.get("@type")) if k in _GENRES]
        if kinds:
            item["genres"] = [
                {"name": _GENRES[kinds[0]], "uri": f"http://schema.org/{_SCHEMA_TYPES[kinds[0]]}"}
            ]
    if article.get("isAccessibleForFree") in (False, "False", "false"):
        item["representationType"] = "partial"
        page.warnings.append(
            warning(
                "html.paywalled",
                "schema.org says the article is not free to read: the body may be a teaser",
                "bodies",
            )
        )
    _dates(found, text, url, tree, context, page)
    language = _language(found, text, page)
    if language:
        item["language"] = language
    headline = _headline(found, text, url, _h1s(tree), page)
    if headline:
        item["headlines"] = [{"role": "main", "value": headline}]
    if headline:
        _drop_repeated_headline(text, headline, page)
    alternative = _first(article.get("alternativeHeadline"))
    if alternative and headline and alternative != headline:
        item.setdefault("headlines", []).append({"role": "sub", "value": alternative})
    item["bodies"] = [
        {
            "role": "main",
            "contentType": "text/html",
            "charCount": len(text.text.replace("\n", " ")),
            "wordCount": len(text.text.split()),
            "value": text.html,
        }
    ]
    description = (
        _first(article.get("description"))
        or found.og_first("og:description")
        or found.meta.get("description")
    )
    if description:
        item["descriptions"] = [{"role": "summary", "value": html.unescape(description)}]
    people, byline = _people(found, text, page)
    if byline:
        item["by"] = byline
    if people:
        item["people"] = [
            {"name": name, "rel": "author", **({"uri": uri} if uri else {})} for name, uri in people
        ]
    sources = apply_dateline(item, text.text, page)
    publisher = found.resolve(article.get("publisher"))
    publisher_name = _first(publisher) or found.og_first("og:site_name") or text.sitename
    if publisher_name:
        publisher_url = _first(publisher.get("url")) if isinstance(publisher, dict) else None
        add_source(sources, publisher_name, "publisher", publisher_url)
    if sources:
        item["infoSources"] = [{k: v for k, v in s.items() if k != "_written"} for s in sources]
    copyright_holder = _first(found.resolve(article.get("copyrightHolder")))
    if copyright_holder:
        item["copyrightHolder"] = copyright_holder
    subjects = _subjects(found, text)
    if subjects:
        item["subjects"] = [{"name": s} for s in subjects]
    picture = _image(found, url)
    if picture is not None:
        page.note("picture", picture.pop("_source"))
        item["associations"] = [picture]
    item["standard"] = dict(STANDARD)


READER = HtmlReader()
