"""The hooks a plugin implements. Each returns the stages of one kind that the plugin offers.

A plugin is a module (found through the ``bioreport_engine.plugins`` entry-point group) with
functions decorated by :data:`hookimpl`; see ``docs/plugins.md``.
"""

from collections.abc import Iterable

import pluggy

from bioreport_engine.stages import Anonymizer, Normalizer, PdfExtractor, StageSpec, Structurer

PROJECT = "bioreport_engine"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def bioreport_pdf_extractors() -> Iterable[StageSpec[PdfExtractor]]:
    """Return the PDF extractors this plugin offers, selectable with ``PDF_ENGINE``."""
    raise NotImplementedError


@hookspec
def bioreport_anonymizers() -> Iterable[StageSpec[Anonymizer]]:
    """Return the anonymizers this plugin offers, selectable with ``PII_ENGINE``."""
    raise NotImplementedError


@hookspec
def bioreport_structurers() -> Iterable[StageSpec[Structurer]]:
    """Return the structurers (LLM stages) this plugin offers, selectable with ``LLM_ENGINE``."""
    raise NotImplementedError


@hookspec
def bioreport_normalizers() -> Iterable[StageSpec[Normalizer]]:
    """Return the normalizers this plugin offers, selectable with ``NORM_ENGINE``."""
    raise NotImplementedError
