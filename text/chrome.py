"""Page chrome: the one lexicon of page furniture, shared by readers and rules.

A careless capture keeps a page's share bar, its "Subscribe" box and its view counters
beside the story. The text reader drops such lines, and the rule ``body.chrome-only`` refuses
a body made of nothing else; both ask this module, so they never disagree about what chrome
is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import MappingProxyType

__all__ = ["PHRASES", "TAIL_HEADINGS", "is_chrome_line", "is_chrome_only", "starts_page_tail"]

#: Whole lines (or runs of them on one line) that are page furniture, by language.
PHRASES = MappingProxyType(
    {
        "ru": (
            "Подписаться", "Поделиться", "Читать далее", "Комментарии", "Реклама",
            "Главное", "Все новости", "Новости", "Мнения", "Видео", "Фото",
            "Выбор редакции", "Популярное", "Читать в Telegram", "Подписывайтесь",
            "Сообщить об ошибке", "Распечатать", "В тренде",
        ),
        "kk": (
            "Жазылу", "Бөлісу", "Толығырақ", "Барлық жаңалықтар", "Жаңалықтар", "Пікірлер",
            "Жарнама",
        ),
        "en": (
            "Subscribe", "Share", "Share this", "Read more", "Comments", "Advertisement",
            "Follow us", "Print", "Newsletter", "Sign up", "Most read", "Top stories",
            "Related articles", "Log in", "Cookie settings", "Accept cookies", "Email",
        ),
        # Social networks, named alone on a line of share buttons.
        "networks": (
            "Telegram", "VK", "ВКонтакте", "WhatsApp", "Facebook", "Twitter", "X",
            "Одноклассники",
        ),
    }
)  # fmt: skip

#: Headings after which the rest of a capture is the page's, not the story's.
TAIL_HEADINGS = MappingProxyType(
    {
        "ru": ("Лента новостей", "Читайте также", "Похожие новости", "Новости партнеров"),
        "kk": ("Жаңалықтар таспасы", "Сондай-ақ оқыңыз", "Тақырып бойынша"),
        "en": (
            "News feed", "Newsfeed", "Related", "Related news", "Read also", "See also",
            "More stories", "Latest news",
        ),
    }
)  # fmt: skip


def _alternatives(groups: Iterable[tuple[str, ...]]) -> str:
    phrases = sorted({p.casefold() for group in groups for p in group}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in phrases)


_PHRASE_RUN = re.compile(
    rf"(?:(?:{_alternatives(PHRASES.values())})[\s.:!»>|·•/]*)+", re.IGNORECASE
)
_TAIL = re.compile(rf"(?:{_alternatives(TAIL_HEADINGS.values())})\s*:?", re.IGNORECASE)
#: Counters, dates and times alone on a line ("1920", "29.05.2024, 14:02", "1.2K"), or
#: "12 views" / "3 комментария".
_COUNTER = re.compile(
    r"[\d\s.,:/|+\-–—]*\d[\d\s.,:/|+\-–—]*[kKmM]?"
    r"|\d+\s*(?:просмотр\w*|комментари\w*|views?|comments?)",
    re.IGNORECASE,
)


def is_chrome_line(line: str) -> bool:
    """Whether one line of text is page furniture (a blank line is not: it separates)."""
    text = line.strip()
    if not text:
        return False
    return bool(_PHRASE_RUN.fullmatch(text) or _COUNTER.fullmatch(text))


def starts_page_tail(line: str) -> bool:
    """Whether the line is a heading ("Читайте также", "Related") that ends the story."""
    return _TAIL.fullmatch(line.strip()) is not None


def is_chrome_only(lines: Iterable[str]) -> bool:
    """Whether the lines hold some text and all of it is chrome or a page-tail heading."""
    seen = False
    for line in lines:
        if not line.strip():
            continue
        if not (is_chrome_line(line) or starts_page_tail(line)):
            return False
        seen = True
    return seen
