"""Throwaway servers on 127.0.0.1 for the tests and the scale benchmark: a PostgreSQL
cluster from Debian's binaries and moto's S3. Each is a context manager that starts its
server on a free port and stops and removes it afterwards; Redis is in
tests/crawler/_redis_server.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


def new_bucket(endpoint: str) -> str:
    """A new empty bucket on moto; its name."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{name}", method="PUT")).close()
    return name
