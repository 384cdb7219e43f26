"""The boilerplate judge on captures in eleven languages: chrome goes, every story line stays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import justext
import pytest
from wirearchive.text.boilerplate import STOPLISTS, classify, stoplist_name
from wirearchive.text.dateline import parse_dateline

CAPTURES = Path(__file__).parents[1] / "data" / "chrome-captures"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (CAPTURES / "chrome.json").read_text(encoding="utf-8")
)
NAMES = sorted(EXPECTED)


def _lines(name: str) -> list[str]:
    text = (CAPTURES / name).read_text(encoding="utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _dateline(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if i and parse_dateline(line)), None)


def test_there_is_a_capture_in_every_language() -> None:
    languages = {entry["language"] for entry in EXPECTED.values()}
    assert languages == {"ru", "kk", "en", "de", "fr", "es", "it", "tr", "uk", "be", "zh"}
    assert sorted(p.name for p in CAPTURES.glob("*.txt")) == NAMES


@pytest.mark.parametrize("given", [False, True], ids=["detected", "given"])
@pytest.mark.parametrize("name", NAMES)
def test_chrome_goes_and_every_story_line_stays(name: str, given: bool) -> None:
    lines = _lines(name)
    chrome = EXPECTED[name]["chrome"]
    language = EXPECTED[name]["language"] if given else None
    judged = classify(lines, language=language, body_start=_dateline(lines))
    assert judged.chrome == chrome
    assert judged.story == [line for line in lines if line not in chrome]
    assert all(v.reason for v in judged.verdicts)
    assert [v.index for v in judged.verdicts] == list(range(len(lines)))


def _after_related_block(name: str) -> int:
    """The index after the related block, checking the block's verdicts on the way."""
    lines = _lines(name)
    judged = classify(lines, body_start=_dateline(lines))
    reasons = [v.reason for v in judged.verdicts]
    heading = reasons.index("related-stories heading")
    under = [v for v in judged.verdicts if v.reason.startswith("headline under")]
    assert len(under) >= 2
    assert [v.index for v in under] == list(range(heading + 1, heading + 1 + len(under)))
    assert not any(v.story for v in under)
    after = heading + 1 + len(under)
    if after < len(lines) and lines[after] not in EXPECTED[name]["chrome"]:
        assert judged.verdicts[after].story
    return after


def test_related_blocks_go_with_their_headlines_and_the_story_resumes() -> None:
    resumed = []
    for name in NAMES:
        after = _after_related_block(name)
        lines = _lines(name)
        if after < len(lines) and lines[after] not in EXPECTED[name]["chrome"]:
            resumed.append(name)
    # In more than half the captures the block sits between paragraphs: the story resumes.
    assert len(resumed) * 2 > len(NAMES), resumed


def test_chinese_runs_jusText_without_a_stoplist() -> None:
    lines = _lines("zh-xinhua-rail.txt")
    judged = classify(lines, language="zh", body_start=_dateline(lines))
    assert judged.stoplist is None
    assert "language-independent" in judged.method
    assert "去年两国贸易额达到410亿美元。" in judged.story
    assert {"（完）", "【责任编辑：王磊】", "相关新闻", "中欧班列今年开行突破一万列"} <= set(
        judged.chrome
    )


def test_stoplists_for_the_languages_of_the_wire() -> None:
    names = set(justext.get_stoplists())
    assert set(STOPLISTS.values()) <= names
    expected = {
        "ru": "Russian", "uk": "Ukrainian", "kk": "Kazakh", "be": "Belarusian",
        "tr": "Turkish", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
        "en": "English", "pt-BR": "Portuguese", "be-tarask": "Belarusian_Taraskievica",
    }  # fmt: skip
    assert {tag: stoplist_name(tag) for tag in expected} == expected
    assert stoplist_name("zh") is None
    assert stoplist_name("zh-Hant") is None
    assert stoplist_name(None) is None


def test_the_layout_keeps_the_photo_block_headline_and_a_lead_without_a_stop() -> None:
    lines = [
        "Share",
        "Minister opens new grain terminal",
        "© Photo: Port authority",
        "Caption of the port photo - Example Wire, 1920, 29.05.2024",
        "The terminal doubles the port's capacity for grain and oilseeds this season",
        "ODESA, May 29 (Reuters) - Ukraine's deputy minister opened a grain terminal.",
        "Loading began on Wednesday.",
    ]
    judged = classify(lines, language="en", keep={2, 3}, body_start=5)
    assert judged.chrome == ["Share"]
    reasons = {v.text: v.reason for v in judged.verdicts}
    assert reasons[lines[1]].startswith("headline")
    assert reasons[lines[2]] == reasons[lines[3]] == "photo block"
    assert reasons[lines[4]].startswith("lead")
    assert reasons[lines[6]].startswith("a sentence")


def test_jusText_drops_a_trailing_headline_list_without_a_heading() -> None:
    lines = [
        "Parliament passes the budget",
        "ROME, May 29 (Reuters) - Italy's parliament passed the budget on Wednesday after a "
        "long debate in which the opposition walked out twice.",
        "The vote was 310 to 250.",
        "Rome mayor unveils transport plan",
        "Milan fashion week opens",
    ]
    judged = classify(lines, language="en", body_start=1)
    assert judged.story == lines[:3]
    assert judged.chrome == lines[3:]
    assert all(v.reason.startswith("jusText") for v in judged.verdicts[3:])


def test_a_capture_without_a_dateline_is_judged_too() -> None:
    lines = ["Kurzmeldung", "Teilen", "Der Bundestag hat das Gesetz beschlossen.", "jdm/dpa"]
    judged = classify(lines, language="de")
    assert judged.story == ["Kurzmeldung", "Der Bundestag hat das Gesetz beschlossen."]
    assert judged.stoplist == "German"


def test_a_headline_the_reader_found_puts_the_masthead_above_it_out() -> None:
    lines = [
        "Xinhua | English",
        "Home",
        "China's exports rise 6.7 percent in November",
        "BEIJING, Dec. 7 (Xinhua) -- China's exports rose 6.7 percent year on year in November.",
        "Imports fell 3.9 percent over the same period, customs data showed.",
    ]
    judged = classify(lines, language="en", body_start=3, headline=2)
    assert judged.story == lines[2:]
    assert [v.reason for v in judged.verdicts[:2]] == ["above the headline"] * 2
