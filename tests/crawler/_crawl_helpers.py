"""Helpers for the crawl tests: the fixture site, a source file for it, a crawl subprocess."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).parent


def _load_site() -> ModuleType:
    # tests/crawler/site.py would shadow the standard library's `site` if imported by name.
    name = "wirearchive_test_newssite"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "site.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


site_module = _load_site()
NewsSite: Any = site_module.NewsSite

#: The special pages, listed as the source's start URLs.
SPECIALS = (
    site_module.MISSING_PATH,
    site_module.FLAKY_PATH,
    site_module.MOVED_PATH,
    site_module.OFFSITE_PATH,
    site_module.HUGE_PATH,
    site_module.PRIVATE_PATH,
)

#: Quick, deterministic crawls against a local site: no throttling, short backoff.
FAST = (
    "AUTOTHROTTLE_ENABLED=False",
    "WIREARCHIVE_RETRY_BACKOFF=0.05",
    "LOG_LEVEL=WARNING",
)


def write_source(
    folder: Path,
    base_url: str,
    *,
    name: str = "fixture",
    schedule: str | None = '[["1d", "1s"]]',
    specials: bool = True,
    feeds: bool = True,
    more_feeds: tuple[str, ...] = (),
    more_sitemaps: tuple[str, ...] = (),
) -> Path:
    """A source for the fixture site: its RSS feed, its sitemap index, the special pages,
    and the feeds and sitemaps at the paths `more_feeds` and `more_sitemaps`."""
    folder.mkdir(parents=True, exist_ok=True)
    starts = ", ".join(f'"{base_url}{path}"' for path in SPECIALS) if specials else ""
    feed_urls = [*(["/feed.xml"] if feeds else []), *more_feeds]
    sitemap_urls = ["/sitemap.xml", *more_sitemaps]
    text = (
        f'name = "{name}"\nagency = "Example Wire"\nallowed_domains = ["127.0.0.1"]\n'
        + (f"feeds = [{_urls(base_url, feed_urls)}]\n" if feed_urls else "")
        + f"sitemaps = [{_urls(base_url, sitemap_urls)}]\nstart_urls = [{starts}]\n"
    )
    if schedule is not None:
        text += f"[revisit]\nschedule = {schedule}\n"
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _urls(base_url: str, paths: list[str]) -> str:
    return ", ".join(f'"{base_url}{path}"' for path in paths)


def crawl_command(
    archive: Path | str, sources: Path, *settings: str, name: str = "fixture", json: bool = True
) -> list[str]:
    command = [
        sys.executable, "-m", "wirearchive.crawler.cli", "crawl", name,
        "--archive", str(archive), "--sources", str(sources),
    ]  # fmt: skip
    for setting in (*FAST, *settings):
        command += ["-s", setting]
    if json:
        command.append("--json")
    return command


def run_crawl(
    archive: Path, sources: Path, *settings: str, name: str = "fixture", json: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        crawl_command(archive, sources, *settings, name=name, json=json),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=archive.parent,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        check=False,
    )


def wirearchive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wirearchive.crawler.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def robots_skips(manifests: list[dict[str, Any]], base_url: str) -> list[str]:
    """The rules of the runs' skips, each checked: robots.txt refusals, and at most the
    moved page as a redirect to a story the run had asked for already (whether its
    redirect or the story's own request came first is the scheduler's timing)."""
    moved = base_url + site_module.MOVED_PATH
    rules = []
    for manifest in manifests:
        for skip in manifest["skipped"]:
            if skip["rule"] == "fetch.redirect-seen":
                assert skip["url"] == moved, skip
            else:
                rules.append(skip["rule"])
    return rules
