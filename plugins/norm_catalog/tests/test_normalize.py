"""What the normalizer says about a row: mapped, unit_unknown, unmapped or implausible."""

import pytest
from bioreport_norm_catalog.normalize import NormalizedBiomarker, Normalizer

from bioreport_engine import Biomarker, LabReport


def norm(
    normalizer: Normalizer, analyte: str, value: str, unit: str | None, hint: str | None = None
) -> NormalizedBiomarker:
    number = None
    try:
        number = float(value)
    except ValueError:
        pass
    return normalizer.normalize(Biomarker(analyte, value, number, unit), hint)


def test_whole_names_only_mch_is_not_mchc(normalizer: Normalizer) -> None:
    assert norm(normalizer, "MCH", "29.1", "pg").loinc == "785-6"
    assert norm(normalizer, "MCHC", "33.0", "g/dL").loinc == "786-4"
    assert norm(normalizer, "mch", "29.1", "pg").canonical_name == "MCH"


@pytest.mark.parametrize(
    "analyte", ["MCHX", "Gluc", "Glucose Tolerance Factor", "Vitamin", "Hemo", "Free", "T"]
)
def test_an_unknown_name_is_unmapped_never_guessed(normalizer: Normalizer, analyte: str) -> None:
    row = norm(normalizer, analyte, "5.0", "mg/dL")
    assert row.normalization == "unmapped"
    assert row.loinc is None and row.canonical_name is None and row.canonical_value is None


def test_synonyms_from_us_uk_and_eu_labs(normalizer: Normalizer) -> None:
    for printed in ("GLU", "Glucose, Fasting", "Glucose (fasting)", "FBG", "Glukose"):
        assert norm(normalizer, printed, "97", "mg/dL").loinc == "2345-7", printed
    assert norm(normalizer, "Haemoglobin", "13.5", "g/dL").loinc == "718-7"
    assert norm(normalizer, "Kreatinin", "80", "µmol/L").canonical_value == pytest.approx(
        0.905, rel=5e-4
    )


def test_implausible_values_are_flagged_not_dropped(normalizer: Normalizer) -> None:
    row = norm(normalizer, "Potassium", "45", "mmol/L")  # a misread 4.5
    assert row.normalization == "implausible"
    assert row.canonical_value == 45.0 and row.loinc == "2823-3"
    assert norm(normalizer, "Neutrophils", "104.9", "%").normalization == "implausible"


def test_a_known_analyte_with_an_unconvertible_unit(normalizer: Normalizer) -> None:
    for unit in ("furlongs", "U/L", None):
        row = norm(normalizer, "Glucose", "97", unit)
        assert row.normalization == "unit_unknown", unit
        assert row.canonical_name == "Glucose" and row.canonical_value is None


def test_serum_and_urine_glucose_by_specimen_hint(normalizer: Normalizer) -> None:
    assert norm(normalizer, "Glucose", "97", "mg/dL").loinc == "2345-7"
    assert norm(normalizer, "Glucose", "97", "mg/dL", "serum").loinc == "2345-7"
    assert norm(normalizer, "Glucose", "97", "mg/dL", "plasma").loinc == "2345-7"
    assert norm(normalizer, "Glucose", "100", "mg/dL", "urine").loinc == "5792-7"
    assert norm(normalizer, "Glucose", "90", "mg/dL", "blood").loinc == "2339-0"
    assert norm(normalizer, "Urine Glucose", "Negative", "mg/dL").loinc == "5792-7"
    assert norm(normalizer, "Sodium", "140", "mmol/L", "urine").normalization == "unmapped"


def test_the_unit_tells_a_percentage_from_a_count(normalizer: Normalizer) -> None:
    assert norm(normalizer, "Neutrophils", "60.1", "%").loinc == "770-8"
    assert norm(normalizer, "Neutrophils", "4.1", "10^3/uL").loinc == "751-8"
    assert norm(normalizer, "Lp(a)", "70", "nmol/L").loinc == "43583-4"
    assert norm(normalizer, "Lp(a)", "30", "mg/dL").loinc == "10835-7"


def test_qualitative_titre_and_censored_results(normalizer: Normalizer) -> None:
    row = norm(normalizer, "HEPATITIS C AB", "NON REACTIVE", None)
    assert (row.normalization, row.loinc, row.canonical_value_text) == (
        "mapped",
        "16128-1",
        "Non Reactive",
    )
    titre = norm(normalizer, "ANA Titer", "1:160", "titer")
    assert (titre.normalization, titre.canonical_value_text) == ("mapped", "1:160")
    censored = norm(normalizer, "Troponin I", "<10", "ng/L")
    assert (censored.normalization, censored.canonical_value_text) == ("mapped", "<0.01")
    assert censored.canonical_unit == "ng/mL"
    counted = norm(normalizer, "Urine WBC", "0-2", "/hpf")
    assert (counted.normalization, counted.canonical_value_text) == ("mapped", "0-2")
    unitless = norm(normalizer, "Urine pH", "6.0", None)
    assert (unitless.normalization, unitless.canonical_value) == ("mapped", 6.0)


def test_a_report_with_specimen_hints(normalizer: Normalizer) -> None:
    report = LabReport(
        biomarkers=(
            Biomarker("Glucose", "97", 97.0, "mg/dL"),
            Biomarker("Glucose", "Trace", None, "mg/dL"),
        ),
        extra={"specimen_hints": [None, "urine"]},
    )
    first, second = normalizer.normalize_report(report)
    assert (first.loinc, second.loinc) == ("2345-7", "5792-7")
