"""The facets of a record: one derivation for the catalog, Parquet and the HTTP API."""

from __future__ import annotations

from typing import Any

from wirearchive.archive.facets import body_text, facets, headline


def _record(item: dict[str, Any], **provenance: Any) -> dict[str, Any]:
    return {"item": item, "provenance": provenance}


def test_headline_is_the_main_one_as_plain_text() -> None:
    item = {"headlines": [{"value": "sub"}, {"role": "main", "value": "<b>Main</b>  one"}]}
    assert headline(item) == "Main one"
    assert headline({"headlines": [{"value": "only"}]}) == "only"
    assert headline({"headlines": "not a list"}) is None
    assert headline({"headlines": [{"value": "  "}]}) is None


def test_body_text_prefers_plain_text_and_drops_markup() -> None:
    html = {"contentType": "text/html", "value": "<p>One</p><p>two</p>"}
    assert body_text({"bodies": [html]}) == "One two"
    plain = {"contentType": "text/plain", "value": "Plain\ntext"}
    assert body_text({"bodies": [html, plain]}) == "Plain text"
    assert body_text({}) == ""


def test_agency_source_and_url() -> None:
    item = {
        "language": "kk",
        "copyrightHolder": "Holder",
        "infoSources": [{"name": "Photo desk", "role": "cpnat:photographer"}, {"name": "Wire"}],
    }
    found = facets(_record(item, wasDerivedFrom={"url": "https://Sputnik.kz/a?b=1"}))
    assert found.agency == "Photo desk"  # no role of a supplier: the first named
    assert found.source == "sputnik.kz"
    assert found.url == "https://Sputnik.kz/a?b=1"
    assert found.language == "kk"
    supplier = {"infoSources": [{"name": "Desk"}, {"name": "Agency", "role": "originfo"}]}
    assert facets(_record(supplier)).agency == "Agency"
    assert facets(_record({"copyrightHolder": " Holder "})).agency == "Holder"
    named = facets(_record({}, source="tass-feed", wasDerivedFrom={"url": "file:///in/a.json"}))
    assert named.source == "tass-feed"
    assert facets(_record({}, wasDerivedFrom={"url": "file:///in/a.json"})).source == "file"
    empty = facets({})
    assert empty.to_dict() == dict.fromkeys(("headline", "language", "agency", "source", "url"))
