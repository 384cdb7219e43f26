"""Which lines of a capture are the story and which are the page's, and why.

A capture is a web page saved as text: one line per block. Three kinds of evidence decide:

1. the chrome lexicon (`wirearchive.text.chrome`), the same one the rule
   ``body.chrome-only`` asks: share bars, sign-offs, related blocks with their headlines,
   the page's news feed;
2. the layout the reader knows: the first line left is the headline, the photo block and
   the dateline line are the story's, and the line before the dateline is the lead;
3. jusText, run on the lines as the paragraphs of a small HTML document with the
   stoplist of the capture's language (or, for Chinese and languages without one, its
   language-independent mode). It judges length, stopword density and its neighbours.

jusText alone would drop short story paragraphs at the end and leads without a full stop,
so it only decides lines the lexicon and the layout leave open and that do not read as a
sentence: the headline lists, bylines and captions a page leaves between paragraphs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from types import MappingProxyType
from typing import Any

import justext

from .chrome import chrome_reason, is_sentence, related_block_end
from .language import detect_language

__all__ = ["STOPLISTS", "Boilerplate", "Verdict", "classify", "stoplist_name"]

#: jusText's stoplist for each BCP 47 primary language subtag it has one for.
STOPLISTS = MappingProxyType(
    {
        "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese",
        "hy": "Armenian", "rup": "Aromanian", "ast": "Asturian", "az": "Azerbaijani",
        "eu": "Basque", "be": "Belarusian", "be-tarask": "Belarusian_Taraskievica",
        "bn": "Bengali", "bpy": "Bishnupriya_Manipuri", "bs": "Bosnian", "br": "Breton",
        "bg": "Bulgarian", "ca": "Catalan", "ceb": "Cebuano", "cv": "Chuvash",
        "hr": "Croatian", "cs": "Czech", "da": "Danish", "nl": "Dutch", "en": "English",
        "eo": "Esperanto", "et": "Estonian", "fi": "Finnish", "fr": "French",
        "gl": "Galician", "ka": "Georgian", "de": "German", "el": "Greek", "gu": "Gujarati",
        "ht": "Haitian", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "is": "Icelandic",
        "io": "Ido", "ig": "Igbo", "id": "Indonesian", "ga": "Irish", "it": "Italian",
        "jv": "Javanese", "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish",
        "ky": "Kyrgyz", "la": "Latin", "lv": "Latvian", "lt": "Lithuanian", "lmo": "Lombard",
        "nds": "Low_Saxon", "lb": "Luxembourgish", "mk": "Macedonian", "ms": "Malay",
        "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi", "nap": "Neapolitan",
        "ne": "Nepali", "new": "Newar", "nb": "Norwegian_Bokmal", "no": "Norwegian_Bokmal",
        "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian", "pms": "Piedmontese",
        "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
        "ru": "Russian", "sgs": "Samogitian", "sr": "Serbian", "sh": "Serbo_Croatian",
        "scn": "Sicilian", "sk": "Slovak", "sl": "Slovenian", "es": "Spanish",
        "su": "Sundanese", "sw": "Swahili", "sv": "Swedish", "tl": "Tagalog",
        "fil": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "tk": "Turkmen",
        "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk",
        "wa": "Walloon", "war": "Waray_Waray", "cy": "Welsh", "fy": "West_Frisian",
        "pnb": "Western_Panjabi", "yo": "Yoruba",
    }
)  # fmt: skip

#: Scripts that say in a few characters what alphabets say in many: jusText's length
#: thresholds (70 and 200 characters) are cut to about a third for them.
_DENSE_LANGUAGES = frozenset(("zh", "ja", "ko"))
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_VERSION = version("jusText")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\d{4}年")


@dataclass(frozen=True)
class Verdict:
    """One line: its index in the capture, whether it is the story's, and why."""

    index: int
    text: str
    story: bool
    reason: str


@dataclass(frozen=True)
class Boilerplate:
    """The verdicts on every line, with the language and the stoplist jusText used."""

    verdicts: tuple[Verdict, ...]
    language: str | None
    stoplist: str | None
    #: How many lines the lexicon and the layout left for jusText to decide.
    open_lines: int = 0

    @property
    def story(self) -> list[str]:
        return [v.text for v in self.verdicts if v.story]

    @property
    def chrome(self) -> list[str]:
        return [v.text for v in self.verdicts if not v.story]

    @property
    def method(self) -> str:
        """How jusText ran, for a provenance step."""
        if self.stoplist is None:
            how = f"language-independent ({self.language or 'language unknown'})"
        else:
            how = f"{self.stoplist} stoplist ({self.language})"
        left = f"the {self.open_lines} lines the lexicon and the layout left open"
        return f"jusText {_VERSION}, {how}, on {left}"


def _dense(lines: Sequence[str], language: str | None) -> bool:
    """Whether the text is Chinese, Japanese or Korean: by its tag, or by its letters."""
    if language:
        return language.split("-")[0].lower() in _DENSE_LANGUAGES
    letters = [c for line in lines for c in line if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if _CJK.match(c)) * 2 > len(letters)


def _long(line: str) -> bool:
    """Long enough to be a lead: six words, or twenty characters of a dense script."""
    return len(line.split()) >= 6 or (len(line) >= 20 and _dense([line], None))


def stoplist_name(language: str | None) -> str | None:
    """jusText's stoplist for a BCP 47 tag, or None when it has none (Chinese, say)."""
    if not language:
        return None
    tag = language.lower()
    if tag.startswith("be-tarask"):
        return STOPLISTS["be-tarask"]
    return STOPLISTS.get(tag.split("-")[0])


@cache
def _stoplist(name: str) -> frozenset[str]:
    return frozenset(justext.get_stoplist(name))


def _justext_classes(
    lines: Sequence[str], stoplist: str | None, language: str | None
) -> dict[int, str]:
    """jusText's final class ("good", "neargood", "short", "bad") of each line, by index."""
    document = "<html><body>{}</body></html>".format(
        "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    )
    options: dict[str, Any] = {}
    if stoplist is None:
        words: frozenset[str] = frozenset()
        options |= {"stopwords_low": 0, "stopwords_high": 0}
    else:
        words = _stoplist(stoplist)
    if _dense(lines, language):
        options |= {"length_low": 25, "length_high": 70}
    classes: dict[int, str] = {}
    for paragraph in justext.justext(document, words, **options):
        # "/html[1]/body[1]/p[7]" is the seventh line.
        position = paragraph.xpath.rsplit("p[", 1)
        if len(position) == 2 and position[1].rstrip("]").isdigit():
            classes[int(position[1].rstrip("]")) - 1] = paragraph.class_type
    return classes


def classify(
    lines: Sequence[str],
    *,
    language: str | None = None,
    keep: Collection[int] = (),
    body_start: int | None = None,
    headline: int | None = None,
) -> Boilerplate:
    """Judge each line of a capture: story or chrome, and the evidence.

    `keep` holds the indices the reader's layout has claimed (the photo block);
    `body_start` is the dateline's line; `headline` the headline's, when the reader has
    found it (what stands above it is the page's masthead and menu). Without
    `language`, it is detected from the text.
    """
    if language is None:
        language = detect_language(" ".join(lines))
    stoplist = stoplist_name(language)
    verdicts: dict[int, Verdict] = {}

    def mark(index: int, story: bool, reason: str) -> None:
        verdicts[index] = Verdict(index, lines[index], story, reason)

    # 1. The lexicon (and the masthead above a headline the reader found).
    if headline is not None:
        for above in range(min(headline, len(lines))):
            mark(above, False, "above the headline")
    index = 0 if headline is None else headline
    while index < len(lines):
        line = lines[index]
        if index in keep or index == body_start:
            index += 1
            continue
        reason = chrome_reason(line)
        if reason == "feed":
            for rest in range(index, len(lines)):
                mark(rest, False, f"the page's feed from {line!r} on")
            break
        if reason == "related":
            end = related_block_end(lines, index)
            mark(index, False, "related-stories heading")
            for inside in range(index + 1, end):
                inner = chrome_reason(lines[inside])
                mark(inside, False, f"lexicon: {inner}" if inner else f"headline under {line!r}")
            index = end
            continue
        if reason is not None:
            mark(index, False, f"lexicon: {reason}")
        index += 1

    # 2. The layout.
    open_lines = [i for i in range(len(lines)) if i not in verdicts]
    if headline is None or headline in verdicts:
        headline = next((i for i in open_lines if i not in keep), None)
    if headline is not None:
        mark(headline, True, "headline")
    for claimed in keep:
        if claimed not in verdicts and 0 <= claimed < len(lines):
            mark(claimed, True, "photo block")
    if body_start is not None and body_start not in verdicts:
        mark(body_start, True, "dateline: the body starts")
        before = [i for i in open_lines if i not in verdicts and i < body_start]
        # The lead is the last long line above the dateline: a date line or a share
        # button may stand between them.
        lead = max((i for i in before if _long(lines[i])), default=None)
        if lead is not None and headline is not None and lead > headline:
            mark(lead, True, "lead (the line before the dateline)")

    def _paragraph(indices: range) -> bool:
        """Whether the nearest line in `indices` that is not chrome is a paragraph."""
        for j in indices:
            if j in verdicts and not verdicts[j].story:
                continue
            return j == body_start or is_sentence(lines[j])
        return False

    def _between_paragraphs(index: int) -> bool:
        """A subheading: the nearest lines that are not chrome on both sides are sentences."""
        return _paragraph(range(index - 1, -1, -1)) and _paragraph(range(index + 1, len(lines)))

    # 3. jusText on what is left open.
    left_open = sum(1 for i in range(len(lines)) if i not in verdicts)
    if left_open:
        classes = _justext_classes(lines, stoplist, language)
        for i in range(len(lines)):
            if i in verdicts:
                continue
            line, kind = lines[i], classes.get(i, "good")
            if is_sentence(line):
                mark(i, True, f"a sentence (jusText: {kind})")
            elif kind in ("good", "neargood"):
                mark(i, True, f"jusText: {kind}")
            elif body_start is not None and i > body_start and _between_paragraphs(i):
                mark(i, True, f"between two paragraphs of the story (jusText: {kind})")
            elif (body_start is None or i < body_start) and _YEAR.search(line):
                mark(i, True, f"a date line before the body (jusText: {kind})")
            else:
                mark(i, False, f"jusText: {kind}, not a sentence")
    return Boilerplate(tuple(verdicts[i] for i in range(len(lines))), language, stoplist, left_open)
