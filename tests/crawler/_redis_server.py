"""A throwaway Redis for the distributed crawl tests: Debian's redis-server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

#: Where Debian's redis-server package puts it (``apt-get install redis-server``).
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def need_redis_server() -> None:
    """Skip without redis-server, but only off CI: there, a missing server is a failure."""
    if Path(REDIS_SERVER).is_file():
        return
    message = f"{REDIS_SERVER} is absent (apt-get install redis-server; .ci/run does as root)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """redis-server on a free port of 127.0.0.1, nothing saved to disk; its URL. Stopped after."""
    need_redis_server()
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):  # until it answers; a dead process means it failed
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {process.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
