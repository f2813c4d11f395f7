import errno
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bioreport_engine.errors import ConfigurationError, PermanentError, TransientError
from bioreport_engine.storage import (
    DocumentStore,
    UnreadableFile,
    document_error,
    printable_name,
    read_regular_file,
)
from bioreport_engine.testing.hostile_storage import (
    STORAGE_FIXTURES,
    read_within,
    release_named_pipes,
)
from tests.conftest import cli_env


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    root = tmp_path / "root"
    root.mkdir()
    (root / "in.pdf").write_bytes(b"%PDF")
    (tmp_path / "secret.pdf").write_bytes(b"outside")
    return DocumentStore(root)


def test_reads_a_file_under_the_root(store: DocumentStore) -> None:
    assert store.read("in.pdf", 1) == b"%PDF"


@pytest.mark.parametrize("path", ["../secret.pdf", "/etc/passwd", "a/../../secret.pdf"])
def test_paths_outside_the_root_fail_permanently(store: DocumentStore, path: str) -> None:
    with pytest.raises(PermanentError, match=r"document path outside storage root \(.*id=7\)"):
        store.read(path, 7)


def test_a_symlink_out_of_the_root_is_refused(store: DocumentStore) -> None:
    (store.root / "link.pdf").symlink_to(store.root.parent / "secret.pdf")
    with pytest.raises(PermanentError, match="outside storage root"):
        store.read("link.pdf", 7)


def test_a_missing_file_fails_with_a_clear_message_without_its_name(store: DocumentStore) -> None:
    with pytest.raises(PermanentError) as raised:
        store.read("Jane_Roe_labs.pdf", 7)
    assert str(raised.value) == (
        "document file not found under the storage root (uploaded_documents.id=7)"
    )


def test_save_copies_under_the_root(store: DocumentStore, tmp_path: Path) -> None:
    relative, size = store.save(tmp_path / "secret.pdf")
    assert size == 7 and store.read(relative, 1) == b"outside"
    assert not Path(relative).is_absolute()


def test_a_missing_root_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="DOCUMENTS_ROOT"):
        DocumentStore(tmp_path / "nope").check()


# --- hostile entries under the root: permanent, at once, named by id only -----------------------


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "documents"
    root.mkdir()
    yield root
    release_named_pipes(root)


@pytest.mark.parametrize("name", STORAGE_FIXTURES)
def test_a_hostile_entry_fails_permanently_at_once(root: Path, name: str) -> None:
    make, message = STORAGE_FIXTURES[name]
    outcome = read_within(DocumentStore(root), make(root))
    assert isinstance(outcome, PermanentError), repr(outcome)
    assert str(outcome) == message


def test_a_device_fails_permanently_without_being_opened(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        os.mknod(root / "Jane_Roe.pdf", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null
    except PermissionError:
        pytest.skip("creating a device needs CAP_MKNOD")
    opened: list[object] = []
    real_open = os.open

    def recording_open(*args: Any, **kw: Any) -> int:
        opened.append(args)
        return real_open(*args, **kw)

    monkeypatch.setattr(os, "open", recording_open)
    outcome = read_within(DocumentStore(root), "Jane_Roe.pdf")
    assert (
        str(outcome) == "document path is a device, not a regular file (uploaded_documents.id=41)"
    )
    assert opened == []  # opening a device can act (a tape rewinds): it is refused from its stat


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_without_blocking(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stat sees a regular file; by the time it is opened, it is a FIFO: the open does not
    wait for a writer and the check on the open file refuses it."""
    (root / "report.pdf").write_bytes(b"%PDF-1.7")
    real_open = os.open

    def swapping_open(path: str, flags: int, *args: int, **kw: object) -> int:
        os.unlink(path)
        os.mkfifo(path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", swapping_open)
    outcome = read_within(DocumentStore(root), "report.pdf")
    assert str(outcome) == (
        "document path is a named pipe (FIFO), not a regular file (uploaded_documents.id=41)"
    )


@pytest.mark.parametrize("code", [errno.EACCES, errno.EPERM])
def test_permission_denied_is_permanent(
    store: DocumentStore, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    monkeypatch.setattr(os, "open", failing_with(code))
    with pytest.raises(PermanentError) as raised:
        store.read("in.pdf", 7)
    assert str(raised.value) == (
        "permission denied reading the document file (uploaded_documents.id=7)"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_permission_denied(store: DocumentStore) -> None:
    (store.root / "in.pdf").chmod(0)
    with pytest.raises(PermanentError, match="^permission denied reading the document file"):
        store.read("in.pdf", 7)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EIO, "Input/output error (EIO)"),
        (errno.ESTALE, "Stale file handle (ESTALE)"),
        (errno.EAGAIN, "Resource temporarily unavailable (EAGAIN)"),
        (errno.EMFILE, "Too many open files (EMFILE)"),
    ],
)
def test_an_io_error_is_transient_and_says_so(
    store: DocumentStore, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    monkeypatch.setattr(os, "open", failing_with(code))
    with pytest.raises(TransientError) as raised:
        store.read("in.pdf", 7)
    assert str(raised.value) == (
        f"reading the document file failed: {words}; it may pass (uploaded_documents.id=7)"
    )


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(
    store: DocumentStore,
) -> None:
    """The size on disk is checked first: the message gives the whole file's size, not the
    limit plus the one byte a read of at most ``max_bytes + 1`` would return."""
    (store.root / "in.pdf").write_bytes(b"%PDF" + b" " * 2_999_996)
    with pytest.raises(PermanentError) as raised:
        store.read("in.pdf", 7, max_bytes=1_000_000)
    assert str(raised.value) == ("the file is 3.0 MB, over the limit of 1.0 MB (PDF_MAX_BYTES)")


def test_a_file_that_grows_past_the_limit_after_its_check_is_cut_off(
    store: DocumentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    (store.root / "in.pdf").write_bytes(b"%PDF" + b" " * 96)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[stat.ST_SIZE] = 4
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", small_fstat)
    with pytest.raises(PermanentError, match="over the limit"):
        store.read("in.pdf", 7, max_bytes=10)


def test_an_error_of_no_known_kind_is_transient_and_named() -> None:
    error = document_error(UnreadableFile(errno.EREMOTEIO, "Remote I/O error"), 7)
    assert isinstance(error, TransientError)
    assert str(error) == (
        "reading the document file failed: Remote I/O error (EREMOTEIO); it may pass "
        "(uploaded_documents.id=7)"
    )


def test_a_nul_character_in_the_path_is_permanent(store: DocumentStore) -> None:
    with pytest.raises(PermanentError) as raised:
        store.read("in\x00.pdf", 7)
    assert str(raised.value) == ("document path contains a NUL character (uploaded_documents.id=7)")


def test_the_shared_reader_refuses_a_device_and_says_what_it_is() -> None:
    with pytest.raises(UnreadableFile) as raised:
        read_regular_file("/dev/null")
    assert (raised.value.errno, raised.value.strerror, raised.value.kind) == (
        None,
        "not a regular file",
        "a device",
    )


def test_save_refuses_a_named_pipe_without_waiting_and_leaves_nothing(root: Path) -> None:
    pipe = root.parent / "pipe.pdf"
    os.mkfifo(pipe)
    store = DocumentStore(root)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        store.save(pipe)
    assert list(root.rglob("*.pdf")) == []


def test_a_name_that_is_not_utf8_is_printed_with_its_bytes_escaped() -> None:
    assert printable_name(os.fsdecode(b"r\xe9sultat.pdf")) == "r\\xe9sultat.pdf"
    assert printable_name(Path("Müller.pdf")) == "Müller.pdf"


def failing_with(code: int) -> Callable[..., int]:
    def fail(path: object, *args: object, **kw: object) -> int:
        raise OSError(code, os.strerror(code), str(path))

    return fail


# --- bioreport process: local files through the same check --------------------------------------

TOY = {"PDF_ENGINE": "example-text", "PII_ENGINE": "example-mask", "LLM_ENGINE": "none"}


def test_process_refuses_a_named_pipe_at_once_and_goes_on(tmp_path: Path) -> None:
    """With a readable file beside it the stages are built and each file is read: the FIFO must
    not wait for a writer."""
    good = tmp_path / "good.txt"
    good.write_text("Sodium  140  mmol/L\n")
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bioreport_engine", "process", str(pipe), str(good)],
            capture_output=True,
            text=True,
            env=cli_env(TOY),
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("bioreport process blocked on a named pipe")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{pipe}: FAILED: cannot read the file: not a regular file"
    assert lines[1].startswith(f"{good}: 1 pages")


def test_process_prints_a_name_that_is_not_utf8_escaped(tmp_path: Path) -> None:
    name = tmp_path / os.fsdecode(b"r\xe9sultat.pdf")
    os.mkfifo(name)
    done = subprocess.run(
        [sys.executable, "-m", "bioreport_engine", "process", str(name)],
        capture_output=True,
        env={**cli_env(TOY), "PYTHONIOENCODING": "utf-8:strict"},  # as in a UTF-8 terminal
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        os.fsencode(tmp_path)
        + b"/r\\xe9sultat.pdf: FAILED: cannot read the file: not a regular file\n"
    )
