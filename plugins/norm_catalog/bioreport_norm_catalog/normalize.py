"""The normalizer: one printed row in, its canonical name, LOINC code, value and unit out.

It sees rows only, never text. Every row gets a status:

- ``mapped``: the analyte is in the catalog and its value is in the canonical unit (or is one
  of the entry's qualitative results);
- ``unit_unknown``: the analyte is known but its printed unit does not convert;
- ``unmapped``: no catalog entry has this name (whole-name match only: never guessed);
- ``implausible``: converted, but outside the physiologically possible range: probably a
  misread. Flagged, never dropped.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bioreport_engine import Biomarker, LabReport
from bioreport_norm_catalog.catalog import Catalog, Entry, default_catalog
from bioreport_norm_catalog.units import UnitConverter, ucum_of

Status = Literal["mapped", "unit_unknown", "unmapped", "implausible"]
#: Canonical units that a row may print as nothing at all ("Urine pH  6.0").
UNITLESS = frozenset({"{ratio}", "[pH]", "{SG}", "{INR}", "1", "{titer}"})
SIGNIFICANT_DIGITS = 6
#: A value below or above the method's limit: "<200", "> 1000", "<=0.5".
CENSORED = re.compile(r"(?P<sign>[<>]=?|≤|≥)\s?(?P<number>\d+(?:[.,]\d+)?)")


@dataclass(frozen=True)
class NormalizedBiomarker:
    """A printed row and what the catalog makes of it. The engine will store these fields as
    columns beside the row's own (see the plugin's README)."""

    biomarker: Biomarker
    normalization: Status
    canonical_name: str | None = None
    loinc: str | None = None
    specimen: str | None = None
    canonical_value: float | None = None
    #: A qualitative result as the catalog spells it ("Non Reactive"), or the printed text of
    #: a semi-quantitative one ("0-2", ">50").
    canonical_value_text: str | None = None
    canonical_unit: str | None = None
    canonical_reference_low: float | None = None
    canonical_reference_high: float | None = None


@dataclass(frozen=True)
class _Conversion:
    scale: float
    offset: float = 0.0

    def __call__(self, value: float | None) -> float | None:
        if value is None:
            return None
        return _significant(self.scale * value + self.offset)


class Normalizer:
    """Catalog + units library. Build once (pint takes about half a second), call from any
    thread: its only state is a cache of conversion factors."""

    def __init__(self, catalog: Catalog | None = None, units: UnitConverter | None = None):
        self.catalog = catalog or default_catalog()
        self.units = units or UnitConverter()

    def normalize(
        self, biomarker: Biomarker, specimen_hint: str | None = None
    ) -> NormalizedBiomarker:
        candidates = self.catalog.candidates(biomarker.analyte, specimen_hint)
        if not candidates:
            return NormalizedBiomarker(biomarker, "unmapped")
        value = biomarker.value if biomarker.value is not None else _number(biomarker.value_text)
        censored = CENSORED.fullmatch(biomarker.value_text.strip()) if value is None else None
        if value is None and censored is None:
            return self._qualitative(biomarker, candidates)
        printed = ucum_of(biomarker.unit)
        for entry in candidates:
            conversion = self._conversion(entry, printed)
            if conversion is None:
                continue
            if censored is not None:
                return self._censored(biomarker, entry, censored, conversion)
            assert value is not None
            return self._numeric(biomarker, entry, value, conversion)
        if censored is not None:
            return self._qualitative(biomarker, candidates)
        first = next((e for e in candidates if e.quantitative), candidates[0])
        return _identified(biomarker, first, "unit_unknown")

    def normalize_report(
        self, report: LabReport, specimen_hints: Sequence[str | None] | None = None
    ) -> tuple[NormalizedBiomarker, ...]:
        """Every row of ``report``; ``specimen_hints`` (one per row, e.g. the rules
        structurer's ``extra["specimen_hints"]``) picks urine glucose under a urinalysis
        heading."""
        hints = list(specimen_hints or report.extra.get("specimen_hints") or ())
        hints += [None] * (len(report.biomarkers) - len(hints))
        return tuple(
            self.normalize(row, hint) for row, hint in zip(report.biomarkers, hints, strict=False)
        )

    def _conversion(self, entry: Entry, printed: str | None) -> _Conversion | None:
        if entry.unit is None or printed is None:
            return None
        if printed == "":
            return _Conversion(1.0) if entry.unit in UNITLESS else None
        if printed in entry.affine:
            scale, offset = entry.affine[printed]
            return _Conversion(scale, offset)
        if printed in entry.factors:
            return _Conversion(entry.factors[printed])
        factor = self.units.factor(printed, entry.unit, entry.molar_mass, entry.valence)
        return None if factor is None else _Conversion(factor)

    def _numeric(
        self, biomarker: Biomarker, entry: Entry, value: float, conversion: _Conversion
    ) -> NormalizedBiomarker:
        canonical = conversion(value)
        assert canonical is not None
        plausible = entry.plausible
        status: Status = "mapped"
        if plausible is not None and not plausible[0] <= canonical <= plausible[1]:
            status = "implausible"
        return replace(_converted(biomarker, entry, status, conversion), canonical_value=canonical)

    def _censored(
        self, biomarker: Biomarker, entry: Entry, censored: re.Match[str], conversion: _Conversion
    ) -> NormalizedBiomarker:
        """ "<200": below the limit of the method; the limit is converted, the value stays text."""
        limit = conversion(float(censored["number"].replace(",", "")))
        return replace(
            _converted(biomarker, entry, "mapped", conversion),
            canonical_value_text=f"{censored['sign']}{limit:g}",
        )

    def _qualitative(
        self, biomarker: Biomarker, candidates: tuple[Entry, ...]
    ) -> NormalizedBiomarker:
        for entry in candidates:
            allowed = entry.allowed_value(biomarker.value_text)
            if allowed is not None:
                return _identified(biomarker, entry, "mapped", allowed)
        chosen = next((e for e in candidates if e.values), candidates[0])
        if chosen.values or chosen.unit in UNITLESS:
            # A semi-quantitative reading ("0-2", ">50", "<200"): the analyte is certain, the
            # text is kept as printed.
            return _identified(biomarker, chosen, "mapped", " ".join(biomarker.value_text.split()))
        return _identified(biomarker, chosen, "unit_unknown")


def _converted(
    biomarker: Biomarker, entry: Entry, status: Status, conversion: _Conversion
) -> NormalizedBiomarker:
    """Identified, in the entry's unit, with the reference range converted too."""
    return replace(
        _identified(biomarker, entry, status),
        canonical_unit=entry.unit,
        canonical_reference_low=conversion(biomarker.reference_low),
        canonical_reference_high=conversion(biomarker.reference_high),
    )


def _identified(
    biomarker: Biomarker, entry: Entry, status: Status, value_text: str | None = None
) -> NormalizedBiomarker:
    return NormalizedBiomarker(
        biomarker,
        status,
        canonical_name=entry.name,
        loinc=entry.loinc,
        specimen=entry.specimen,
        canonical_value_text=value_text,
    )


def _number(text: str) -> float | None:
    try:
        number = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _significant(number: float) -> float:
    if number == 0 or not math.isfinite(number):
        return number
    digits = SIGNIFICANT_DIGITS - int(math.floor(math.log10(abs(number)))) - 1
    return round(number, digits)
