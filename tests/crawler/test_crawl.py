"""`wirearchive crawl` against the fixture news site, each crawl in a subprocess.

A subprocess per crawl keeps Twisted's reactor (which starts once per process) out of
pytest, and is how cron runs it anyway.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
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
    robots_skips,
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
    counts = _counts(first)
    assert counts == {
        "run": counts["run"],
        "new": len(stories) + 1,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "failed": 3,
        "skipped": counts["skipped"],  # robots.txt, and maybe the moved page: see below
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
    assert robots_skips([manifest], site.base_url) == ["fetch.robots"]
    assert counts["skipped"] == len(manifest["skipped"])

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
    # Slow enough (60 stories, ~9 s) that the second run starts, even on a loaded machine,
    # while the first still holds the lock.
    first = subprocess.Popen(
        crawl_command(archive, sources, "CONCURRENT_REQUESTS=1", "DOWNLOAD_DELAY=0.15"),
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


def test_unreadable_feed_and_sitemap_are_failed_urls(site: Any, tmp_path: Path) -> None:
    sources, archive = tmp_path / "sources", tmp_path / "archive"
    write_source(
        sources,
        site.base_url,
        specials=False,
        more_feeds=(site_module.BROKEN_FEED_PATH,),
        more_sitemaps=(site_module.BROKEN_INDEX_PATH,),
    )
    done = run_crawl(archive, sources)
    assert done.returncode == 1, done.stderr[-3000:]
    counts = _counts(done)
    # The good feed and sitemaps still lead to every story; the two broken ones fail.
    assert (counts["new"], counts["failed"], counts["quarantined"]) == (len(site.articles), 2, 0)
    with Store.open(str(archive)) as store:
        manifest = store.runs()[-1]
    failures = {f["url"]: f for f in manifest["failures"]}
    feed = failures[site.url(site_module.BROKEN_FEED_PATH)]
    assert feed["rule"] == "xml.truncated"
    assert feed["message"].startswith("the feed cannot be read: ")
    assert "via" not in feed
    sitemap = failures[site.url(site_module.BROKEN_SITEMAP_PATH)]
    assert sitemap["rule"] == "xml.truncated"
    assert sitemap["via"] == site.url(site_module.BROKEN_INDEX_PATH)
    assert manifest["status"] == "finished"
    text = run_crawl(archive, sources, json=False)
    assert (
        f"{site.url(site_module.BROKEN_FEED_PATH)}: failed: xml.truncated: the feed cannot be "
        "read: "
    ) in text.stdout


def _plain_crawl(archive: Path, sources: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """A crawl as cron runs it, but with every warning shown (`-W always`)."""
    command = [
        sys.executable, "-W", "always", "-m", "wirearchive.crawler.cli", "crawl", "fixture",
        "--archive", str(archive), "--sources", str(sources),
        "-s", "AUTOTHROTTLE_ENABLED=False", *options,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=archive.parent, env=env,
        check=False,
    )  # fmt: skip


def test_a_normal_run_is_quiet_and_warns_of_nothing(site: Any, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    write_source(sources, site.base_url, specials=False)
    quiet = _plain_crawl(tmp_path / "quiet", sources)
    assert quiet.returncode == 0, quiet.stderr[-3000:]
    assert quiet.stderr == ""
    (line,) = quiet.stdout.splitlines()
    assert f": fixture: {len(site.articles)} URLs: {len(site.articles)} new," in line

    verbose = _plain_crawl(tmp_path / "verbose", sources, "-v")
    assert verbose.returncode == 0, verbose.stderr[-3000:]
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in verbose.stderr
    assert "Deprecat" not in verbose.stderr
    assert "Warning" not in verbose.stderr
    enabled = verbose.stderr.split("Enabled extensions:", 1)[1].split("]", 1)[0]
    assert "scrapy.extensions.corestats.CoreStats" in enabled
    assert "Telnet" not in enabled
    assert "RemoteControl" not in enabled

    debug = _plain_crawl(tmp_path / "debug", sources, "-v", "--log-level", "debug")
    assert debug.returncode == 0, debug.stderr[-3000:]
    assert "DEBUG: Crawled (200)" in debug.stderr
    assert "Deprecat" not in debug.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_run_interrupted_with_one_line(
    signum: signal.Signals, tmp_path: Path
) -> None:
    with NewsSite(seed=11, size=150) as site:
        sources, archive = tmp_path / "sources", tmp_path / "archive"
        write_source(sources, site.base_url, schedule=None, specials=False)
        command = crawl_command(
            archive, sources, "WIREARCHIVE_BATCH=10", "CONCURRENT_REQUESTS=2",
            "DOWNLOAD_DELAY=0.02", json=False,
        )  # fmt: skip
        at = command.index("LOG_LEVEL=WARNING")
        del command[at - 1 : at + 1]  # the default log level: the one line must stand alone
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 60
        while len(fetched := [r for r in _story_requests(site) if r.status == 200]) < 25:
            assert time.monotonic() < deadline
            assert process.poll() is None
            time.sleep(0.05)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 130, err[-3000:]
        assert "Traceback" not in err
        (line,) = err.splitlines()
        with Store.open(str(archive)) as store:
            (manifest,) = store.runs()
            archived = len(list(store.changes()))
        run = manifest["run"]
        assert line == (
            f"wirearchive: interrupted ({signum.name}): {archived} pages archived; "
            f"run {run} marked interrupted"
        )
        # What was fetched before the signal was archived, the queued group included
        # (a batch is 10 pages; at most the two requests in flight can be missing).
        assert len(fetched) - 2 <= archived < 150
        assert manifest["counts"]["new"] == archived
        assert out.splitlines()[-1].startswith(f"{run}: fixture: {archived} URLs: ")
        summary = json.loads(wirearchive("summary", "--json", "--archive", str(archive)).stdout)
        assert [(r["run"], r["status"]) for r in summary["runs"]] == [(run, "interrupted")]
        assert json.loads((archive / "runs" / f"{run}.json").read_text())["status"] == (
            "interrupted"
        )
        assert wirearchive("verify", "--archive", str(archive)).returncode == 0
        # The next run goes on where this one stopped.
        resumed = run_crawl(archive, sources)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert _counts(resumed)["new"] == 150 - archived


def test_heavy_pages_through_extraction_workers_archive_what_one_process_does(
    tmp_path: Path,
) -> None:
    """Pages read in worker processes (WIREARCHIVE_WORKERS) are archived exactly as pages
    read by the crawler itself: same items, same captured bytes; the chrome of heavy pages
    (mega menu, teasers, page state) stays out of every body."""
    with NewsSite(seed=4, size=site_module.MIN_SIZE, heavy=True) as site:
        sources = tmp_path / "sources"
        write_source(sources, site.base_url, specials=False, feeds=False)
        archived: dict[str, dict[str, Any]] = {}
        for workers in ("0", "2"):
            archive = tmp_path / f"archive-{workers}"
            done = run_crawl(archive, sources, f"WIREARCHIVE_WORKERS={workers}")
            assert done.returncode == 0, done.stderr[-3000:]
            assert _counts(done)["new"] == len(site.articles)
            with Store.open(str(archive)) as store:
                found = {}
                for article in site.articles:
                    latest = store.get(article.url)
                    assert latest is not None, article.url
                    item = latest["item"]
                    assert item["headlines"][0]["value"] == article.headline
                    (body,) = [b["value"] for b in item["bodies"] if b["role"] == "main"]
                    for paragraph in article.paragraphs[1:]:
                        assert html.escape(paragraph, quote=False) in body, article.url
                    # Nothing of the chrome: the body's text is the story's, give or take
                    # the markup's entities.
                    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
                    assert len(" ".join(text.split())) <= len(" ".join(article.body.split()))
                    capture = latest["provenance"]["capture"]
                    found[article.url] = {"item": item, "sha256": capture["sha256"]}
            archived[workers] = found
            assert wirearchive("verify", "--archive", str(archive)).returncode == 0
        assert archived["2"] == archived["0"]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.update(int(child) for child in text.split())
    return found


def _alive(pid: int) -> bool:
    """Running, not ended (a zombie waiting for a reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_extraction_workers_end_when_the_crawler_is_killed(tmp_path: Path) -> None:
    """A crawler killed by SIGKILL leaves no worker behind holding its output pipes."""
    with NewsSite(seed=12, size=200, heavy=True) as site:
        sources, archive = tmp_path / "sources", tmp_path / "archive"
        write_source(sources, site.base_url, specials=False, feeds=False)
        process = subprocess.Popen(
            crawl_command(archive, sources, "WIREARCHIVE_WORKERS=2"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 60
        while len([r for r in _story_requests(site) if r.status == 200]) < 5:
            assert time.monotonic() < deadline
            assert process.poll() is None
            time.sleep(0.05)
        workers = _children(process.pid)
        assert len(workers) >= 2  # the pool (and its resource tracker, if any)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)  # returns only once no worker holds the pipes
        assert process.returncode == -signal.SIGKILL
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, [pid for pid in workers if _alive(pid)]
            time.sleep(0.05)
