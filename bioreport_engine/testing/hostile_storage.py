"""Hostile entries under ``DOCUMENTS_ROOT``, built by code, and the contract that reading them
through :class:`~bioreport_engine.storage.DocumentStore` fails permanently and at once.

A named pipe would block a worker slot for ever, a symlink loop or an over-long path used to
surface as "unexpected …" and be retried: each must be a permanent error of its own that names
the document by id, never by path (file names of medical documents carry patient names).
Mixed into a PDF extractor's test class beside ``ExtractorContract``::

    class TestMine(ExtractorContract, StorageContract):
        engine = "mine"
        ...
"""

import contextlib
import errno
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bioreport_engine.errors import PermanentError
from bioreport_engine.stages import ExtractionLimits, PdfExtractor
from bioreport_engine.storage import DocumentStore
from bioreport_engine.testing.documents import text_pdf

#: The ``uploaded_documents.id`` the fixtures are read as; every message names it.
DOCUMENT_ID = 41
#: A read that has not answered by then is taken as blocked.
READ_DEADLINE_SECONDS = 5.0


def named_pipe(root: Path) -> str:
    """A FIFO: opening or reading it waits for a writer that never comes."""
    os.mkfifo(root / "Jane_Roe_labs.pdf")
    return "Jane_Roe_labs.pdf"


def unix_socket(root: Path) -> str:
    """A Unix socket left behind by a process (bound from inside ``root``: a socket's path is
    limited to about 100 bytes, which a test's temporary folder can exceed)."""
    with contextlib.chdir(root), socket.socket(socket.AF_UNIX) as sock:
        sock.bind("Jane_Roe_socket.pdf")
    return "Jane_Roe_socket.pdf"


def directory(root: Path) -> str:
    (root / "2026" / "Jane_Roe_folder.pdf").mkdir(parents=True)
    return "2026/Jane_Roe_folder.pdf"


def symlink_loop(root: Path) -> str:
    """Two links pointing at each other."""
    (root / "Jane_Roe_a.pdf").symlink_to("Jane_Roe_b.pdf")
    (root / "Jane_Roe_b.pdf").symlink_to("Jane_Roe_a.pdf")
    return "Jane_Roe_a.pdf"


def long_path(root: Path) -> str:
    """A 300-character file name: longer than any file system allows (255 bytes)."""
    return "Jane_Roe_" + "x" * 287 + ".pdf"


def file_as_folder(root: Path) -> str:
    (root / "Jane_Roe_scan.pdf").write_bytes(b"%PDF-1.7")
    return "Jane_Roe_scan.pdf/page1.pdf"


#: name -> (builder of the entry under a root, returning its ``storage_path``; the whole
#: permanent error message for :data:`DOCUMENT_ID`).
STORAGE_FIXTURES: dict[str, tuple[Callable[[Path], str], str]] = {
    "fifo": (
        named_pipe,
        "document path is a named pipe (FIFO), not a regular file (uploaded_documents.id=41)",
    ),
    "socket": (
        unix_socket,
        "document path is a socket, not a regular file (uploaded_documents.id=41)",
    ),
    "directory": (
        directory,
        "document path is a directory, not a regular file (uploaded_documents.id=41)",
    ),
    "symlink_loop": (symlink_loop, "document path is a symlink loop (uploaded_documents.id=41)"),
    "long_path": (
        long_path,
        "document path is too long for the file system (uploaded_documents.id=41)",
    ),
    "file_as_folder": (
        file_as_folder,
        "document path has a file where a folder should be (uploaded_documents.id=41)",
    ),
}


def release_named_pipes(root: Path) -> None:
    """Open every FIFO under ``root`` for writing and close it again: a reader blocked on one
    (a store that does not refuse it) gets end-of-file, so that a failing test ends."""
    for path in root.rglob("*"):
        if path.is_fifo():
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as exc:  # no reader: nothing is blocked
                if exc.errno != errno.ENXIO:
                    raise


def read_within(
    store: DocumentStore, storage_path: str, seconds: float = READ_DEADLINE_SECONDS
) -> BaseException | bytes:
    """What ``store.read`` returns or raises; fails the test if it has not answered in
    ``seconds`` (the read blocked), rather than hanging the suite."""
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(store.read(storage_path, DOCUMENT_ID, max_bytes=1 << 20))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    if not outcome:
        release_named_pipes(store.root)
        pytest.fail(f"reading {storage_path[:40]!r} blocked for more than {seconds:.0f} s")
    return outcome[0]


class StorageContract:
    """Reading each hostile entry through the store fails permanently, at once, by id."""

    @pytest.fixture
    def storage_root(self, tmp_path: Path) -> Iterator[Path]:
        root = tmp_path / "documents"
        root.mkdir()
        yield root
        release_named_pipes(root)

    @pytest.mark.parametrize("name", STORAGE_FIXTURES)
    def test_a_hostile_storage_entry_fails_permanently_at_once(
        self, storage_root: Path, name: str
    ) -> None:
        make, message = STORAGE_FIXTURES[name]
        outcome = read_within(DocumentStore(storage_root), make(storage_root))
        assert isinstance(outcome, PermanentError), repr(outcome)
        assert str(outcome) == message

    def test_a_regular_report_beside_them_is_read_and_extracted(
        self, storage_root: Path, extractor: PdfExtractor
    ) -> None:
        for make, _ in STORAGE_FIXTURES.values():
            make(storage_root)
        (storage_root / "report.pdf").write_bytes(text_pdf(2))
        pdf = read_within(DocumentStore(storage_root), "report.pdf")
        assert isinstance(pdf, bytes)
        assert extractor.extract(pdf, ExtractionLimits()).page_count == 2
