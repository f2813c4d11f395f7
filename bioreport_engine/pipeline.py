"""The pipeline: extract → anonymize → structure, with the three selected stages.

Stages are built once (spaCy and presidio take seconds to load) and reused for every document.
"""

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import IsolatedExtractor, check_size
from bioreport_engine.plugins.manager import Offer
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.report import LabReport
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import (
    Anonymizer,
    ExtractionLimits,
    PdfExtractor,
    StageKind,
    Structurer,
)
from bioreport_engine.texts import AnonymizedText, ExtractedText


@dataclass(frozen=True)
class StageInfo:
    """Which engine ran a stage: stored with every result."""

    kind: StageKind
    name: str
    distribution: str
    version: str

    @classmethod
    def of(cls, kind: StageKind, offer: Offer[object]) -> "StageInfo":
        return cls(kind, offer.spec.key, offer.plugin.distribution, offer.plugin.version)


@dataclass(frozen=True)
class PipelineResult:
    """Everything one document produced. ``extracted`` holds raw text: never log or store it."""

    extracted: ExtractedText = field(repr=False)
    anonymized: AnonymizedText
    report: LabReport | None
    #: Milliseconds spent in each stage: ``extract``, ``anonymize``, ``structure``.
    timings_ms: Mapping[str, float]
    #: The engines that ran, in pipeline order.
    stages: tuple[StageInfo, ...]


@dataclass(frozen=True)
class BuiltStage[StageT]:
    stage: StageT
    info: StageInfo
    #: Held around every call of a stage that is not thread-safe.
    lock: "threading.Lock | None" = None

    def guard(self) -> AbstractContextManager[object]:
        return nullcontext() if self.lock is None else self.lock


def build_stage[StageT](kind: StageKind, offer: Offer[StageT]) -> BuiltStage[StageT]:
    """Build ``offer``'s stage; a failure stops start-up with the plugin's error."""
    spec = offer.spec
    try:
        stage = spec.build()
    except ConfigurationError:
        raise
    except Exception as exc:  # a plugin's constructor: its message carries no document data
        raise ConfigurationError(
            f"{kind.setting}={spec.key!r} could not be built "
            f"({offer.plugin.distribution}): {type(exc).__name__}: {exc}"
        ) from exc
    info = StageInfo.of(kind, offer)
    return BuiltStage(stage, info, None if spec.thread_safe else threading.Lock())


class Pipeline:
    """Runs one document through the selected stages, timing each."""

    def __init__(
        self,
        extractor: BuiltStage[PdfExtractor],
        anonymizer: BuiltStage[Anonymizer],
        structurer: BuiltStage[Structurer],
        limits: ExtractionLimits | None = None,
    ) -> None:
        self.extractor = extractor
        self.anonymizer = anonymizer
        self.structurer = structurer
        self.limits = limits or ExtractionLimits()

    @classmethod
    def build(cls, settings: EngineSettings, registry: StageRegistry) -> "Pipeline":
        """Select the configured engines (all three checked before any is built) and build them.

        With ``PDF_ISOLATION=process`` the extractor is built in child processes instead
        (one per concurrent job), where the time and memory limits apply.
        """
        pdf = registry.pdf_extractor(settings.pdf_engine)
        pii = registry.anonymizer(settings.pii_engine)
        llm = registry.structurer(settings.llm_engine)
        if settings.pdf_isolation == "process":
            extractor = BuiltStage[PdfExtractor](
                IsolatedExtractor(
                    pdf.spec.key,
                    processes=settings.worker_concurrency,
                    memory_mb=settings.pdf_memory_limit_mb,
                    load_plugins=settings.bioreport_load_plugins,
                    disable_plugins=settings.bioreport_disable_plugins,
                    wait=False,  # the children start while the other stages are built
                ),
                StageInfo.of(StageKind.PDF, pdf),
            )
        else:
            extractor = build_stage(StageKind.PDF, pdf)
        pipeline = cls(
            extractor,
            build_stage(StageKind.PII, pii),
            build_stage(StageKind.LLM, llm),
            settings.extraction_limits,
        )
        if isinstance(extractor.stage, IsolatedExtractor):
            extractor.stage.wait_ready()
        return pipeline

    def close(self) -> None:
        """Stop the extractor's child processes, if any."""
        if isinstance(self.extractor.stage, IsolatedExtractor):
            self.extractor.stage.close()

    @property
    def stages(self) -> tuple[StageInfo, ...]:
        return (self.extractor.info, self.anonymizer.info, self.structurer.info)

    def run(self, pdf: bytes) -> PipelineResult:
        timings: dict[str, float] = {}
        check_size(len(pdf), self.limits.max_bytes)
        with _timed(timings, "extract"), self.extractor.guard():
            extracted = self.extractor.stage.extract(pdf, self.limits)
        with _timed(timings, "anonymize"), self.anonymizer.guard():
            anonymized = self.anonymizer.stage.anonymize(extracted)
        if not isinstance(anonymized, AnonymizedText):
            # The privacy rule: nothing but AnonymizedText goes on towards an LLM.
            raise PermanentError(
                f"the {self.anonymizer.info.name!r} anonymizer returned "
                f"{type(anonymized).__name__}, not AnonymizedText; refusing to continue"
            )
        with _timed(timings, "structure"), self.structurer.guard():
            report = self.structurer.stage.structure(anonymized)
        return PipelineResult(extracted, anonymized, report, timings, self.stages)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000, 3)
