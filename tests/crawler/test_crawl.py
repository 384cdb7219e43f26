"""`wirearchive crawl` against the fixture news site, each crawl in a subprocess.

A subprocess per crawl keeps Twisted's reactor (which starts once per process) out of
pytest, and is how cron runs it anyway.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from wirearchive.archive import Store

from ._crawl_helpers import (
    NewsSite,
    crawl_command,
    run_crawl,
    site_module,
    wirearchive,
    write_source,
)

ARTICLE_PREFIX = "/news/2"  # story pages: /news/yyyy/mm/dd/slug.html


@pytest.fixture
def site() -> Iterator[Any]:
    with NewsSite(seed=7, size=60) as running:
        yield running


def _counts(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    assert done.stdout.strip(), done.stderr[-3000:]
    found: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _records(archive: Path) -> list[dict[str, Any]]:
    with Store.open(str(archive)) as store:
        return list(store.changes())


def _story_requests(site: Any) -> list[Any]:
    return [r for r in site.requests if r.path.startswith(ARTICLE_PREFIX)]


def test_first_crawl_then_recrawl(site: Any, tmp_path: Path) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    write_source(sources, site.base_url)
    stories = site.articles
    first = run_crawl(archive, sources)
    # 404, off-site redirect and the oversized page are errors, not items; the flaky page
    # is retried and archived; the moved page lands on a story; /private/ is robots-refused.
    assert first.returncode == 1, first.stderr[-3000:]
    assert _counts(first) == {
        "run": _counts(first)["run"],
        "new": len(stories) + 1,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "failed": 3,
        "skipped": 1,
    }
    paths = [r.path for r in site.requests]
    assert not any(p.startswith("/private/") for p in paths)
    flaky = [r.status for r in site.requests if r.path == site_module.FLAKY_PATH]
    assert flaky == [500, 200]
    assert all(r.headers.get("user-agent", "").startswith("wirearchive/") for r in site.requests)

    with Store.open(str(archive)) as store:
        manifest = store.runs()[-1]
    rules = {f["rule"] for f in manifest["failures"]}
    assert rules == {"http.404", "fetch.offsite", "fetch.too-large"}
    assert manifest["skipped"][0]["rule"] == "fetch.robots"

    # Every version's provenance resolves to its WARC response record, request beside it.
    records = _records(archive)
    assert len(records) == len(stories) + 1
    for record in records:
        capture = record["provenance"]["capture"]
        with open(archive / capture["warcFile"], "rb") as handle:
            handle.seek(capture["warcOffset"])
            found = []
            for warc in ArchiveIterator(handle):
                found.append(
                    (
                        warc.rec_type,
                        warc.rec_headers.get_header("WARC-Record-ID"),
                        warc.rec_headers.get_header("WARC-Concurrent-To"),
                        hashlib.sha256(warc.content_stream().read()).hexdigest(),
                    )
                )
                if len(found) == 2:
                    break
        (kind, record_id, _, payload), (kind2, _, concurrent, _) = found
        assert kind == "response"
        assert record_id == capture["warcRecordId"]
        assert "sha256:" + payload == capture["sha256"]
        assert kind2 == "request"
        assert concurrent == record_id
    via = [r["provenance"]["wasDerivedFrom"].get("via") for r in records]
    assert f"{site.base_url}/feed.xml" in via
    assert f"{site.base_url}/sitemap-articles.xml" in via

    # Second crawl: unchanged stories answer 304; a touched page is no new version; an
    # edited body and an edited headline each make version 2.
    time.sleep(1.1)  # the test source revisits every second
    touched, edited, retitled = stories[3].slug, stories[10].slug, stories[20].slug
    site.touch_timestamp(touched)
    site.edit_body(edited)
    site.edit_headline(retitled)
    site.reset_log()
    second = run_crawl(archive, sources)
    counts = _counts(second)
    assert (counts["new"], counts["updated"], counts["quarantined"]) == (0, 2, 0)
    assert counts["unchanged"] == len(stories) + 1 - 2
    story_statuses = {r.path: r.status for r in _story_requests(site)}
    changed = {site.article(s).path for s in (touched, edited, retitled)}
    assert all(story_statuses[p] == 200 for p in changed)
    assert all(status == 304 for p, status in story_statuses.items() if p not in changed)
    assert all(
        r.headers.get("if-none-match") for r in _story_requests(site) if r.path not in changed
    )
    with Store.open(str(archive)) as store:
        assert len(store.history(site.article(edited).url)) == 2
        assert len(store.history(site.article(touched).url)) == 1
        latest = store.get(site.article(retitled).url)
        assert latest is not None
        assert latest["version"] == 2
        assert latest["item"]["headlines"][0]["value"] == site.article(retitled).headline
    assert wirearchive("verify", "--archive", str(archive)).returncode == 0


def test_kill_and_resume(tmp_path: Path) -> None:
    with NewsSite(seed=11, size=150) as site:
        sources, archive = tmp_path / "sources", tmp_path / "archive"
        # The default revisit policy: nothing archived is due again within the hour.
        write_source(sources, site.base_url, schedule=None, specials=False)
        process = subprocess.Popen(
            crawl_command(
                archive, sources, "WIREARCHIVE_BATCH=10", "CONCURRENT_REQUESTS=2",
                "DOWNLOAD_DELAY=0.02",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len([r for r in _story_requests(site) if r.status == 200]) < 60:
            assert time.monotonic() < deadline
            assert process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        with Store.open(str(archive)) as store:
            archived = {r["provenance"]["wasDerivedFrom"]["url"] for r in store.changes()}
        assert 10 <= len(archived) < 150
        site.reset_log()
        resumed = run_crawl(archive, sources)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        refetched = {site.url(r.path) for r in _story_requests(site)}
        assert not refetched & archived
        assert _counts(resumed)["new"] == 150 - len(archived)
        assert len(_records(archive)) == 150
        assert wirearchive("verify", "--archive", str(archive)).returncode == 0


def test_overlapping_runs_second_exits_2(site: Any, tmp_path: Path) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    write_source(sources, site.base_url, specials=False)
    first = subprocess.Popen(
        crawl_command(archive, sources, "CONCURRENT_REQUESTS=1", "DOWNLOAD_DELAY=0.05"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    lock = archive / "crawl.lock"
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text()) or not _story_requests(site):
        assert time.monotonic() < deadline
        assert first.poll() is None
        time.sleep(0.05)
    second = run_crawl(archive, sources)
    assert first.poll() is None  # the first run was still going
    assert second.returncode == 2
    assert "another crawl is running" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=60) == 0
    out, _ = first.communicate()
    finished = subprocess.CompletedProcess([], 0, out.decode(), "")
    assert _counts(finished)["new"] == len(site.articles)


def test_unknown_and_bad_sources_exit_2(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    write_source(sources, "http://127.0.0.1:9")
    (sources / "broken.toml").write_text('name = "broken"\nallowed_domains = "x"\n')
    archive = tmp_path / "archive"
    unknown = run_crawl(archive, sources, name="nope")
    assert unknown.returncode == 2
    assert "unknown source 'nope'" in unknown.stderr
    assert "fixture" in unknown.stderr
    broken = run_crawl(archive, sources, name="broken")
    assert broken.returncode == 2
    assert "broken.toml" in broken.stderr
    assert "allowed_domains" in broken.stderr


def test_scrapy_list_from_project_root() -> None:
    root = Path(__file__).resolve().parents[2]
    command = [str(Path(sys.executable).parent / "scrapy")]
    done = subprocess.run(
        [*command, "list"], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["feed", "sitemap", "source", "urls"]


def test_a_restyled_site_makes_no_new_versions(tmp_path: Path) -> None:
    with NewsSite(seed=5, size=site_module.MIN_SIZE) as site:
        sources, archive = tmp_path / "sources", tmp_path / "archive"
        write_source(sources, site.base_url, specials=False)
        first = run_crawl(archive, sources)
        assert first.returncode == 0, first.stderr[-3000:]
        assert _counts(first)["new"] == len(site.articles)
        time.sleep(1.1)  # the test source revisits every second
        site.restyle("redesign-2025")
        site.reset_log()
        second = run_crawl(archive, sources)
        assert second.returncode == 0, second.stderr[-3000:]
        counts = _counts(second)
        assert (counts["new"], counts["updated"], counts["quarantined"]) == (0, 0, 0)
        assert counts["unchanged"] == len(site.articles)
        # every story was fetched again in full and compared by content, not answered 304
        statuses = [r.status for r in _story_requests(site)]
        assert len(statuses) == len(site.articles)
        assert set(statuses) == {200}
        with Store.open(str(archive)) as store:
            assert store.summary()["versions"] == len(site.articles)
    assert wirearchive("verify", "--archive", str(archive)).returncode == 0
