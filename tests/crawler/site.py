"""A fixture news site for crawl tests, served from memory on 127.0.0.1.

`NewsSite` generates a small multilingual wire-service site from a seed (same seed, same
stories) and serves it with the standard library's `ThreadingHTTPServer`::

    with NewsSite(seed=7, size=60) as site:
        urllib.request.urlopen(site.base_url + "/feed.xml")

URL map (every 200 response carries a strong ETag and a Last-Modified, and answers
``If-None-Match`` / ``If-Modified-Since`` with a 304 and no body):

==============================  ===============================================================
``/``                           home page: the newest 30 stories, links to the special URLs
``/feed.xml``                   RSS 2.0, the newest 30 stories
``/atom.xml``                   Atom 1.0, the newest 30 stories
``/sitemap.xml``                sitemap index pointing at ``/sitemap-articles.xml``
``/sitemap-articles.xml``       every story, with ``<lastmod>`` (its dateModified)
``/news-sitemap.xml``           Google News sitemap: stories published in the last 2 days
``/robots.txt``                 ``Disallow: /private/`` and two ``Sitemap:`` lines
``/news/yyyy/mm/dd/slug.html``  the stories (`NewsSite.articles`)
``/news/missing.html``          404 (as is every unknown path)
``/news/flaky.html``            500 for the first ``flaky_failures`` requests, then a story
``/news/moved.html``            301 to `NewsSite.moved_target`
``/news/offsite.html``          302 to ``http://example.invalid/elsewhere``
``/news/huge.html``             a story page of more than 12 MiB, streamed
``/private/secret.html``        a story page disallowed by robots.txt (linked from ``/``)
``/sitemap-articles.xml.gz``    ``/sitemap-articles.xml`` gzipped, as ``application/gzip``
``/broken/feed.xml``            ``/feed.xml`` cut off halfway: a truncated feed
``/broken/sitemap.xml``         ``/sitemap-articles.xml`` cut off halfway: a truncated sitemap
``/broken/sitemap-index.xml``   a sitemap index of ``/broken/sitemap.xml`` and the gzip one
==============================  ===============================================================

Nothing links to the gzip and ``/broken/`` URLs: a test lists them in its source.

Times come from a simulated clock (`NewsSite.now`, 2024-05-29 12:00 UTC unless given) that
every mutation moves forward by a few minutes, so Last-Modified always advances.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import random
import re
import socket
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

__all__ = [
    "BROKEN_FEED_PATH",
    "BROKEN_INDEX_PATH",
    "BROKEN_SITEMAP_PATH",
    "DEFAULT_NOW",
    "FEED_SIZE",
    "FLAKY_PATH",
    "GZIP_SITEMAP_PATH",
    "HEAVY_MAX_BYTES",
    "HEAVY_MIN_BYTES",
    "HUGE_MIN_BYTES",
    "HUGE_PATH",
    "MIN_SIZE",
    "MISSING_PATH",
    "MOVED_PATH",
    "NEWS_WINDOW",
    "OFFSITE_PATH",
    "OFFSITE_TARGET",
    "PRIVATE_PATH",
    "Article",
    "LoggedRequest",
    "NewsSite",
]

DEFAULT_NOW: Final = datetime(2024, 5, 29, 12, 0, tzinfo=UTC)
MIN_SIZE: Final = 20
FEED_SIZE: Final = 30
NEWS_WINDOW: Final = timedelta(days=2)
HUGE_MIN_BYTES: Final = 12 * 1024 * 1024
CP1251_DECLARED: Final = 5
CP1251_UNDECLARED: Final = 2

MISSING_PATH: Final = "/news/missing.html"
FLAKY_PATH: Final = "/news/flaky.html"
MOVED_PATH: Final = "/news/moved.html"
OFFSITE_PATH: Final = "/news/offsite.html"
HUGE_PATH: Final = "/news/huge.html"
PRIVATE_PATH: Final = "/private/secret.html"
OFFSITE_TARGET: Final = "http://example.invalid/elsewhere"
GZIP_SITEMAP_PATH: Final = "/sitemap-articles.xml.gz"
BROKEN_FEED_PATH: Final = "/broken/feed.xml"
BROKEN_SITEMAP_PATH: Final = "/broken/sitemap.xml"
BROKEN_INDEX_PATH: Final = "/broken/sitemap-index.xml"

_SPACING: Final = timedelta(hours=4)
"""Stories are published about this far apart, going back from `now`."""
_TICK: Final = timedelta(minutes=7)
"""How far a touch or an edit moves the clock."""
_ADD_TICK: Final = timedelta(minutes=10)
"""How far the clock moves for each added story."""
_RELATED: Final = 3
_UTF8: Final = "utf-8"
_CP1251: Final = "windows-1251"


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Article:
    """A snapshot of one story; mutations replace it, so old snapshots stay as they were."""

    slug: str
    path: str
    url: str
    headline: str
    language: str
    """"en", "de" or "ru"."""
    encoding: str
    """"utf-8" or "windows-1251" (both are Python codec names)."""
    charset_declared: bool
    """False for the windows-1251 pages that declare no charset, in the header or the page."""
    published: datetime
    modified: datetime
    """dateModified: moved by `NewsSite.edit_body` and `NewsSite.edit_headline` only."""
    updated: datetime
    """The chrome's "Updated at HH:MM" and the page's Last-Modified; also moved by touches."""
    views: int
    has_jsonld: bool
    author: str
    section: str
    dateline: str
    """How the first paragraph starts, e.g. "LONDON, May 29 (Example Wire) - "."""
    paragraphs: tuple[str, ...]
    """The story's paragraphs as text, the dateline included, as the page shows them."""

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


class LoggedRequest(NamedTuple):
    """One request the site answered; `headers` are the request's, names in lower case."""

    method: str
    path: str
    """The request target as sent, query string included."""
    status: int
    headers: Mapping[str, str]


# ----------------------------------------------------------------------------- languages


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True, slots=True)
class _Topic:
    section: str
    headlines: tuple[str, ...]
    lead: str
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Lang:
    code: str
    locale: str
    publisher: str
    decimal: str
    months: tuple[str, ...]
    """Month names as a dateline writes them."""
    months_in: tuple[str, ...]
    """"in May", "im Mai", "в мае"."""
    weekdays: tuple[str, ...]
    cities: tuple[str, ...]
    dateline: str
    """Format with {city}, {day}, {month}."""
    when: str
    """Format with {day}, {month}, {year}, {time}."""
    authors: tuple[str, ...]
    people: tuple[str, ...]
    firms: tuple[str, ...]
    companies: tuple[str, ...]
    topics: tuple[_Topic, ...]
    generic: tuple[str, ...]
    revisions: tuple[str, ...]
    revised_headline: str
    """Format with {headline} and {n}."""
    nav: tuple[str, ...]
    byline: str
    updated: str
    views: str
    related: str
    footer: str
    feed_link: str


_EN: Final = _Lang(
    code="en",
    locale="en_GB",
    publisher="Example Wire",
    decimal=".",
    months=_words(
        "January February March April May June July August September October November December"
    ),
    months_in=tuple(
        f"in {m}"
        for m in _words(
            "January February March April May June July August September October November December"
        )
    ),
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    cities=("LONDON", "NEW YORK", "SINGAPORE", "WASHINGTON", "BRUSSELS", "TOKYO"),
    dateline="{city}, {month} {day} (Example Wire) - ",
    when="{day} {month} {year}, {time} GMT",
    authors=("Jane Morgan", "David Clarke", "Priya Shah", "Tom Eriksen", "Laura Bianchi"),
    people=("Mark Osei", "Helen Park", "Samuel Reid", "Clara Novak", "Peter Lindgren"),
    firms=("Northgate Capital", "Harbour Research", "Lindqvist & Co", "Bluewater Securities"),
    companies=("Atlas Steel", "Meridian Motors", "Corvel Chemicals", "Fenwick Foods"),
    topics=(
        _Topic(
            "Commodities",
            (
                "Wheat exports rise {pct} percent {month_in} as buyers return",
                "Grain shipments reach {mt} million tonnes on strong demand",
            ),
            "Wheat exports rose {pct} percent {month_in} to {mt} million tonnes, the grain "
            "traders' union said on {weekday}.",
            (
                "Egypt, Turkey and Iran remained the largest buyers, taking more than half of "
                "all shipments.",
                "Traders said good weather in the south had supported the new crop.",
                "{person}, an analyst at {firm}, said the increase was in line with market "
                "expectations.",
                "Prices at the main export port fell {pct2} percent over the week.",
                "The union kept its forecast for the season unchanged at {n2} shiploads.",
                "Freight rates on the route to North Africa were little changed.",
            ),
        ),
        _Topic(
            "Markets",
            (
                "Central bank holds key rate at {rate} percent as inflation hits {pct} percent",
                "Central bank keeps rate at {rate} percent, signals no cut before autumn",
            ),
            "The central bank kept its key interest rate at {rate} percent on {weekday}, "
            "saying inflation was still too high to allow a cut.",
            (
                "Consumer prices rose {pct} percent in the year to April, above the bank's target.",
                "{person}, chief economist at {firm}, said the decision had been widely expected.",
                "The bank said it would watch wage growth and energy prices closely.",
                "Markets now see the first cut coming in September at the earliest.",
                "The currency rose {pct2} percent against the dollar after the announcement.",
                "Two members of the rate-setting board voted for a cut of a quarter point.",
            ),
        ),
        _Topic(
            "Business",
            (
                "Rail strike cancels {n} trains, disrupts commuters",
                "Train drivers call {days}-day strike, demand {pct} percent pay rise",
            ),
            "A strike by train drivers cancelled {n} services on {weekday}, leaving commuters "
            "to find other ways to work.",
            (
                "The union is demanding a pay rise of {pct} percent over two years.",
                "The operator said it had offered {pct2} percent and called the strike "
                "unnecessary.",
                "{person}, a spokesperson for the union, said further walkouts could not be "
                "ruled out.",
                "Replacement buses ran on some routes, but queues formed at major stations.",
                "Freight services were also affected, the operator said.",
                "Talks between the two sides are due to resume next week.",
            ),
        ),
        _Topic(
            "Energy",
            (
                "Power prices fall {pct} percent as wind output hits record",
                "Grid operator reports record {gw} gigawatts of wind power",
            ),
            "Wholesale power prices fell {pct} percent on {weekday} as wind farms produced a "
            "record {gw} gigawatts, the grid operator said.",
            (
                "Gas-fired plants ran at their lowest level for the time of year.",
                "{person}, an energy analyst at {firm}, said the trend was likely to continue "
                "through the summer.",
                "Prices for next-day delivery dropped below zero for several hours.",
                "The operator said the network had coped well with the high output.",
                "Solar generation also rose by {pct2} percent from a year earlier.",
                "Industry groups called for faster investment in storage.",
            ),
        ),
        _Topic(
            "Companies",
            (
                "{company} to cut {n} jobs as orders slow",
                "{company} profit falls {pct} percent, shares drop",
            ),
            "{company} said on {weekday} it would cut {n} jobs after orders fell {pct} percent "
            "in the first quarter.",
            (
                "The company's shares fell {pct2} percent in early trading.",
                "{person}, the chief executive, said the cuts were painful but necessary.",
                "Most of the jobs will go at plants in the north of the country, the company said.",
                "Unions said they would fight the plans.",
                "The company kept its outlook for the full year unchanged.",
                "Analysts at {firm} said demand was unlikely to recover before next year.",
            ),
        ),
    ),
    generic=(
        "The figures were published on the statistics office's website.",
        "Officials declined to comment further.",
        "More details are expected later this month.",
        "The report was based on data from {n2} companies.",
    ),
    revisions=(
        "The figures were revised on {weekday} to include {n2} late reports.",
        "A later statement on {weekday} put the number of affected firms at {n2}.",
    ),
    revised_headline="UPDATE {n}-{headline}",
    nav=("Home", "World", "Business", "Markets", "Technology"),
    byline="By {author}",
    updated="Updated at {time}",
    views="Views: {views}",
    related="Related stories",
    footer="© 2024 Example Wire. All rights reserved.",
    feed_link="RSS feed",
)

_DE: Final = _Lang(
    code="de",
    locale="de_DE",
    publisher="Beispiel-Presse",
    decimal=",",
    months=_words(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
    ),
    months_in=tuple(
        f"im {m}"
        for m in _words(
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
        )
    ),
    weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    cities=("BERLIN", "FRANKFURT AM MAIN", "HAMBURG", "MÜNCHEN", "WIEN", "ZÜRICH"),
    dateline="{city}, {day}. {month} (Beispiel-Presse) - ",
    when="{day}. {month} {year}, {time} Uhr",
    authors=("Anna Fischer", "Jonas Becker", "Miriam Wolf", "Stefan Krüger", "Lea Hoffmann"),
    people=("Thomas Brandt", "Katrin Vogel", "Martin Schulze", "Sabine Lorenz", "Paul Weber"),
    firms=("Nordbank Research", "Rheinkapital", "Hanse Invest", "Alpenfinanz"),
    companies=("Stahlwerk Nord", "Kessler Automobil", "Brenner Chemie", "Lindauer Lebensmittel"),
    topics=(
        _Topic(
            "Rohstoffe",
            (
                "Weizenexporte steigen {month_in} um {pct} Prozent",
                "Getreideausfuhren erreichen {mt} Millionen Tonnen",
            ),
            "Die Weizenexporte sind {month_in} um {pct} Prozent auf {mt} Millionen Tonnen "
            "gestiegen, teilte der Verband der Getreidehändler am {weekday} mit.",
            (
                "Ägypten, die Türkei und Iran blieben die größten Abnehmer.",
                "Händler verwiesen auf gutes Wetter im Süden, das die neue Ernte stütze.",
                "{person} von {firm} sagte, der Anstieg entspreche den Erwartungen des Marktes.",
                "Die Preise im wichtigsten Exporthafen fielen binnen einer Woche um {pct2} "
                "Prozent.",
                "Der Verband bestätigte seine Prognose von {n2} Schiffsladungen für die Saison.",
                "Die Frachtraten nach Nordafrika blieben nahezu unverändert.",
            ),
        ),
        _Topic(
            "Finanzen",
            (
                "Zentralbank belässt Leitzins bei {rate} Prozent, Inflation bei {pct} Prozent",
                "Notenbank hält Leitzins bei {rate} Prozent und bremst Erwartungen",
            ),
            "Die Zentralbank hat ihren Leitzins am {weekday} bei {rate} Prozent belassen und "
            "auf die weiterhin hohe Inflation verwiesen.",
            (
                "Die Verbraucherpreise stiegen im April um {pct} Prozent zum Vorjahr.",
                "{person} von {firm} sagte, die Entscheidung sei erwartet worden.",
                "Die Notenbank will Lohnentwicklung und Energiepreise genau beobachten.",
                "An den Märkten wird die erste Senkung frühestens im September erwartet.",
                "Die Währung legte nach der Entscheidung um {pct2} Prozent zu.",
                "Zwei Mitglieder des Direktoriums stimmten für eine Senkung.",
            ),
        ),
        _Topic(
            "Wirtschaft",
            (
                "Bahnstreik: {n} Züge fallen aus",
                "Lokführer wollen {days} Tage streiken und fordern {pct} Prozent mehr Lohn",
            ),
            "Ein Streik der Lokführer hat am {weekday} zum Ausfall von {n} Zügen geführt.",
            (
                "Die Gewerkschaft fordert {pct} Prozent mehr Lohn über zwei Jahre.",
                "Das Unternehmen bot nach eigenen Angaben {pct2} Prozent an und nannte den "
                "Streik unnötig.",
                "{person} von der Gewerkschaft schloss weitere Arbeitsniederlegungen nicht aus.",
                "Auf einigen Strecken fuhren Ersatzbusse, an großen Bahnhöfen bildeten sich "
                "Schlangen.",
                "Auch der Güterverkehr war betroffen.",
                "Die Verhandlungen sollen in der kommenden Woche fortgesetzt werden.",
            ),
        ),
        _Topic(
            "Energie",
            (
                "Strompreise fallen um {pct} Prozent bei Rekord-Windstrom",
                "Netzbetreiber meldet Rekord von {gw} Gigawatt Windstrom",
            ),
            "Die Großhandelspreise für Strom sind am {weekday} um {pct} Prozent gefallen, weil "
            "Windparks einen Rekordwert von {gw} Gigawatt erzeugten.",
            (
                "Gaskraftwerke liefen auf dem niedrigsten Stand für diese Jahreszeit.",
                "{person} von {firm} erwartet, dass der Trend den Sommer über anhält.",
                "Die Preise für Lieferungen am Folgetag rutschten zeitweise unter null.",
                "Der Netzbetreiber erklärte, das Netz habe die hohe Einspeisung gut verkraftet.",
                "Auch die Solarstromerzeugung stieg um {pct2} Prozent zum Vorjahr.",
                "Branchenverbände forderten mehr Investitionen in Speicher.",
            ),
        ),
        _Topic(
            "Unternehmen",
            (
                "{company} streicht {n} Stellen",
                "Gewinn von {company} bricht um {pct} Prozent ein",
            ),
            "{company} will {n} Stellen abbauen, nachdem die Aufträge im ersten Quartal um "
            "{pct} Prozent zurückgingen, wie das Unternehmen am {weekday} mitteilte.",
            (
                "Die Aktie fiel im frühen Handel um {pct2} Prozent.",
                "Vorstandschef {person} nannte den Schritt schmerzhaft, aber notwendig.",
                "Die meisten Stellen sollen in Werken im Norden wegfallen.",
                "Die Gewerkschaften kündigten Widerstand an.",
                "Die Prognose für das Gesamtjahr bestätigte das Unternehmen.",
                "Analysten von {firm} rechnen nicht vor dem nächsten Jahr mit einer Erholung.",
            ),
        ),
    ),
    generic=(
        "Die Zahlen wurden auf der Internetseite des Statistikamts veröffentlicht.",
        "Weitere Einzelheiten werden noch in diesem Monat erwartet.",
        "Ein Sprecher lehnte einen weiteren Kommentar ab.",
        "Der Bericht beruht auf Daten von {n2} Unternehmen.",
    ),
    revisions=(
        "Die Zahlen wurden am {weekday} korrigiert und umfassen nun {n2} nachgereichte Meldungen.",
        "Nach einer späteren Mitteilung vom {weekday} sind {n2} Betriebe betroffen.",
    ),
    revised_headline="ROUNDUP {n}: {headline}",
    nav=("Startseite", "Welt", "Wirtschaft", "Märkte", "Technik"),
    byline="Von {author}",
    updated="Aktualisiert: {time} Uhr",
    views="Aufrufe: {views}",
    related="Das könnte Sie auch interessieren",
    footer="© 2024 Beispiel-Presse. Alle Rechte vorbehalten.",
    feed_link="RSS-Feed",
)

_RU: Final = _Lang(
    code="ru",
    locale="ru_RU",
    publisher="Пример Ньюс",
    decimal=",",
    months=_words(
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ),
    months_in=tuple(
        f"в {m}"
        for m in _words(
            "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре"
        )
    ),
    weekdays=(
        "в понедельник",
        "во вторник",
        "в среду",
        "в четверг",
        "в пятницу",
        "в субботу",
        "в воскресенье",
    ),
    cities=("МОСКВА", "САНКТ-ПЕТЕРБУРГ", "НОВОСИБИРСК", "ЕКАТЕРИНБУРГ", "КАЗАНЬ"),
    dateline="{city}, {day} {month} - Пример Ньюс. ",
    when="{day} {month} {year}, {time}",
    authors=("Иван Петров", "Анна Смирнова", "Дмитрий Козлов", "Елена Орлова", "Олег Соколов"),
    people=("Сергей Волков", "Мария Никитина", "Андрей Морозов", "Ольга Лебедева"),
    firms=("Норд Капитал", "Восток Инвест", "Финам Пример", "Северные Финансы"),
    companies=("Уральская сталь", "Волга Моторс", "Сибхимпром", "Кубанские продукты"),
    topics=(
        _Topic(
            "Экономика",
            (
                "Экспорт пшеницы {month_in} вырос на {pct}%",
                "Отгрузки зерна достигли {mt} млн тонн",
            ),
            "Экспорт пшеницы {month_in} вырос на {pct}% и достиг {mt} млн тонн, сообщил "
            "{weekday} зерновой союз.",
            (
                "Основными покупателями остаются Египет, Турция и Иран.",
                "Трейдеры отмечают, что хорошая погода на юге поддержала новый урожай.",
                "Рост совпал с ожиданиями рынка, считает аналитик компании «{firm}» {person}.",
                "Цены в главном экспортном порту за неделю снизились на {pct2}%.",
                "Союз сохранил прогноз на сезон на уровне {n2} судовых партий.",
                "Ставки фрахта в Северную Африку почти не изменились.",
            ),
        ),
        _Topic(
            "Финансы",
            (
                "Центробанк сохранил ключевую ставку на уровне {rate}% при инфляции {pct}%",
                "ЦБ оставил ставку {rate}% и не спешит со снижением",
            ),
            "Центральный банк {weekday} сохранил ключевую ставку на уровне {rate}%, сославшись "
            "на высокую инфляцию.",
            (
                "Потребительские цены в апреле выросли на {pct}% в годовом выражении.",
                "Решение было ожидаемым, считает главный экономист компании «{firm}» {person}.",
                "Регулятор будет внимательно следить за ростом зарплат и ценами на энергоносители.",
                "Рынок ожидает первого снижения ставки не раньше сентября.",
                "Курс национальной валюты после решения укрепился на {pct2}%.",
                "Два члена совета директоров выступили за снижение ставки.",
            ),
        ),
        _Topic(
            "Транспорт",
            (
                "Число отмененных из-за забастовки поездов достигло {n}",
                "Машинисты объявили забастовку и требуют повысить зарплату на {pct}%",
            ),
            "Забастовка машинистов {weekday} привела к массовой отмене поездов, число "
            "отмененных рейсов достигло {n}.",
            (
                "Профсоюз требует повышения зарплат на {pct}% в течение двух лет.",
                "Перевозчик предложил повышение на {pct2}% и назвал забастовку ненужной.",
                "Представитель профсоюза {person} не исключает новых забастовок.",
                "На некоторых маршрутах запустили автобусы, на крупных вокзалах выстроились "
                "очереди.",
                "Пострадали и грузовые перевозки.",
                "Переговоры стороны продолжат на следующей неделе.",
            ),
        ),
        _Topic(
            "Энергетика",
            (
                "Оптовые цены на электроэнергию снизились на {pct}%",
                "Ветровые электростанции выработали рекордные {gw} ГВт",
            ),
            "Оптовые цены на электроэнергию {weekday} снизились на {pct}%, так как ветровые "
            "станции выработали рекордные {gw} ГВт, сообщил системный оператор.",
            (
                "Газовые электростанции работали на минимальном для этого времени года уровне.",
                "Тенденция сохранится все лето, считает аналитик компании «{firm}» {person}.",
                "Цены на поставки на следующий день на несколько часов опустились ниже нуля.",
                "Системный оператор заявил, что сеть справилась с высокой нагрузкой.",
                "Выработка солнечной энергии выросла на {pct2}% по сравнению с прошлым годом.",
                "Отраслевые ассоциации призвали ускорить инвестиции в накопители.",
            ),
        ),
        _Topic(
            "Бизнес",
            (
                "Компания «{company}» сократит {n} сотрудников",
                "Прибыль компании «{company}» снизилась на {pct}%",
            ),
            "Компания «{company}» сократит {n} сотрудников после того, как число заказов в "
            "первом квартале снизилось на {pct}%, сообщила компания {weekday}.",
            (
                "Акции компании в начале торгов подешевели на {pct2}%.",
                "Генеральный директор {person} называет сокращения болезненными, но необходимыми.",
                "Большая часть рабочих мест будет сокращена на заводах на севере страны.",
                "Профсоюзы пообещали бороться с этими планами.",
                "Прогноз на год компания сохранила.",
                "Аналитики компании «{firm}» не ждут восстановления спроса раньше следующего года.",
            ),
        ),
    ),
    generic=(
        "Данные опубликованы на сайте статистического ведомства.",
        "Подробности ожидаются в конце месяца.",
        "Официальные лица от дальнейших комментариев отказались.",
        "Отчет основан на данных {n2} компаний.",
    ),
    revisions=(
        "Данные были уточнены {weekday} с учетом {n2} поздних отчетов.",
        "По уточненным данным, опубликованным {weekday}, затронуто {n2} предприятий.",
    ),
    revised_headline="{headline} (обновлено {n})",
    nav=("Главная", "В мире", "Экономика", "Рынки", "Технологии"),
    byline="Автор: {author}",
    updated="Обновлено: {time}",
    views="Просмотры: {views}",
    related="Читайте также",
    footer="© 2024 Пример Ньюс. Все права защищены.",
    feed_link="RSS-лента",
)

_LANGS: Final = {lang.code: lang for lang in (_EN, _DE, _RU)}
_NAV_ANCHORS: Final = ("", "#world", "#business", "#markets", "#technology")


# ----------------------------------------------------------------------------- heavy pages

HEAVY_MIN_BYTES: Final = 60 * 1024
HEAVY_MAX_BYTES: Final = 150 * 1024
"""A heavy story page (`NewsSite(heavy=True)`) weighs this much, as real news pages do."""

#: The chrome a heavy page adds, per language: what share bars, teaser lists, the
#: newsletter box and the cookie banner say.
_HEAVY_LABELS: Final = {
    "en": {
        "share": "Share this story",
        "most_read": "Most read",
        "more": "More from {section}",
        "latest": "Latest headlines",
        "newsletter": "Get the morning briefing in your inbox. Sign up for our newsletter.",
        "subscribe": "Subscribe",
        "cookies": "We use cookies to personalise content and ads and to analyse our traffic. "
        "You can change your choice at any time in the privacy settings.",
        "accept": "Accept all",
        "advert": "Advertisement",
        "sections": "World Business Markets Technology Sport Culture Science Health Opinion "
        "Video Podcasts Weather",
    },
    "de": {
        "share": "Artikel teilen",
        "most_read": "Meistgelesen",
        "more": "Mehr aus {section}",
        "latest": "Neueste Meldungen",
        "newsletter": "Das Morgenbriefing in Ihrem Postfach. Jetzt für den Newsletter anmelden.",
        "subscribe": "Abonnieren",
        "cookies": "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und "
        "Zugriffe zu analysieren. Ihre Wahl können Sie jederzeit ändern.",
        "accept": "Alle akzeptieren",
        "advert": "Anzeige",
        "sections": "Welt Wirtschaft Märkte Technik Sport Kultur Wissen Gesundheit Meinung "
        "Video Podcasts Wetter",
    },
    "ru": {
        "share": "Поделиться",
        "most_read": "Самое читаемое",
        "more": "Еще в разделе «{section}»",
        "latest": "Последние новости",
        "newsletter": "Утренняя рассылка в вашем почтовом ящике. Подпишитесь на новости.",
        "subscribe": "Подписаться",
        "cookies": "Мы используем файлы cookie, чтобы подбирать материалы и рекламу и "
        "анализировать посещаемость. Выбор можно изменить в настройках.",
        "accept": "Принять все",
        "advert": "Реклама",
        "sections": "В мире Экономика Рынки Технологии Спорт Культура Наука Здоровье Мнения "
        "Видео Подкасты Погода",
    },
}
_SHARE_NETWORKS: Final = ("facebook", "x", "linkedin", "whatsapp", "telegram", "email")
_ICON_PATH: Final = (
    "M12 2C6.48 2 2 6.48 2 12c0 4.99 3.66 9.12 8.44 9.88v-6.99H7.9V12h2.54V9.8c0-2.5 1.49-3.89 "
    "3.78-3.89 1.09 0 2.24.2 2.24.2v2.46h-1.26c-1.24 0-1.63.77-1.63 1.56V12h2.78l-.44 2.89h-2.34"
    "v6.99C18.34 21.12 22 16.99 22 12c0-5.52-4.48-10-10-10z"
)


def _heavy_css(rng: random.Random) -> str:
    """A page's inline critical CSS: a few hundred rules, as a site's build emits them."""
    blocks = ("header", "nav", "story", "teaser", "share", "footer", "ad", "grid", "card")
    rules = []
    for n in range(rng.randrange(140, 220)):
        block = blocks[n % len(blocks)]
        rules.append(
            f".{block}-{n}{{margin:{n % 7}px {n % 5}px;padding:{n % 3}rem;"
            f"color:#{rng.randrange(0x1000000):06x};font:{12 + n % 9}px/1.{n % 8} "
            f"system-ui,sans-serif;display:{('flex', 'grid', 'block')[n % 3]}}}"
        )
    return "<style>" + "\n".join(rules) + "</style>\n"


def _share_bar(label: str, url: str, where: str) -> str:
    links = "".join(
        f'<li><a class="share-{net}" href="https://share.example/{net}?u={_e(url)}" '
        f'rel="noopener" target="_blank" aria-label="{_e(label)}: {net}">'
        f'<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">'
        f'<path d="{_ICON_PATH}"/></svg></a></li>'
        for net in _SHARE_NETWORKS
    )
    return (
        f'<div class="share-bar share-{where}"><span class="share-label">{_e(label)}</span>'
        f"<ul>{links}</ul></div>\n"
    )


def _ad_slot(name: str, label: str) -> str:
    return (
        f'<div class="ad-slot" id="ad-{name}" data-ad-unit="/1234/news/{name}" '
        f'data-sizes="[[728,90],[970,250],[300,250]]" data-lazy="true">'
        f'<span class="ad-label">{_e(label)}</span></div>\n'
    )


_TRANSLIT: Final = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziiklmnoprstufye", strict=True)),
        **dict(
            zip(
                ("ж", "х", "ц", "ч", "ш", "щ", "ю", "я"),
                _words("zh kh ts ch sh shch iu ia"),
                strict=True,
            )
        ),
        "ъ": "",
        "ь": "",
    }
)


def _slugify(headline: str, number: int) -> str:
    words = re.findall(r"[a-z0-9]+", headline.lower().translate(_TRANSLIT))
    return "-".join([*words[:7], str(number)])


def _number(lang: _Lang, value: float) -> str:
    return f"{value:.1f}".replace(".", lang.decimal)


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


# ----------------------------------------------------------------------------- stories


@dataclass(slots=True)
class _Story:
    """A story's mutable state; `NewsSite` hands out `Article` snapshots of it."""

    index: int
    slug: str
    path: str
    lang: _Lang
    encoding: str
    charset_declared: bool
    has_jsonld: bool
    published: datetime
    modified: datetime
    updated: datetime
    views: int
    author: str
    section: str
    dateline: str
    headline: str
    original_headline: str
    sentences: list[list[str]]
    """Sentences per paragraph; the first paragraph is the dateline followed by these."""
    fills: dict[str, str]
    related: tuple[int, ...] = ()
    body_edits: int = 0
    headline_edits: int = 0

    def paragraphs(self) -> tuple[str, ...]:
        texts = [" ".join(sentences) for sentences in self.sentences]
        texts[0] = self.dateline + texts[0]
        return tuple(texts)

    def snapshot(self, base_url: str) -> Article:
        return Article(
            slug=self.slug,
            path=self.path,
            url=base_url + self.path,
            headline=self.headline,
            language=self.lang.code,
            encoding=self.encoding,
            charset_declared=self.charset_declared,
            published=self.published,
            modified=self.modified,
            updated=self.updated,
            views=self.views,
            has_jsonld=self.has_jsonld,
            author=self.author,
            section=self.section,
            dateline=self.dateline,
            paragraphs=self.paragraphs(),
        )


def _fills(lang: _Lang, rng: random.Random, moment: datetime) -> dict[str, str]:
    return {
        "pct": _number(lang, rng.uniform(1.1, 9.9)),
        "pct2": _number(lang, rng.uniform(0.2, 4.9)),
        "rate": _number(lang, rng.randrange(10, 40) / 2),
        "mt": _number(lang, rng.uniform(2.0, 9.9)),
        "gw": _number(lang, rng.uniform(20.0, 64.0)),
        # Round tens keep Russian numerals in the genitive plural the templates use.
        "n": str(rng.randrange(4, 190) * 10),
        "n2": str(rng.randrange(3, 90) * 10),
        "days": str(rng.randrange(2, 5)),
        "person": rng.choice(lang.people),
        "firm": rng.choice(lang.firms),
        "company": rng.choice(lang.companies),
        "weekday": lang.weekdays[moment.weekday()],
        "month_in": lang.months_in[moment.month - 1],
    }


def _compose(
    lang: _Lang,
    rng: random.Random,
    published: datetime,
    taken: set[str],
) -> tuple[str, str, list[list[str]], dict[str, str], str]:
    """Headline, section, sentences per paragraph, fills and dateline of a new story."""
    topic = lang.topics[rng.randrange(len(lang.topics))]
    template = rng.choice(topic.headlines)
    # Headlines are unique while the templates have room; a site of thousands may repeat one.
    for _ in range(50):
        fills = _fills(lang, rng, published)
        headline = template.format(**fills)
        if headline not in taken:
            break
    taken.add(headline)
    pool = [*topic.sentences, *lang.generic]
    rng.shuffle(pool)
    count = rng.randint(4, 8)
    paragraphs: list[list[str]] = [[topic.lead.format(**fills)]]
    for k in range(count - 1):
        paragraphs.append([pool[k].format(**fills)])
    for extra in pool[count - 1 :]:
        target = paragraphs[rng.randrange(len(paragraphs))]
        if len(target) < 3 and rng.random() < 0.6:
            target.append(extra.format(**fills))
    dateline = lang.dateline.format(
        city=rng.choice(lang.cities), day=published.day, month=lang.months[published.month - 1]
    )
    return headline, topic.section, paragraphs, fills, dateline


# ----------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class _Stream:
    """A body too big to hold: `head`, then `block` `count` times, then `tail`."""

    head: bytes
    block: bytes
    count: int
    tail: bytes

    def __len__(self) -> int:
        return len(self.head) + self.count * len(self.block) + len(self.tail)

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        for _ in range(self.count):
            yield self.block
        yield self.tail


@dataclass(frozen=True, slots=True)
class _Resource:
    """A 200 response: its body (or stream), type, validators."""

    body: bytes | _Stream
    content_type: str
    last_modified: datetime
    etag: str


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes | _Stream = b""


def _etag_of(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return f'"{digest.hexdigest()[:32]}"'


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _parse_http_date(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks of If-None-Match."""
    tags = [tag.strip() for tag in header.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in tags)


def _small_page(status: int, title: str, extra: str = "") -> bytes:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{status} {title}'
        f"</title></head><body><h1>{status} {title}</h1>{extra}</body></html>\n"
    ).encode()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# ----------------------------------------------------------------------------- the server


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    request_queue_size = 128
    """The listen backlog: the default of 5 makes a burst of connections wait a second."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handlers waiting on idle keep-alive connections, so they end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ExampleWire/1.0"
    timeout = 30
    """Seconds an idle keep-alive connection may wait for its next request."""

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: `NewsSite.requests` is the log."""

    def _answer(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        response = server.site._handle(self.command, self.path, headers)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status == 405:
            # The request's body, if any, is not read; the connection cannot be reused.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD" or response.status == 304:
            return
        try:
            if isinstance(response.body, _Stream):
                for chunk in response.body.chunks():
                    self.wfile.write(chunk)
            else:
                self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:  # the client went away, or the site is stopping
            self.close_connection = True


# ----------------------------------------------------------------------------- the site


class NewsSite:
    """A deterministic in-memory news site; see the module docstring for its URLs.

    `size` stories (at least `MIN_SIZE`) are published `_SPACING` apart up to `now`; about
    30% are German, 30% Russian (at least 7) and the rest English. Exactly half carry
    NewsArticle JSON-LD. Of the Russian stories, `CP1251_DECLARED` are served as
    windows-1251 with the charset in the Content-Type and a meta tag, and
    `CP1251_UNDECLARED` as windows-1251 declaring no charset at all; every other page,
    and every feed and sitemap, is UTF-8 with the charset declared.

    Lifecycle: `start` (binds 127.0.0.1 port 0; returns the site), `stop`, or ``with``.
    Introspection: `base_url`, `url`, `now`, `articles`, `article`, `flaky_article`,
    `huge_article`, `private_article`, `moved_target`, `requests`, `reset_log`.
    Mutations (each moves `now` on and returns the new `Article`): `touch_timestamp`,
    `edit_body`, `edit_headline`, `add_articles`, and `restyle` (every story page).
    `/news/flaky.html` answers its first `flaky_failures` requests, GET or HEAD, with a 500.
    """

    def __init__(
        self,
        seed: int = 1,
        size: int = 60,
        *,
        now: datetime = DEFAULT_NOW,
        flaky_failures: int = 1,
        heavy: bool = False,
    ) -> None:
        if size < MIN_SIZE:
            raise ValueError(f"size must be at least {MIN_SIZE}, not {size}")
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.seed = seed
        self.size = size
        self.heavy = heavy
        self._now = now.astimezone(UTC).replace(second=0, microsecond=0)
        self._started_at = self._now
        self._lock = threading.RLock()
        self._log_lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._cache: dict[str, _Resource] = {}
        #: Set by `restyle`: the theme prefixed to every class, and when it was applied.
        self._theme: str | None = None
        self._restyled_at: datetime | None = None
        self._flaky_left = flaky_failures
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._headlines: set[str] = set()
        self._stories: list[_Story] = []
        self._by_slug: dict[str, _Story] = {}
        self._by_path: dict[str, _Story] = {}
        self._initial_by_lang: dict[str, list[int]] = {}
        self._build(size)
        self._flaky = self._special(0, "flaky", FLAKY_PATH)
        self._huge = self._special(1, "huge", HUGE_PATH)
        self._secret = self._special(2, "secret", PRIVATE_PATH)
        self._moved_to = self._stories[random.Random(f"{seed}:moved").randrange(size)]

    # ------------------------------------------------------------------ building

    def _build(self, size: int) -> None:
        rng = random.Random(f"{self.seed}:plan")
        n_ru = max(CP1251_DECLARED + CP1251_UNDECLARED, size * 3 // 10)
        n_de = size * 3 // 10
        languages = ["ru"] * n_ru + ["de"] * n_de + ["en"] * (size - n_ru - n_de)
        rng.shuffle(languages)
        with_jsonld = set(rng.sample(range(size), size // 2))
        russian = [i for i, code in enumerate(languages) if code == "ru"]
        cp1251 = rng.sample(russian, CP1251_DECLARED + CP1251_UNDECLARED)
        undeclared = set(cp1251[CP1251_DECLARED:])
        for index in range(size):
            jitter = timedelta(minutes=random.Random(f"{self.seed}:jitter:{index}").randrange(180))
            published = self._now - (size - 1 - index) * _SPACING - jitter
            story = self._new_story(
                index,
                _LANGS[languages[index]],
                published,
                encoding=_CP1251 if index in cp1251 else _UTF8,
                declared=index not in undeclared,
                has_jsonld=index in with_jsonld,
            )
            self._add(story)
        self._initial_by_lang = {code: [] for code in _LANGS}
        for story in self._stories:
            self._initial_by_lang[story.lang.code].append(story.index)
        for story in self._stories:
            story.related = self._pick_related(story)

    def _new_story(
        self,
        index: int,
        lang: _Lang,
        published: datetime,
        *,
        encoding: str,
        declared: bool,
        has_jsonld: bool,
    ) -> _Story:
        rng = random.Random(f"{self.seed}:story:{index}")
        headline, section, sentences, fills, dateline = _compose(
            lang, rng, published, self._headlines
        )
        slug = _slugify(headline, 100_000 + index)
        # Some stories were corrected after publication, never later than the clock.
        modified = published
        if rng.random() < 0.5:
            modified = min(self._now, published + timedelta(minutes=rng.randrange(5, 120)))
        return _Story(
            index=index,
            slug=slug,
            path=f"/news/{published:%Y/%m/%d}/{slug}.html",
            lang=lang,
            encoding=encoding,
            charset_declared=declared,
            has_jsonld=has_jsonld,
            published=published,
            modified=modified,
            updated=modified,
            views=rng.randrange(100, 20_000),
            author=rng.choice(lang.authors),
            section=section,
            dateline=dateline,
            headline=headline,
            original_headline=headline,
            sentences=sentences,
            fills=fills,
        )

    def _add(self, story: _Story) -> None:
        self._stories.append(story)
        self._by_slug[story.slug] = story
        self._by_path[story.path] = story

    def _pick_related(self, story: _Story) -> tuple[int, ...]:
        """Same-language stories of the initial set, so adding stories changes no page."""
        pool = self._initial_by_lang[story.lang.code]
        picks = random.Random(f"{self.seed}:related:{story.index}").sample(
            pool, min(len(pool), _RELATED + 1)
        )
        return tuple([index for index in picks if index != story.index][:_RELATED])

    def _special(self, number: int, slug: str, path: str) -> _Story:
        index = 1_000_000 + number
        published = self._now - timedelta(hours=6 + number)
        story = self._new_story(
            index, _EN, published, encoding=_UTF8, declared=True, has_jsonld=True
        )
        story.slug = slug
        story.path = path
        story.related = self._pick_related(story)
        return story

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> NewsSite:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        with self._lock:
            if self._base_url is not None:
                raise RuntimeError("a NewsSite starts once")
            server = _Server(self)
            port = server.server_address[1]
            self._base_url = f"http://127.0.0.1:{port}"
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.01},
                name=f"NewsSite:{port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and wait for the handler threads."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None or thread is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # ------------------------------------------------------------------ introspection

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash; set by `start`."""
        if self._base_url is None:
            raise RuntimeError("the site has not been started")
        return self._base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def now(self) -> datetime:
        """The site's clock: where the news sitemap's two days end."""
        with self._lock:
            return self._now

    @property
    def articles(self) -> list[Article]:
        """Every listed story, oldest first; added stories come last."""
        base = self.base_url
        with self._lock:
            return [story.snapshot(base) for story in self._stories]

    def article(self, slug: str) -> Article:
        base = self.base_url
        with self._lock:
            return self._story(slug).snapshot(base)

    @property
    def flaky_article(self) -> Article:
        """What ``/news/flaky.html`` serves once it stops failing (not in feeds or sitemaps)."""
        with self._lock:
            return self._flaky.snapshot(self.base_url)

    @property
    def huge_article(self) -> Article:
        """The story at the top of ``/news/huge.html``; the bulk is a comment section."""
        with self._lock:
            return self._huge.snapshot(self.base_url)

    @property
    def private_article(self) -> Article:
        """The story at ``/private/secret.html``, which robots.txt disallows."""
        with self._lock:
            return self._secret.snapshot(self.base_url)

    @property
    def moved_target(self) -> Article:
        """Where ``/news/moved.html`` redirects (301)."""
        with self._lock:
            return self._moved_to.snapshot(self.base_url)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request answered so far, in order (a copy)."""
        with self._log_lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def warm(self) -> int:
        """Render every listed story page now (a benchmark's server then only sends bytes);
        the bytes of those pages."""
        with self._lock:
            found = (self._resource(story.path) for story in self._stories)
            return sum(len(r.body) for r in found if r is not None)

    # ------------------------------------------------------------------ mutations

    def _story(self, slug: str) -> _Story:
        try:
            return self._by_slug[slug]
        except KeyError:
            raise KeyError(f"no article with slug {slug!r}") from None

    def _tick(self, step: timedelta = _TICK) -> datetime:
        self._now += step
        self._cache.clear()
        return self._now

    def touch_timestamp(self, slug: str) -> Article:
        """Change the page's chrome only: its "Updated at" time and view counter.

        The ETag and Last-Modified change; the story (headline, paragraphs, JSON-LD,
        dateModified, feeds and sitemaps) does not.
        """
        with self._lock:
            story = self._story(slug)
            story.updated = self._tick()
            story.views += random.Random(f"{self.seed}:views:{slug}:{self._now}").randrange(1, 500)
            return story.snapshot(self.base_url)

    def edit_body(self, slug: str, sentence: str | None = None) -> Article:
        """Replace the last sentence of one paragraph (never the first) and move dateModified.

        Without `sentence`, a generated one in the story's language is used.
        """
        with self._lock:
            story = self._story(slug)
            moment = self._tick()
            story.body_edits += 1
            rng = random.Random(f"{self.seed}:edit:{slug}:{story.body_edits}")
            paragraph = story.sentences[rng.randrange(1, len(story.sentences))]
            if sentence is None:
                fills = _fills(story.lang, rng, moment)
                sentence = rng.choice(story.lang.revisions).format(**fills)
                while sentence == paragraph[-1]:  # pragma: no cover - a 1-in-a-hundred case
                    fills["n2"] = str(int(fills["n2"]) + 10)
                    sentence = rng.choice(story.lang.revisions).format(**fills)
            paragraph[-1] = sentence
            story.modified = story.updated = moment
            return story.snapshot(self.base_url)

    def edit_headline(self, slug: str, headline: str | None = None) -> Article:
        """Change the headline (title, h1, og:title, JSON-LD, feeds) and move dateModified.

        Without `headline`, the original is marked as updated ("UPDATE 2-...").
        """
        with self._lock:
            story = self._story(slug)
            story.headline_edits += 1
            if headline is None:
                headline = story.lang.revised_headline.format(
                    headline=story.original_headline, n=story.headline_edits
                )
            story.headline = headline
            story.modified = story.updated = self._tick()
            return story.snapshot(self.base_url)

    def restyle(self, theme: str = "v2") -> list[Article]:
        """A redesign that changes no text: on every story page each class is renamed
        (``story-body`` becomes ``v2-story-body``), the headline and paragraphs get ids,
        classes, inline styles and ``data-*`` attributes, and the markup is re-indented.

        Every story page's ETag changes and its Last-Modified moves to now, so a revisit
        gets a 200 with the restyled page; headlines, paragraphs and dates stay the same.
        """
        with self._lock:
            self._theme = theme
            self._restyled_at = self._tick()
            return [story.snapshot(self.base_url) for story in self._stories]

    def _themed(self, page: str) -> str:
        """`page` as `restyle` left the site: new class names, attributes and indentation."""
        theme = self._theme
        if theme is None:
            return page
        page = re.sub(
            r'class="([^"]*)"',
            lambda m: 'class="' + " ".join(f"{theme}-{name}" for name in m.group(1).split()) + '"',
            page,
        )
        counter = iter(range(1, 1_000_000))
        page = re.sub(
            r"<p>",
            lambda _: (
                f'<p class="{theme}-text" id="{theme}-p{next(counter)}" '
                f'style="line-height:1.6;margin:0 0 1em" data-block="text">'
            ),
            page,
        )
        page = page.replace(
            "<h1>", f'<h1 class="{theme}-headline" id="{theme}-title" style="font-size:2rem">'
        )
        page = page.replace(
            f'<div class="{theme}-story-body">',
            f'<div class="{theme}-story-body" id="{theme}-body" data-layout="wide">',
        )
        return page.replace(">\n<", ">\n    <")

    def add_articles(self, n: int = 1) -> list[Article]:
        """Publish `n` new UTF-8 stories, `_ADD_TICK` apart, at the head of feeds and sitemaps."""
        with self._lock:
            added: list[Article] = []
            for _ in range(n):
                index = len(self._stories)
                rng = random.Random(f"{self.seed}:added:{index}")
                published = self._tick(_ADD_TICK)
                story = self._new_story(
                    index,
                    _LANGS[rng.choice(("en", "de", "ru"))],
                    published,
                    encoding=_UTF8,
                    declared=True,
                    has_jsonld=index % 2 == 0,
                )
                story.modified = story.updated = published
                story.related = self._pick_related(story)
                self._add(story)
                added.append(story.snapshot(self.base_url))
            return added

    # ------------------------------------------------------------------ serving

    def _record(self, method: str, target: str, status: int, headers: Mapping[str, str]) -> None:
        with self._log_lock:
            self._log.append(LoggedRequest(method, target, status, dict(headers)))

    def _handle(self, method: str, target: str, headers: Mapping[str, str]) -> _Response:
        """The response to one request, logged before it is sent."""
        response = self._route(method, urlsplit(target).path, headers)
        self._record(method, target, response.status, headers)
        return response

    def _route(self, method: str, path: str, headers: Mapping[str, str]) -> _Response:
        html_type = ("Content-Type", "text/html; charset=utf-8")
        if method not in ("GET", "HEAD"):
            body = _small_page(405, "Method Not Allowed")
            return _Response(
                405, (html_type, ("Allow", "GET, HEAD"), ("Content-Length", str(len(body)))), body
            )
        if path in (MOVED_PATH, OFFSITE_PATH):
            status, location = (
                (301, self.url(self._moved_to.path))
                if path == MOVED_PATH
                else (302, OFFSITE_TARGET)
            )
            body = _small_page(status, "Moved", f'<p><a href="{_e(location)}">here</a></p>')
            return _Response(
                status,
                (html_type, ("Location", location), ("Content-Length", str(len(body)))),
                body,
            )
        with self._lock:
            if path == FLAKY_PATH and self._flaky_left > 0:
                self._flaky_left -= 1
                body = _small_page(500, "Internal Server Error")
                return _Response(500, (html_type, ("Content-Length", str(len(body)))), body)
            resource = self._resource(path)
        if resource is None:
            body = _small_page(404, "Not Found")
            return _Response(404, (html_type, ("Content-Length", str(len(body)))), body)
        validators = (
            ("ETag", resource.etag),
            ("Last-Modified", _http_date(resource.last_modified)),
            ("Cache-Control", "no-cache"),
        )
        if self._not_modified(resource, headers):
            return _Response(304, validators)
        return _Response(
            200,
            (
                ("Content-Type", resource.content_type),
                ("Content-Length", str(len(resource.body))),
                *validators,
            ),
            resource.body,
        )

    @staticmethod
    def _not_modified(resource: _Resource, headers: Mapping[str, str]) -> bool:
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None:
            return _etag_matches(if_none_match, resource.etag)
        if_modified_since = headers.get("if-modified-since")
        if if_modified_since is not None:
            since = _parse_http_date(if_modified_since)
            return since is not None and resource.last_modified <= since
        return False

    def _resource(self, path: str) -> _Resource | None:
        """The 200 resource at `path` (cached until the next mutation); call with the lock."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        resource = self._render(path)
        if resource is not None:
            self._cache[path] = resource
        return resource

    def _render(self, path: str) -> _Resource | None:
        xml = "application/xml; charset=utf-8"
        if path in ("/", "/feed.xml", "/atom.xml"):
            newest = sorted(self._stories, key=lambda s: s.published, reverse=True)[:FEED_SIZE]
        if path == "/":
            return self._text(self._home(newest), "text/html; charset=utf-8", newest)
        if path == "/feed.xml":
            return self._text(self._rss(newest), "application/rss+xml; charset=utf-8", newest)
        if path == "/atom.xml":
            return self._text(self._atom(newest), "application/atom+xml; charset=utf-8", newest)
        if path == "/sitemap.xml":
            return self._text(self._sitemap_index(), xml, self._stories)
        if path == "/sitemap-articles.xml":
            return self._text(self._sitemap(), xml, self._stories)
        if path == GZIP_SITEMAP_PATH:
            packed = gzip.compress(self._sitemap().encode(), mtime=0)
            last = max(story.modified for story in self._stories)
            return _Resource(packed, "application/gzip", last, _etag_of([packed]))
        if path in (BROKEN_FEED_PATH, BROKEN_SITEMAP_PATH):
            newest = sorted(self._stories, key=lambda s: s.published, reverse=True)[:FEED_SIZE]
            whole = self._rss(newest) if path == BROKEN_FEED_PATH else self._sitemap()
            return self._text(whole[: len(whole) // 2], xml, self._stories)
        if path == BROKEN_INDEX_PATH:
            return self._text(self._broken_index(), xml, self._stories)
        if path == "/news-sitemap.xml":
            # The window moves with the clock, so the clock is its Last-Modified.
            return self._text(self._news_sitemap(), xml, (), self._now)
        if path == "/robots.txt":
            return self._text(self._robots(), "text/plain; charset=utf-8", (), self._started_at)
        if path == HUGE_PATH:
            return self._huge_resource()
        story = {FLAKY_PATH: self._flaky, PRIVATE_PATH: self._secret}.get(path)
        story = story or self._by_path.get(path)
        if story is None:
            return None
        body = self._themed(self._page(story)).encode(story.encoding)
        content_type = "text/html"
        if story.charset_declared:
            content_type += f"; charset={story.encoding}"
        modified = max(story.updated, self._restyled_at or story.updated)
        return _Resource(body, content_type, modified, _etag_of([body]))

    def _text(
        self,
        text: str,
        content_type: str,
        stories: Sequence[_Story],
        last_modified: datetime | None = None,
    ) -> _Resource:
        body = text.encode()
        if last_modified is None:
            last_modified = max(story.modified for story in stories)
        return _Resource(body, content_type, last_modified, _etag_of([body]))

    def _huge_resource(self) -> _Resource:
        page = self._page(self._huge, bulk="\x00BULK\x00")
        head, tail = (part.encode() for part in page.split("\x00BULK\x00"))
        comment = (
            '<div class="comment"><p class="comment-author">reader{n}</p><p>I have read '
            "this story twice and I still think the numbers do not add up; the union and the "
            "operator should publish the full tables so that everyone can check them.</p></div>\n"
        )
        block = "".join(comment.format(n=n) for n in range(256)).encode()
        count = -(-(HUGE_MIN_BYTES + 1 - len(head) - len(tail)) // len(block))
        stream = _Stream(head, block, count, tail)
        return _Resource(
            stream, "text/html; charset=utf-8", self._huge.updated, _etag_of(stream.chunks())
        )

    # ------------------------------------------------------------------ rendering

    def _jsonld(self, story: _Story) -> str:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": self.url(story.path),
            "headline": story.headline,
            "datePublished": story.published.isoformat(),
            "dateModified": story.modified.isoformat(),
            "author": {"@type": "Person", "name": story.author},
            "publisher": {
                "@type": "Organization",
                "name": story.lang.publisher,
                "url": self.url("/"),
            },
            "articleSection": story.section,
            "inLanguage": story.lang.code,
        }
        text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">\n{text}\n</script>\n'

    def _heavy_parts(self, story: _Story, url: str, encoding: str) -> dict[str, str]:
        """What a heavy page adds around the story: chrome, teasers, scripts, padding.

        Teasers name stories of the initial set only (as `related` does), so adding stories
        changes no page; the page's weight is drawn per story between the heavy bounds.
        """
        lang = story.lang
        labels = _HEAVY_LABELS[lang.code]
        rng = random.Random(f"{self.seed}:heavy:{story.index}")
        pool = [i for i in self._initial_by_lang[lang.code] if i != story.index]
        picks = rng.sample(pool, min(len(pool), 40))  # a small site repeats its teasers
        others = [self._stories[picks[k % len(picks)]] for k in range(40)]

        def teaser(other: _Story, n: int) -> str:
            lead = " ".join(other.sentences[0])
            image = f"/img/{other.slug}"
            return (
                f'<li class="teaser teaser-{n}"><a href="{_e(other.path)}">'
                f'<img src="{image}-320.jpg" srcset="{image}-320.jpg 320w, {image}-640.jpg '
                f'640w, {image}-1280.jpg 1280w" sizes="(max-width: 600px) 100vw, 320px" '
                f'alt="" loading="lazy" width="320" height="180">'
                f'<span class="teaser-section">{_e(other.section)}</span>'
                f'<span class="teaser-headline">{_e(other.original_headline)}</span></a>'
                f'<p class="teaser-lead">{_e(lead)}</p>'
                f'<time datetime="{other.published.isoformat()}">{_hhmm(other.published)}'
                "</time></li>\n"
            )

        sections = labels["sections"].split()
        menu = "".join(
            f'<li class="menu-section"><a href="/{n}/">{_e(name)}</a><ul class="submenu">'
            + "".join(
                f'<li><a href="{_e(o.path)}">{_e(o.original_headline)}</a></li>'
                for o in others[n % 8 : n % 8 + 5]
            )
            + "</ul></li>"
            for n, name in enumerate(sections)
        )
        ticker = "".join(
            f'<li><a href="{_e(o.path)}">{_e(o.original_headline)}</a></li>' for o in others[:12]
        )
        most_read = "".join(teaser(o, n) for n, o in enumerate(others[12:24]))
        more = "".join(teaser(o, n) for n, o in enumerate(others[24:34]))
        footer_links = "".join(
            f'<li><a href="/{name.lower()}/{k}">{_e(name)} {k}</a></li>'
            for name in sections
            for k in range(1, 7)
        )
        state: dict[str, Any] = {
            "props": {
                "pageProps": {
                    "article": {
                        "id": story.slug,
                        "headline": story.headline,
                        "section": story.section,
                        "paragraphs": list(story.paragraphs()),
                        "author": story.author,
                    },
                    "teasers": [
                        {"headline": o.original_headline, "path": o.path, "section": o.section}
                        for o in others
                    ],
                },
                "config": {"adUnits": _SHARE_NETWORKS, "build": f"{self.seed}-{story.index}"},
            },
            "recommendations": [],
        }
        parts = {
            "head": (
                _heavy_css(rng)
                + '<link rel="preload" as="font" href="/fonts/sans.woff2" crossorigin>\n'
                + '<script async src="/static/analytics.js"></script>\n'
            ),
            "banner": (
                f'<div class="cookie-banner" role="dialog"><p>{_e(labels["cookies"])}</p>'
                f'<button class="accept">{_e(labels["accept"])}</button></div>\n'
                f'<nav class="mega-menu"><ul>{menu}</ul></nav>\n'
                f'<div class="ticker"><h2>{_e(labels["latest"])}</h2><ul>{ticker}</ul></div>\n'
                + _ad_slot("top", labels["advert"])
            ),
            "share_top": _share_bar(labels["share"], url, "top"),
            "share_bottom": _share_bar(labels["share"], url, "bottom"),
            "asides": (
                _ad_slot("mid", labels["advert"])
                + f'<aside class="most-read">\n<h2>{_e(labels["most_read"])}</h2>\n<ol>\n'
                f"{most_read}</ol>\n</aside>\n"
                f'<aside class="section-more">\n<h2>'
                f"{_e(labels['more'].format(section=story.section))}</h2>\n<ul>\n"
                f"{more}</ul>\n</aside>\n"
                f'<div class="newsletter"><p>{_e(labels["newsletter"])}</p><form action="/nl">'
                f'<input type="email" name="email"><button>{_e(labels["subscribe"])}</button>'
                "</form></div>\n"
            ),
            "footer": f'<ul class="footer-links">{footer_links}</ul>\n',
            "scripts": "",
        }
        # Pad the page's state with recommendation records up to the page's drawn weight.
        target = rng.randrange(HEAVY_MIN_BYTES + 4096, HEAVY_MAX_BYTES - 8192)
        weight = sum(len(part.encode(encoding, "replace")) for part in parts.values())
        weight += len(self._page(story, heavy=False).encode(encoding, "replace"))
        recommendations: list[dict[str, Any]] = state["recommendations"]

        def script() -> str:
            text = json.dumps(state, ensure_ascii=False).replace("</", "<\\/")
            return (
                f'<script id="__NEXT_DATA__" type="application/json">{text}</script>\n'
                "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push("
                f"arguments)}}gtag('js',new Date());gtag('config','G-{story.index:08d}');"
                "</script>\n"
            )

        def size(text: str) -> int:
            return len(text.encode(encoding, "replace"))

        deficit = target - weight - size(script())
        n = 0
        while deficit > 0:  # one batch measured, then as many as fill the deficit
            other = others[n % len(others)]
            batch = [
                {
                    "id": f"rec-{n}-{k}",
                    "path": other.path,
                    "headline": other.original_headline,
                    "score": round(rng.random(), 6),
                    "lead": " ".join(other.sentences[0]),
                }
                for k in range(8)
            ]
            recommendations.extend(batch)
            deficit -= size(json.dumps(batch, ensure_ascii=False)) + 1
            n += 1
        parts["scripts"] = script()
        return parts

    def _page(self, story: _Story, bulk: str = "", heavy: bool | None = None) -> str:
        lang = story.lang
        url = self.url(story.path)
        description = " ".join(story.sentences[0])
        charset = f'<meta charset="{story.encoding}">\n' if story.charset_declared else ""
        jsonld = self._jsonld(story) if story.has_jsonld else ""
        nav = "".join(
            f'<li><a href="/{anchor}">{_e(label)}</a></li>'
            for label, anchor in zip(lang.nav, _NAV_ANCHORS, strict=True)
        )
        when = lang.when.format(
            day=story.published.day,
            month=lang.months[story.published.month - 1],
            year=story.published.year,
            time=_hhmm(story.published),
        )
        paragraphs = "\n".join(f"<p>{_e(text)}</p>" for text in story.paragraphs())
        related = "\n".join(
            f'<li><a href="{_e(other.path)}">{_e(other.original_headline)}</a></li>'
            for other in (self._stories[i] for i in story.related)
        )
        comments = f'<section class="comments">\n{bulk}</section>\n' if bulk else ""
        extra = dict.fromkeys(("head", "banner", "share_top", "share_bottom", "asides"), "")
        extra.update(footer="", scripts="")
        if self.heavy if heavy is None else heavy:
            extra = self._heavy_parts(story, url, story.encoding)
        return (
            f'<!DOCTYPE html>\n<html lang="{lang.code}">\n<head>\n{charset}'
            f"<title>{_e(story.headline)} | {_e(lang.publisher)}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="description" content="{_e(description)}">\n'
            f'<link rel="canonical" href="{_e(url)}">\n'
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{_e(story.headline)}">\n'
            f'<meta property="og:url" content="{_e(url)}">\n'
            f'<meta property="og:site_name" content="{_e(lang.publisher)}">\n'
            f'<meta property="og:locale" content="{lang.locale}">\n'
            f'<meta property="article:published_time" content="{story.published.isoformat()}">\n'
            f'<meta property="article:section" content="{_e(story.section)}">\n'
            f"{jsonld}{extra['head']}</head>\n<body>\n"
            f'<header class="site-header">\n<a class="logo" href="/">{_e(lang.publisher)}</a>\n'
            f'<nav class="main-nav"><ul>{nav}</ul></nav>\n'
            f'<div class="site-status"><span class="updated">'
            f"{_e(lang.updated.format(time=_hhmm(story.updated)))}</span> | "
            f'<span class="views">{_e(lang.views.format(views=story.views))}</span></div>\n'
            f"{extra['banner']}</header>\n<main>\n"
            f'<article class="story">\n<h1>{_e(story.headline)}</h1>\n'
            f'<p class="byline">{_e(lang.byline.format(author=story.author))}</p>\n'
            f'<time datetime="{story.published.isoformat()}">{_e(when)}</time>\n'
            f"{extra['share_top']}"
            f'<div class="story-body">\n{paragraphs}\n</div>\n{extra["share_bottom"]}'
            "</article>\n"
            f"{comments}"
            f'<aside class="related">\n<h2>{_e(lang.related)}</h2>\n<ul>\n{related}\n</ul>\n'
            f"</aside>\n{extra['asides']}</main>\n"
            f'<footer class="site-footer">\n<p>{_e(lang.footer)}</p>\n'
            f'<p><a href="/feed.xml">{_e(lang.feed_link)}</a></p>\n{extra["footer"]}</footer>\n'
            f"{extra['scripts']}</body>\n</html>\n"
        )

    def _home(self, newest: Sequence[_Story]) -> str:
        items = "\n".join(
            f'<li lang="{story.lang.code}"><a href="{_e(story.path)}">{_e(story.headline)}</a> '
            f'<time datetime="{story.published.isoformat()}">{_hhmm(story.published)}</time></li>'
            for story in newest
        )
        specials = "\n".join(
            f'<li><a href="{path}">{label}</a></li>'
            for path, label in (
                (MOVED_PATH, "A story that has moved"),
                (FLAKY_PATH, "A story on a flaky server"),
                (MISSING_PATH, "A story that is gone"),
                (OFFSITE_PATH, "A story on another site"),
                (PRIVATE_PATH, "Subscribers only"),
            )
        )
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Example Wire - Latest news</title>\n"
            f'<link rel="canonical" href="{_e(self.url("/"))}">\n'
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml">\n'
            '<link rel="alternate" type="application/atom+xml" href="/atom.xml">\n'
            '</head>\n<body>\n<header class="site-header"><a class="logo" href="/">Example Wire'
            "</a></header>\n<main>\n<h1>Latest news</h1>\n"
            f'<ul class="latest">\n{items}\n</ul>\n'
            f'<h2>More</h2>\n<ul class="more">\n{specials}\n</ul>\n</main>\n'
            '<footer class="site-footer"><p>© 2024 Example Wire</p></footer>\n</body>\n</html>\n'
        )

    def _rss(self, newest: Sequence[_Story]) -> str:
        items = "".join(
            "<item>\n"
            f"<title>{_e(story.headline)}</title>\n"
            f"<link>{_e(self.url(story.path))}</link>\n"
            f'<guid isPermaLink="true">{_e(self.url(story.path))}</guid>\n'
            f"<pubDate>{_http_date(story.published)}</pubDate>\n"
            f"<dc:creator>{_e(story.author)}</dc:creator>\n"
            f"<dc:language>{story.lang.code}</dc:language>\n"
            f"<category>{_e(story.section)}</category>\n"
            f"<description>{_e(' '.join(story.sentences[0]))}</description>\n"
            "</item>\n"
            for story in newest
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            "<title>Example Wire - Latest news</title>\n"
            f"<link>{_e(self.url('/'))}</link>\n"
            "<description>The newest stories from Example Wire</description>\n"
            f"<lastBuildDate>{_http_date(max(s.modified for s in newest))}</lastBuildDate>\n"
            f'<atom:link href="{_e(self.url("/feed.xml"))}" rel="self" '
            'type="application/rss+xml"/>\n'
            f"{items}</channel>\n</rss>\n"
        )

    def _atom(self, newest: Sequence[_Story]) -> str:
        entries = "".join(
            f'<entry xml:lang="{story.lang.code}">\n'
            f"<id>{_e(self.url(story.path))}</id>\n"
            f"<title>{_e(story.headline)}</title>\n"
            f'<link rel="alternate" type="text/html" href="{_e(self.url(story.path))}"/>\n'
            f"<published>{story.published.isoformat()}</published>\n"
            f"<updated>{story.modified.isoformat()}</updated>\n"
            f"<author><name>{_e(story.author)}</name></author>\n"
            f"<summary>{_e(' '.join(story.sentences[0]))}</summary>\n"
            "</entry>\n"
            for story in newest
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<id>{_e(self.url('/'))}</id>\n"
            "<title>Example Wire - Latest news</title>\n"
            f"<updated>{max(s.modified for s in newest).isoformat()}</updated>\n"
            f'<link rel="self" type="application/atom+xml" href="{_e(self.url("/atom.xml"))}"/>\n'
            f'<link rel="alternate" type="text/html" href="{_e(self.url("/"))}"/>\n'
            f"{entries}</feed>\n"
        )

    def _sitemap_index(self) -> str:
        lastmod = max(story.modified for story in self._stories).isoformat()
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"<sitemap><loc>{_e(self.url('/sitemap-articles.xml'))}</loc>"
            f"<lastmod>{lastmod}</lastmod></sitemap>\n"
            "</sitemapindex>\n"
        )

    def _broken_index(self) -> str:
        children = "".join(
            f"<sitemap><loc>{_e(self.url(path))}</loc></sitemap>\n"
            for path in (BROKEN_SITEMAP_PATH, GZIP_SITEMAP_PATH)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{children}</sitemapindex>\n"
        )

    def _sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{_e(self.url(story.path))}</loc>"
            f"<lastmod>{story.modified.isoformat()}</lastmod></url>\n"
            for story in self._stories
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )

    def _news_sitemap(self) -> str:
        since = self._now - NEWS_WINDOW
        urls = "".join(
            f"<url><loc>{_e(self.url(story.path))}</loc>\n<news:news>\n<news:publication>"
            f"<news:name>{_e(story.lang.publisher)}</news:name>"
            f"<news:language>{story.lang.code}</news:language></news:publication>\n"
            f"<news:publication_date>{story.published.isoformat()}</news:publication_date>\n"
            f"<news:title>{_e(story.headline)}</news:title>\n</news:news></url>\n"
            for story in self._stories
            if story.published >= since
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{urls}</urlset>\n"
        )

    def _robots(self) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /private/\n"
            "\n"
            f"Sitemap: {self.url('/sitemap.xml')}\n"
            f"Sitemap: {self.url('/news-sitemap.xml')}\n"
        )
