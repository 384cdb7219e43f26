"""Semantic rules: what an archive needs to be true that JSON Schema cannot say.

Each rule has a stable code, a severity and a one-line summary, and yields findings
with the JSON path they concern. Rules read ninjs 3.x (camelCase) items and are part
of the archive profile; they run after the structural check and must never raise on
odd but schema-valid input.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any

from wirearchive.text.chrome import is_chrome_only

from .problems import Problem, Severity

__all__ = ["RULES", "Rule", "RuleContext", "check_rules"]

Path = tuple[str | int, ...]
Finding = tuple[Path, str]


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules may depend on besides the item: the clock and the tolerances."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    future_tolerance: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    check: Callable[[Mapping[str, Any], RuleContext], Iterator[Finding]]


# --- helpers -------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_TIME_FIELDS = ("firstCreated", "contentCreated", "versionCreated")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class _Memo(threading.local):
    """The texts of the item `check_rules` is checking, gathered once for all its rules.

    Only while `check_rules` runs (it sets and clears it), so that a rule called on its
    own, or on an item changed since, never sees another item's texts.
    """

    item: Mapping[str, Any] | None = None
    texts: dict[str, list[tuple[Path, str]]]


_MEMO = _Memo()


def _gather(item: Mapping[str, Any], key: str) -> list[tuple[Path, str]]:
    entries = item.get(key)
    if not isinstance(entries, list):
        return []
    return [
        ((key, index, "value"), entry["value"])
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("value"), str)
    ]


def _texts(item: Mapping[str, Any], key: str) -> list[tuple[Path, str]]:
    """The string ``value`` of each entry of a list (bodies, headlines), with its path."""
    if _MEMO.item is not item:
        return _gather(item, key)
    texts = _MEMO.texts.get(key)
    if texts is None:
        texts = _MEMO.texts[key] = _gather(item, key)
    return texts


@lru_cache(maxsize=64)
def _plain(text: str) -> str:
    if "<" not in text and "\n" not in text and "  " not in text:
        return text.strip()
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def _main_headline(item: Mapping[str, Any]) -> tuple[Path, str] | None:
    headlines = _texts(item, "headlines")
    for path, text in headlines:
        entry = item["headlines"][path[1]]
        if entry.get("role") == "main":
            return path, text
    return headlines[0] if headlines else None


# --- times ---------------------------------------------------------------------------


def _future_times(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.now + ctx.future_tolerance
    for key in _TIME_FIELDS:
        moment = _parse_time(item.get(key))
        if moment is not None and moment > limit:
            yield (key,), f"{item[key]} is in the future (now is {ctx.now:%Y-%m-%dT%H:%M:%SZ})"


def _created_after_version(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    first = _parse_time(item.get("firstCreated"))
    version = _parse_time(item.get("versionCreated"))
    if first is not None and version is not None and first > version:
        yield (
            ("firstCreated",),
            f"firstCreated {item['firstCreated']} is after versionCreated {item['versionCreated']}",
        )


def _created_missing(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    if "firstCreated" not in item and "contentCreated" not in item:
        yield (), "neither firstCreated nor contentCreated is given; only versionCreated dates it"


# --- language and script -------------------------------------------------------------

# Scripts are told apart by the lead byte of each letter's UTF-8 encoding: one
# bytes.translate and a few counts, all in C, instead of a regex pass per script (the
# rules run on every item, and bodies run to thousands of characters). Lead bytes that
# several scripts share (0xE0, 0xE1: Thai, Devanagari, Georgian, Latin Extended
# Additional ...) are left out, so languages written only in those are not checked.
_LEAD_BYTES: dict[str, bytes] = {
    "Latn": bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B)) + bytes(range(0xC3, 0xCA)),
    "Grek": b"\xce\xcf",
    "Cyrl": bytes(range(0xD0, 0xD5)),
    "Armn": b"\xd5",
    "Hebr": b"\xd7",
    "Arab": bytes(range(0xD8, 0xDC)),
    "Kana": b"\xe3",
    "Hani": bytes(range(0xE4, 0xEA)),
    "Hang": bytes(range(0xEA, 0xEE)),
}
_SCRIPT_CODES = {script: bytes([ord("a") + i]) for i, script in enumerate(_LEAD_BYTES)}
_SCRIPT_TABLE = bytearray(b"." * 256)
for _script, _leads in _LEAD_BYTES.items():
    for _lead in _leads:
        _SCRIPT_TABLE[_lead] = _SCRIPT_CODES[_script][0]
_SCRIPT_TABLE_BYTES = bytes(_SCRIPT_TABLE)

# The scripts a language is normally written in (ISO 15924 codes), for the languages
# wire services publish in. A language not listed here is not checked.
_LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "mn", "tt", "ba", "cv"),
                    frozenset({"Cyrl"})),
    **dict.fromkeys(("sr", "uz", "az"), frozenset({"Cyrl", "Latn"})),
    **dict.fromkeys(("en", "de", "fr", "es", "it", "pt", "nl", "sv", "no", "nb", "nn", "da",
                     "fi", "pl", "cs", "sk", "sl", "hr", "bs", "ro", "hu", "tr", "et", "lv",
                     "lt", "id", "ms", "vi", "ca", "eu", "gl", "sq", "tk", "sw", "ga", "is"),
                    frozenset({"Latn"})),
    "el": frozenset({"Grek"}),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), frozenset({"Arab"})),
    **dict.fromkeys(("he", "yi"), frozenset({"Hebr"})),
    "hy": frozenset({"Armn"}),
    "zh": frozenset({"Hani"}),
    "ja": frozenset({"Hani", "Kana"}),
    "ko": frozenset({"Hang", "Hani"}),
}  # fmt: skip
_SAMPLE_CHARS = 2000  # enough letters to tell a script; keeps the rule cheap on long bodies
_MIN_LETTERS = 20


@lru_cache(maxsize=256)
def _expected_scripts(tag: str) -> frozenset[str] | None:
    subtags = tag.replace("_", "-").split("-")
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():  # an explicit script subtag: sr-Latn
            if subtag.title() in _LEAD_BYTES:
                return frozenset({subtag.title()})
            break  # one we do not detect (zh-Hant, ja-Jpan): the language decides
    return _LANGUAGE_SCRIPTS.get(subtags[0].lower())


def _script_classes(text: str) -> bytes:
    """One byte per UTF-8 byte of the text: a script code at each letter's lead byte."""
    return text.encode("utf-8").translate(_SCRIPT_TABLE_BYTES)


def _dominant_script(classes: bytes) -> tuple[str, int]:
    counts = {script: classes.count(code) for script, code in _SCRIPT_CODES.items()}
    total = sum(counts.values())
    script, count = max(counts.items(), key=lambda pair: pair[1])
    return script, round(100 * count / total)


def _language_script(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    tag = item.get("language")
    if not isinstance(tag, str):
        return
    expected = _expected_scripts(tag)
    if expected is None:
        return
    # The bodies decide; the headlines only when the bodies hold too few letters.
    for key in ("bodies", "headlines"):
        texts = _texts(item, key)
        if len(texts) == 1:  # the common case: no join, no copy
            sample = _plain(texts[0][1])[:_SAMPLE_CHARS]
        else:
            sample = " ".join([_plain(text) for _, text in texts])[:_SAMPLE_CHARS]
        classes = _script_classes(sample)
        letters = len(classes) - classes.count(b".")
        if letters < _MIN_LETTERS:
            continue
        if 2 * sum([classes.count(_SCRIPT_CODES[s]) for s in expected]) >= letters:
            return
        script, share = _dominant_script(classes)
        if script not in expected:
            yield (
                ("language",),
                f"language {tag!r} is written in {'/'.join(sorted(expected))}, but {share}% "
                f"of the letters in {key} are {script}",
            )
        return


# --- bodies --------------------------------------------------------------------------


def _is_chrome(text: str) -> bool:
    return is_chrome_only(_TAG.sub("\n", text).splitlines())


def _body_only_chrome(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    for path, text in _texts(item, "bodies"):
        if text.strip() and _is_chrome(text):
            yield path, f"the body holds only page chrome ({_plain(text)[:60]!r})"


def _normal_text(text: str) -> str:
    return unicodedata.normalize("NFC", _plain(text)).casefold().strip(" .!?\"'«»“”")


def _body_equals_headline(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    headline = _main_headline(item)
    if headline is None:
        return
    wanted = None
    for path, text in _texts(item, "bodies"):
        if len(text) > 4 * len(headline[1]) + 64:
            continue  # far longer than the headline, even with markup: cannot repeat it
        if wanted is None:
            wanted = _normal_text(headline[1])
        if wanted and _normal_text(text) == wanted:
            yield path, "the body only repeats the headline"


# --- names ---------------------------------------------------------------------------

# A capital letter (Latin, Greek, Cyrillic) at the start of a word, and five or more
# letters: the candidates (`_one_edit_in_stem` compares names of six letters or more).
# The class comes first and the word boundary after it, as a lookbehind, so that the
# regex engine scans for the class at C speed instead of trying \b at every position:
# a third of the time of ``\b[A-Z...]``. Extended Cyrillic (Ґ Қ Ә Ө Ұ Ү Ғ Ң Һ ...) mixes
# cases, so the case is checked after.
_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩЀ-ЯѠ-ӿ](?<!\w.)[^\W\d_]{5,}")


_VOWELS = frozenset("aeiouyаеёиоуыэюяіїєөұүәαεηιουω")


def _base(letter: str) -> str:
    return unicodedata.normalize("NFD", letter)[0].lower()


def _is_vowel(letter: str) -> bool:
    return _base(letter) in _VOWELS or letter.lower() in _VOWELS


def _one_edit_in_stem(a: str, b: str) -> bool:
    """True when a and b differ by one vowel in the stem: the slip of a transliterated name.

    Жаксалыков/Жаксылыков, Luhkay/Luhukay. A consonant apart is most often another word
    (Bildung/Bindung, Darum/Datum: German capitalises every noun), and a vowel and its
    umlaut or accent is grammar (Schaden/Schäden); short words are too often different
    words (Sache/Suche). The inflected ending is left alone: Казахстана/Казахстане.
    """
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 6:
        return False
    ending = 3 if min(len(a), len(b)) >= 8 else 2
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if i >= min(len(a), len(b)) - ending:
        return False
    if len(a) == len(b):
        x, y = a[i], b[i]
        if not (_is_vowel(x) and _is_vowel(y)) or _base(x) == _base(y):
            return False
        return a[i + 1 :] == b[i + 1 :]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return _is_vowel(longer[i]) and longer[i + 1 :] == shorter[i:]


# What two spellings of one name share (see `_name_variants`): first letter, ending.
_BUCKET = itemgetter(0, -2, -1)


def _name_groups(text: str) -> list[list[str]]:
    """The names of the text that share a first letter and an ending, in groups of two or
    more. Most bodies have none, which a C-speed count of the candidates' buckets tells."""
    candidates = list(set(_NAME.findall(text)))
    keys = list(map(_BUCKET, candidates))
    if len(set(keys)) == len(keys):
        return []
    shared = {key for key, count in Counter(keys).items() if count > 1}
    groups: dict[tuple[str, str, str], list[str]] = {}
    for name, key in zip(candidates, keys, strict=True):
        if key in shared and name[0].isupper() and name[1:].islower():
            groups.setdefault(key, []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def _name_variants(item: Mapping[str, Any], ctx: RuleContext) -> Iterator[Finding]:
    for path, text in _texts(item, "bodies"):
        # Two spellings one edit apart in the stem keep the first letter and the ending,
        # so only names that share both are compared.
        groups = _name_groups(_plain(text))
        if not groups:
            continue
        pairs = sorted(
            (first, second) if first < second else (second, first)
            for group in groups
            for i, first in enumerate(group)
            for second in group[i + 1 :]
            if _one_edit_in_stem(first, second)
        )
        for first, second in pairs:
            yield path, f"one name spelt two ways: {first!r} and {second!r}"


RULES: tuple[Rule, ...] = (
    Rule("time.future", Severity.ERROR, "a creation time lies in the future", _future_times),
    Rule("time.order", Severity.ERROR, "firstCreated is after versionCreated",
         _created_after_version),
    Rule("time.created-missing", Severity.WARNING,
         "neither firstCreated nor contentCreated is given", _created_missing),
    Rule("language.script", Severity.ERROR,
         "the language tag does not match the script of the text", _language_script),
    Rule("body.chrome-only", Severity.ERROR, "a body holds only page chrome", _body_only_chrome),
    Rule("body.equals-headline", Severity.ERROR, "a body only repeats the headline",
         _body_equals_headline),
    Rule("name.variant-spelling", Severity.WARNING,
         "near-identical spellings of one proper name in one text", _name_variants),
)  # fmt: skip


def check_rules(
    item: Mapping[str, Any], ctx: RuleContext, rules: Sequence[Rule] = RULES
) -> list[Problem]:
    """Run every rule on a structurally valid item."""
    _MEMO.item, _MEMO.texts = item, {}
    try:
        return [
            Problem(rule.code, message, path, rule.severity)
            for rule in rules
            for path, message in rule.check(item, ctx)
        ]
    finally:
        _MEMO.item, _MEMO.texts = None, {}
