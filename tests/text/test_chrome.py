"""The chrome lexicon: what readers drop and what `body.chrome-only` refuses agree."""

from __future__ import annotations

import pytest
from wirearchive.text.chrome import is_chrome_line, is_chrome_only, starts_page_tail
from wirearchive.validators import Validator


@pytest.mark.parametrize(
    "line",
    ["Подписаться", "  Share  ", "Share | Subscribe", "Жазылу", "1920", "29.05.2024, 14:02",
     "1.2K", "12 views", "3 комментария", "Telegram", "ВКонтакте · Одноклассники"],
)  # fmt: skip
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    ["", "   ", "Share prices fell sharply on Monday.", "Подписан договор о поставках",
     "В Астане министры обороны встретились", "Print media are in decline"],
)  # fmt: skip
def test_story_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_page_tail_headings() -> None:
    assert starts_page_tail("Читайте также:")
    assert starts_page_tail("Related")
    assert not starts_page_tail("Related talks ended on Friday.")


def test_chrome_only_needs_some_text_and_nothing_else() -> None:
    assert is_chrome_only(["Share", "", "Subscribe", "Читайте также"])
    assert not is_chrome_only(["", "  "])
    assert not is_chrome_only(["Share", "The minister said talks would go on."])


def test_the_rule_uses_the_same_lexicon() -> None:
    item = {
        "uri": "urn:x:1",
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Share\nЖазылу\n1920"}],
    }
    rules = {p.rule for p in Validator("profile").validate(item).errors}
    assert "body.chrome-only" in rules
