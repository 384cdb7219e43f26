"""The ninjs item put together from every part the page gave."""

from __future__ import annotations

import html
from typing import Any

from lxml.html import HtmlElement

from ..base import ReadContext
from .address import _mint_uri, _site_host, absolute_url
from .body import _Text
from .byline import _people
from .dateline import add_source, apply_dateline
from .dates import _dates
from .headline import _drop_repeated_headline, _h1s, _headline
from .language import _language
from .metadata import _GENRES, _SCHEMA_TYPES, Structured, _first, _short_type, _strings
from .page import Page, warning

STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}
_MAX_SUBJECTS = 50


def _image(found: Structured, url: str | None) -> dict[str, Any] | None:
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
    url: str | None,
    tree: HtmlElement,
    context: ReadContext,
) -> None:
    """The item from every part; `url` None mints the uri once headline and day are known."""
    article = found.article or {}
    page.note(
        "metadata",
        f"schema.org {'/'.join(_short_type(article.get('@type'))) or 'none'}"
        + (f" ({found.article_source})" if found.article else "")
        + f"; OpenGraph {len(found.og)} properties",
    )
    item = page.item
    item.update(uri=url or "", type="text")
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
    host = _site_host(found)
    site = url or (f"https://{host}/" if host else None)
    headline = _headline(found, text, site, _h1s(tree), page)
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
    if url is None:
        item["uri"] = _mint_uri(found, item, text.text, page)
