"""PDF files under ``DOCUMENTS_ROOT``: read for a job, written by ``bioreport enqueue``; and
the one way the engine reads a file it is given (:func:`open_regular_file`).

Errors name the document by id, never by path or file name: file names of medical documents
often carry the patient's name.
"""

import errno
import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from bioreport_engine.errors import ConfigurationError, PermanentError, StageError, TransientError
from bioreport_engine.extraction import check_size

#: Opened without waiting: a named pipe swapped in after the check must not block the open.
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY

#: Errors after which reading again cannot succeed until someone fixes the file, its path or
#: its permissions. Any other error (EIO, ESTALE, EAGAIN, EMFILE, …: a flaky disk or network
#: volume, a busy machine) is taken as one that may pass, and the job is retried.
PERMANENT_REASONS = {
    errno.ENOENT: "document file not found under the storage root",
    errno.ELOOP: "document path is a symlink loop",
    errno.ENAMETOOLONG: "document path is too long for the file system",
    errno.ENOTDIR: "document path has a file where a folder should be",
    errno.EISDIR: "document path is a directory, not a regular file",
    errno.EACCES: "permission denied reading the document file",
    errno.EPERM: "permission denied reading the document file",
    errno.ENXIO: "document path is a special file, not a regular file",
    errno.ENODEV: "document path is a special file, not a regular file",
}


class UnreadableFile(Exception):
    """A file that cannot be read. ``errno`` is the operating system's error, or ``None`` when
    the path names something else than a regular file (``kind``: "a named pipe (FIFO)", …).
    ``strerror`` says why in words that name no path."""

    def __init__(self, code: int | None, strerror: str, kind: str | None = None) -> None:
        super().__init__(strerror)
        self.errno = code
        self.strerror = strerror
        self.kind = kind

    @classmethod
    def from_os_error(cls, exc: OSError) -> "UnreadableFile":
        code = exc.errno
        return cls(code, exc.strerror or (os.strerror(code) if code else type(exc).__name__))


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, for messages; ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _require_regular(mode: int) -> None:
    kind = file_kind(mode)
    if kind is not None:
        raise UnreadableFile(None, "not a regular file", kind)


@contextmanager
def open_regular_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """``path`` opened for reading, if it is a regular file; :class:`UnreadableFile` if not.

    A named pipe blocks its reader until a writer comes (for ever), a device can be endless
    or act when opened (a tape rewinds), a socket cannot be opened at all: only a regular file
    is read. The path is checked before it is opened, then the open file itself (it may have
    been swapped in between); the open does not wait, whatever it finds.
    """
    try:
        _require_regular(os.stat(path).st_mode)
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise UnreadableFile.from_os_error(exc) from None
    with open(fd, "rb") as file:
        try:
            _require_regular(os.fstat(fd).st_mode)
        except OSError as exc:
            raise UnreadableFile.from_os_error(exc) from None
        yield file


def read_regular_file(path: str | os.PathLike[str], max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``; a file over ``max_bytes`` fails (permanently,
    with the size) before it is read, and one that grows past it meanwhile is cut off."""
    with open_regular_file(path) as file:
        try:
            if max_bytes is None:
                return file.read()
            check_size(os.fstat(file.fileno()).st_size, max_bytes)
            data = file.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFile.from_os_error(exc) from None
        check_size(len(data), max_bytes)
        return data


def printable_name(path: str | os.PathLike[str]) -> str:
    """``path`` as text that can be printed and stored: bytes of a file name that are not UTF-8
    (a Latin-1 "r\\xe9sultat.pdf") are escaped rather than raising on output."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def document_error(problem: UnreadableFile, document_id: int) -> StageError:
    """The job's error for a document file that cannot be read: permanent or transient, and
    naming the document by id only."""
    which = f"(uploaded_documents.id={document_id})"
    if problem.kind is not None:
        return PermanentError(f"document path is {problem.kind}, not a regular file {which}")
    reason = PERMANENT_REASONS.get(problem.errno or 0)
    if reason is not None:
        return PermanentError(f"{reason} {which}")
    code = errno.errorcode.get(problem.errno or 0, str(problem.errno))
    return TransientError(
        f"reading the document file failed: {problem.strerror} ({code}); it may pass {which}"
    )


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
        """The file of ``storage_path``, which must resolve inside the root (links followed).

        A symlink loop or an over-long path is left unresolved here; reading it says which.
        """
        relative = Path(storage_path)
        try:
            candidate = Path(os.path.realpath(self.root / relative))
        except OSError as exc:
            raise document_error(UnreadableFile.from_os_error(exc), document_id) from None
        except RecursionError:  # a chain of links longer than the interpreter's stack
            raise document_error(UnreadableFile(errno.ELOOP, "ELOOP"), document_id) from None
        except ValueError:  # an embedded NUL character
            raise PermanentError(
                f"document path contains a NUL character (uploaded_documents.id={document_id})"
            ) from None
        if relative.is_absolute() or not candidate.is_relative_to(self.root):
            raise PermanentError(
                f"document path outside storage root (uploaded_documents.id={document_id})"
            )
        return candidate

    def read(self, storage_path: str, document_id: int, max_bytes: int | None = None) -> bytes:
        """The file's bytes; anything but a regular file, or a file over ``max_bytes``, fails
        before it is read."""
        path = self.path_of(storage_path, document_id)
        try:
            return read_regular_file(path, max_bytes)
        except UnreadableFile as problem:
            raise document_error(problem, document_id) from None

    def save(self, source: Path) -> tuple[str, int]:
        """Copy ``source`` under the root as ``YYYY/MM/<uuid>.pdf``; return (path, size).

        :class:`UnreadableFile` if ``source`` is not a regular file or cannot be opened,
        ``OSError`` if the copy cannot be written.
        """
        folder = datetime.now(UTC).strftime("%Y/%m")
        relative = f"{folder}/{uuid.uuid4().hex}.pdf"
        target = self.root / relative
        with open_regular_file(source) as file:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with target.open("xb") as copy:
                    shutil.copyfileobj(file, copy)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
        return relative, target.stat().st_size
