"""bioreport-norm-catalog: the analyte catalog (names, LOINC codes, UCUM units, conversions,
plausible ranges), the normalizer built on it (``NORM_ENGINE=catalog``), and
``LLM_ENGINE=rules``: biomarker rows from anonymized text without an LLM."""

from collections.abc import Iterable

from bioreport_engine import Normalizer, StageSpec, Structurer, hookimpl

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.0,<2"


def _build_rules() -> Structurer:
    from bioreport_norm_catalog.catalog import default_catalog
    from bioreport_norm_catalog.rules import RulesStructurer

    return RulesStructurer(default_catalog())


def _build_normalizer() -> Normalizer:
    from bioreport_norm_catalog.normalize import Normalizer as CatalogUnits  # imports pint
    from bioreport_norm_catalog.stage import CatalogNormalizer

    return CatalogNormalizer(CatalogUnits())


@hookimpl
def bioreport_normalizers() -> Iterable[StageSpec[Normalizer]]:
    return [
        StageSpec(
            "catalog",
            _build_normalizer,
            summary="canonical name, LOINC code and UCUM unit from a 300-analyte catalog",
        )
    ]


@hookimpl
def bioreport_structurers() -> Iterable[StageSpec[Structurer]]:
    return [
        StageSpec(
            "rules",
            _build_rules,
            summary="deterministic rows from the analyte catalog's vocabulary: no LLM, no key",
        )
    ]
