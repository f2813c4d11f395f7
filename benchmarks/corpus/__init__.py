"""A synthetic corpus of lab-report PDFs with fictitious patients and exact ground truth.

Real patients' data never enters the repository, yet the extraction, anonymization and
structuring benchmarks need realistic reports whose every identifying item and every result
row is known. ``generate_report(seed)`` makes one such PDF together with a ``GroundTruth``:
every PII item as printed (name, birth date, address, phone, MRN, accession, physician, and in
about half the documents email, SSN and member ID), every biomarker row as printed, and the
collection and report dates, which are deliberately *not* PII.

Documents are deterministic (same seed, same bytes) and come in four layouts, ``LAYOUTS``,
that put PII in label/value lines, side-by-side columns, running sentences and repeated
multi-page footers. Result rows are drawn on one baseline with wide column gaps, so text
extractors keep each row on one line.

``python -m benchmarks.corpus OUT_DIR --count N --seed S`` writes lab-NNNN.pdf/.json pairs.
Needs ``reportlab`` and ``faker`` (not engine dependencies).
"""

from benchmarks.corpus.generate import generate_corpus, generate_report
from benchmarks.corpus.truth import LAYOUTS, PII_KINDS, BiomarkerRow, GroundTruth, PiiItem

__all__ = [
    "LAYOUTS",
    "PII_KINDS",
    "BiomarkerRow",
    "GroundTruth",
    "PiiItem",
    "generate_corpus",
    "generate_report",
]
