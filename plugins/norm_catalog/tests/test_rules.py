"""LLM_ENGINE=rules on small texts, and as a plugin the engine finds."""

import bioreport_norm_catalog
import pytest
from bioreport_norm_catalog.catalog import Catalog
from bioreport_norm_catalog.rules import RulesStructurer

from bioreport_engine import AnonymizedText, Biomarker
from bioreport_engine.testing import registry_of


@pytest.fixture(scope="module")
def rules(catalog: Catalog) -> RulesStructurer:
    return RulesStructurer(catalog)


def rows(rules: RulesStructurer, text: str) -> list[Biomarker]:
    return list(rules.structure(AnonymizedText(text, {})).biomarkers)


def test_a_numeric_row_with_flag_unit_and_range(rules: RulesStructurer) -> None:
    [row] = rows(rules, "Glucose  105  H  mg/dL  70 - 99")
    assert row == Biomarker("Glucose", "105", 105.0, "mg/dL", 70.0, 99.0, "70 - 99", "H")


def test_flags_are_computed_from_the_range_when_none_is_printed(rules: RulesStructurer) -> None:
    text = "WBC 6.1 x10E3/uL 3.4 - 10.8\nLDL Cholesterol 130 mg/dL < 100\nHDL 38 mg/dL > 40"
    wbc, ldl, hdl = rows(rules, text)
    assert (wbc.value, wbc.unit, wbc.flag) == (6.1, "x10E3/uL", "N")
    assert (ldl.flag, ldl.reference_high, ldl.reference_low) == ("H", 100.0, None)
    assert (hdl.flag, hdl.reference_low) == ("L", 40.0)


def test_qualitative_and_titre_rows(rules: RulesStructurer) -> None:
    text = (
        "Hepatitis B Surface Ag  Negative  Negative\n"
        "HIV-1/2 Ag/Ab Reactive A Non Reactive\n"
        "ANA Titer 1:160 A titer < 1:40\n"
        "Color Pale Yellow Yellow\n"
        "Urine WBC >50 A /hpf 0 - 5\n"
        "Squamous Epithelial Cells Few /hpf None - Few\n"
        "URINE PROTEIN NEGATIVE MG/DL NEGATIVE\n"
    )
    got = [(r.analyte, r.value_text, r.unit, r.flag) for r in rows(rules, text)]
    assert got == [
        ("Hepatitis B Surface Ag", "Negative", None, "N"),
        ("HIV-1/2 Ag/Ab", "Reactive", None, "A"),
        ("ANA Titer", "1:160", "titer", "A"),
        ("Color", "Pale Yellow", None, None),
        ("Urine WBC", ">50", "/hpf", "A"),
        ("Squamous Epithelial Cells", "Few", "/hpf", None),
        ("URINE PROTEIN", "NEGATIVE", "MG/DL", "N"),
    ]


def test_whole_names_mch_and_mchc(rules: RulesStructurer) -> None:
    mch, mchc = rows(rules, "MCH 29.1 pg 27.0 - 33.0\nMCHC 33.0 g/dL 32.0 - 36.0")
    assert (mch.analyte, mchc.analyte) == ("MCH", "MCHC")


def test_lines_with_placeholders_headings_and_prose_are_not_rows(rules: RulesStructurer) -> None:
    text = (
        "Patient: <PERSON_1> Glucose 99 mg/dL\n"
        "Glucose <REDACTED_2> mg/dL 70 - 99\n"
        "COMPLETE BLOOD COUNT\n"
        "Test Result Flag Units Reference Range\n"
        "Iron supplements were advised for three months.\n"
        "Glucose 5 days ago was normal\n"
        "Page 1 of 2\n"
        "Collected: 07/22/2023\n"
    )
    assert rows(rules, text) == []


def test_an_analyte_outside_the_catalog_only_in_the_strict_shape(rules: RulesStructurer) -> None:
    text = "Apolipoprotein C3 9.1 mg/dL 5.0 - 12.0\nSomething Odd 12 widgets 1 - 2\nFoo 3"
    [row] = rows(rules, text)
    assert (row.analyte, row.value, row.unit, row.flag) == ("Apolipoprotein C3", 9.1, "mg/dL", "N")


def test_urinalysis_headings_give_a_specimen_hint(rules: RulesStructurer) -> None:
    report = rules.structure(
        AnonymizedText(
            "CHEMISTRY\nGlucose 90 mg/dL 70 - 99\nURINALYSIS\nGlucose Negative Negative", {}
        )
    )
    assert report.extra["specimen_hints"] == [None, "urine"]
    assert report.model == "rules"


def test_the_engine_finds_the_rules_structurer() -> None:
    stage = registry_of(bioreport_norm_catalog).structurer("rules").spec.build()
    report = stage.structure(AnonymizedText("Sodium 140 mmol/L 136 - 145", {}))
    assert report is not None and report.biomarkers[0].value == 140.0
