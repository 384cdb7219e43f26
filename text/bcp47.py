"""BCP 47 language tags: one parser for source files, readers and rules.

RFC 5646 without the grandfathered tags: language (with extlangs), script, region,
variants, extensions and private use. Primary subtags of 4-8 letters are reserved and none
is assigned, so they are refused: ``lang="english"`` is a mistake, not a tag. `normalize`
also puts a tag in its canonical case (``en-us`` -> ``en-US``, ``sr-latn`` -> ``sr-Latn``)
and refuses the tags that say no language at all, so a page's ``lang="x-default"`` never
becomes an item's language.
"""

from __future__ import annotations

import re

__all__ = ["LANGUAGE_TAG", "is_language_tag", "normalize"]

LANGUAGE_TAG = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"
    r"(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"
    r"(?:-x(?:-[a-z\d]{1,8})+)?",
    re.IGNORECASE,
)
#: Tags that are well formed but name no language of the text.
_NO_LANGUAGE = frozenset(("und", "mul", "zxx", "mis"))


def is_language_tag(tag: str) -> bool:
    """Whether `tag` is a well-formed BCP 47 tag."""
    return LANGUAGE_TAG.fullmatch(tag) is not None


def normalize(value: str | None) -> str | None:
    """The tag in canonical case, from a declared value (``en_US``, ``ru, en``, ``de;q=1``).

    None when there is no well-formed tag naming a language.
    """
    if not value:
        return None
    tag = value.strip().replace("_", "-").split(",")[0].split(";")[0].strip()
    if not is_language_tag(tag) or tag.lower() in _NO_LANGUAGE:
        return None
    parts = tag.split("-")
    out = [parts[0].lower()]
    singleton = False  # after an extension or private-use singleton, subtags keep lower case
    for part in parts[1:]:
        if len(part) == 1:
            singleton = True
        if not singleton and len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif not singleton and len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)
