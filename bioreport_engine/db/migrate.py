"""Ordered SQL migrations (``migrations/NNNN_name.sql``), applied by ``bioreport db migrate``.

Idempotent and safe when several replicas run it at once: a transaction-scoped advisory lock
serialises them, and each migration is recorded in ``bioreport_schema_migrations`` in the same
transaction that applies it.
"""

from dataclasses import dataclass
from importlib.resources import files

import psycopg

from bioreport_engine.db.connection import Connection

MIGRATIONS_LOCK = 0x62696F72  # "bior": the advisory lock that serialises migrators


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = files("bioreport_engine.db") / "migrations"
    migrations = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            version, _, name = entry.name.removesuffix(".sql").partition("_")
            migrations.append(Migration(version, name, entry.read_text(encoding="utf-8")))
    return migrations


def migrate(conn: Connection) -> list[Migration]:
    """Apply every migration not yet applied; return those applied now."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATIONS_LOCK,))
        conn.execute(
            """
            CREATE TABLE IF NOT EXISTS bioreport_schema_migrations (
                version    text PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        rows = conn.execute("SELECT version FROM bioreport_schema_migrations").fetchall()
        applied = {row["version"] for row in rows}
        pending = [m for m in available_migrations() if m.version not in applied]
        for migration in pending:
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO bioreport_schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
    return pending


def applied_versions(conn: Connection) -> list[str]:
    try:
        rows = conn.execute("SELECT version FROM bioreport_schema_migrations ORDER BY 1")
        return [row["version"] for row in rows.fetchall()]
    except psycopg.errors.UndefinedTable:
        conn.rollback()
        return []
