"""Datelines of news wire stories: where, when and by whom a story was filed.

A dateline is the opening of a wire story, e.g. ``LONDON, May 29 (Reuters) -`` or
``МОСКВА, 29 мая. /ТАСС/.``. `parse_dateline` recognises the conventions in `CONVENTIONS`
(tried in order, first match wins) and returns a `Dateline` with the city in normal case,
the date, the agency (canonical and as written) and the offset where the story body
begins, so a caller can strip the dateline with ``text[dateline.end:]``.

The parser is deliberately strict: a dateline starts the text, and either its city is
written in capitals (``МОСКВА, 29 мая —``) or the city is followed by an agency and/or a
date in one of the known shapes (``Berlin (dpa) -``). Ordinary first sentences such as
"Berlin is the capital ..." or "В Астане министры ..." yield None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["AGENCIES", "Dateline", "parse_dateline", "script_language"]


@dataclass(frozen=True, slots=True)
class Dateline:
    """A parsed dateline; ``text[end:]`` is the story without it."""

    city: str
    """The city in normal case: "Алматы", "Rio de Janeiro", "Санкт-Петербург"."""
    month: int | None
    day: int | None
    year: int | None
    agency: str | None
    """Canonical agency name ("Reuters", "TASS"); for an unknown agency, as written."""
    agency_text: str | None
    """The agency as written, with its brackets: "РИА Новости", "/ТАСС/", "(БЕЛТА)"."""
    end: int
    """Offset of the story body: past the dateline, its separator and whitespace."""
    text: str
    """The dateline as written, without surrounding whitespace and trailing separator."""
    language: str | None
    """Language of the dateline ("ru", "en", "kk", ...) when it can be told."""


# --------------------------------------------------------------------------- agencies

# (canonical name, language of its Latin-script spellings, spellings). Cyrillic and
# Chinese spellings take their language from their script (see `script_language`).
_AGENCY_TABLE: Final[tuple[tuple[str, str | None, tuple[str, ...]], ...]] = (
    ("Reuters", "en", ("Reuters", "REUTERS", "Рейтер", "Рейтерс", "路透社")),
    ("AP", "en", ("AP", "Associated Press", "Ассошиэйтед Пресс")),
    ("AFP", None, ("AFP", "Agence France-Presse", "Франс Пресс", "Франс-Пресс", "法新社")),
    ("Bloomberg", "en", ("Bloomberg", "Блумберг")),
    ("UPI", "en", ("UPI", "United Press International")),
    ("PTI", "en", ("PTI", "Press Trust of India")),
    ("IANS", "en", ("IANS",)),
    ("Kyodo", "en", ("Kyodo", "KYODO", "Kyodo News", "Киодо", "共同社")),
    ("Yonhap", "en", ("Yonhap", "YONHAP", "Ренхап", "Йонхап", "韩联社")),
    ("Xinhua", "en", ("Xinhua", "XINHUA", "Синьхуа", "新华社", "新华网")),
    ("China News Service", "en", ("China News Service", "CNS", "中新社", "中新网")),
    ("dpa", "de", ("dpa", "DPA", "dpa-AFX", "Deutsche Presse-Agentur", "ДПА")),
    ("EFE", "es", ("EFE", "Agencia EFE")),
    ("Europa Press", "es", ("Europa Press", "EUROPA PRESS")),
    ("ANSA", "it", ("ANSA", "Ansa")),
    ("AGI", "it", ("AGI",)),
    ("Anadolu", "tr", ("AA", "Anadolu", "Anadolu Agency", "Anadolu Ajansı", "Анадолу")),
    ("TASS", "en", ("TASS", "ТАСС", "ИТАР-ТАСС", "ITAR-TASS")),
    ("RIA Novosti", "en", ("RIA Novosti", "РИА Новости", 'РИА "Новости"')),
    ("Interfax", "en", ("Interfax", "INTERFAX", "INTERFAX.RU", "Интерфакс", "ИНТЕРФАКС")),
    (
        "Interfax-Kazakhstan",
        "en",
        ("Interfax-Kazakhstan", "INTERFAX.KZ", "Интерфакс-Казахстан", "ИНТЕРФАКС-КАЗАХСТАН"),
    ),
    ("Sputnik", None, ("Sputnik", "Sputnik Казахстан", "Sputnik Беларусь", "Спутник")),
    ("Kazinform", "en", ("Kazinform", "KAZINFORM", "Казинформ", "КАЗИНФОРМ", "ҚазАқпарат")),
    ("KazTAG", "en", ("KazTAG", "КазТАГ")),
    ("BelTA", "en", ("BelTA", "BELTA", "БелТА", "БЕЛТА")),
    ("Ukrinform", "en", ("Ukrinform", "Укрінформ", "Укринформ", "УКРІНФОРМ")),
    ("UNIAN", "en", ("UNIAN", "УНІАН", "УНИАН")),
    ("Regnum", "en", ("Regnum", "REGNUM", "ИА REGNUM", "ИА Регнум", "Регнум")),
)

AGENCIES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {name: spellings for name, _, spellings in _AGENCY_TABLE}
)
"""Canonical agency name → the spellings recognised (Latin, Cyrillic and Chinese)."""

# casefolded spelling → (canonical name, language of the spelling)
_ALIASES: Final[dict[str, tuple[str, str | None]]] = {}


def script_language(text: str) -> str | None:
    """The language a Cyrillic or Chinese text must be in; None for other scripts."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh"
    if not any("\u0400" <= ch <= "\u04ff" for ch in text):
        return None
    lowered = text.lower()
    if any(ch in "әғқңөұүһ" for ch in lowered):
        return "kk"
    if "ў" in lowered:
        return "be"
    if any(ch in "іїєґ" for ch in lowered):
        return "uk"
    return "ru"


def _fold(text: str) -> str:
    """Case- and spacing-insensitive key; Turkish dotted/dotless i fold together."""
    folded = " ".join(text.split()).casefold().replace("\u0307", "").replace("ı", "i")
    return folded.rstrip(".")


for _name, _latin_language, _spellings in _AGENCY_TABLE:
    for _spelling in _spellings:
        _ALIASES[_fold(_spelling)] = (_name, script_language(_spelling) or _latin_language)


def _canonical_agency(written: str) -> tuple[str, str | None] | None:
    """The (canonical name, spelling language) for an agency as written, or None.

    Tries the whole name, then runs of up to three of its words, so that
    "Корр. ТАСС Иван Иванов" and "Sputnik Кыргызстан" are recognised too.
    """
    exact = _ALIASES.get(_fold(written))
    if exact is not None:
        return exact
    # "dpa/lno" is dpa's regional desk: the agency is the part before the slash.
    words = [word.strip(".,:;\"'«»") for word in re.split(r"[\s/]+", written)]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            found = _ALIASES.get(_fold(" ".join(words[start : start + size])))
            if found is not None:
                return found
    return None


# ----------------------------------------------------------------------------- months

_MONTHS: Final[Mapping[str, Mapping[str, int]]] = MappingProxyType(
    {
        # Russian: genitive, as in "29 мая", and the usual abbreviations.
        "ru": {
            **dict.fromkeys(["января", "янв"], 1),
            **dict.fromkeys(["февраля", "фев", "февр"], 2),
            **dict.fromkeys(["марта", "мар"], 3),
            **dict.fromkeys(["апреля", "апр"], 4),
            "мая": 5,
            **dict.fromkeys(["июня", "июн"], 6),
            **dict.fromkeys(["июля", "июл"], 7),
            **dict.fromkeys(["августа", "авг"], 8),
            **dict.fromkeys(["сентября", "сен", "сент"], 9),
            **dict.fromkeys(["октября", "окт"], 10),
            **dict.fromkeys(["ноября", "ноя", "нояб"], 11),
            **dict.fromkeys(["декабря", "дек"], 12),
        },
        # Ukrainian: genitive, as in "29 травня".
        "uk": {
            **dict.fromkeys(["січня", "січ"], 1),
            **dict.fromkeys(["лютого", "лют"], 2),
            **dict.fromkeys(["березня", "бер"], 3),
            **dict.fromkeys(["квітня", "квіт"], 4),
            **dict.fromkeys(["травня", "трав"], 5),
            **dict.fromkeys(["червня", "черв"], 6),
            **dict.fromkeys(["липня", "лип"], 7),
            **dict.fromkeys(["серпня", "серп"], 8),
            **dict.fromkeys(["вересня", "вер"], 9),
            **dict.fromkeys(["жовтня", "жовт"], 10),
            **dict.fromkeys(["листопада", "лист"], 11),
            **dict.fromkeys(["грудня", "груд"], 12),
        },
        # Belarusian: genitive, as in "3 снежня".
        "be": {
            **dict.fromkeys(["студзеня", "студз"], 1),
            **dict.fromkeys(["лютага", "лют"], 2),
            **dict.fromkeys(["сакавіка", "сак"], 3),
            **dict.fromkeys(["красавіка", "крас"], 4),
            "мая": 5,
            **dict.fromkeys(["чэрвеня", "чэрв"], 6),
            **dict.fromkeys(["ліпеня", "ліп"], 7),
            **dict.fromkeys(["жніўня", "жн"], 8),
            **dict.fromkeys(["верасня", "вер"], 9),
            **dict.fromkeys(["кастрычніка", "кастр"], 10),
            **dict.fromkeys(["лістапада", "ліст"], 11),
            **dict.fromkeys(["снежня", "снеж"], 12),
        },
        # Kazakh: "29 мамыр", "2024 жылғы 29 мамыр".
        "kk": {
            "қаңтар": 1,
            "ақпан": 2,
            "наурыз": 3,
            "сәуір": 4,
            "мамыр": 5,
            "маусым": 6,
            "шілде": 7,
            "тамыз": 8,
            "қыркүйек": 9,
            "қазан": 10,
            "қараша": 11,
            "желтоқсан": 12,
        },
        # English, full and AP style: "May 29", "Jan. 5", "Sept. 3", "29 May".
        "en": {
            **dict.fromkeys(["january", "jan"], 1),
            **dict.fromkeys(["february", "feb"], 2),
            **dict.fromkeys(["march", "mar"], 3),
            **dict.fromkeys(["april", "apr"], 4),
            "may": 5,
            **dict.fromkeys(["june", "jun"], 6),
            **dict.fromkeys(["july", "jul"], 7),
            **dict.fromkeys(["august", "aug"], 8),
            **dict.fromkeys(["september", "sept", "sep"], 9),
            **dict.fromkeys(["october", "oct"], 10),
            **dict.fromkeys(["november", "nov"], 11),
            **dict.fromkeys(["december", "dec"], 12),
        },
        # German: "29. Mai".
        "de": {
            **dict.fromkeys(["januar", "jänner", "jan"], 1),
            **dict.fromkeys(["februar", "feb"], 2),
            **dict.fromkeys(["märz", "mär"], 3),
            **dict.fromkeys(["april", "apr"], 4),
            "mai": 5,
            **dict.fromkeys(["juni", "jun"], 6),
            **dict.fromkeys(["juli", "jul"], 7),
            **dict.fromkeys(["august", "aug"], 8),
            **dict.fromkeys(["september", "sept", "sep"], 9),
            **dict.fromkeys(["oktober", "okt"], 10),
            **dict.fromkeys(["november", "nov"], 11),
            **dict.fromkeys(["dezember", "dez"], 12),
        },
        # Spanish: "29 may", "29 de mayo de 2024".
        "es": {
            **dict.fromkeys(["enero", "ene"], 1),
            **dict.fromkeys(["febrero", "feb"], 2),
            **dict.fromkeys(["marzo", "mar"], 3),
            **dict.fromkeys(["abril", "abr"], 4),
            **dict.fromkeys(["mayo", "may"], 5),
            **dict.fromkeys(["junio", "jun"], 6),
            **dict.fromkeys(["julio", "jul"], 7),
            **dict.fromkeys(["agosto", "ago"], 8),
            **dict.fromkeys(["septiembre", "setiembre", "sept", "sep", "set"], 9),
            **dict.fromkeys(["octubre", "oct"], 10),
            **dict.fromkeys(["noviembre", "nov"], 11),
            **dict.fromkeys(["diciembre", "dic"], 12),
        },
        # Italian: "29 maggio", ANSA's "29 MAG".
        "it": {
            **dict.fromkeys(["gennaio", "gen"], 1),
            **dict.fromkeys(["febbraio", "feb"], 2),
            **dict.fromkeys(["marzo", "mar"], 3),
            **dict.fromkeys(["aprile", "apr"], 4),
            **dict.fromkeys(["maggio", "mag"], 5),
            **dict.fromkeys(["giugno", "giu"], 6),
            **dict.fromkeys(["luglio", "lug"], 7),
            **dict.fromkeys(["agosto", "ago"], 8),
            **dict.fromkeys(["settembre", "set"], 9),
            **dict.fromkeys(["ottobre", "ott"], 10),
            **dict.fromkeys(["novembre", "nov"], 11),
            **dict.fromkeys(["dicembre", "dic"], 12),
        },
        # French: "29 mai".
        "fr": {
            **dict.fromkeys(["janvier", "janv"], 1),
            **dict.fromkeys(["février", "févr", "fév"], 2),
            "mars": 3,
            **dict.fromkeys(["avril", "avr"], 4),
            "mai": 5,
            "juin": 6,
            **dict.fromkeys(["juillet", "juil"], 7),
            "août": 8,
            **dict.fromkeys(["septembre", "sept"], 9),
            **dict.fromkeys(["octobre", "oct"], 10),
            **dict.fromkeys(["novembre", "nov"], 11),
            **dict.fromkeys(["décembre", "déc"], 12),
        },
        # Portuguese, Lusa's "5 dez": full names and three letters.
        "pt": {
            **dict.fromkeys(["janeiro", "jan"], 1),
            **dict.fromkeys(["fevereiro", "fev"], 2),
            **dict.fromkeys(["março", "mar"], 3),
            **dict.fromkeys(["abril", "abr"], 4),
            **dict.fromkeys(["maio", "mai"], 5),
            **dict.fromkeys(["junho", "jun"], 6),
            **dict.fromkeys(["julho", "jul"], 7),
            **dict.fromkeys(["agosto", "ago"], 8),
            **dict.fromkeys(["setembro", "set"], 9),
            **dict.fromkeys(["outubro", "out"], 10),
            **dict.fromkeys(["novembro", "nov"], 11),
            **dict.fromkeys(["dezembro", "dez"], 12),
        },
        # Turkish: "29 Mayıs".
        "tr": {
            "ocak": 1,
            "şubat": 2,
            "mart": 3,
            "nisan": 4,
            "mayıs": 5,
            "haziran": 6,
            "temmuz": 7,
            "ağustos": 8,
            "eylül": 9,
            "ekim": 10,
            "kasım": 11,
            "aralık": 12,
        },
    }
)

# Order in which languages sharing a month name ("may", "mai", "set") are preferred.
_LANGUAGE_PREFERENCE: Final = (
    "en", "ru", "fr", "de", "es", "it", "tr", "uk", "kk", "be", "pt",
)  # fmt: skip


def _month_index() -> dict[str, tuple[int, tuple[str, ...]]]:
    """Folded month name → (month number, languages using that name)."""
    index: dict[str, tuple[int, tuple[str, ...]]] = {}
    for language, names in _MONTHS.items():
        for name, number in names.items():
            previous_number, languages = index.get(_fold(name), (number, ()))
            if previous_number != number:  # pragma: no cover - guards the tables above
                raise ValueError(f"month name {name!r} means two months")
            index[_fold(name)] = (number, (*languages, language))
    return index


_MONTH_INDEX: Final = _month_index()


# ---------------------------------------------------------------------- pattern pieces


def _char_class(predicate: Callable[[str], bool]) -> str:
    """A regex character class of the Latin, Greek and Cyrillic letters that satisfy it."""
    blocks = ((0x41, 0x24F), (0x370, 0x52F), (0x1E00, 0x1FFF))
    points = [cp for low, high in blocks for cp in range(low, high + 1) if predicate(chr(cp))]
    ranges: list[str] = []
    start = previous = points[0]
    for point in [*points[1:], -1]:
        if point != previous + 1:
            ranges.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
            start = point
        previous = point
    return "[" + "".join(ranges) + "]"


def _alternation(words: Iterable[str]) -> str:
    """Longest-first alternation of literal words, ending at a word boundary."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "(?:" + "|".join(re.escape(word) for word in ordered) + r")(?![^\W_])"


_UPPER: Final = _char_class(str.isupper)
_LETTER: Final = r"[^\W\d_]"
_APOSTROPHE: Final = "['’ʼ]"
_HS: Final = r"[^\S\r\n]*"  # horizontal whitespace, including no-break spaces
_GAP: Final = r"(?:[^\S\r\n]|-)"  # between the words of a city: one space or a hyphen
_DASH: Final = r"(?:-{1,3}|[‐‑‒–—―−])"

# Lower-case words inside a city name ("Rio de Janeiro", "Ростов-на-Дону").
# fmt: off
_PARTICLES: Final = frozenset((
    "de", "del", "della", "dei", "di", "da", "do", "dos", "das", "du", "des", "la", "le",
    "les", "en", "sur", "sous", "am", "an", "im", "der", "den", "upon", "on", "es", "el",
    "al", "of", "na", "y", "на", "над", "эс",
))
# fmt: on

# An upper-case word ("ROMA", "N'DJAMENA", "КАМ'ЯНЕЦЬ") and an upper-case city of up to
# five words ("RIO DE JANEIRO", "САНКТ-ПЕТЕРБУРГ", "ST. LOUIS").
_UP_WORD: Final = rf"{_UPPER}(?:{_UPPER}|{_APOSTROPHE}(?={_UPPER}))*"
_CITY_UP: Final = rf"(?:{_UPPER}{{1,3}}\.[^\S\r\n]?)?{_UP_WORD}(?:{_GAP}{_UP_WORD}){{0,4}}"
# A city in any case: capitalised words, with lower-case particles between them.
_ANY_WORD: Final = rf"{_UPPER}(?:{_LETTER}|{_APOSTROPHE}(?={_LETTER}))*"
_PARTICLE: Final = _alternation(_PARTICLES)
_CITY_ANY: Final = (
    rf"(?:{_UPPER}{_LETTER}{{0,2}}\.[^\S\r\n]?)?{_ANY_WORD}"
    rf"(?:{_GAP}(?:{_PARTICLE}{_GAP})*{_ANY_WORD}){{0,4}}"
)
_MONTH_EN: Final = "(?i:" + _alternation(_MONTHS["en"]) + ")"
_MONTH_ANY: Final = (
    "(?i:" + _alternation(name for names in _MONTHS.values() for name in names) + ")"
)
# A US state or a country after the city: "SAN FRANCISCO, Calif. (AP)" (never a month).
_REGION: Final = (
    rf"(?!{_MONTH_ANY})"
    rf"{_UPPER}{_LETTER}{{0,15}}\.?(?:[^\S\r\n]?{_UPPER}{_LETTER}{{0,15}}\.?)?"
)
_TIME: Final = r"\d{1,2}:\d{2}(?!\d)"
_YEAR_WORD: Final = r"(?:года|год|г\.|гг\.|року|рік|р\.|жылы|жыл|ж\.|yılı)"

# Date forms, tried in order on a date already found; group names feed `_parse_date`.
_DATE_FORMS: Final = (
    # 2024-05-29
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)",
    # 29.05.2024, 29/05/24
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})(?!\d)",
    # Kazakh: 2024 жылғы 29 мамыр
    rf"(?P<year>\d{{4}}){_HS}(?:жылғы|ж\.){_HS}(?P<day>\d{{1,2}}){_HS}(?P<name>{_MONTH_ANY})",
    # English, month first: May 29, Sept. 3, 2024
    rf"(?P<name>{_MONTH_EN})\.?{_HS}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:{_HS},{_HS}(?P<year>\d{{4}})(?!\d))?",
    # Day first: 29 мая 2024 г., 29. Mai, 29 MAG, 29 de mayo de 2024, 29 Mayıs 2024
    rf"(?P<day>\d{{1,2}})(?P<dot>\.)?{_HS}(?:de{_HS})?(?P<name>{_MONTH_ANY})"
    rf"(?:\.?{_HS}(?:de{_HS})?(?P<year>\d{{4}})(?!\d)(?:{_HS}{_YEAR_WORD})?)?",
    # Chinese: 2024年5月29日
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日",
)
_COMPILED_DATE_FORMS: Final = tuple(re.compile(form) for form in _DATE_FORMS)
_MONTH_FIRST: Final = _COMPILED_DATE_FORMS[3]


def _unnamed(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_DATE: Final = "(?:" + "|".join(_unnamed(form) for form in _DATE_FORMS[:-1]) + ")"
_ZH_DATE: Final = _unnamed(_DATE_FORMS[-1])
# A bare day, as in Europa Press's "MADRID, 29 (EUROPA PRESS) -".
_DATE_OR_DAY: Final = rf"(?:{_DATE}|\d{{1,2}}(?!\d))"


def _when(date: str) -> str:
    """A date, optionally with a time of filing: "29 мая 2024, 10:15"."""
    return rf"(?P<date>{date})(?:{_HS},{_HS}{_TIME})?"


_KNOWN_AGENCY: Final = _alternation(
    spelling
    for _, _, spellings in _AGENCY_TABLE
    for spelling in spellings
    if script_language(spelling) != "zh"
)
# Chinese has no spaces: the agency runs straight into the city ("新华社北京").
_ZH_AGENCY: Final = "|".join(
    re.escape(spelling)
    for _, _, spellings in _AGENCY_TABLE
    for spelling in spellings
    if script_language(spelling) == "zh"
)
# An agency not in AGENCIES, written without brackets: all capitals after a dot
# ("КАБАРИНФОРМ"), capitalised words after a dash ("Кабар", "Trend News").
_UNKNOWN_CAPS: Final = rf"{_UP_WORD}(?:[-.]{_UP_WORD})*(?!{_LETTER})"
_UNKNOWN_WORDS: Final = rf"{_UPPER}{_LETTER}+(?:[^\S\r\n]{_UPPER}{_LETTER}+){{0,2}}"
# A correspondent named after the agency: "РИА Новости, Мария Иванова".
_AUTHOR: Final = rf"{_UPPER}{_LETTER}+(?:[^\S\r\n]{_UPPER}{_LETTER}+){{0,3}}"

# The separator after the dateline, and the whitespace up to the body.
_SEP_DASH: Final = rf"(?P<sep>{_HS}\.?{_HS}{_DASH}\s*)"
_SEP_OPTIONAL: Final = rf"(?P<sep>{_HS}(?:\.{_HS})?(?:{_DASH}|:)?\s*)"
_SEP_DOT_OR_DASH: Final = rf"(?P<sep>{_HS}\.?{_HS}{_DASH}\s*|\.(?:\s+|$))"
_SEP_DOT: Final = r"(?P<sep>\.(?:\s+|$))"


# -------------------------------------------------------------------------- conventions


@dataclass(frozen=True, slots=True)
class Convention:
    """One shape of dateline: a named pattern and datelines written that way."""

    name: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]
    language: str | None = None
    """The language of every dateline in this shape, if the shape implies one."""


def _convention(
    name: str, core: str, sep: str, examples: tuple[str, ...], language: str | None = None
) -> Convention:
    pattern = re.compile(rf"[\s\ufeff]*(?P<dl>{core}){sep}")
    return Convention(name, pattern, examples, language)


CONVENTIONS: Final[tuple[Convention, ...]] = (
    _convention(
        "agency-first",
        rf"(?P<agency_text>\((?P<agency>[^()\n]{{1,40}})\)){_HS}{_DASH}{_HS}"
        rf"(?P<city>{_CITY_ANY}){_HS},{_HS}{_when(_DATE)}",
        _SEP_DASH,
        ("(ANSA) - ROMA, 29 MAG - ", "(AGI) - Roma, 29 mag. - "),
    ),
    _convention(
        "chinese",
        rf"(?P<agency_text>(?P<agency>(?:{_ZH_AGENCY})))(?P<city>[\u4e00-\u9fff]{{1,8}}?)"
        rf"(?P<date>{_ZH_DATE})电(?:{_HS}[（(][^）)\n]{{0,40}}[）)])?",
        r"(?P<sep>\s*)",
        ("新华社北京5月29日电（记者张三）", "中新社北京5月29日电 "),
        language="zh",
    ),
    _convention(
        "slash-agency",
        rf"(?P<city>{_CITY_ANY})(?:{_HS}[,.]{_HS}{_when(_DATE)})?{_HS}[.,]?{_HS}"
        rf"(?P<agency_text>/(?P<agency>[^/\n]{{1,60}})/)",
        _SEP_OPTIONAL,
        (
            "МОСКВА, 29 мая. /ТАСС/. ",
            "MOSCOW, May 29. /TASS/. ",
            "КИЇВ, 29 травня. /Укрінформ/. ",
            "ПЕКИН, 29 мая /Синьхуа/ -- ",
        ),
    ),
    _convention(
        "paren-agency",
        rf"(?P<city>{_CITY_ANY})(?:{_HS},{_HS}(?P<region>{_REGION}))?"
        rf"(?:{_HS}[,.]{_HS}{_when(_DATE_OR_DAY)})?{_HS}[,.]?{_HS}"
        rf"(?P<agency_text>\((?P<agency>[^()\n]{{1,40}})\))",
        _SEP_OPTIONAL,
        (
            "LONDON, May 29 (Reuters) - ",
            "WASHINGTON (AP) — ",
            "PARIS, May 29, 2024 (AFP) - ",
            "Berlin (dpa) - ",
            "Madrid, 29 may (EFE).- ",
            "NEW DELHI, May 29 (PTI) ",
            "МИНСК, 29 мая (БЕЛТА) - ",
            "КИЇВ (УНІАН) - ",
            "MADRID, 29 (EUROPA PRESS) - ",
        ),
    ),
    _convention(
        "dot-agency",
        rf"(?P<city>{_CITY_ANY}){_HS}[.,]{_HS}"
        rf"(?:{_when(_DATE)}{_HS}[.,]{_HS})?"
        rf"(?P<agency_text>(?P<agency>{_KNOWN_AGENCY}|{_UNKNOWN_CAPS}))",
        _SEP_DOT_OR_DASH,
        (
            "МОСКВА. 29 мая. ИНТЕРФАКС - ",
            "АСТАНА. КАЗИНФОРМ - ",
            "Астана. 29 мая. КАЗИНФОРМ. ",
            "АСТАНА. ҚазАқпарат - ",
            "Алматы. 29 мая. КазТАГ – ",
        ),
    ),
    _convention(
        "dash-agency",
        rf"(?P<city>{_CITY_ANY})(?:{_HS}[,.]{_HS}{_when(_DATE)})?{_HS}{_DASH}{_HS}"
        rf"(?P<agency_text>(?P<agency>{_KNOWN_AGENCY}|{_UNKNOWN_WORDS}))"
        rf"(?:{_HS},{_HS}(?P<author>{_AUTHOR}))?",
        _SEP_DOT,
        (
            "МОСКВА, 29 мая - РИА Новости. ",
            "АЛМАТЫ, 29 мая - Sputnik. ",
            "БИШКЕК, 29 мая - Кабар. ",
            "Москва, 29 мая 2024, 10:15 — ИА Регнум. ",
        ),
    ),
    _convention(
        "date-only",
        rf"(?P<city>{_CITY_UP}){_HS}[,.]{_HS}{_when(_DATE)}",
        _SEP_DASH,
        ("МОСКВА, 29 мая — ", "ROMA, 29 MAG - ", "АСТАНА, 29 мамыр - "),
    ),
)
"""The dateline shapes recognised, tried in this order; the first that fits wins."""


# ------------------------------------------------------------------------------ parsing


@dataclass(frozen=True, slots=True)
class _Date:
    month: int | None
    day: int | None
    year: int | None
    languages: tuple[str, ...]
    day_dot: bool


def _parse_date(written: str) -> _Date | None:
    """The parts of a date matched by `_DATE`, `_DATE_OR_DAY` or `_ZH_DATE`; None if invalid."""
    written = written.strip()
    if written.isdigit():
        day = int(written)
        return _Date(None, day, None, (), day_dot=False) if 1 <= day <= 31 else None
    for form in _COMPILED_DATE_FORMS:
        found = form.fullmatch(written)
        if found is None:
            continue
        parts = found.groupdict()
        languages: tuple[str, ...] = ()
        if parts.get("name"):
            month, languages = _MONTH_INDEX[_fold(parts["name"])]
            if form is _MONTH_FIRST:  # "May 29" is English only; "29 may" may be Spanish
                languages = ("en",)
        else:
            month = int(parts["month"])
        day = int(parts["day"])
        year = int(parts["year"]) if parts.get("year") else None
        if year is not None and year < 100:
            year += 2000
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _Date(month, day, year, languages, day_dot=bool(parts.get("dot")))
    return None  # pragma: no cover - `_DATE` only matches what one of the forms parses


def _language(
    date: _Date | None, dateline: str, spelling_language: str | None, convention: Convention
) -> str | None:
    script = script_language(dateline)
    if date is not None and date.languages:
        candidates = list(date.languages)
        if len(candidates) > 1 and "de" in candidates:
            # "29. Mai" is German, "29 mai" French.
            candidates = ["de"] if date.day_dot else [c for c in candidates if c != "de"]
        for preferred in (script, spelling_language, convention.language):
            if preferred in candidates:
                return preferred
        return min(candidates, key=_LANGUAGE_PREFERENCE.index)
    return script or spelling_language or convention.language


def _lower(text: str, turkish: bool) -> str:
    if turkish:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()


def _capitalise(word: str, turkish: bool) -> str:
    """Capitalise one word: "N'DJAMENA" → "N'Djamena", "КАМ'ЯНЕЦЬ" → "Кам'янець"."""
    pieces = re.split(f"({_APOSTROPHE})", word)
    result = pieces[0][:1] + _lower(pieces[0][1:], turkish)
    for index in range(1, len(pieces) - 1, 2):
        piece = pieces[index + 1]
        if len(pieces[index - 1]) == 1:  # an elided article: N', L', D'
            result += pieces[index] + piece[:1] + _lower(piece[1:], turkish)
        else:
            result += pieces[index] + _lower(piece, turkish)
    return result


def _normal_case(city: str, language: str | None) -> str:
    """Title-case a city written in capitals; a city in normal case is kept as is."""
    city = " ".join(city.split())
    if any(ch.islower() for ch in city):
        return city
    turkish = language == "tr" or any(ch in city for ch in "İŞĞ")
    pieces = re.split(r"([ \-])", city)
    for index in range(0, len(pieces), 2):
        lowered = _lower(pieces[index], turkish)
        if index > 0 and lowered in _PARTICLES:
            pieces[index] = lowered
        else:
            pieces[index] = _capitalise(pieces[index], turkish)
    return "".join(pieces)


def _plausible_agency(name: str) -> bool:
    """Whether text not in AGENCIES reads like an agency's name ("NTB", "Кабар")."""
    words = name.split()
    return 0 < len(words) <= 4 and all(word[0].isupper() or word[0].isdigit() for word in words)


def _build(convention: Convention, found: re.Match[str]) -> Dateline | None:
    parts = found.groupdict()
    city: str = parts["city"]
    if sum(ch.isalpha() for ch in city) < 2:
        return None
    date = _parse_date(parts["date"]) if parts.get("date") else None
    if parts.get("date") and date is None:
        return None

    agency_text: str | None = parts.get("agency_text")
    agency: str | None = None
    spelling_language: str | None = None
    known = False
    if agency_text is not None:
        written = " ".join(parts["agency"].split())
        canonical = _canonical_agency(written)
        if canonical is not None:
            (agency, spelling_language), known = canonical, True
        elif _plausible_agency(written):
            agency = written
        else:
            return None

    if convention.language != "zh":
        upper_city = not any(ch.islower() for ch in city)
        bracketed = agency_text is not None and agency_text[0] in "(/"
        if not upper_city and not known and (date is None or not bracketed):
            return None  # neither "Berlin (Germany) - ..." nor "Путин, 29 мая — Кремль. ..."
        if agency is not None and not known and date is None and not bracketed:
            return None  # an unknown agency without brackets needs a date
        if parts.get("author") and not known:
            return None
        sep: str = parts["sep"]
        if not sep.strip() and not known:
            return None  # only a known agency may run into the body without a dash
        if not sep.strip() and not sep and found.end() < len(found.string):
            return None  # "(PTI)The" needs at least a space

    dateline = parts["dl"].strip()
    language = _language(date, dateline, spelling_language, convention)
    return Dateline(
        city=_normal_case(city, language),
        month=date.month if date else None,
        day=date.day if date else None,
        year=date.year if date else None,
        agency=agency,
        agency_text=agency_text,
        end=found.end(),
        text=dateline,
        language=language,
    )


def parse_dateline(text: str) -> Dateline | None:
    """Parse the dateline that starts `text`; None when it does not start with one."""
    for convention in CONVENTIONS:
        found = convention.pattern.match(text)
        if found is not None:
            dateline = _build(convention, found)
            if dateline is not None:
                return dateline
    return None
