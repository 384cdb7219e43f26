"""The page's language: declared, checked against the text, else detected."""

from __future__ import annotations

from wirearchive.text.bcp47 import normalize as language_tag
from wirearchive.text.language import TESTED, detect_language

from .body import _Text
from .metadata import Structured, _first
from .page import Page, warning

#: The languages whose detection is tested; a page declared in another is not checked.
DETECTABLE = TESTED


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
        page.note("language", f"{detected} detected from the text (fastText language model)")
        page.warnings.append(
            warning(
                "language.detected",
                f"the page declares no language; {detected} was detected from its text",
                "language",
            )
        )
    return detected
