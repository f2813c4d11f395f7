"""The pipeline: extract → anonymize → structure → normalize, with the selected stages.

Stages are built once (spaCy and presidio take seconds to load) and reused for every document.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import cast

from bioreport_engine.errors import ConfigurationError, PermanentError
from bioreport_engine.extraction import IsolatedExtractor, check_char_count, check_size
from bioreport_engine.log import Log
from bioreport_engine.ocr.fallback import (
    OcrFallback,
    blank_pages,
    decide,
    merge,
    require_some_text,
)
from bioreport_engine.ocr.rows import mark_ocr_rows
from bioreport_engine.plugins.manager import Offer
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.results import PipelineResult, StageInfo
from bioreport_engine.settings import EngineSettings, load_settings
from bioreport_engine.stages import (
    Anonymizer,
    ExtractionLimits,
    Normalizer,
    PdfExtractor,
    StageKind,
    Structurer,
)
from bioreport_engine.texts import AnonymizedText, ExtractedText


def stage_info[StageT](kind: StageKind, offer: Offer[StageT]) -> StageInfo:
    """The engine that ``offer`` builds, as stored with every result."""
    return StageInfo(kind, offer.spec.key, offer.plugin.distribution, offer.plugin.version)


@dataclass(frozen=True)
class BuiltStage[StageT]:
    stage: StageT
    info: StageInfo
    #: Held around every call of a stage that is not thread-safe.
    lock: "threading.Lock | None" = None

    def guard(self) -> AbstractContextManager[object]:
        return nullcontext() if self.lock is None else self.lock


#: A stage whose build takes longer than this says so, so that a silent start is not a hang.
LOADING_NOTICE_SECONDS = 1.0


def build_stage[StageT](kind: StageKind, offer: Offer[StageT]) -> BuiltStage[StageT]:
    """Build ``offer``'s stage; a failure stops start-up with the plugin's error."""
    spec = offer.spec
    notice = threading.Timer(
        LOADING_NOTICE_SECONDS,
        Log.info,
        args=(f"loading {kind.setting}={spec.key} ({offer.plugin.distribution}) …",),
    )
    notice.daemon = True
    notice.start()
    try:
        stage = spec.build()
    except ConfigurationError:
        raise
    except Exception as exc:  # a plugin's constructor: its message carries no document data
        raise ConfigurationError(
            f"{kind.setting}={spec.key!r} could not be built "
            f"({offer.plugin.distribution}): {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        notice.cancel()
    info = stage_info(kind, offer)
    return BuiltStage(stage, info, None if spec.thread_safe else threading.Lock())


@dataclass(frozen=True)
class Selection:
    """The engine of every stage kind that the settings select, checked but not built yet,
    and the OCR fallback's extractor, if it is on."""

    offers: dict[StageKind, Offer[object]]
    ocr: OcrFallback = field(default_factory=lambda: OcrFallback(None, "off"))

    def __getitem__(self, kind: StageKind) -> Offer[object]:
        return self.offers[kind]


def select_stages(settings: EngineSettings, registry: StageRegistry) -> Selection:
    """Select the configured engine of every kind and run every cheap check before anything
    is built.

    Unknown or ambiguous names, each selected plugin's invalid settings and its ``check``
    problems are collected and raised together, as one :class:`ConfigurationError` with one
    problem per line: an operator fixes them in one go, and learns of them in well under a
    second instead of after seconds of model loading.
    """
    problems: list[str] = []
    offers: dict[StageKind, Offer[object]] = {}
    for kind in StageKind:
        try:
            offers[kind] = registry.select(kind, getattr(settings, kind.field))
        except ConfigurationError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(preflight(kind, offers[kind]))
    ocr, ocr_problems = decide(settings, registry, lambda offer: preflight(StageKind.PDF, offer))
    problems.extend(ocr_problems)
    if problems:
        raise ConfigurationError(*problems)
    return Selection(offers, ocr)


def preflight(kind: StageKind, offer: Offer[object]) -> list[str]:
    """What would stop ``offer``'s stage from being built: its settings, then its check."""
    spec = offer.spec
    if spec.settings is not None:
        try:
            load_settings(spec.settings)
        except ConfigurationError as exc:
            return list(exc.problems)
    if spec.check is None:
        return []
    try:
        return [" ".join(problem.split()) for problem in spec.check()]
    except Exception as exc:  # a plugin's check: its message carries no document data
        return [
            f"{kind.setting}={spec.key!r}: its check failed ({offer.plugin.distribution}): "
            f"{type(exc).__name__}: {exc}"
        ]


class Pipeline:
    """Runs one document through the selected stages, timing each."""

    def __init__(
        self,
        extractor: BuiltStage[PdfExtractor],
        anonymizer: BuiltStage[Anonymizer],
        structurer: BuiltStage[Structurer],
        normalizer: BuiltStage[Normalizer],
        limits: ExtractionLimits | None = None,
        ocr: BuiltStage[PdfExtractor] | None = None,
        ocr_fallback: OcrFallback | None = None,
    ) -> None:
        self.extractor = extractor
        self.anonymizer = anonymizer
        self.structurer = structurer
        self.normalizer = normalizer
        self.limits = limits or ExtractionLimits()
        #: The OCR fallback's extractor: reads the pages that ``extractor`` found blank.
        self.ocr = ocr
        self.ocr_fallback = ocr_fallback or OcrFallback(None, "off")

    @classmethod
    def build(cls, settings: EngineSettings, registry: StageRegistry) -> "Pipeline":
        """Select the configured engines, check them all (:func:`select_stages`), then build.

        With ``PDF_ISOLATION=process`` the extractor is built in child processes instead
        (one per concurrent job), where the time and memory limits apply; so is the OCR
        fallback's, whose children start when a document first needs one.
        """
        selection = select_stages(settings, registry)
        pdf = cast(Offer[PdfExtractor], selection[StageKind.PDF])
        extractor = _extractor_stage(settings, pdf, lazy=False)
        ocr: BuiltStage[PdfExtractor] | None = None
        try:
            if selection.ocr.offer is not None:
                ocr = _extractor_stage(settings, selection.ocr.offer, lazy=True)
            anonymizer = build_stage(
                StageKind.PII, cast(Offer[Anonymizer], selection[StageKind.PII])
            )
            structurer = build_stage(
                StageKind.LLM, cast(Offer[Structurer], selection[StageKind.LLM])
            )
            normalizer = build_stage(
                StageKind.NORM, cast(Offer[Normalizer], selection[StageKind.NORM])
            )
            if isinstance(extractor.stage, IsolatedExtractor):
                extractor.stage.wait_ready()
        except BaseException:
            for built in (extractor, ocr):  # no child outlives a start that failed
                if built is not None and isinstance(built.stage, IsolatedExtractor):
                    built.stage.close()
            raise
        return cls(
            extractor,
            anonymizer,
            structurer,
            normalizer,
            settings.extraction_limits,
            ocr,
            selection.ocr,
        )

    def close(self) -> None:
        """Stop the extractors' child processes, if any, busy ones included: a document still
        being extracted (a job abandoned after the shutdown grace period) stops with a
        :class:`~bioreport_engine.errors.TransientError`."""
        for built in (self.extractor, self.ocr):
            if built is not None and isinstance(built.stage, IsolatedExtractor):
                built.stage.close()

    @property
    def stages(self) -> tuple[StageInfo, ...]:
        return (
            self.extractor.info,
            self.anonymizer.info,
            self.structurer.info,
            self.normalizer.info,
        )

    def run(self, pdf: bytes) -> PipelineResult:
        timings: dict[str, float] = {}
        check_size(len(pdf), self.limits.max_bytes)
        with _timed(timings, "extract"), self.extractor.guard():
            extracted = self.extractor.stage.extract(pdf, self.limits)
        extracted, ocr_engine = self._read_blank_pages(pdf, extracted, timings)
        # The child checked this already; an extractor in process may have forgotten it.
        check_char_count(extracted.char_count, self.limits)
        require_some_text(extracted, self.ocr_fallback)
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
        if report is not None:  # rows only: the normalizer never sees text
            with _timed(timings, "normalize"), self.normalizer.guard():
                report = self.normalizer.stage.normalize(report)
            report = mark_ocr_rows(
                report, anonymized.text, extracted.ocr_pages, extracted.page_count
            )
        return PipelineResult(extracted, anonymized, report, timings, self.stages, ocr_engine)

    def _read_blank_pages(
        self, pdf: bytes, extracted: ExtractedText, timings: dict[str, float]
    ) -> tuple[ExtractedText, StageInfo | None]:
        """``extracted`` with its blank pages read by the OCR fallback, if it is on and there
        are any; and the OCR engine, if it ran. The OCR extractor gets those pages only, under
        the same limits (each extraction its own ``PDF_TIMEOUT_SECONDS``)."""
        pages = blank_pages(extracted)
        if self.ocr is None or not pages:
            return extracted, None
        with _timed(timings, "ocr"), self.ocr.guard():
            read = self.ocr.stage.extract(pdf, replace(self.limits, pages=pages))
        return merge(extracted, read, pages), self.ocr.info


def _extractor_stage(
    settings: EngineSettings, offer: Offer[PdfExtractor], *, lazy: bool
) -> BuiltStage[PdfExtractor]:
    """A PDF extractor: in child processes with ``PDF_ISOLATION=process`` (one per concurrent
    job, started now, or on first use when ``lazy``), else built here."""
    if settings.pdf_isolation != "process":
        return build_stage(StageKind.PDF, offer)
    isolated = IsolatedExtractor(
        offer.spec.key,
        processes=settings.worker_concurrency,
        memory_mb=settings.pdf_memory_limit_mb,
        load_plugins=settings.bioreport_load_plugins,
        disable_plugins=settings.bioreport_disable_plugins,
        wait=False,  # the children start while the other stages are built
        lazy=lazy,
    )
    return BuiltStage[PdfExtractor](isolated, stage_info(StageKind.PDF, offer))


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round((time.perf_counter() - start) * 1000, 3)
