"""bioreport-engine: a minimal engine that runs lab-report PDFs through plugin stages.

Plugins import what they need from here::

    from bioreport_engine import hookimpl, StageSpec
"""

from importlib.metadata import PackageNotFoundError, version

from bioreport_engine.errors import PermanentError, StageError, TransientError
from bioreport_engine.plugins.hookspecs import hookimpl
from bioreport_engine.report import Biomarker, LabReport
from bioreport_engine.stages import (
    Anonymizer,
    ExtractionLimits,
    Normalizer,
    PdfExtractor,
    StageSpec,
    Structurer,
)
from bioreport_engine.texts import AnonymizedText, ExtractedText

try:
    __version__ = version("bioreport-engine")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AnonymizedText",
    "Anonymizer",
    "Biomarker",
    "ExtractedText",
    "ExtractionLimits",
    "LabReport",
    "Normalizer",
    "PdfExtractor",
    "PermanentError",
    "StageError",
    "StageSpec",
    "Structurer",
    "TransientError",
    "__version__",
    "hookimpl",
]
