"""The engine's isolation of PDF extraction, with the example plugin's directives standing in
for a parser that hangs or crashes (the real plugins' tests feed real hostile PDFs)."""

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from bioreport_example_plugin import TextExtractor

from bioreport_engine.errors import ConfigurationError, PermanentError, TransientError
from bioreport_engine.extraction import (
    OUT_OF_MEMORY_EXIT,
    IsolatedExtractor,
    _death,
    _serve_requests,
    check_size,
    collect_pages,
    require_pdf,
)
from bioreport_engine.stages import ExtractionLimits

LIMITS = ExtractionLimits(max_bytes=1000, max_pages=5, timeout_seconds=2, memory_mb=512)
#: For tests where the time limit is not the point: generous, so a slow machine passes.
PATIENT_LIMITS = replace(LIMITS, timeout_seconds=60)
REPORT = b"Patient: Jane Roe\nGlucose  105  mg/dL\n"


@pytest.fixture(scope="module")
def isolated() -> Iterator[IsolatedExtractor]:
    extractor = IsolatedExtractor("example-text", processes=1, memory_mb=512)
    yield extractor
    extractor.close()


@pytest.fixture
def fresh() -> Iterator[IsolatedExtractor]:
    """An extractor of its own, for tests that break it."""
    extractor = IsolatedExtractor("example-text", processes=1, memory_mb=512)
    yield extractor
    extractor.close()


def child_pids(extractor: IsolatedExtractor) -> list[int]:
    children = [extractor._idle.get() for _ in range(extractor.processes)]
    for child in children:
        extractor._idle.put(child)
    return [child.process.pid for child in children if child is not None]


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(pid: int) -> bool:
    """An exited process that its new parent has not reaped yet (a zombie) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_extracts_in_a_child_process(isolated: IsolatedExtractor) -> None:
    extracted = isolated.extract(REPORT, LIMITS)
    assert extracted.pages == (REPORT.decode(),)
    assert child_pids(isolated)[0] != os.getpid()


def test_a_hang_times_out_and_the_child_is_replaced(isolated: IsolatedExtractor) -> None:
    before = child_pids(isolated)
    started = time.monotonic()
    with pytest.raises(PermanentError, match=r"extraction timed out after 2 s"):
        isolated.extract(REPORT + b"#sleep 30\n", LIMITS)
    assert time.monotonic() - started < 10
    assert child_pids(isolated) != before  # replaced at once, still starting
    assert isolated.extract(REPORT, PATIENT_LIMITS).pages  # the replacement works


def test_a_crash_fails_the_document_not_the_worker(isolated: IsolatedExtractor) -> None:
    with pytest.raises(PermanentError, match=r"the PDF crashed the extractor \(SIGKILL\)"):
        isolated.extract(REPORT + b"#crash\n", LIMITS)
    assert isolated.extract(REPORT, PATIENT_LIMITS).pages


def test_stage_errors_come_back_as_they_were_raised(isolated: IsolatedExtractor) -> None:
    with pytest.raises(PermanentError, match="not a text file"):
        isolated.extract(b"\xff\xfe", LIMITS)


def test_an_unknown_engine_fails_at_start() -> None:
    with pytest.raises(ConfigurationError, match="could not be built in the child"):
        IsolatedExtractor("nope", processes=1, memory_mb=512)


def test_size_limit() -> None:
    with pytest.raises(PermanentError, match=r"over the limit of 0.0 MB \(PDF_MAX_BYTES\)"):
        check_size(1001, LIMITS.max_bytes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a PDF: the file is empty"),
        (b"PK\x03\x04 zip", "not a PDF: no %PDF- header"),
        (b"<html><body>", "not a PDF: no %PDF- header (it looks like HTML)"),
        (b"%PDF-1.7\n1 0 obj", "the PDF is corrupt or truncated (no %%EOF marker at its end)"),
    ],
)
def test_what_is_not_a_whole_pdf_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(PermanentError) as raised:
        require_pdf(data)
    assert str(raised.value) == message


def test_too_much_text_is_refused_in_the_child_before_the_reply(
    isolated: IsolatedExtractor,
) -> None:
    """example-text checks no character limit: the engine does, in the child."""
    with pytest.raises(PermanentError) as raised:
        isolated.extract(b"\f".join([REPORT] * 4), replace(LIMITS, max_chars=100))
    assert str(raised.value) == (
        f"too much text: {4 * len(REPORT)} characters, over the limit of 100 (PDF_MAX_CHARS)"
    )
    assert isolated.extract(REPORT, LIMITS).pages  # the same child goes on


def test_collecting_pages_stops_at_the_first_page_over_the_limit() -> None:
    produced = []

    def pages() -> Iterator[str]:
        for number in range(50):
            produced.append(number)
            yield "x" * 4_000

    with pytest.raises(PermanentError) as raised:
        collect_pages(pages(), replace(LIMITS, max_chars=10_000))
    assert str(raised.value) == (
        "too much text: at least 12,000 characters, over the limit of 10,000 (PDF_MAX_CHARS)"
    )
    assert produced == [0, 1, 2]  # the pages after it are never extracted
    assert collect_pages(iter(["a", "b"]), LIMITS) == ("a", "b")


def test_a_replacement_that_cannot_start_is_never_handed_out(
    fresh: IsolatedExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: the crashed child's replacement could not start, and the dead child went back
    to the pool; every later document failed on it."""

    def no_fork(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(subprocess, "Popen", no_fork)
        with pytest.raises(PermanentError, match=r"the PDF crashed the extractor \(SIGKILL\)"):
            fresh.extract(REPORT + b"#crash\n", PATIENT_LIMITS)
        with pytest.raises(TransientError, match="could not be started"):
            fresh.extract(REPORT, PATIENT_LIMITS)  # not the document's fault: retried
    assert fresh.extract(REPORT, PATIENT_LIMITS).pages == (REPORT.decode(),)


def test_a_child_killed_while_idle_fails_no_document(fresh: IsolatedExtractor) -> None:
    """The OOM killer picked the idle child: the next document is not to blame."""
    (pid,) = child_pids(fresh)
    os.kill(pid, signal.SIGKILL)
    assert eventually(lambda: not alive(pid))
    with pytest.raises(TransientError, match=r"had exited while idle \(code -9\)"):
        fresh.extract(REPORT, PATIENT_LIMITS)
    assert fresh.extract(REPORT, PATIENT_LIMITS).pages


def test_the_time_limit_holds_while_a_replacement_starts(
    fresh: IsolatedExtractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replacement of a child that timed out takes a minute to start: neither the document
    that timed out nor the next one waits for it beyond ``PDF_TIMEOUT_SECONDS``."""
    slow_python = tmp_path / "slow-python"
    slow_python.write_text(
        f"#!{sys.executable}\nimport os, sys, time\ntime.sleep(60)\n"
        f"os.execv({sys.executable!r}, [{sys.executable!r}, *sys.argv[1:]])\n"
    )
    slow_python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(slow_python))
    slack = 4  # killing and reaping the child, on a busy machine

    started = time.monotonic()
    with pytest.raises(PermanentError, match="extraction timed out after 2 s"):
        fresh.extract(REPORT + b"#sleep 30\n", LIMITS)
    assert time.monotonic() - started < LIMITS.timeout_seconds + slack

    started = time.monotonic()
    with pytest.raises(TransientError, match=r"did not start within 2 s \(PDF_TIMEOUT_SECONDS\)"):
        fresh.extract(REPORT, LIMITS)
    assert time.monotonic() - started < LIMITS.timeout_seconds + slack


def test_children_outlive_the_threads_that_started_them() -> None:
    """Linux sends the parent-death signal when the *thread* that started a child ends: children
    started from a job thread (a replacement) or a short-lived thread must not die with it."""
    built: list[IsolatedExtractor] = []
    starter = threading.Thread(
        target=lambda: built.append(IsolatedExtractor("example-text", processes=1, memory_mb=512))
    )
    starter.start()
    starter.join()
    (extractor,) = built
    try:
        assert extractor.extract(REPORT, PATIENT_LIMITS).pages

        def crash() -> None:
            with pytest.raises(PermanentError, match="crashed"):
                extractor.extract(REPORT + b"#crash\n", PATIENT_LIMITS)

        job = threading.Thread(target=crash)
        job.start()
        job.join()
        assert extractor.extract(REPORT, PATIENT_LIMITS).pages  # the replacement serves
    finally:
        extractor.close()


def test_closing_kills_a_busy_child_and_its_job_is_retried(fresh: IsolatedExtractor) -> None:
    """The worker releases jobs still running after the grace period, then closes the pipeline:
    their extractions must stop too, and the abandoned job must not be failed for it."""
    (pid,) = child_pids(fresh)
    raised: list[BaseException] = []

    def job() -> None:
        try:
            fresh.extract(REPORT + b"#sleep 60\n", PATIENT_LIMITS)
        except BaseException as exc:
            raised.append(exc)

    worker = threading.Thread(target=job, daemon=True)
    worker.start()
    assert eventually(fresh._idle.empty)  # the job holds the child
    closer = threading.Thread(target=fresh.close, daemon=True)
    closer.start()
    closer.join(20)
    worker.join(20)
    assert not closer.is_alive(), "close() waited for the busy child"
    assert not worker.is_alive()
    assert eventually(lambda: not alive(pid), timeout=10)
    (error,) = raised
    assert isinstance(error, TransientError), error


#: A worker in miniature: one isolated child, busy with the document given as argument; it says
#: "extracting" once the request is on its way to the child.
WORKER = """
import sys
from multiprocessing.connection import Connection
from bioreport_engine.extraction import IsolatedExtractor
from bioreport_engine.stages import ExtractionLimits

send = Connection.send
def announce(self, obj):
    send(self, obj)
    if isinstance(obj, tuple):
        print("extracting", flush=True)
Connection.send = announce
extractor = IsolatedExtractor("example-text", processes=1, memory_mb=512)
extractor.extract(sys.argv[1].encode(), ExtractionLimits(timeout_seconds=300))
"""


def kill_a_worker_while_it_extracts(document: bytes, stderr: Path) -> int:
    """SIGKILL a worker whose child is busy with ``document``; return the child's pid."""
    with stderr.open("w") as errors:
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, document.decode()],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert worker.stdout is not None
    try:
        assert worker.stdout.readline() == "extracting\n", stderr.read_text()
        (child,) = children_of(worker.pid)
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()
    return child


def test_the_child_dies_with_its_worker(tmp_path: Path) -> None:
    child = kill_a_worker_while_it_extracts(REPORT + b"#sleep 120\n", tmp_path / "stderr")
    try:
        assert eventually(lambda: not alive(child), timeout=20), "the child outlived its worker"
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)


def test_a_child_whose_worker_vanished_leaves_no_traceback(tmp_path: Path) -> None:
    """Left alone, the child would finish the document and write its reply to a closed pipe."""
    child = kill_a_worker_while_it_extracts(REPORT + b"#sleep 3\n", tmp_path / "stderr")
    assert eventually(lambda: not alive(child), timeout=30)
    assert "Traceback" not in (tmp_path / "stderr").read_text()


class Requests:
    """The child's end of the request pipe, in process."""

    def __init__(self, *requests: object) -> None:
        self.requests = list(requests)

    def recv(self) -> object:
        if not self.requests:
            raise EOFError
        return self.requests.pop(0)


class Replies:
    """The child's end of the reply pipe; ``fails`` is what sending a successful reply raises
    (a MemoryError while pickling a big text, a BrokenPipeError once the parent is gone)."""

    def __init__(self, fails: BaseException | None = None) -> None:
        self.fails = fails
        self.sent: list[tuple[str, object]] = []

    def send(self, reply: tuple[str, object]) -> None:
        if self.fails is not None and reply[0] == "ok":
            raise self.fails
        self.sent.append(reply)


def test_running_out_of_memory_after_the_extraction_is_reported_as_such() -> None:
    """A MemoryError outside the guarded call (pickling the reply) used to escape: "exited
    unexpectedly (code 1)" and a traceback in the worker's log."""
    status = _serve_requests(Requests((REPORT, LIMITS)), Replies(MemoryError()), TextExtractor())
    assert status == OUT_OF_MEMORY_EXIT
    assert _death(status, LIMITS) == (
        "extraction ran out of memory (over 512 MB, PDF_MEMORY_LIMIT_MB)"
    )


def test_a_child_whose_parent_is_gone_stops_quietly() -> None:
    gone = Replies(BrokenPipeError(errno.EPIPE, "Broken pipe"))
    assert _serve_requests(Requests((REPORT, LIMITS), (REPORT, LIMITS)), gone, TextExtractor()) == 0
    replies = Replies()
    assert _serve_requests(Requests((REPORT, LIMITS)), replies, TextExtractor()) == 0  # EOF
    assert [status for status, _ in replies.sent] == ["ok"]
