"""A BCP 47 language tag for wire text, from its script and its commonest words.

Good enough for the languages wire copy arrives in here (Russian, Ukrainian, Kazakh,
Belarusian, English, German, French, Spanish, Italian, Turkish); anything else gets no
tag, so validation asks a person instead of the archive guessing.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language"]

_WORD = re.compile(r"[^\W\d_]+")
# Letters one Cyrillic language has and Russian has not.
_CYRILLIC_MARKS = {
    "kk": frozenset("әғқңөұүһ"),
    "uk": frozenset("їєґ"),
    "be": frozenset("ў"),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS = {
    "ru": _words("и в не на что с по это как из для от он к о а его но же так или только был"),
    "uk": _words("і в не на що з та це як до для від він але же так або тільки також був"),
    "kk": _words("және бұл да мен үшін деп бойынша осы бар емес жылы туралы"),
    "en": _words("the of and to in a is that for on with as was by at from it said"),
    "de": _words("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine"),
    "fr": _words("le la les de des et en un une du est que pour dans par sur au"),
    "es": _words("el la de que y en los del se las por un para con una su al"),
    "it": _words("il di che la e in un per del della non una sono le con da"),
    "tr": _words("ve bir bu da de için ile olarak daha çok gibi olan ise"),
}


def detect_language(text: str) -> str | None:
    """The language tag of `text`, or None when the evidence is too thin."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return None
    cyrillic = sum(1 for w in words if "\u0400" <= w[0] <= "\u04ff")
    letters = set("".join(words))
    if cyrillic > len(words) / 2:
        for tag, marks in _CYRILLIC_MARKS.items():
            if sum(1 for w in words if marks & set(w)) >= max(2, len(words) // 100):
                return tag
        if "і" in letters and "ы" not in letters:
            return "uk"
        candidates: tuple[str, ...] = ("ru", "uk", "kk")
    else:
        candidates = ("en", "de", "fr", "es", "it", "tr")
    counts = Counter(words)
    scores = {tag: sum(counts[w] for w in _STOPWORDS[tag]) for tag in candidates}
    best = max(scores, key=lambda tag: scores[tag])
    if scores[best] < max(2, len(words) // 50):
        return None
    return best
