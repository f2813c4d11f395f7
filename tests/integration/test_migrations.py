import threading

import psycopg
import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.db.jobs import CLAIM_NEXT
from bioreport_engine.db.migrate import available_migrations, migrate
from tests.integration.conftest import ADMIN, ScratchDatabase
from tests.integration.helpers import scalar


def test_migrate_is_idempotent(pg: ScratchDatabase) -> None:
    with Database(pg.conninfo).connect() as conn:
        assert migrate(conn) == []


def test_concurrent_migrators_apply_each_migration_once(pg: ScratchDatabase) -> None:
    name = pg.env["DB_DATABASE"] + "_mig"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        conninfo = pg.conninfo.replace(pg.env["DB_DATABASE"], name)
        applied: list[int] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with Database(conninfo).connect() as conn:
                    applied.append(len(migrate(conn)))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(applied) == [0, 0, 0, len(available_migrations())]
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_status_is_enforced(db: Database) -> None:
    with pytest.raises(psycopg.errors.CheckViolation), db.get_connection() as conn:
        conn.execute(
            "INSERT INTO uploaded_documents (storage_path, original_filename, size_bytes) "
            "VALUES ('a.pdf', 'a.pdf', 1)"
        )
        conn.execute("INSERT INTO pdf_jobs (uploaded_document_id, status) VALUES (1, 'weird')")


def test_claim_stays_an_index_scan_at_a_million_rows(db: Database) -> None:
    with db.get_connection() as conn:
        conn.execute(
            """INSERT INTO uploaded_documents (id, storage_path, original_filename, size_bytes)
               VALUES (1, 'a.pdf', 'a.pdf', 1)"""
        )
        conn.execute("SET LOCAL session_replication_role = replica")  # bulk load: no triggers
        conn.execute(
            """INSERT INTO pdf_jobs (uploaded_document_id, status, attempts, finished_at)
               SELECT 1, 'done', 1, now() FROM generate_series(1, 1000000)"""
        )
        conn.execute(
            "INSERT INTO pdf_jobs (uploaded_document_id) SELECT 1 FROM generate_series(1, 50)"
        )
    with db.get_connection() as conn:
        conn.execute("ANALYZE pdf_jobs")
    with db.get_connection() as conn:
        explain = conn.execute(("EXPLAIN " + CLAIM_NEXT).encode(), {"worker": "w", "limit": 1})
        plan = "\n".join(str(row["QUERY PLAN"]) for row in explain.fetchall())
        conn.rollback()
    assert "pdf_jobs_claimable" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert scalar(db, "SELECT count(*) FROM pdf_jobs WHERE status = 'pending'") == 50
