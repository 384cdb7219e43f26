"""Throwaway servers on 127.0.0.1 for the tests and the scale benchmark: a PostgreSQL
cluster from Debian's binaries and moto's S3. Each is a context manager that starts its
server on a free port and stops and removes it afterwards; Redis is in
tests/crawler/_redis_server.py."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Debian's PostgreSQL 15 (``apt-get install postgresql``); another with WIREARCHIVE_PG_BIN.
PG_BIN = Path(os.environ.get("WIREARCHIVE_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ServerMissing(RuntimeError):
    """The server's programs are not installed here."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class PostgresServer:
    """A cluster of our own on 127.0.0.1, with one database for the tests."""

    port: int
    database: str = "wirearchive"

    def url(self, schema: str | None = None) -> str:
        """A connection URL; with `schema`, one whose search_path puts the catalog there."""
        base = f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"
        return base if schema is None else f"{base}?options=-csearch_path%3D{schema}"

    def new_schema(self) -> str:
        """The URL of a fresh, empty schema: one catalog, apart from every other test's."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE SCHEMA {name}".encode())
        return self.url(name)


@contextmanager
def postgres_cluster() -> Iterator[PostgresServer]:
    """initdb and pg_ctl start a cluster under /tmp; stopped and removed at the end.

    PostgreSQL refuses to run as root, so as root the cluster belongs to ``postgres``.
    Durability is off (fsync, synchronous_commit): the data is thrown away anyway.
    """
    initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
    if not initdb.is_file():
        raise ServerMissing(
            f"PostgreSQL is not installed: no {initdb} (apt-get install postgresql)"
        )
    as_owner: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="wirearchive-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data = root / "data"
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    try:
        subprocess.run(
            [*as_owner, initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*as_owner, pg_ctl, "-D", data, "-o", options, "-l", root / "log", "-w", "start"],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        log = root / "log"
        detail = exc.stderr.decode(errors="replace") + (log.read_text() if log.exists() else "")
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"cannot start PostgreSQL: {detail}") from exc
    try:
        import psycopg

        server = PostgresServer(port)
        with psycopg.connect(server.url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {server.database}".encode())
        yield server
    finally:
        subprocess.run(
            [*as_owner, pg_ctl, "-D", data, "-m", "fast", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


#: The environment that points the S3 backend (and any S3 client) at moto.
def s3_environment(endpoint: str) -> dict[str, str]:
    return {
        "WIREARCHIVE_S3_ENDPOINT": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }


#: Variables that would point an S3 client elsewhere than moto.
S3_ELSEWHERE = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN")


@contextmanager
def moto_s3() -> Iterator[str]:
    """moto's S3 on a free loopback port, in a thread of this process; its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def moto_process() -> Iterator[str]:
    """moto's S3 on a free loopback port in a process of its own (a benchmark's: it does
    not share this process's GIL); its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(f"{endpoint}/").close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise ServerMissing("moto's server did not start")
        yield endpoint
    finally:
        process.kill()
        process.wait()


def new_bucket(endpoint: str) -> str:
    """A new empty bucket on moto; its name."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{name}", method="PUT")).close()
    return name


class S3Proxy(ThreadingHTTPServer):
    """A proxy on 127.0.0.1 in front of an S3 server (moto) that shows what a real network
    does to the client: `delay` seconds before each request (a store far away), and, once,
    a PUT of a path ending in `lose` passed on but answered 503 (an answer lost after the
    store took the PUT). `seen` lists every request passed on; `lost` the PUT it lost."""

    daemon_threads = True

    def __init__(
        self, upstream: str, *, lose: str | None = None, delay: float = 0.0, port: int = 0
    ) -> None:
        self.upstream = urlsplit(upstream).netloc
        self.lose = lose
        self.delay = delay
        self.lost: list[str] = []
        self.seen: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", port), _Forward)

    def __enter__(self) -> S3Proxy:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: S3Proxy

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test or benchmark says what went wrong."""

    def _forward(self) -> None:
        proxy = self.server
        proxy.seen.append((self.command, self.path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if proxy.delay:
            time.sleep(proxy.delay)
        connection = http.client.HTTPConnection(proxy.upstream, timeout=60)
        connection.request(self.command, self.path, body, dict(self.headers))
        answer = connection.getresponse()
        data = answer.read()
        connection.close()
        losing = proxy.lose is not None and self.command == "PUT"
        if losing and self.path.endswith(str(proxy.lose)) and not proxy.lost:
            proxy.lost.append(self.path)  # the store has it; the client hears a 503
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        length = answer.getheader("Content-Length") if self.command == "HEAD" else len(data)
        self.send_header("Content-Length", str(length or 0))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _forward
