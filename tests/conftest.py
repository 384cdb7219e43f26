"""Shared fixtures: where the test data lives, and a PostgreSQL server of our own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


# -- a throwaway PostgreSQL cluster, for the PostgreSQL catalog's tests ----------------------

#: Debian's PostgreSQL 15 (``apt-get install postgresql``); another with WIREARCHIVE_PG_BIN.
PG_BIN = Path(os.environ.get("WIREARCHIVE_PG_BIN", "/usr/lib/postgresql/15/bin"))


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a cluster (initdb, pg_ctl start) under /tmp; stop and remove it at the end.

    PostgreSQL refuses to run as root, so as root the cluster belongs to ``postgres``.
    Missing binaries skip the test, except under CI (``$CI``), where they fail it.
    """
    initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
    if not initdb.is_file():
        message = f"PostgreSQL is not installed: no {initdb} (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    as_owner: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="wirearchive-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data = root / "data"
    port = _free_port()
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
        shutil.rmtree(root, ignore_errors=True)
        detail = exc.stderr.decode(errors="replace") + (log.read_text() if log.exists() else "")
        pytest.fail(f"cannot start PostgreSQL: {detail}")
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
