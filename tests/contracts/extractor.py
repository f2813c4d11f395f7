"""The contract every PDF extractor plugin keeps, as a test class to subclass::

    class TestMine(ExtractorContract):
        engine = "mine"
        distribution = "bioreport-pdf-mine"
        library = "minepdf"

Run with ``python -m pytest`` from the repository root (the class imports ``tests`` and
``benchmarks``). It checks discovery, lazy imports, rows kept on one line on the synthetic
corpus, and the permanent error of every hostile input, in process and isolated.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from benchmarks.corpus import generate_report
from benchmarks.rows import rows_intact
from bioreport_engine.errors import PermanentError
from bioreport_engine.extraction import IsolatedExtractor
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits, PdfExtractor
from tests.conftest import run_cli
from tests.contracts.hostile import (
    FIXTURES,
    decompression_bomb,
    hostile_fixtures,
    image_only_pdf,
    text_pdf,
)

#: ``max_chars``: 4 times the longest report of the synthetic corpus (4,445 characters), and low
#: enough that the slowest engine refuses the text explosion after a page, within seconds.
LIMITS = ExtractionLimits(timeout_seconds=20, memory_mb=1024, max_chars=20_000)


class ExtractorContract:
    engine: ClassVar[str]
    distribution: ClassVar[str]
    library: ClassVar[str]  # the module a plugin must not import before it is built
    #: How the isolated extractor refuses the 2 GB decompression bomb. A library that inflates a
    #: stream whole (pdfminer) runs out of memory and must say so, not "corrupt"; ``None``: one
    #: that parses the stream as it inflates it (MuPDF, 50 MB) finds no text on the page, and
    #: returns it blank.
    decompression_bomb_error: ClassVar[str | None] = "extraction ran out of memory (over 1024 MB"

    @pytest.fixture(scope="class")
    @classmethod
    def extractor(cls) -> PdfExtractor:
        return discover().pdf_extractor(cls.engine).spec.build()

    @pytest.fixture(scope="class")
    @classmethod
    def isolated(cls) -> Iterator[IsolatedExtractor]:
        extractor = IsolatedExtractor(cls.engine, processes=1, memory_mb=LIMITS.memory_mb)
        yield extractor
        extractor.close()

    def test_it_is_found_through_its_entry_point(self) -> None:
        offer = discover().pdf_extractor(self.engine)
        assert offer.plugin.distribution == self.distribution

    def test_loading_the_plugin_does_not_import_the_library(self) -> None:
        check = (
            "import sys; from bioreport_engine.plugins.registry import discover; discover(); "
            f"sys.exit({self.library!r} in sys.modules)"
        )
        assert subprocess.run([sys.executable, "-c", check]).returncode == 0

    def test_the_library_and_its_version_travel_with_the_text(
        self, extractor: PdfExtractor
    ) -> None:
        extracted = extractor.extract(text_pdf(2), LIMITS)
        assert extracted.library.startswith(f"{self.engine} ")
        assert [page.endswith(f"(page {n})") for n, page in enumerate(extracted.pages, 1)]

    def test_pages_come_in_order(self, extractor: PdfExtractor) -> None:
        pages = extractor.extract(text_pdf(3), LIMITS).pages
        assert [f"(page {n})" in page for n, page in enumerate(pages, 1)] == [True] * 3

    @pytest.mark.parametrize("seed", range(12))
    def test_every_row_stays_on_one_line(self, extractor: PdfExtractor, seed: int) -> None:
        pdf, truth = generate_report(seed)
        extracted = extractor.extract(pdf, LIMITS)
        assert extracted.page_count == truth.pages
        assert rows_intact(extracted.text, truth.biomarkers) == len(truth.biomarkers)

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
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(image_only_pdf())
        env = {
            "PDF_ENGINE": self.engine,
            "PDF_OCR_FALLBACK": "false",
            "PII_ENGINE": "example-mask",
            "LLM_ENGINE": "none",
        }
        done = run_cli("process", "--json", str(scan), env=env)
        assert done.returncode == 1, done.stderr
        error = json.loads(done.stdout)["error"]
        assert error.startswith("no extractable text: "), error
        assert "PDF_OCR_FALLBACK=true" in error or "OCR found no text" in error, error

    def test_the_cli_shows_raw_and_anonymized_text(self, tmp_path: Path) -> None:
        pdf, truth = generate_report(3)
        report = tmp_path / "report.pdf"
        report.write_bytes(pdf)
        env = {"PDF_ENGINE": self.engine, "PII_ENGINE": "example-mask", "LLM_ENGINE": "none"}
        done = run_cli("process", "--json", "--show-raw", str(report), env=env)
        assert done.returncode == 0, done.stderr
        entry = json.loads(done.stdout)
        assert entry["ok"] and entry["page_count"] == truth.pages
        assert truth.biomarkers[0].analyte in entry["raw_text"]
        assert entry["engines"]["pdf"].startswith(f"{self.engine} ({self.distribution} ")
