"""Test data in bulk, the way the web application would write it."""

from pathlib import Path

from bioreport_engine.db.connection import Database

PDF = b"%PDF-1.7 test document"


def add_jobs(db: Database, count: int, root: Path | None = None) -> list[int]:
    """``count`` documents with one pending job each; their files go under ``root`` if given."""
    with db.get_connection() as conn:
        rows = conn.execute(
            """WITH docs AS (
                   INSERT INTO uploaded_documents (storage_path, original_filename, size_bytes)
                   SELECT 'doc-' || n || '.pdf', 'upload.pdf', %s FROM generate_series(1, %s) n
                   RETURNING id)
               INSERT INTO pdf_jobs (uploaded_document_id) SELECT id FROM docs ORDER BY id
               RETURNING id, uploaded_document_id""",
            (len(PDF), count),
        ).fetchall()
        paths = conn.execute("SELECT storage_path FROM uploaded_documents").fetchall()
    if root is not None:
        for row in paths:
            (root / row["storage_path"]).write_bytes(PDF)
    return [row["id"] for row in rows]


def statuses(db: Database) -> dict[str, int]:
    with db.get_connection() as conn:
        rows = conn.execute("SELECT status, count(*) AS n FROM pdf_jobs GROUP BY 1").fetchall()
    return {row["status"]: row["n"] for row in rows}


def scalar(db: Database, sql: str, *params: object) -> object:
    with db.get_connection() as conn:
        row = conn.execute(sql.encode(), params).fetchone()
    assert row is not None
    return next(iter(row.values()))
