"""Structured metadata: schema.org (JSON-LD, microdata) and OpenGraph via extruct, and
the links and meta tags of the page's head."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import extruct
from lxml.html import HtmlElement

from .page import _HEAD_LIMIT

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
_SITE_RELS = frozenset(("canonical", "alternate", "amphtml", "shortlink", "home", "index", "start"))
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s*\n\s*url:\s*(\S+)", re.I)


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
    #: Absolute addresses in the head's links that name the site itself (alternate feeds
    #: and languages, AMP, shortlink, canonical): a page without its own address still
    #: tells its site by them. Stylesheets, icons and preconnects are left out (CDNs).
    site_links: list[str] = field(default_factory=list)
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
    # extruct's microdata reader walks the whole tree; most pages hold none.
    syntaxes = ["json-ld", "opengraph"]
    if tree.find(".//*[@itemscope]") is not None:
        syntaxes.append("microdata")
    try:
        data = extruct.extract(tree, syntaxes=syntaxes, errors="ignore", uniform=False)
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
        if _SITE_RELS.intersection(rel) and href.startswith(("http://", "https://")):
            found.site_links.append(href)
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
