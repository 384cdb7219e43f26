"""The archive browser in a real Chromium: search, an item, a diff of two versions,
the quarantine. Debian's /usr/bin/chromium, driven by Playwright; no browser download."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from wirearchive.downstream.browser import DiffRow, _web_link, body_paragraphs, side_by_side
from wirearchive.downstream.http import create_app

from ._served import CORRECTED, UPDATED, build, serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason=f"{CHROMIUM} is absent (apt-get install chromium; .ci/run does as root)",
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(str(build(tmp_path_factory.mktemp("pages")))))


def test_side_by_side_pairs_removed_with_added_lines() -> None:
    unified = "--- a v1\n+++ a v2\n@@ -1,3 +1,3 @@\n same\n-old one\n-old two\n+new one\n tail\n"
    assert side_by_side(unified) == [
        DiffRow("hunk", "@@ -1,3 +1,3 @@", "@@ -1,3 +1,3 @@"),
        DiffRow("same", "same", "same"),
        DiffRow("changed", "old one", "new one"),
        DiffRow("removed", "old two", None),
        DiffRow("same", "tail", "tail"),
    ]
    assert side_by_side("@@ -0,0 +1 @@\n+only new\n")[1] == DiffRow("added", None, "only new")


def test_body_paragraphs_drop_markup_and_keep_paragraphs() -> None:
    item = {"bodies": [{"role": "main", "contentType": "text/html",
                        "value": "<p>One <b>bold</b></p><p>Two<br>three</p>"}]}  # fmt: skip
    assert body_paragraphs(item) == ["One bold", "Two", "three"]
    assert body_paragraphs({"bodies": [{"value": "a <b>\n\nb"}]}) == ["a <b>", "b"]


def test_pages_render_hostile_text_as_text(client: TestClient) -> None:
    page = client.get(f"/items/{quote(UPDATED, safe='')}")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script>alert(1)" not in page.text
    assert "Adds a &lt;script&gt;alert(1)&lt;/script&gt; paragraph." in page.text
    diff = client.get(f"/items/{UPDATED}", params={"a": 1, "b": 2})
    assert "Changes from v1 to v2" in diff.text
    assert "<script>alert(1)" not in diff.text
    # The search form offers the archive's languages and sources.
    assert '<option value="ru">' in client.get("/").text
    for path in ("/", "/?q=wheat&language=en", "/quarantine", "/runs", "/static/style.css"):
        assert client.get(path).status_code == 200, path
    runs = client.get("/api/runs").json()["runs"]
    assert runs[0]["run"] in client.get(f"/runs/{runs[0]['run']}").text
    [entry] = client.get("/api/quarantine").json()["entries"]
    assert "versionCreated" in client.get(f"/quarantine/{entry['qid']}").text


def test_a_missing_page_is_an_html_404_with_the_rule(client: TestClient) -> None:
    for path in ("/items/urn:x:nothing", "/quarantine/q-nothing", "/runs/run-nothing"):
        page = client.get(path)
        assert page.status_code == 404
        assert "text/html" in page.headers["content-type"]
        assert "archive.not-found" in page.text
    bad = client.get("/", params={"since": "last spring"})
    assert bad.status_code == 400
    assert "not a cursor or a time" in bad.text


def test_only_web_addresses_become_links() -> None:
    assert _web_link("https://ria.example/a") == "https://ria.example/a"
    assert _web_link("javascript:alert(1)") is None
    assert _web_link("file:///etc/passwd") is None
    assert _web_link(None) is None


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


@pytest.mark.browser
@needs_chromium
def test_search_item_diff_and_quarantine(page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Dialog, Page, expect

    assert isinstance(page, Page)
    scripts: list[str] = []

    def ran(dialog: Dialog) -> None:  # an alert() of item text would land here
        scripts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", ran)
    with serving(build(tmp_path)) as base:
        page.goto(f"{base}/")
        expect(page.locator("h1")).to_have_text("Search the archive")
        page.fill("input[name=q]", "corrected")
        page.click("button[type=submit]")
        hits = page.locator("a.hit")
        expect(hits).to_have_count(1)
        expect(hits.first).to_contain_text(CORRECTED.strip(" ()"))

        hits.first.click()
        expect(page.locator("h1")).to_contain_text(CORRECTED)
        expect(page.locator("table.history tbody tr")).to_have_count(2)
        expect(page.locator("table.provenance")).to_contain_text("warc/")
        expect(page.locator("#raw-capture")).to_have_attribute(
            "href", f"/api/items/{UPDATED}/versions/2/capture"
        )

        page.check("input[name=a][value='1']")
        page.check("input[name=b][value='2']")
        page.click("form.diff-form button[type=submit]")
        diff = page.locator("#diff")
        expect(diff.locator("h2")).to_have_text("Changes from v1 to v2")
        expect(diff.locator("table.fields")).to_contain_text("$.headlines[0].value")
        # The hostile paragraph of version 2 shows as text on the new side only.
        added = diff.locator("table.body-diff tr.added")
        expect(added.locator("td.new")).to_contain_text(["<script>alert(1)</script>"])
        for old in added.locator("td.old").all():
            expect(old).to_have_text("")
        page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)

        page.click("nav >> text=Quarantine")
        expect(page.locator("h1")).to_have_text("Quarantine")
        row = page.locator("table.quarantine tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("schema.required")
        row.locator("a").click()
        expect(page.locator("table.reasons")).to_contain_text("versionCreated")
        page.screenshot(path=str(tmp_path / "quarantine.png"), full_page=True)
    assert scripts == []  # no item text ever ran as script
    assert (tmp_path / "diff.png").stat().st_size > 10_000
