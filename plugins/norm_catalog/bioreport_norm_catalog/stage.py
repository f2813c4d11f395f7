"""``NORM_ENGINE=catalog``: the engine's normalization stage on the catalog's normalizer."""

from dataclasses import replace

from bioreport_engine import Biomarker, LabReport
from bioreport_norm_catalog.normalize import NormalizedBiomarker, Normalizer


class CatalogNormalizer:
    """Fills in the canonical fields of every row; thread-safe (see :class:`Normalizer`)."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer

    def normalize(self, report: LabReport) -> LabReport:
        rows = self.normalizer.normalize_report(report)
        return replace(report, biomarkers=tuple(_merged(row) for row in rows))


def _merged(row: NormalizedBiomarker) -> Biomarker:
    return replace(
        row.biomarker,
        specimen=row.specimen,
        canonical_name=row.canonical_name,
        loinc=row.loinc,
        canonical_value=row.canonical_value,
        canonical_unit=row.canonical_unit,
        canonical_reference_low=row.canonical_reference_low,
        canonical_reference_high=row.canonical_reference_high,
        normalization=row.normalization,
    )
