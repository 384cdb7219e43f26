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

import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from wirearchive import __version__
from wirearchive.text.bcp47 import normalize as language_tag
from wirearchive.validators import Problem

from ..base import Extracted, ReadContext, read_capped, too_large
from .address import _choose_url, absolute_url
from .body import _extract_text, _Text, plain_text
from .byline import _people, clean_name
from .dateline import add_source, apply_dateline, find_dateline
from .dates import When, _dates, parse_when, rfc3339, stamp
from .decode import _decode_page, _unclean_article, declared_charset
from .headline import _drop_repeated_headline, _h1s, _headline
from .language import DETECTABLE, _language
from .metadata import (
    _GENRES,
    _SCHEMA_TYPES,
    Structured,
    _first,
    _short_type,
    _strings,
    read_structured,
)
from .page import _HEAD_LIMIT, Page, warning

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
_MARKUP = re.compile(r"<(?:!doctype|html|head|body|meta|title|div|p|article|script)\b", re.I)
_MAX_SUBJECTS = 50


class HtmlReader:
    name = "html"
    version = __version__
    suffixes = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes, path: Path) -> int:
        return sniff_html(head)

    def read(self, path: Path, context: ReadContext) -> Iterator[Extracted]:
        data = read_capped(path, context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(str(path), self.name, self.version, None, MEDIA_TYPE, problem=problem)
            return
        yield extract_page(data, path=str(path), context=context)


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
