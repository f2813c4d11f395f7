import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.db.jobs import CLAIM_NEXT
from bioreport_engine.db.migrate import available_migrations, migrate
from bioreport_engine.ratelimit import PostgresRateLimiter
from tests.integration.conftest import ADMIN, ScratchDatabase
from tests.integration.helpers import scalar


def test_migrate_is_idempotent(pg: ScratchDatabase) -> None:
    with Database(pg.conninfo).connect() as conn:
        assert migrate(conn) == []


def test_the_migrations_in_order() -> None:
    """A new migration is a new file: an applied one is never edited (noxfile's prod_image
    checks the same list in the built wheel)."""
    assert [m.version for m in available_migrations()] == [
        "0001",
        "0002",
        "0003",
        "0004",
        "0005",
    ]


@pytest.fixture
def scratch_database(pg: ScratchDatabase) -> Iterator[str]:
    """The conninfo of an empty database of its own (dropped afterwards)."""
    name = pg.env["DB_DATABASE"] + "_up"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg.conninfo.replace(pg.env["DB_DATABASE"], name)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_database_of_the_previous_release_is_upgraded_in_place(scratch_database: str) -> None:
    """Migrated up to 0002 with a bucket in use by the polling limiter: 0003 keeps the row, and
    the reservations start from a full bucket."""
    previous = [m for m in available_migrations() if m.version <= "0002"]
    with Database(scratch_database).connect() as conn:
        migrate(conn)  # creates the bookkeeping table; then pretend 0003 never ran
        conn.execute("DROP TABLE rate_limits")
        conn.execute("DELETE FROM bioreport_schema_migrations WHERE version = '0003'")
        conn.execute(previous[-1].sql.encode())
        conn.execute("INSERT INTO rate_limits (key, tokens) VALUES ('openai', 0.5)")
        conn.commit()
        assert [m.version for m in migrate(conn)] == ["0003"]
        conn.commit()
    limiter = PostgresRateLimiter(scratch_database, "openai", per_minute=60)
    started = time.monotonic()
    limiter.acquire()  # a full bucket: no wait
    assert time.monotonic() - started < 5
    with Database(scratch_database).connect() as conn:
        row = conn.execute("SELECT count(*) AS n FROM rate_limits").fetchone()
    assert row is not None and row["n"] == 1


def test_results_of_the_previous_release_are_upgraded_without_the_ocr_marker(
    scratch_database: str,
) -> None:
    """Rows written before 0005 were all read from a text layer: ``ocr`` is false for them, and
    their document read no page by OCR."""
    with Database(scratch_database).connect() as conn:
        migrate(conn)
        conn.execute("DELETE FROM bioreport_schema_migrations WHERE version = '0005'")
        conn.execute("DROP INDEX biomarker_results_ocr")
        conn.execute("ALTER TABLE biomarker_results DROP COLUMN ocr")
        conn.execute("ALTER TABLE document_results DROP COLUMN ocr_page_count")
        conn.execute(
            """INSERT INTO uploaded_documents (id, storage_path, original_filename, size_bytes)
               VALUES (1, 'a.pdf', 'a.pdf', 1)"""
        )
        conn.execute(
            """INSERT INTO document_results (id, uploaded_document_id, engines, page_count,
                   raw_char_count, anonymized_char_count)
               VALUES (1, 1, '{}', 1, 10, 10)"""
        )
        conn.execute(
            """INSERT INTO biomarker_results (document_result_id, uploaded_document_id,
                   position, analyte, value_text)
               VALUES (1, 1, 1, 'Glucose', '105')"""
        )
        conn.commit()
        assert [m.version for m in migrate(conn)] == ["0005"]
        conn.commit()
        row = conn.execute(
            """SELECT b.ocr, d.ocr_page_count FROM biomarker_results b
               JOIN document_results d ON d.id = b.document_result_id"""
        ).fetchone()
    assert row == {"ocr": False, "ocr_page_count": 0}


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
        explain = conn.execute(
            ("EXPLAIN " + CLAIM_NEXT).encode(), {"worker": "w", "limit": 1, "charged": 1}
        )
        plan = "\n".join(str(row["QUERY PLAN"]) for row in explain.fetchall())
        conn.rollback()
    assert "pdf_jobs_claimable" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert scalar(db, "SELECT count(*) FROM pdf_jobs WHERE status = 'pending'") == 50
