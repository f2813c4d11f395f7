"""A synthetic corpus of lab-report PDFs with fictitious patients and exact ground truth.

Real patients' data never enters the repository, yet the extraction, anonymization and
structuring benchmarks need realistic reports whose every identifying item and every result
row is known. ``generate_report(seed)`` makes one such PDF together with a ``GroundTruth``:
every PII item as printed (name, birth date, address, phone, MRN, accession, physician, and in
about half the documents email, SSN and member ID), every biomarker row as printed, and the
collection and report dates, which are deliberately *not* PII.

Documents are deterministic (same seed, same bytes). ``generate_report(seed)`` cycles through
the four original layouts, ``LAYOUTS``, that put PII in label/value lines, side-by-side
columns, running sentences and repeated multi-page footers. ``generate_report(seed, layout)``
also draws the layouts of issue 13 (``ALL_LAYOUTS``): running headers, UK, EU and Australian
conventions, urinalysis and serology results in words, requisitions, LIS capitals, narrative
consults, ruled grids; with relatives, lab staff, ages over 89 and names that are English
words. ``TUNING_LAYOUTS`` may be used to tune an anonymizer; ``HELD_OUT_LAYOUTS`` may not (their
drawing code is in ``held_out.py``, which tuning must not read). Result rows are drawn on one
baseline with wide column gaps, so text extractors keep each row on one line.

``python -m benchmarks.corpus OUT_DIR --count N --seed S [--layout NAME ...]`` writes .pdf/.json
pairs.
Needs ``reportlab`` and ``faker`` (not engine dependencies).
"""

from benchmarks.corpus.generate import generate_corpus, generate_report
from benchmarks.corpus.truth import (
    ALL_LAYOUTS,
    HELD_OUT_LAYOUTS,
    LAYOUTS,
    PII_KINDS,
    TUNING_LAYOUTS,
    BiomarkerRow,
    GroundTruth,
    PiiItem,
)

__all__ = [
    "ALL_LAYOUTS",
    "HELD_OUT_LAYOUTS",
    "LAYOUTS",
    "TUNING_LAYOUTS",
    "PII_KINDS",
    "BiomarkerRow",
    "GroundTruth",
    "PiiItem",
    "generate_corpus",
    "generate_report",
]
