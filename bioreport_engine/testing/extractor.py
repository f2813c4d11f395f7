"""The contract every PDF extractor plugin keeps, as a test class to subclass::

    from bioreport_engine.testing import ExtractorContract, StorageContract

    class TestMine(ExtractorContract, StorageContract):
        engine = "mine"
        distribution = "bioreport-pdf-mine"
        library = "minepdf"

It checks discovery through the entry point (so the plugin must be installed), lazy imports,
rows kept on one line in synthetic lab reports of several layouts, and the permanent error of
every hostile input, in process and in the engine's isolated child processes.
"""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from bioreport_engine.errors import PermanentError
from bioreport_engine.extraction import IsolatedExtractor
from bioreport_engine.stages import ExtractionLimits, PdfExtractor, StageKind
from bioreport_engine.testing.cli import run_cli
from bioreport_engine.testing.contract import StageContract, stage_fixture
from bioreport_engine.testing.documents import lab_report, text_pdf
from bioreport_engine.testing.hostile_pdfs import (
    FIXTURES,
    decompression_bomb,
    hostile_fixtures,
    image_only_pdf,
)
from bioreport_engine.testing.rows import rows_intact

#: ``max_chars``: 4 times the longest synthetic report (about 5,000 characters), and low enough
#: that the slowest engine refuses the text explosion after a page, within seconds.
LIMITS = ExtractionLimits(timeout_seconds=20, memory_mb=1024, max_chars=20_000)


class ExtractorContract(StageContract):
    """Subclass it in a test module and set the class variables below."""

    kind = StageKind.PDF
    #: How the isolated extractor refuses the 2 GB decompression bomb. A library that inflates a
    #: stream whole (pdfminer) runs out of memory and must say so, not "corrupt"; ``None``: one
    #: that parses the stream as it inflates it (MuPDF, 50 MB) finds no text on the page, and
    #: returns it blank.
    decompression_bomb_error: ClassVar[str | None] = "extraction ran out of memory (over 1024 MB"
    #: An installed anonymizer (``PII_ENGINE``) for the command-line tests; without one, they
    #: are skipped.
    cli_anonymizer: ClassVar[str | None] = None
    #: The share of the generated reports' rows that must come out intact. A text layer keeps
    #: every one; an OCR extractor, which misreads some characters, says what it holds.
    min_rows_intact: ClassVar[float] = 1.0

    extractor = stage_fixture()

    @pytest.fixture(scope="class")
    @classmethod
    def isolated(cls) -> Iterator[IsolatedExtractor]:
        extractor = IsolatedExtractor(cls.engine, processes=1, memory_mb=LIMITS.memory_mb)
        yield extractor
        extractor.close()

    def test_the_library_and_its_version_travel_with_the_text(
        self, extractor: PdfExtractor
    ) -> None:
        extracted = extractor.extract(text_pdf(2), LIMITS)
        assert extracted.library.startswith(f"{self.engine} ")
        assert extracted.page_count == 2

    def test_pages_come_in_order(self, extractor: PdfExtractor) -> None:
        pages = extractor.extract(text_pdf(3), LIMITS).pages
        assert [f"(page {n})" in page for n, page in enumerate(pages, 1)] == [True] * 3

    @pytest.mark.parametrize("seed", range(12))
    def test_every_row_stays_on_one_line(self, extractor: PdfExtractor, seed: int) -> None:
        report = lab_report(seed)
        extracted = extractor.extract(report.pdf, LIMITS)
        assert extracted.page_count == report.pages
        assert rows_intact(extracted.text, report.rows) >= self.min_rows_intact * len(report.rows)

    @pytest.mark.parametrize("name", FIXTURES)
    def test_hostile_input_fails_permanently_with_a_clear_message(
        self, extractor: PdfExtractor, name: str
    ) -> None:
        make, message = FIXTURES[name]
        with pytest.raises(PermanentError) as raised:
            extractor.extract(make(), LIMITS)
        assert str(raised.value).startswith(message)

    def test_a_page_without_a_text_layer_comes_out_blank(
        self, extractor: PdfExtractor, isolated: IsolatedExtractor
    ) -> None:
        """No error: the engine decides, after the OCR fallback (``PDF_OCR_FALLBACK``)."""
        for extracted in (
            extractor.extract(image_only_pdf(), LIMITS),
            isolated.extract(image_only_pdf(), LIMITS),
        ):
            assert extracted.page_count == 1 and not extracted.text.strip()

    def test_isolated_every_hostile_input_fails_in_time_and_the_worker_goes_on(
        self, isolated: IsolatedExtractor
    ) -> None:
        for fixture in hostile_fixtures():
            started = time.monotonic()
            with pytest.raises(PermanentError) as raised:
                isolated.extract(fixture.data, LIMITS)
            assert str(raised.value).startswith(fixture.error), fixture.name
            assert time.monotonic() - started < LIMITS.timeout_seconds + 5, fixture.name
        assert isolated.extract(text_pdf(1), LIMITS).pages

    def test_isolated_a_decompression_bomb_fails_in_time(self, isolated: IsolatedExtractor) -> None:
        started = time.monotonic()
        if self.decompression_bomb_error is None:
            # A blank page in about 10 s, or the time limit on a busy machine (21 s at a load
            # of 4 on 2 cores): either way in time, and the next document is served.
            try:
                assert not isolated.extract(decompression_bomb(), LIMITS).text.strip()
            except PermanentError as timed_out:
                assert str(timed_out).startswith("extraction timed out after"), timed_out
        else:
            with pytest.raises(PermanentError) as raised:
                isolated.extract(decompression_bomb(), LIMITS)
            assert str(raised.value).startswith(self.decompression_bomb_error), raised.value
        assert time.monotonic() - started < LIMITS.timeout_seconds + 5
        assert isolated.extract(text_pdf(1), LIMITS).pages

    def test_a_pdf_without_text_fails_in_the_engine_saying_how_to_read_it(
        self, tmp_path: Path
    ) -> None:
        if self.cli_anonymizer is None:
            pytest.skip("set cli_anonymizer to an installed PII_ENGINE to run the CLI")
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(image_only_pdf())
        env = {
            "PDF_ENGINE": self.engine,
            "PDF_OCR_FALLBACK": "false",
            "PII_ENGINE": self.cli_anonymizer,
            "LLM_ENGINE": "none",
            "NORM_ENGINE": "none",
        }
        done = run_cli("process", "--json", str(scan), env=env)
        assert done.returncode == 1, done.stderr
        error = json.loads(done.stdout)["error"]
        assert error.startswith("no extractable text: "), error
        assert "PDF_OCR_FALLBACK=true" in error or "OCR found no text" in error, error

    def test_the_cli_shows_raw_and_anonymized_text(self, tmp_path: Path) -> None:
        if self.cli_anonymizer is None:
            pytest.skip("set cli_anonymizer to an installed PII_ENGINE to run the CLI")
        sample = lab_report(3)
        report = tmp_path / "report.pdf"
        report.write_bytes(sample.pdf)
        env = {
            "PDF_ENGINE": self.engine,
            "PII_ENGINE": self.cli_anonymizer,
            "LLM_ENGINE": "none",
            "NORM_ENGINE": "none",
        }
        done = run_cli("process", "--json", "--show-raw", str(report), env=env)
        assert done.returncode == 0, done.stderr
        entry = json.loads(done.stdout)
        assert entry["ok"] and entry["page_count"] == sample.pages
        intact = rows_intact(entry["raw_text"], sample.rows)
        assert intact >= self.min_rows_intact * len(sample.rows), f"{intact}/{len(sample.rows)}"
        assert entry["engines"]["pdf"].startswith(f"{self.engine} ({self.distribution} ")
