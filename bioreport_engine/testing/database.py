"""A scratch database on a real PostgreSQL server, migrated, for a test session or one test.

The server is the machine's (``127.0.0.1:5432``, user ``postgres``) unless
``TEST_DATABASE_ADMIN`` gives another libpq connection string for an administrative login.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bioreport_engine.localdb import free_port

ADMIN = os.environ.get(
    "TEST_DATABASE_ADMIN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)


@dataclass(frozen=True)
class ScratchDatabase:
    conninfo: str
    env: dict[str, str]  # DB_* variables that point the engine at it


class DatabaseUnreachable(Exception):
    """The administrative login in ``ADMIN`` does not answer."""


@contextmanager
def scratch_database() -> Iterator[ScratchDatabase]:
    """Create a database with the engine's migrations applied; drop it on exit."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from bioreport_engine.db.connection import Database
    from bioreport_engine.db.migrate import migrate

    name = f"bioreport_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(f"PostgreSQL is not reachable with {ADMIN!r}: {exc}") from None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
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
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


__all__ = ["ADMIN", "DatabaseUnreachable", "ScratchDatabase", "free_port", "scratch_database"]
