"""Every kind of conversion against a value computed by hand, and printed spellings to UCUM."""

import pytest
from bioreport_norm_catalog.normalize import Normalizer
from bioreport_norm_catalog.units import UnitConverter, ucum_of

from bioreport_engine import Biomarker

# (analyte as printed, value, printed unit, canonical value by hand, canonical unit)
HAND = [
    ("Glucose", 5.4, "mmol/L", 97.29, "mg/dL"),  # 5.4 x 18.016
    ("Creatinine", 88.42, "µmol/L", 1.000, "mg/dL"),  # 88.42 / 88.42
    ("Cholesterol", 5.0, "mmol/L", 193.4, "mg/dL"),  # 5.0 x 38.67
    ("Triglycerides", 1.7, "mmol/L", 150.6, "mg/dL"),  # 1.7 x 88.57
    ("HDL Cholesterol", 1.0, "mmol/L", 38.67, "mg/dL"),
    ("Urea", 40.0, "mg/dL", 6.660, "mmol/L"),  # 40 / 6.006
    ("BUN", 5.0, "mmol/L", 14.01, "mg/dL"),  # 5.0 x 2.801
    ("Total Bilirubin", 17.1, "umol/L", 1.000, "mg/dL"),  # 17.1 / 17.10
    ("Uric Acid", 357.0, "umol/L", 6.002, "mg/dL"),  # 357 / 59.48
    ("Calcium", 2.5, "mmol/L", 10.02, "mg/dL"),  # 2.5 x 4.008
    ("Calcium", 5.0, "mEq/L", 10.02, "mg/dL"),  # divalent: 5 mEq = 2.5 mmol
    ("Sodium", 140.0, "mEq/L", 140.0, "mmol/L"),
    ("Magnesium", 1.0, "mmol/L", 2.431, "mg/dL"),
    ("Phosphorus", 1.0, "mmol/L", 3.097, "mg/dL"),
    ("Iron", 17.9, "umol/L", 99.96, "ug/dL"),  # 17.9 x 5.585
    ("Free T4", 12.87, "pmol/L", 1.000, "ng/dL"),
    ("Total T4", 100.0, "nmol/L", 7.769, "ug/dL"),
    ("Free T3", 5.0, "pmol/L", 3.255, "pg/mL"),
    ("Vitamin B12", 300.0, "pmol/L", 406.6, "pg/mL"),  # 300 x 1.3554
    ("Folate", 20.0, "nmol/L", 8.828, "ng/mL"),
    ("25-OH Vitamin D", 75.0, "nmol/L", 30.05, "ng/mL"),  # 75 / 2.496
    ("Testosterone", 10.0, "nmol/L", 288.4, "ng/dL"),
    ("Estradiol", 367.1, "pmol/L", 99.99, "pg/mL"),
    ("Cortisol", 276.0, "nmol/L", 10.00, "ug/dL"),
    ("Hemoglobin", 8.7, "mmol/L", 14.02, "g/dL"),  # Dutch Hb: 8.7 x 1.6114
    ("Hemoglobin", 140.0, "g/L", 14.00, "g/dL"),
    ("Hematocrit", 0.45, "L/L", 45.00, "%"),
    ("WBC", 6.1, "x10E3/uL", 6.100, "10*9/L"),
    ("WBC", 6100.0, "cells/uL", 6.100, "10*9/L"),
    ("Platelets", 250.0, "K/uL", 250.0, "10*9/L"),
    ("RBC", 4.5, "10^6/uL", 4.500, "10*12/L"),
    ("ALT", 0.5, "ukat/L", 30.00, "U/L"),  # 1 ukat = 60 U
    ("ALT", 42.0, "IU/L", 42.00, "U/L"),
    ("TSH", 2.5, "uIU/mL", 2.500, "m[IU]/L"),
    ("FSH", 6.0, "IU/L", 6.000, "m[IU]/mL"),
    ("Albumin", 42.0, "g/L", 4.200, "g/dL"),
    ("CRP", 1.2, "mg/dL", 12.00, "mg/L"),
    ("Troponin I", 40.0, "ng/L", 0.04000, "ng/mL"),
    ("PaCO2", 5.3, "kPa", 39.75, "mm[Hg]"),  # 5.3 x 7.50062
    ("Albumin/Creatinine Ratio", 3.0, "mg/mmol", 26.52, "mg/g"),  # 3 x 8.84
    ("HbA1c", 48.0, "mmol/mol", 6.543, "%"),  # IFCC -> NGSP: 0.09148 x 48 + 2.152
    ("C-Peptide", 1.0, "nmol/L", 3.020, "ng/mL"),
    ("eGFR", 90.0, "mL/min/1.73m2", 90.00, "mL/min/{1.73_m2}"),
]


@pytest.mark.parametrize(("analyte", "value", "unit", "expected", "canonical"), HAND)
def test_conversions_agree_with_hand_computation(
    normalizer: Normalizer, analyte: str, value: float, unit: str, expected: float, canonical: str
) -> None:
    row = normalizer.normalize(Biomarker(analyte, f"{value:g}", value, unit))
    assert row.normalization == "mapped", row
    assert row.canonical_unit == canonical
    assert row.canonical_value is not None
    assert row.canonical_value == pytest.approx(expected, rel=5e-4)  # 4 significant digits


def test_reference_limits_are_converted_too(normalizer: Normalizer) -> None:
    row = normalizer.normalize(
        Biomarker("Glucose", "5.4", 5.4, "mmol/L", reference_low=3.9, reference_high=5.5)
    )
    assert (row.canonical_reference_low, row.canonical_reference_high) == (70.2624, 99.088)


@pytest.mark.parametrize(
    ("printed", "ucum"),
    [
        ("x10E3/uL", "10*3/uL"), ("10^9/L", "10*9/L"), ("K/uL", "10*3/uL"),
        ("10*12/L", "10*12/L"), ("µmol/L", "umol/L"), ("μmol/L", "umol/L"),
        ("umol/L", "umol/L"), ("mEq/L", "meq/L"), ("IU/L", "[IU]/L"), ("mIU/mL", "m[IU]/mL"),
        ("µIU/mL", "u[IU]/mL"), ("ng/mL", "ng/mL"), ("g/dL", "g/dL"), ("MG/DL", "mg/dL"),
        ("mL/min/1.73m2", "mL/min/{1.73_m2}"), ("/hpf", "/[HPF]"), ("sec", "s"),
        ("mm/hr", "mm/h"), ("ratio", "{ratio}"), ("mcg/dL", "ug/dL"), ("", ""),
        ("furlongs", None),
    ],
)  # fmt: skip
def test_printed_spellings_map_to_ucum(printed: str, ucum: str | None) -> None:
    assert ucum_of(printed) == ucum


def test_a_conversion_without_a_molar_mass_is_refused(units: UnitConverter) -> None:
    assert units.factor("mmol/L", "mg/dL") is None
    assert units.factor("meq/L", "mmol/L") is None
    assert units.factor("mg/dL", "U/L") is None
    assert units.factor("mmol/L", "mg/dL", molar_mass=180.16) == pytest.approx(18.016)
