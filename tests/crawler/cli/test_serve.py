"""``wirearchive serve``: refuses a missing archive; serves a real one on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from wirearchive.crawler.cli import run

EXAMPLES = Path(__file__).parents[3] / "examples"


def test_serve_refuses_a_missing_archive_and_makes_none(tmp_path: Path) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    missing = tmp_path / "nothing"
    assert run(["serve", "--archive", str(missing), "--port", "1"], stdout, stderr) == 2
    assert f"no archive at {missing}" in stderr.getvalue()
    assert not missing.exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_serve_answers_on_localhost_until_stopped(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    code = run(["ingest", "--archive", str(archive), str(EXAMPLES / "wire-feed.jsonl")],
               io.StringIO(), io.StringIO())  # fmt: skip
    assert code == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wirearchive.crawler.cli", "serve", "--archive", str(archive),
         "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        assert f"at http://127.0.0.1:{port}/" in server.stderr.readline()
        for _ in range(500):  # until it listens (the line above comes just before)
            try:
                summary = httpx.get(f"http://127.0.0.1:{port}/api/summary")
                break
            except httpx.ConnectError:
                assert server.poll() is None, "the server exited"
                time.sleep(0.02)
        else:
            raise AssertionError("the server never listened")
        assert summary.json()["counts"]["items"] == 3
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert "Search the archive" in page.text
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode in (0, -15)
