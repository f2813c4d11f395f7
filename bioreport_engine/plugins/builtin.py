"""Stages built into the engine, registered through the same hooks as any plugin."""

from collections.abc import Iterable

from bioreport_engine.plugins.hookspecs import hookimpl
from bioreport_engine.report import LabReport
from bioreport_engine.stages import Normalizer, StageSpec, Structurer
from bioreport_engine.texts import AnonymizedText


class NoNormalizer:
    """``NORM_ENGINE=none``: rows stay as printed, without canonical fields."""

    def normalize(self, report: LabReport) -> LabReport:
        return report


class NoStructurer:
    """``LLM_ENGINE=none``: no structuring; the result keeps the anonymized text only."""

    def structure(self, text: AnonymizedText) -> LabReport | None:
        return None


@hookimpl
def bioreport_structurers() -> Iterable[StageSpec[Structurer]]:
    return [
        StageSpec(
            name="none",
            build=NoStructurer,
            summary="no structuring: keep the anonymized text and entity counts",
        )
    ]


@hookimpl
def bioreport_normalizers() -> Iterable[StageSpec[Normalizer]]:
    return [
        StageSpec(
            name="none",
            build=NoNormalizer,
            summary="no normalization: rows as printed, without canonical name, code or unit",
        )
    ]
