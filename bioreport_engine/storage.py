"""PDF files under ``DOCUMENTS_ROOT``: read for a job, written by ``bioreport enqueue``.

Errors name the document by id, never by path or file name: file names of medical documents
often carry the patient's name.
"""

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import check_size


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def check(self) -> None:
        """Start-up check: a missing root would fail every job, so it stops the worker instead."""
        if not self.root.is_dir():
            raise ConfigurationError(
                f"DOCUMENTS_ROOT={str(self.root)!r} is not a directory: set it to the folder "
                "holding the uploaded PDFs"
            )

    def path_of(self, storage_path: str, document_id: int) -> Path:
        """The file of ``storage_path``, which must resolve inside the root (links followed)."""
        relative = Path(storage_path)
        candidate = (self.root / relative).resolve()
        if relative.is_absolute() or not candidate.is_relative_to(self.root):
            raise PermanentError(
                f"document path outside storage root (uploaded_documents.id={document_id})"
            )
        return candidate

    def read(self, storage_path: str, document_id: int, max_bytes: int | None = None) -> bytes:
        """The file's bytes; a file over ``max_bytes`` fails before it is read into memory."""
        path = self.path_of(storage_path, document_id)
        try:
            if max_bytes is not None:
                check_size(path.stat().st_size, max_bytes)
            return path.read_bytes()
        except FileNotFoundError:
            raise PermanentError(
                f"document file not found under the storage root "
                f"(uploaded_documents.id={document_id})"
            ) from None
        except IsADirectoryError:
            raise PermanentError(
                f"document path is a directory (uploaded_documents.id={document_id})"
            ) from None

    def save(self, source: Path) -> tuple[str, int]:
        """Copy ``source`` under the root as ``YYYY/MM/<uuid>.pdf``; return (path, size)."""
        folder = datetime.now(UTC).strftime("%Y/%m")
        relative = f"{folder}/{uuid.uuid4().hex}.pdf"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return relative, target.stat().st_size
