"""Telling ninjs versions apart."""

from __future__ import annotations

from typing import Any

import pytest
from wirearchive.validators import VersionDetector, default_registry
from wirearchive.validators.structural import StructuralValidator

DETECTOR = VersionDetector(default_registry(), StructuralValidator(default_registry()).is_valid)
STD = "http://www.iptc.org/std/ninjs/ninjs-schema_{}.json"


@pytest.mark.parametrize(
    ("document", "version"),
    [
        ({"uri": "u", "headline": "h", "body_text": "b"}, "1.6"),
        ({"uri": "u", "$standard": {"schema": STD.format("1.3")}, "headline": "h"}, "1.3"),
        ({"uri": "u", "headlines": [{"value": "h"}], "versioncreated": "x"}, "2.2"),
        ({"uri": "u", "standard": {"name": "ninjs", "version": "2.0"}, "headlines": []}, "2.0"),
        ({"uri": "u", "headlines": [], "versionCreated": "x", "altIds": []}, "3.1"),
        ({"uri": "u", "standard": {"schema": STD.format("3.0")}, "headlines": []}, "3.0"),
        # Declared 1.3, written with the 2.x+ "standard" key: the keys win over the claim.
        ({"uri": "u", "standard": {"schema": STD.format("1.3")}}, "3.1"),
        # Keys that fit 1.x and 2.x alike: the one it is valid under, newest first.
        ({"uri": "u", "representationtype": "complete"}, "1.6"),
        ({"uri": "u", "representationtype": "full"}, "2.2"),
        ({"uri": "u"}, "3.1"),
        (["not", "an", "object"], "3.1"),
    ],
)
def test_detects(document: Any, version: str) -> None:
    assert DETECTOR.detect(document).version == version


def test_reason_mentions_a_contradicted_declaration() -> None:
    detection = DETECTOR.detect({"uri": "u", "standard": {"schema": STD.format("1.3")}})
    assert detection.declared == "1.3"
    assert "declares ninjs 1.3" in detection.reason


def test_other_standards_are_not_read_as_ninjs() -> None:
    detection = DETECTOR.detect({"uri": "u", "standard": {"name": "other", "version": "2.0"}})
    assert detection.declared is None


def test_the_key_memo_gives_the_same_answers_and_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wirearchive.validators import detect

    monkeypatch.setattr(detect, "_KNOWN_KEYS", 3)
    fresh = VersionDetector(default_registry(), StructuralValidator(default_registry()).is_valid)
    document = {"uri": "u", "headlines": [], "versionCreated": "x", "altIds": [], "x-a": 1}
    first = fresh.detect(document)
    again = fresh.detect(document)  # from the memo, for the keys it kept
    assert first == again == DETECTOR.detect(document)
    assert first.version == "3.1"
    assert len(fresh._known) == 3  # one more key than the bound: not remembered
    many = {f"k{n}": n for n in range(50)} | {"headline": "h", "body_text": "b"}
    assert fresh.detect(many).version == "1.6"  # keys past the bound still counted
    assert len(fresh._known) == 3
