"""An archive of the project's examples, one item of it updated, one input quarantined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wirearchive.archive import Store
from wirearchive.crawler.intake import Intake

EXAMPLES = Path(__file__).parents[2] / "examples"
SAMPLE = EXAMPLES / "sputnik-kz-2024-05-29.json"
SAMPLE_ID: str = json.loads(SAMPLE.read_text())["uri"]


def ingest(location: Path, *paths: Path) -> dict[str, object]:
    store = Store.open(str(location))
    try:
        intake = Intake(store)
        intake.walk([str(p) for p in paths])
        return intake.close()
    finally:
        store.close()


def edited(folder: Path, headline: str = "В Астане министры подписали соглашения") -> Path:
    """The sample with another headline: a second version of its item."""
    item = json.loads(SAMPLE.read_text())
    item["headlines"][0]["value"] = headline
    path = folder / "edited.json"
    path.write_text(json.dumps(item, ensure_ascii=False))
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples, then an edit of the sample and an input that is not ninjs at all."""
    folder = tmp_path_factory.mktemp("demo")
    location = folder / "archive"
    ingest(location, EXAMPLES)
    bad = folder / "bad.json"
    bad.write_text('{"uri": "urn:x:bad", "headlines": "not a list"}')
    ingest(location, edited(folder), bad)
    return location
