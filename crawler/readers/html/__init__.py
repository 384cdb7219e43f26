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
  home page). No address at all: an id minted from what identifies the story,
  ``urn:wirearchive:html:<site>:<yyyy-mm-dd>:<headline slug>`` (the site from
  ``og:site_name``, the schema.org publisher or the host of the head's links, else
  ``unknown``; the day of ``firstCreated``, else ``undated``; the headline transliterated
  to ASCII, or ``sha256-`` and 12 hex digits of the headline when it is in ideographs or
  of the text when there is none), with an ``html.uri-minted`` warning: the same story
  saved twice gets the same id and an edited copy becomes its next version. A page with
  no article text is refused (``html.no-text``) with or without an address.
- text: ``trafilatura`` in its precision mode, comments left out, tables kept, no links or
  images; its default balance when precision keeps nothing or less than half of what the
  balanced reading keeps, and the lead (standfirst) precision dropped put back from the
  balanced reading when the page's description confirms it. The body is ``text/html``:
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

One module per concern, in the order they depend on each other: ``page`` (the `Page`
being read, `warning`), ``body`` (trafilatura, `plain_text`), ``decode`` (bytes to text),
``metadata`` (extruct, schema.org, OpenGraph, the head), ``address`` (``uri``), ``dates``,
``language``, ``headline``, ``byline``, ``dateline`` (located, info sources), ``item``
(every field put together) and ``reader`` (`extract_page`, `HtmlReader`, `READER`). This
package re-exports their public names; import from here, not from the modules.
"""

from __future__ import annotations

from wirearchive.text.bcp47 import normalize as language_tag
from wirearchive.text.dates import When

from .address import absolute_url
from .body import plain_text
from .byline import clean_name
from .dateline import add_source, apply_dateline, find_dateline
from .dates import parse_when, rfc3339, stamp
from .decode import declared_charset
from .language import DETECTABLE
from .metadata import read_structured
from .page import Page, warning
from .reader import READER, HtmlReader, extract_page, sniff_html

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
