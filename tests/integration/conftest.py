"""Fixtures on the real PostgreSQL server: one database per test run, created and dropped here.

The server is the machine's (``127.0.0.1:5432``, user ``postgres``) unless
``TEST_DATABASE_ADMIN`` gives another libpq connection string for an administrative login.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bioreport_engine.db.connection import Database
from bioreport_engine.db.migrate import migrate

ADMIN = os.environ.get(
    "TEST_DATABASE_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
TABLES = "uploaded_documents, pdf_jobs, document_results, biomarker_results"


@dataclass(frozen=True)
class ScratchDatabase:
    conninfo: str
    env: dict[str, str]  # DB_* variables that point the engine at it


@pytest.fixture(scope="session")
def pg() -> Iterator[ScratchDatabase]:
    name = f"bioreport_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable with {ADMIN!r}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    params = {**conninfo_to_dict(ADMIN), "dbname": name}
    conninfo = make_conninfo(**params)  # type: ignore[arg-type]
    with Database(conninfo).connect() as conn:
        migrate(conn)
    env = {
        "DB_HOST": str(params.get("host", "127.0.0.1")),
        "DB_PORT": str(params.get("port", "5432")),
        "DB_DATABASE": name,
        "DB_USERNAME": str(params.get("user", "postgres")),
    }
    yield ScratchDatabase(conninfo, env)
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(pg: ScratchDatabase) -> Iterator[Database]:
    """A pool on the test database, emptied before each test."""
    with Database(pg.conninfo, max_size=4) as database:
        with database.get_connection() as conn:
            conn.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
        yield database


@pytest.fixture
def db_env(
    pg: ScratchDatabase, db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> dict[str, str]:
    """The environment of an engine process using the test database and a fresh storage root."""
    root = tmp_path / "documents"
    root.mkdir()
    env = {**pg.env, "DOCUMENTS_ROOT": str(root)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
