"""Toy stages that read plain text, not PDFs: the smallest complete bioreport plugin.

- ``PDF_ENGINE=example-text``: decodes the file as UTF-8 text; form feeds separate pages.
  For reliability tests, a line ``#sleep SECONDS`` makes it take that long and a line
  ``#crash`` kills the whole process (as a segfault or the OOM killer would). A page whose first
  line is ``#image`` stands for a scanned page: it comes out blank, as it has no text layer.
- ``PDF_ENGINE=example-ocr``: reads the ``#image`` pages too, as an OCR extractor reads scans
  (only ``limits.pages`` when given; it reports them in ``ocr_pages``): the OCR fallback's
  engine in tests, with ``PDF_OCR_ENGINE=example-ocr``.
- ``PII_ENGINE=example-mask``: replaces the value of labelled lines (``Patient:``, ``DOB:``,
  ``MRN:``, ``Email:``, ``Phone:``, ``Address:``…).
- ``LLM_ENGINE=example-rows``: turns ``Analyte  value  [H|L]  unit  [H|L]  [low - high]`` lines
  into biomarkers.
"""

import os
import re
import signal
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from bioreport_engine import (
    AnonymizedText,
    Anonymizer,
    Biomarker,
    ExtractedText,
    ExtractionLimits,
    Flag,
    LabReport,
    Normalizer,
    PdfExtractor,
    PermanentError,
    StageSpec,
    Structurer,
    hookimpl,
)

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.0,<2"

KIND = {
    "Patient": "PERSON",
    "Name": "PERSON",
    "DOB": "DATE_OF_BIRTH",
    "MRN": "MRN",
    "Email": "EMAIL",
    "Phone": "PHONE",
    "Address": "ADDRESS",
}
LABELLED_PII = re.compile(rf"^(?P<label>{'|'.join(KIND)}):[ \t]*(?P<value>.+)$", re.M)
ROW = re.compile(
    r"^(?P<analyte>[A-Za-z][A-Za-z0-9 ]*?)\s{2,}(?P<value>-?\d+(?:\.\d+)?)"
    r"(?:\s+(?P<flag>[HL]))?\s+(?P<unit>[^\s\d]\S*)(?:\s+(?P<late_flag>[HL]))?"
    r"(?:\s+\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?)?\s*$",
    re.M,
)
FLAGS: dict[str | None, Flag] = {"H": "H", "L": "L"}
DIRECTIVE = re.compile(r"^#(?P<command>sleep|crash)[ \t]*(?P<argument>[0-9.]*)[ \t]*$", re.M)


#: The first line of a page that stands for a scan: no text layer.
IMAGE = "#image\n"


def _pages(pdf: bytes) -> list[str]:
    """The file's pages, after obeying its ``#sleep``/``#crash`` lines."""
    try:
        text = pdf.decode("utf-8")
    except UnicodeDecodeError:
        raise PermanentError("not a text file: the example-text engine reads UTF-8") from None
    for directive in DIRECTIVE.finditer(text):
        if directive["command"] == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(float(directive["argument"] or 0))
    return text.split("\f")


class TextExtractor:
    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        pages = ("" if page.startswith(IMAGE) else page for page in _pages(pdf))
        return ExtractedText(tuple(pages), library="example-text 1.0.0")


class ImageReader:
    """Reads every page, ``#image`` ones included, as OCR would."""

    def extract(self, pdf: bytes, limits: ExtractionLimits) -> ExtractedText:
        pages = _pages(pdf)
        wanted = set(range(len(pages)) if limits.pages is None else limits.pages)
        texts = (page.removeprefix(IMAGE) if n in wanted else "" for n, page in enumerate(pages))
        read = frozenset(n for n in wanted if n < len(pages))
        return ExtractedText(tuple(texts), library="example-ocr 1.0.0", ocr_pages=read)


class LabelMasker:
    def anonymize(self, text: ExtractedText) -> AnonymizedText:
        counts: Counter[str] = Counter()

        def mask(match: re.Match[str]) -> str:
            kind = KIND[match["label"]]
            counts[kind] += 1
            return f"{match['label']}: <{kind}_{counts[kind]}>"

        return AnonymizedText(LABELLED_PII.sub(mask, text.text), counts, "example-mask 1.0.0")


class RowParser:
    def structure(self, text: AnonymizedText) -> LabReport:
        rows = tuple(
            Biomarker(
                analyte=m["analyte"].strip(),
                value_text=m["value"],
                value=float(m["value"]),
                unit=m["unit"],
                flag=FLAGS.get(m["flag"] or m["late_flag"]),
            )
            for m in ROW.finditer(text.text)
        )
        return LabReport(biomarkers=rows, model="example-rows")


class GlucoseCoder:
    """Knows one analyte: enough to show a normalizer, and cheap to build."""

    def normalize(self, report: LabReport) -> LabReport:
        rows = tuple(
            replace(row, canonical_name="Glucose", loinc="2345-7", normalization="mapped")
            if row.analyte.lower() == "glucose"
            else replace(row, normalization="unmapped")
            for row in report.biomarkers
        )
        return replace(report, biomarkers=rows)


@hookimpl
def bioreport_pdf_extractors() -> Iterable[StageSpec[PdfExtractor]]:
    return [
        StageSpec("example-text", TextExtractor, summary="toy: reads UTF-8 text files"),
        StageSpec("example-ocr", ImageReader, summary="toy: reads '#image' pages too, as OCR"),
    ]


@hookimpl
def bioreport_anonymizers() -> Iterable[StageSpec[Anonymizer]]:
    return [StageSpec("example-mask", LabelMasker, summary="toy: masks labelled header lines")]


@hookimpl
def bioreport_structurers() -> Iterable[StageSpec[Structurer]]:
    return [StageSpec("example-rows", RowParser, summary="toy: parses 'analyte value unit' rows")]


@hookimpl
def bioreport_normalizers() -> Iterable[StageSpec[Normalizer]]:
    return [StageSpec("example-codes", GlucoseCoder, summary="toy: codes glucose, nothing else")]
