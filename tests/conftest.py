"""Shared fixtures: where the test data lives, and a PostgreSQL server of our own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._servers import PostgresServer, ServerMissing, moto_s3, postgres_cluster

__all__ = ["PostgresServer"]

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


# -- servers of our own on 127.0.0.1 (tests/_servers.py) -------------------------------------


def _missing(message: str) -> None:
    """Skip a test whose server is not installed, but only off CI: there it fails."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster for the session (initdb, pg_ctl start), removed at the end."""
    try:
        with postgres_cluster() as server:
            yield server
    except ServerMissing as exc:
        _missing(str(exc))
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 on a free loopback port for the session."""
    with moto_s3() as endpoint:
        yield endpoint
