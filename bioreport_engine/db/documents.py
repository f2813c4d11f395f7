"""``uploaded_documents``: the rows the web application writes for each uploaded PDF."""

from dataclasses import dataclass
from datetime import datetime

from bioreport_engine.db.connection import Database


@dataclass(frozen=True)
class UploadedDocument:
    id: int
    storage_path: str
    original_filename: str
    mime_type: str
    size_bytes: int
    created_at: datetime


class UploadedDocumentsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def find_by_id(self, document_id: int) -> UploadedDocument | None:
        with self.db.get_connection() as conn:
            row = conn.execute(
                """SELECT id, storage_path, original_filename, mime_type, size_bytes, created_at
                   FROM uploaded_documents WHERE id = %s""",
                (document_id,),
            ).fetchone()
        return None if row is None else UploadedDocument(**row)

    def create(
        self,
        storage_path: str,
        original_filename: str,
        size_bytes: int,
        mime_type: str = "application/pdf",
    ) -> int:
        with self.db.get_connection() as conn:
            row = conn.execute(
                """INSERT INTO uploaded_documents
                       (storage_path, original_filename, mime_type, size_bytes)
                   VALUES (%s, %s, %s, %s) RETURNING id""",
                (storage_path, original_filename, mime_type, size_bytes),
            ).fetchone()
        assert row is not None
        return int(row["id"])

    def create_with_job(
        self,
        storage_path: str,
        original_filename: str,
        size_bytes: int,
        mime_type: str = "application/pdf",
    ) -> tuple[int, int]:
        """The document's row and its pending job in one statement, as an upload does: a
        failure leaves neither behind. Returns ``(document_id, job_id)``."""
        with self.db.get_connection() as conn:
            row = conn.execute(
                """WITH document AS (
                       INSERT INTO uploaded_documents
                           (storage_path, original_filename, mime_type, size_bytes)
                       VALUES (%s, %s, %s, %s) RETURNING id)
                   INSERT INTO pdf_jobs (uploaded_document_id)
                   SELECT id FROM document RETURNING uploaded_document_id, id""",
                (storage_path, original_filename, mime_type, size_bytes),
            ).fetchone()
        assert row is not None
        return int(row["uploaded_document_id"]), int(row["id"])
