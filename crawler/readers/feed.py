"""RSS 2.0 (and RSS 1.0) and Atom feeds that carry full stories: one item per entry.

Parsed with `parse_xml` only (no entity expansion, no DTD, no network): a feed that
declares entities (billion laughs, XXE) or is truncated is one problem for the whole file,
and nothing in it is archived. Each entry becomes its own `Extracted` with ``part``
``"item N"`` (RSS) or ``"entry N"`` (Atom) and the whole feed's bytes as ``raw``.

Per entry:

- ``uri``: RSS ``guid`` or Atom ``id`` when it is an absolute URI (a permalink, a ``urn:`` or
  ``tag:``: the identifier the publisher keeps stable), else the entry's link; the other one
  is kept in ``altIds``. Neither: the entry is refused with ``feed.no-url``.
- body: ``content:encoded`` (RSS) or ``content`` (Atom: html, xhtml or text), as
  ``text/html`` from a fixed set of tags and attributes (scripts, styles, frames, forms and
  event handlers dropped). An entry with only ``description``/``summary`` is a teaser unless
  that summary is itself a story (at least 150 words); a body that ends "Read more",
  "[…]" or "Weiterlesen" is a teaser too. Teasers are refused with ``feed.no-full-text``:
  the archive keeps stories, not the publisher's advertisement for them.
- times: ``pubDate`` (RFC 822) or ``dc:date``, Atom ``published``/``updated`` → RFC 3339.
- language: the entry's ``dc:language``/``xml:lang``, else the feed's ``language``/
  ``xml:lang``, else detected from the text with a ``language.detected`` warning.
- ``dc:creator``/``author`` → ``by`` and ``people``; ``category``/``dc:subject`` →
  ``subjects``; the feed's title and link → the publisher in ``infoSources``; an image
  enclosure or ``media:content`` → a picture association; the dateline opening the story
  → ``located`` and its agency (as the HTML reader does).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring
from wirearchive import __version__
from wirearchive.text.encoding import Undecodable, decode
from wirearchive.text.language import detect_language
from wirearchive.validators import Problem

from ._xml import local_name, parse_xml, prepare, text_of
from .base import Extracted, ReadContext, Source, too_large
from .html import (
    DETECTABLE,
    Page,
    When,
    absolute_url,
    add_source,
    apply_dateline,
    clean_name,
    language_tag,
    parse_when,
    plain_text,
    stamp,
    warning,
)

__all__ = ["READER", "FeedReader", "feed_links", "sanitize_html", "sniff_feed"]

STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}
RSS = "application/rss+xml"
ATOM = "application/atom+xml"

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_MEDIA = "http://search.yahoo.com/mrss/"
_XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: A summary this long is a story in its own right, not a teaser.
MIN_STORY_WORDS = 150
_TEASER_END = re.compile(
    r"(?:\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.|read more|continue reading|"
    r"read the full (?:story|article)|weiterlesen|mehr lesen|lire la suite|leer más|"
    r"continua a leggere|читать далее|читать полностью|подробнее)\W*$",
    re.IGNORECASE,
)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_TAG = re.compile(r"<[A-Za-z/!]")
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")

# --- sanitising HTML -------------------------------------------------------------------

_ALLOWED = frozenset(
    ("p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
     "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "sub", "sup", "q",
     "cite", "abbr", "a", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
     "figure", "figcaption", "img", "hr")
)  # fmt: skip
#: Elements dropped with everything inside them.
_DROPPED = frozenset(
    ("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
     "input", "button", "select", "textarea", "noscript", "template", "svg", "math", "link",
     "meta", "base", "audio", "video", "canvas", "head", "title")
)  # fmt: skip
_ATTRIBUTES = {
    "a": frozenset(("href", "title")),
    "img": frozenset(("src", "alt", "title", "width", "height")),
    "td": frozenset(("colspan", "rowspan")),
    "th": frozenset(("colspan", "rowspan")),
}
_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def sanitize_html(fragment: str, base: str | None = None) -> str:
    """`fragment` with only structural tags and safe attributes: no scripts, styles,
    frames, forms, event handlers or ``javascript:`` links; relative links made absolute."""
    if not fragment.strip():
        return ""
    try:
        root = fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.escape(fragment)
    for element in list(root.iter()):
        if element is root:
            continue
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag.lower() in _DROPPED:
            _drop_tree(element)
            continue
        tag = tag.lower()
        if tag not in _ALLOWED:
            element.drop_tag()
            continue
        allowed = _ATTRIBUTES.get(tag, frozenset())
        for name in list(element.attrib):
            value = element.attrib[name]
            if name not in allowed:
                del element.attrib[name]
            elif name in ("href", "src"):
                url = urljoin(base, value.strip()) if base else value.strip()
                if url.lower().startswith(_SAFE_SCHEMES):
                    element.attrib[name] = url
                else:
                    del element.attrib[name]
    text = html.escape(root.text or "", quote=False)
    return (text + "".join(_serialise(child) for child in root)).strip()


def _drop_tree(element: Any) -> None:
    """Remove an element and what it holds, keeping its tail text."""
    if isinstance(element, HtmlElement):
        element.drop_tree()
        return
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _serialise(element: etree._Element) -> str:
    return etree.tostring(element, method="html", encoding="unicode", with_tail=True)


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs: a blank line between paragraphs."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text)]
    return "".join(f"<p>{html.escape(b, quote=False)}</p>" for b in blocks if b)


# --- sniffing --------------------------------------------------------------------------


def _root_tag(head: bytes) -> tuple[str, str] | None:
    """The first element's name (as written, lower-case) and the rest of the head."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    while text.startswith(("<?", "<!--", "<!")):
        if text.startswith("<?"):
            end, skip = text.find("?>"), 2
        elif text.startswith("<!--"):
            end, skip = text.find("-->"), 3
        else:  # a DOCTYPE, possibly with an internal subset
            bracket, close = text.find("["), text.find(">")
            if bracket != -1 and bracket < close:
                end, skip = text.find("]>"), 2
            else:
                end, skip = close, 1
        if end == -1:
            return None
        text = text[end + skip :].lstrip()
    found = re.match(r"<([A-Za-z_][\w.:-]*)", text)
    return (found.group(1).lower(), text) if found else None


def sniff_feed(head: bytes) -> int:
    """How sure we are that `head` starts an RSS or Atom feed (0-100)."""
    root = _root_tag(head)
    if root is None:
        return 0
    name, text = root
    local = name.rsplit(":", 1)[-1]
    if local == "rss":
        return 95
    if local == "feed":
        return 95 if _ATOM in text else 40
    if local == "rdf" and _RSS1 in text:
        return 90
    return 0


# --- reading ---------------------------------------------------------------------------


@dataclass
class _Entry:
    """One entry's facts, whatever the feed's dialect."""

    kind: str
    index: int
    element: etree._Element
    title: str | None = None
    guid: str | None = None
    link: str | None = None
    published: When | None = None
    updated: When | None = None
    content: str | None = None
    content_source: str = ""
    summary: str | None = None
    summary_is_html: bool = True
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    language: tuple[str, str] | None = None
    picture: dict[str, Any] | None = None


@dataclass
class _Feed:
    media_type: str
    title: str | None = None
    link: str | None = None
    language: tuple[str, str] | None = None
    authors: list[str] = field(default_factory=list)


def _ns(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str, *namespaces: str) -> list[etree._Element]:
    return [
        child
        for child in element
        if local_name(child) == name and (not namespaces or _ns(child) in namespaces)
    ]


def _child_text(element: etree._Element, name: str, *namespaces: str) -> str | None:
    for child in _children(element, name, *namespaces):
        value = text_of(child)
        if value:
            return value
    return None


def _raw_text(element: etree._Element | None) -> str:
    """The text inside an element as written (escaped HTML stays HTML source)."""
    if element is None:
        return ""
    return "".join(t for t in element.itertext() if isinstance(t, str))


def _inner_xml(element: etree._Element) -> str:
    """The XHTML inside an element (Atom ``type="xhtml"``), namespaces dropped."""
    container = element
    divs = [c for c in element if local_name(c) == "div"]
    if len(divs) == 1:
        container = divs[0]
    parts = [html.escape(container.text or "", quote=False)]
    for child in container:
        copy = etree.fromstring(etree.tostring(child))
        for node in copy.iter():
            if isinstance(node.tag, str):
                node.tag = etree.QName(node.tag).localname
        etree.cleanup_namespaces(copy)
        parts.append(etree.tostring(copy, encoding="unicode", with_tail=True))
    return "".join(parts)


def _xml_lang(element: etree._Element) -> str | None:
    node: etree._Element | None = element
    while node is not None:
        value = node.get(_XML_LANG)
        if value:
            return value
        node = node.getparent()
    return None


def _author_name(value: str) -> str | None:
    match = _EMAIL_NAME.match(value)
    if match:
        return clean_name(match.group(1))
    if "@" in value and " " not in value.strip():
        return None  # an address alone names no one
    return clean_name(value)


def _picture(element: etree._Element, base: str | None) -> dict[str, Any] | None:
    """An image enclosure, media:content or media:thumbnail of an entry."""
    candidates: list[tuple[str, dict[str, Any]]] = []
    for child in element.iter():
        name, space = local_name(child), _ns(child)
        kind = (child.get("type") or "").lower()
        if name == "enclosure" and kind.startswith("image/"):
            candidates.append(("enclosure", {"href": child.get("url"), "type": kind,
                                             "size": child.get("length")}))  # fmt: skip
        elif name == "link" and space == _ATOM and child.get("rel") == "enclosure":
            if kind.startswith("image/"):
                candidates.append(("enclosure link", {"href": child.get("href"), "type": kind,
                                                      "size": child.get("length")}))  # fmt: skip
        elif (
            space == _MEDIA
            and name == "content"
            and (kind.startswith("image/") or child.get("medium") == "image")
        ):
            candidates.append(("media:content", {"href": child.get("url"), "type": kind,
                                                 "width": child.get("width"),
                                                 "height": child.get("height"),
                                                 "caption": _child_text(child, "description",
                                                                        _MEDIA)}))  # fmt: skip
        elif space == _MEDIA and name == "thumbnail":
            candidates.append(("media:thumbnail", {"href": child.get("url"),
                                                   "width": child.get("width"),
                                                   "height": child.get("height")}))  # fmt: skip
    for source, found in candidates:
        href = absolute_url(found.get("href"), base)
        if not href:
            continue
        rendition: dict[str, Any] = {"name": "original", "href": href}
        if found.get("type"):
            rendition["contentType"] = found["type"]
        for key, target in (("width", "width"), ("height", "height"), ("size", "sizeInBytes")):
            value = (found.get(key) or "").strip()
            if value.isdigit() and int(value) > 0:
                rendition[target] = int(value)
        picture: dict[str, Any] = {
            "name": "featureimage",
            "type": "picture",
            "uri": href,
            "renditions": [rendition],
        }
        caption = found.get("caption")
        if caption:
            picture["descriptions"] = [{"role": "caption", "value": caption}]
        picture["_source"] = source
        return picture
    return None


def _rss_entries(root: etree._Element, feed: _Feed) -> list[_Entry]:
    channel = next(iter(_children(root, "channel")), None)
    if local_name(root) == "rss":
        items = _children(channel, "item") if channel is not None else []
    else:  # RSS 1.0: the items are the channel's siblings
        items = _children(root, "item")
    if channel is not None:
        feed.title = _child_text(channel, "title")
        feed.link = _child_text(channel, "link", "", _RSS1)
        language = _child_text(channel, "language") or _child_text(channel, "language", _DC)
        if language:
            feed.language = (language, "the feed's language")
        elif _xml_lang(channel):
            feed.language = (_xml_lang(channel) or "", "the feed's xml:lang")
        feed.authors = [
            name
            for value in (_child_text(channel, "managingEditor"), _child_text(channel, "creator"))
            if value and (name := _author_name(value))
        ]
    entries = []
    for index, element in enumerate(items, start=1):
        entry = _Entry("item", index, element)
        entry.title = _child_text(element, "title")
        guid = _children(element, "guid")
        entry.guid = text_of(guid[0]) if guid else None
        if entry.guid is None and element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"):
            entry.guid = element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        entry.link = _child_text(element, "link", "", _RSS1)
        entry.published = parse_when(_child_text(element, "pubDate"), "pubDate") or parse_when(
            _child_text(element, "date", _DC), "dc:date"
        )
        entry.updated = parse_when(
            _child_text(element, "modified", _DCTERMS), "dcterms:modified"
        ) or parse_when(_child_text(element, "updated", _ATOM), "atom:updated")
        encoded = _children(element, "encoded", _CONTENT)
        if encoded and _raw_text(encoded[0]).strip():
            entry.content, entry.content_source = _raw_text(encoded[0]), "content:encoded"
        description = _children(element, "description", "", _RSS1)
        entry.summary = _raw_text(description[0]) if description else None
        authors = [text_of(c) for c in _children(element, "creator", _DC)]
        authors += [text_of(c) for c in _children(element, "author", "")]
        entry.authors = [name for value in authors if value and (name := _author_name(value))]
        entry.categories = [text_of(c) for c in _children(element, "category", "")]
        entry.categories += [text_of(c) for c in _children(element, "subject", _DC)]
        language = _child_text(element, "language", _DC) or _xml_lang(element)
        if language and language != (feed.language or ("", ""))[0]:
            entry.language = (language, "the item's language")
        entry.picture = _picture(element, entry.link or feed.link)
        entries.append(entry)
    return entries


def _atom_link(element: etree._Element) -> str | None:
    links = _children(element, "link", _ATOM)
    for link in links:
        alternate = link.get("rel", "alternate") == "alternate" and link.get("href")
        if alternate and link.get("type", "text/html") in ("text/html", "application/xhtml+xml"):
            return link.get("href")
    return next((link.get("href") for link in links if link.get("rel") is None), None)


def _atom_text(element: etree._Element | None) -> tuple[str | None, bool]:
    """The text of an Atom text construct, and whether it is HTML."""
    if element is None:
        return None, False
    kind = (element.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        return _inner_xml(element), True
    if kind in ("html", "text/html"):
        return _raw_text(element), True
    if kind in ("text", "text/plain"):
        return _raw_text(element), False
    return None, False  # a picture, base64, or content kept elsewhere (src=)


def _atom_entries(root: etree._Element, feed: _Feed) -> list[_Entry]:
    feed.title = _child_text(root, "title", _ATOM)
    feed.link = _atom_link(root)
    if _xml_lang(root):
        feed.language = (_xml_lang(root) or "", "the feed's xml:lang")
    feed.authors = [
        name
        for author in _children(root, "author", _ATOM)
        if (name := _author_name(_child_text(author, "name", _ATOM) or ""))
    ]
    entries = []
    for index, element in enumerate(_children(root, "entry", _ATOM), start=1):
        entry = _Entry("entry", index, element)
        title, title_html = _atom_text(next(iter(_children(element, "title", _ATOM)), None))
        if title:
            entry.title = " ".join(plain_text(title).split()) if title_html else title
        entry.guid = _child_text(element, "id", _ATOM)
        entry.link = _atom_link(element)
        entry.published = parse_when(_child_text(element, "published", _ATOM), "published")
        entry.updated = parse_when(_child_text(element, "updated", _ATOM), "updated")
        content = next(iter(_children(element, "content", _ATOM)), None)
        text, is_html = _atom_text(content)
        if text and text.strip():
            entry.content = text if is_html else _paragraphs(text)
            entry.content_source = f"content type={(content.get('type') or 'text')}"  # type: ignore[union-attr]
        summary, summary_html = _atom_text(next(iter(_children(element, "summary", _ATOM)), None))
        entry.summary, entry.summary_is_html = summary, summary_html
        entry.authors = [
            name
            for author in _children(element, "author", _ATOM)
            if (name := _author_name(_child_text(author, "name", _ATOM) or ""))
        ]
        entry.categories = [
            c.get("label") or c.get("term") or "" for c in _children(element, "category", _ATOM)
        ]
        language = (content.get(_XML_LANG) if content is not None else None) or element.get(
            _XML_LANG
        )
        if language:
            entry.language = (language, "the entry's xml:lang")
        entry.picture = _picture(element, entry.link or feed.link)
        entries.append(entry)
    return entries


def _teaser(text: str, *, summary_only: bool) -> str | None:
    """Why a body is a teaser, or None for a story."""
    if _TEASER_END.search(text.rstrip()):
        return f"it ends {text.rstrip()[-24:]!r}, pointing to the story elsewhere"
    words = len(text.split())
    if summary_only and words < MIN_STORY_WORDS:
        return (
            f"it has only a summary of {words} words and no full text (content:encoded or "
            f"content); a summary of fewer than {MIN_STORY_WORDS} words is taken for a teaser"
        )
    return None


def _build(entry: _Entry, feed: _Feed, page: Page) -> Problem | None:
    item = page.item
    # Identity: the publisher's stable identifier, else the link.
    guid = (entry.guid or "").strip()
    link = absolute_url(entry.link, feed.link) if entry.link else None
    identifier = "guid" if entry.kind == "item" else "id"
    if guid and _ABSOLUTE_URI.match(guid):
        uri, source = guid, identifier
    elif link:
        uri, source = link, "link"
    else:
        return Problem(
            rule="feed.no-url",
            message=f"{entry.kind} {entry.index} has neither a {identifier} that is a URI nor "
            "a link: an identity is not invented",
        )
    page.note("uri", source)
    item.update(uri=uri, type="text")
    alternatives = [
        {"role": role, "value": value}
        for role, value in ((identifier, guid), ("link", link))
        if value and value != uri
    ]
    if alternatives:
        item["altIds"] = alternatives

    # Body: full text, never a teaser.
    summary_only = entry.content is None
    raw_body = entry.content if entry.content is not None else entry.summary
    if raw_body is None or not raw_body.strip():
        return Problem(
            rule="feed.no-full-text",
            message=f"{entry.kind} {entry.index} has no text at all (no content:encoded, "
            "content, description or summary)",
        )
    is_html = True if entry.content is not None else entry.summary_is_html
    body = sanitize_html(raw_body, link or feed.link) if is_html else _paragraphs(raw_body)
    text = plain_text(body)
    reason = _teaser(text, summary_only=summary_only) if text.strip() else "it is blank"
    if reason is not None:
        return Problem(
            rule="feed.no-full-text",
            message=f"{entry.kind} {entry.index} is a teaser, not a story: {reason}",
        )
    page.note(
        "body",
        (entry.content_source if not summary_only else
         f"{'description' if entry.kind == 'item' else 'summary'} (long enough to be the story)")
        + "; markup kept to a fixed set of tags, text/html",
    )  # fmt: skip
    item["bodies"] = [
        {
            "role": "main",
            "contentType": "text/html",
            "charCount": len(text.replace("\n", " ")),
            "wordCount": len(text.split()),
            "value": body,
        }
    ]
    if not summary_only and entry.summary and entry.summary.strip():
        summary = plain_text(entry.summary) if entry.summary_is_html else entry.summary
        summary = " ".join(summary.split())
        if summary:
            item["descriptions"] = [{"role": "summary", "value": summary}]

    if entry.title:
        title = plain_text(entry.title) if _TAG.search(entry.title) else entry.title
        headline = " ".join(html.unescape(title).split())
        if headline:
            item["headlines"] = [{"role": "main", "value": headline}]

    # Times: an update earlier than the publication is a publisher's slip, not a version.
    published, updated = entry.published, entry.updated
    if published is not None:
        item["firstCreated"] = stamp(published, "firstCreated", page)
    if updated is not None and (published is None or updated.moment > published.moment):
        item["versionCreated"] = stamp(updated, "versionCreated", page)
    elif published is not None:
        item["versionCreated"] = item["firstCreated"]
    else:
        page.note("dates", "none given")

    # Language.
    declared = entry.language or feed.language
    tag = language_tag(declared[0]) if declared else None
    if declared and tag:
        item["language"] = tag
        page.note("language", f"{tag} from {declared[1]}")
        primary = tag.split("-")[0]
        detected = detect_language(text[:20000]) if primary in DETECTABLE else None
        if detected and detected != primary:
            page.warnings.append(
                warning(
                    "language.disagrees",
                    f"the feed says {tag} ({declared[1]}) but the text reads as {detected}",
                    "language",
                )
            )
    else:
        detected = detect_language(text[:20000])
        if detected:
            item["language"] = detected
            page.note("language", f"{detected} detected from the text (fastText language model)")
            page.warnings.append(
                warning(
                    "language.detected",
                    f"the feed declares no language; {detected} was detected from the text",
                    "language",
                )
            )

    # People, sources, subjects, picture.
    authors = list(dict.fromkeys(entry.authors or feed.authors))
    if authors:
        item["by"] = ", ".join(authors)
        item["people"] = [{"name": name, "rel": "author"} for name in authors]
        page.note("by", f"the {entry.kind}'s author" if entry.authors else "the feed's author")
    sources = apply_dateline(item, text, page)
    if feed.title:
        add_source(sources, feed.title, "publisher", absolute_url(feed.link, None))
    if sources:
        item["infoSources"] = [{k: v for k, v in s.items() if k != "_written"} for s in sources]
    subjects = list(dict.fromkeys(" ".join(c.split()) for c in entry.categories if c.strip()))
    if subjects:
        item["subjects"] = [{"name": s} for s in subjects[:50]]
    if entry.picture is not None:
        page.note("picture", entry.picture.pop("_source"))
        item["associations"] = [entry.picture]
    item["standard"] = dict(STANDARD)

    # Mojibake in what is archived is refused, as for every other text input.
    check = decode(f"{item.get('headlines', [{}])[0].get('value', '')}\n{text}".encode(), "utf-8")
    if isinstance(check, Undecodable):
        return Problem(rule=check.rule, message=f"{entry.kind} {entry.index}: {check.message}")
    return None


class FeedReader:
    name = "feed"
    version = __version__
    suffixes = (".rss", ".atom", ".xml", ".feed", ".rdf")

    def sniff(self, head: bytes, name: str) -> int:
        return sniff_feed(head)

    def read(self, source: Source, context: ReadContext) -> Iterator[Extracted]:
        data = source.read(context.max_bytes)
        if data is None:
            problem = too_large(context.max_bytes)
            yield Extracted(source.name, self.name, self.version, None, RSS, problem=problem)
            return
        yield from read_feed(data, path=source.name, context=context)


def _feed_root(data: bytes) -> tuple[str, etree._Element | Problem]:
    """The media type the head suggests, and the feed's root element or why there is none."""
    head = _root_tag(data[:4096])
    guess = ATOM if head is not None and head[0].rsplit(":", 1)[-1] == "feed" else RSS
    if not data.strip():
        root: etree._Element | Problem = Problem(rule="input.empty", message="empty file, no feed")
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        root = Problem(rule="input.binary", message="binary data, not a feed (NUL bytes)")
    else:
        root = parse_xml(data)
        if isinstance(root, Problem) and root.rule == "xml.syntax" and head is not None:
            closing = f"</{head[0]}>".encode()
            if closing not in data[-1024:].lower():
                # The parser names what it tripped on ("CData section not finished"); the
                # feed's missing end says why.
                root = Problem(
                    rule="xml.truncated",
                    message=f"the feed ends before its closing {closing.decode()}: the "
                    f"document is truncated ({root.message})",
                )
    return guess, root


def _feed_entries(root: etree._Element) -> tuple[_Feed, list[_Entry]] | Problem:
    """The feed's facts and its entries, RSS or Atom, or why the root is not a feed."""
    name, space = local_name(root), _ns(root)
    feed: _Feed
    if name == "rss" or (name == "RDF" and any(local_name(c) == "channel" for c in root)):
        feed = _Feed(RSS)
        return feed, _rss_entries(root, feed)
    if name == "feed" and space == _ATOM:
        feed = _Feed(ATOM)
        return feed, _atom_entries(root, feed)
    return Problem(
        rule="feed.not-a-feed",
        message=f"the root element is <{name}>"
        + (f" in {space}" if space else "")
        + ", not an RSS <rss> or <rdf:RDF> or an Atom <feed>",
    )


def feed_links(data: bytes, base: str) -> list[str] | Problem:
    """The entry links of a feed's bytes, absolute, in feed order, or why it cannot be read.

    The crawler follows these to the article pages; it parses the feed exactly as the
    reader does, so a feed the reader refuses (entities, truncated, not a feed) is
    reported as a problem rather than taken for a feed without entries.
    """
    _, root = _feed_root(data)
    if isinstance(root, Problem):
        return root
    found = _feed_entries(root)
    if isinstance(found, Problem):
        return found
    links = [urljoin(base, e.link.strip()) for e in found[1] if e.link and e.link.strip()]
    return list(dict.fromkeys(links))


def read_feed(data: bytes, *, path: str, context: ReadContext | None = None) -> Iterator[Extracted]:
    """Every entry of a feed's bytes, each an item or the problem that keeps it from one."""
    del context  # nothing in a feed depends on it yet; the signature matches the readers'
    guess, root = _feed_root(data)
    if isinstance(root, Problem):
        yield Extracted(path, READER.name, READER.version, data, guess, problem=root)
        return
    found = _feed_entries(root)
    if isinstance(found, Problem):
        yield Extracted(path, READER.name, READER.version, data, guess, problem=found)
        return
    feed, entries = found
    if not entries:
        yield Extracted(
            path, READER.name, READER.version, data, feed.media_type,
            problem=Problem(rule="feed.empty", message="the feed holds no items or entries"),
        )  # fmt: skip
        return
    dialect = "RSS" if feed.media_type == RSS else "Atom"
    prepared = prepare(data)
    bytes_note = prepared[1] if not isinstance(prepared, Problem) else None
    for entry in entries:
        page = Page()
        page.note("parse", f"{dialect} {entry.kind} {entry.index} of {len(entries)}")
        if bytes_note:
            page.note("decode", bytes_note)
        try:
            problem = _build(entry, feed, page)
        except Exception as exc:  # noqa: BLE001 - one bad entry must not stop the others
            problem = Problem(
                rule="feed.extraction-failed", message=f"{type(exc).__name__}: {exc}"[:500]
            )
        part = f"{entry.kind} {entry.index}"
        if problem is not None:
            yield Extracted(
                path, READER.name, READER.version, data, feed.media_type, problem=problem,
                part=part, steps=tuple(page.steps),
            )  # fmt: skip
        else:
            yield Extracted(
                path, READER.name, READER.version, data, feed.media_type, item=page.item,
                part=part, steps=tuple(page.steps), warnings=tuple(page.warnings),
            )  # fmt: skip


READER = FeedReader()
