"""What one document produced: the types that the pipeline returns and ``db/`` persists.

They live apart from :mod:`bioreport_engine.pipeline` so that persistence does not depend on
orchestration: ``db/`` imports this module, never the pipeline.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from bioreport_engine.report import LabReport
from bioreport_engine.stages import StageKind
from bioreport_engine.texts import AnonymizedText, ExtractedText


@dataclass(frozen=True)
class StageInfo:
    """Which engine ran a stage: stored with every result."""

    kind: StageKind
    name: str
    distribution: str
    version: str


@dataclass(frozen=True)
class PipelineResult:
    """Everything one document produced. ``extracted`` holds raw text: never log or store it."""

    extracted: ExtractedText = field(repr=False)
    anonymized: AnonymizedText
    report: LabReport | None
    #: Milliseconds spent in each stage: ``extract``, ``ocr`` (when blank pages went to the OCR
    #: fallback), ``anonymize``, ``structure``, ``normalize`` (when there were rows).
    timings_ms: Mapping[str, float]
    #: The engines that ran, in pipeline order.
    stages: tuple[StageInfo, ...]
    #: The OCR extractor that read the pages without a text layer (``PDF_OCR_FALLBACK``), when
    #: it ran; the pages it read are ``extracted.ocr_pages``.
    ocr_engine: StageInfo | None = None
