"""Generated wire text for the benchmarks: words, sentences and headlines in en, ru, de.

Shared by bench/validate.py and bench/archive.py so both measure items of the same kind.
"""

from __future__ import annotations

import random

__all__ = ["DAYS", "HEADLINES", "SENTENCES", "SOURCES", "WORDS", "fill"]

WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "city": ["London", "Berlin", "Moscow", "Almaty", "Warsaw", "Brussels", "Geneva"],
        "org": ["the central bank", "the finance ministry", "the port authority",
                "the statistics office", "the national railway", "the energy regulator"],
        "who": ["Martin Hale", "Sarah Whitfield", "Daniel Okafor", "Laura Brennan",
                "Peter Lindqvist", "Anna Moreau"],
        "topic": ["wheat exports", "fuel prices", "rail freight", "electricity demand",
                  "consumer lending", "steel output", "grain shipments"],
    },
    "ru": {
        "city": ["Москве", "Алматы", "Астане", "Новосибирске", "Казани", "Самаре"],
        "org": ["Центральный банк", "министерство финансов", "таможенная служба",
                "национальная железная дорога", "антимонопольное ведомство",
                "бюро статистики"],
        "who": ["Иван Петров", "Айгуль Сейткали", "Олег Смирнов", "Марина Волкова",
                "Нурлан Абенов", "Елена Соколова"],
        "topic": ["экспорт пшеницы", "цены на топливо", "грузовые перевозки",
                  "потребительское кредитование", "выпуск стали", "добыча нефти"],
    },
    "de": {
        "city": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Leipzig", "Wien"],
        "org": ["die Bundesbank", "das Finanzministerium", "die Hafenbehörde",
                "das Statistikamt", "die Bahn", "die Netzagentur"],
        "who": ["Jürgen Köhler", "Sabine Hartmann", "Thomas Brückner", "Katrin Wolff",
                "Stefan Maier", "Miriam Engel"],
        "topic": ["der Weizenexport", "die Spritpreise", "der Güterverkehr",
                  "der Strombedarf", "die Stahlproduktion", "die Kreditvergabe"],
    },
}  # fmt: skip

SENTENCES: dict[str, list[str]] = {
    "en": [
        "Figures published by {org} on {day} showed {topic} up {pct} percent from a year earlier.",
        "{who}, an analyst in {city}, said the increase was broadly in line with expectations.",
        "Traders in {city} said demand had picked up after a slow start to the quarter.",
        "The change follows {num} consecutive months of decline, according to {org}.",
        "{who} told reporters that the outlook for the rest of the year remained uncertain.",
        "Officials declined to comment on whether further measures were being considered.",
        "Market participants had expected a smaller move of about {pct} percent.",
        "The data come as {org} prepares to publish its quarterly review next week.",
        "Shipments through {city} reached {num} thousand tonnes in the period.",
        "Prices eased slightly in afternoon trading as the news was digested.",
        "Industry groups said higher costs were still weighing on smaller producers.",
        "{who} added that weather conditions had helped to support supply.",
        "A spokesman for {org} said the figures would be revised if new data emerged.",
        "Some economists warned that {topic} could slow again later in the year.",
        "The report was released earlier than usual because of a public holiday.",
    ],
    "ru": [
        "По данным, которые {org} опубликовал в {day}, {topic} вырос на {pct} процента за год.",
        "Аналитик из {city} {who} назвал рост в целом ожидаемым.",
        "Трейдеры в {city} говорят, что спрос оживился после медленного начала квартала.",
        "Это произошло после {num} месяцев снижения подряд, сообщили в ведомстве.",
        "{who} заявил журналистам, что прогноз на остаток года остается неопределенным.",
        "Официальные лица отказались комментировать возможность новых мер.",
        "Участники рынка ожидали более скромного изменения, примерно на {pct} процента.",
        "Данные вышли накануне публикации квартального обзора на следующей неделе.",
        "Объем отгрузок в {city} за период достиг {num} тысяч тонн.",
        "Во второй половине дня цены немного снизились после выхода новостей.",
        "Отраслевые объединения отмечают, что высокие издержки давят на небольших производителей.",
        "{who} добавил, что погодные условия поддержали предложение.",
        "Представитель ведомства сообщил, что цифры могут быть уточнены.",
        "Часть экономистов предупреждает о возможном замедлении к концу года.",
        "Отчет был опубликован раньше обычного из-за праздничного дня.",
    ],
    "de": [
        "Nach Angaben, die {org} am {day} veröffentlichte, stieg {topic} um {pct} Prozent.",
        "{who}, Analyst in {city}, bezeichnete den Anstieg als weitgehend erwartet.",
        "Händler in {city} berichteten von einer lebhafteren Nachfrage nach einem schwachen "
        "Quartalsbeginn.",
        "Zuvor war der Wert {num} Monate in Folge gesunken, teilte die Behörde mit.",
        "{who} sagte, der Ausblick für den Rest des Jahres bleibe unsicher.",
        "Zu möglichen weiteren Maßnahmen wollten sich die Verantwortlichen nicht äußern.",
        "Marktteilnehmer hatten mit einer kleineren Bewegung von etwa {pct} Prozent gerechnet.",
        "Die Zahlen kommen kurz vor dem Quartalsbericht, der nächste Woche erscheinen soll.",
        "Der Umschlag in {city} erreichte im Berichtszeitraum {num} tausend Tonnen.",
        "Am Nachmittag gaben die Preise leicht nach, nachdem die Nachricht verarbeitet war.",
        "Branchenverbände erklärten, die hohen Kosten belasteten vor allem kleinere Betriebe.",
        "{who} fügte hinzu, das Wetter habe das Angebot gestützt.",
        "Ein Sprecher kündigte an, die Zahlen bei neuen Daten zu korrigieren.",
        "Einige Ökonomen warnten vor einer erneuten Abschwächung im Herbst.",
        "Der Bericht erschien wegen eines Feiertags früher als üblich.",
    ],
}

HEADLINES: dict[str, list[str]] = {
    "en": ["{Topic} rise for a {nth} month in {city}", "{Topic} fall as {org} reports weak data",
           "{Topic} steady ahead of quarterly review", "Analysts see {topic} recovering in {city}"],
    "ru": ["{Topic} вырос в {city} по итогам месяца", "{Topic} снизился на фоне слабых данных",
           "Аналитики ждут восстановления: {topic}", "{Topic}: рост {num} месяц подряд"],
    "de": ["{Topic} legt in {city} weiter zu", "{Topic} sinkt nach schwachen Daten",
           "Analysten erwarten Erholung: {topic}", "{Topic} steigt den {num}. Monat in Folge"],
}  # fmt: skip

DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "ru": ["понедельник", "вторник", "среду", "четверг", "пятницу"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
}

SOURCES = ["Example Wire", "Sample News Agency", "Demo Press"]


def fill(template: str, lang: str, rng: random.Random) -> str:
    words = WORDS[lang]
    topic = rng.choice(words["topic"])
    return template.format(
        city=rng.choice(words["city"]),
        org=rng.choice(words["org"]),
        who=rng.choice(words["who"]),
        topic=topic,
        Topic=topic[:1].upper() + topic[1:],
        day=rng.choice(DAYS[lang]),
        pct=f"{rng.uniform(0.2, 19.9):.1f}",
        num=rng.randint(2, 12),
        big=rng.randint(100, 99_999),
        nth=rng.choice(["second", "third", "fourth", "fifth"]),
    )
