"""The multi-worker trial (issue 13): crawl workers on one Redis frontier, archiving into
one archive on S3 (moto) with its catalog in PostgreSQL, as separate processes.

Used by tests/crawler/test_scale.py (a worker SIGKILLed mid-run) and bench/scale.py (pages/s
for 1, 2 and 4 workers).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests._servers import S3_ELSEWHERE, s3_environment
from tests.crawler._crawl_helpers import crawl_command

#: Story pages of the fixture site: /news/yyyy/mm/dd/slug.html.
STORY = "/news/2"


@dataclass
class Trial:
    """Where the workers of one trial archive, and how they are started."""

    archive: str
    catalog: str
    redis: str
    sources: Path
    folder: Path
    endpoint: str
    #: Settings every worker gets (``-s NAME=VALUE``).
    settings: tuple[str, ...] = ()
    idle_seconds: float = 1.0
    started: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def environment(self) -> dict[str, str]:
        """The workers' environment: S3 on moto, a cache folder of the trial's own."""
        env = {k: v for k, v in os.environ.items() if k not in S3_ELSEWHERE}
        env.pop("WIREARCHIVE_CATALOG", None)
        env.update(s3_environment(self.endpoint))
        env.update(PYTHONWARNINGS="ignore", XDG_CACHE_HOME=str(self.folder / "cache"))
        return env

    def command(self) -> list[str]:
        command = crawl_command(self.archive, self.sources, *self.settings)
        return [*command, "--catalog", self.catalog, "--redis", self.redis,
                "--redis-idle-seconds", str(self.idle_seconds)]  # fmt: skip

    def start(self) -> subprocess.Popen[str]:
        """One more worker."""
        process = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.folder,
            env=self.environment,
        )
        self.started.append(process)
        return process

    def finish(self, processes: list[subprocess.Popen[str]], timeout: float = 600) -> list[str]:
        """Wait for these workers; the run id each printed (each must have ended well)."""
        runs = []
        for process in processes:
            out, err = process.communicate(timeout=timeout)
            assert process.returncode in (0, 1), err[-3000:]
            runs.append(json.loads(out.strip().splitlines()[-1])["run"])
        return runs

    @contextmanager
    def environ(self) -> Iterator[None]:
        """This process's environment as the workers' (to open the archive here)."""
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.environment)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.communicate()


def story_fetches(site: Any) -> Counter[str]:
    return Counter(r.path for r in site.requests if r.path.startswith(STORY))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
