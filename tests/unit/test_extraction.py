"""The engine's isolation of PDF extraction, with the example plugin's directives standing in
for a parser that hangs or crashes (the real plugins' tests feed real hostile PDFs)."""

import os
import time
from collections.abc import Iterator

import pytest

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import IsolatedExtractor, check_size, require_pdf
from bioreport_engine.stages import ExtractionLimits

LIMITS = ExtractionLimits(max_bytes=1000, max_pages=5, timeout_seconds=2, memory_mb=512)
REPORT = b"Patient: Jane Roe\nGlucose  105  mg/dL\n"


@pytest.fixture(scope="module")
def isolated() -> Iterator[IsolatedExtractor]:
    extractor = IsolatedExtractor("example-text", processes=1, memory_mb=512)
    yield extractor
    extractor.close()


def child_pids(extractor: IsolatedExtractor) -> list[int | None]:
    children = [extractor._idle.get() for _ in range(extractor.processes)]
    for child in children:
        extractor._idle.put(child)
    return [child.process.pid for child in children]


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
    assert child_pids(isolated) != before
    assert isolated.extract(REPORT, LIMITS).pages  # the replacement works


def test_a_crash_fails_the_document_not_the_worker(isolated: IsolatedExtractor) -> None:
    with pytest.raises(PermanentError, match=r"the PDF crashed the extractor \(SIGKILL\)"):
        isolated.extract(REPORT + b"#crash\n", LIMITS)
    assert isolated.extract(REPORT, LIMITS).pages


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
