"""bioreport-engine: a minimal engine that runs lab-report PDFs through plugin stages.

This module is the public plugin API (version :data:`PLUGIN_API_VERSION`): a plugin imports
everything it needs from here, and nothing from the submodules, which may change at any time::

    from bioreport_engine import StageSpec, hookimpl

The plugin folders' ruff configuration bans the submodules (TID251). Names whose module is
heavy (the database driver behind the rate limiter, the extraction runner) are imported on
first use (PEP 562), so that ``import bioreport_engine`` and plugin discovery stay fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from bioreport_engine.errors import (
    BioreportError,
    ConfigurationError,
    PermanentError,
    StageError,
    TransientError,
)
from bioreport_engine.log import Log
from bioreport_engine.plugins.api import PLUGIN_API_VERSION
from bioreport_engine.plugins.hookspecs import hookimpl
from bioreport_engine.report import Biomarker, Flag, LabReport, Normalization
from bioreport_engine.stages import (
    Anonymizer,
    ExtractionLimits,
    Normalizer,
    PdfExtractor,
    StageSpec,
    Structurer,
)
from bioreport_engine.texts import PAGE_SEPARATOR, AnonymizedText, ExtractedText, printed_line

if TYPE_CHECKING:
    from bioreport_engine.extraction import (
        check_char_count,
        check_page_count,
        collect_pages,
        require_pdf,
        require_text,
    )
    from bioreport_engine.ratelimit import RateLimiter, shared_rate_limiter
    from bioreport_engine.settings import job_lease_seconds, load_settings

try:
    __version__ = version("bioreport-engine")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: Public name -> the module that defines it, imported on first access.
_LAZY = {
    "check_char_count": "bioreport_engine.extraction",
    "check_page_count": "bioreport_engine.extraction",
    "collect_pages": "bioreport_engine.extraction",
    "require_pdf": "bioreport_engine.extraction",
    "require_text": "bioreport_engine.extraction",
    "RateLimiter": "bioreport_engine.ratelimit",
    "shared_rate_limiter": "bioreport_engine.ratelimit",
    "job_lease_seconds": "bioreport_engine.settings",
    "load_settings": "bioreport_engine.settings",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bioreport_engine' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


__all__ = [
    "PAGE_SEPARATOR",
    "PLUGIN_API_VERSION",
    "AnonymizedText",
    "Anonymizer",
    "Biomarker",
    "BioreportError",
    "ConfigurationError",
    "ExtractedText",
    "ExtractionLimits",
    "Flag",
    "LabReport",
    "Log",
    "Normalization",
    "Normalizer",
    "PdfExtractor",
    "PermanentError",
    "RateLimiter",
    "StageError",
    "StageSpec",
    "Structurer",
    "TransientError",
    "__version__",
    "check_char_count",
    "check_page_count",
    "collect_pages",
    "hookimpl",
    "job_lease_seconds",
    "load_settings",
    "printed_line",
    "require_pdf",
    "require_text",
    "shared_rate_limiter",
]
