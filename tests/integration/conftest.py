"""Fixtures on the real PostgreSQL server: one database per test run, created and dropped by
:func:`bioreport_engine.testing.database.scratch_database`."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.testing.database import (
    ADMIN,
    DatabaseUnreachable,
    ScratchDatabase,
    scratch_database,
)

TABLES = "uploaded_documents, pdf_jobs, document_results, biomarker_results"

__all__ = ["ADMIN", "ScratchDatabase"]  # the tests import them from here


@pytest.fixture(scope="session")
def pg() -> Iterator[ScratchDatabase]:
    try:
        with scratch_database() as database:
            yield database
    except DatabaseUnreachable as exc:
        pytest.fail(str(exc))


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
