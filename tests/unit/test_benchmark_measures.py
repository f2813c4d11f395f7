"""The measures of the anonymization benchmark: what counts as a leak, what as an intact row."""

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("faker")

from benchmarks.anonymization import (  # noqa: E402 (only importable once reportlab and faker are)
    background_of,
    identifying_tokens,
    leaked,
)
from benchmarks.corpus import BiomarkerRow, GroundTruth, PiiItem  # noqa: E402
from bioreport_engine.testing.rows import rows_intact  # noqa: E402


@pytest.mark.parametrize(
    ("kind", "value", "tokens"),
    [
        ("PERSON", "Hope White", ["Hope", "White", "Hope White"]),
        ("STAFF", "JKL", ["JKL"]),
        ("POSTCODE", "OX4 2JB", ["OX4", "2JB", "OX4 2JB"]),
        ("POSTCODE", "1012 AB", ["1012", "1012 AB"]),
        ("AGE_OVER_89", "93 years", ["93", "93 years"]),
        ("AGE_OVER_89", "96Y", ["96Y"]),
        ("NHS_NUMBER", "943 476 5919", ["943", "476", "5919", "943 476 5919"]),
        ("PHONE", "06 12 34 56 78", ["06 12 34 56 78"]),
        ("ACCESSION", "SPC-619869", ["619869", "SPC-619869"]),
        ("MRN", "MR-0048291", ["0048291", "MR-0048291"]),
    ],
)
def test_identifying_tokens(kind: str, value: str, tokens: list[str]) -> None:
    assert identifying_tokens(PiiItem(kind, value)) == tokens


def truth_with(*items: PiiItem) -> GroundTruth:
    return GroundTruth("x", 0, "key_value", 1, items, (), "01/02/2024", "01/03/2024")


def test_a_word_name_is_leaked_only_beyond_its_uses_as_a_word() -> None:
    item = PiiItem("PERSON", "Hope Iron")
    original = "Patient: Hope Iron\nIron 92 ug/dL 60 - 170\n"
    truth = truth_with(item)
    background = background_of(original, truth)
    assert not leaked(item, "Patient: <PERSON_1>\nIron 92 ug/dL 60 - 170\n", background)
    assert leaked(item, "Patient: <PERSON_1> Iron\nIron 92 ug/dL 60 - 170\n", background)


def test_an_old_age_leaks_by_its_number_not_by_years() -> None:
    item = PiiItem("AGE_OVER_89", "93 years")
    original = "Age: 93 years\nGlucose 93 mg/dL 70 - 99\nAge of sample: 2 years\n"
    background = background_of(original, truth_with(item))
    assert not leaked(item, original.replace("93 years", "<AGE>"), background)
    assert leaked(item, original.replace("93 years", "93 <X>"), background)


def test_a_qualitative_value_replaced_is_not_intact_though_the_reference_reads_the_same() -> None:
    rows = (
        BiomarkerRow("Hepatitis B Surface Ag", "Negative", None, "", "Negative"),
        BiomarkerRow("Leukocyte Esterase", "Small", "A", "", "Negative"),
        BiomarkerRow("ANA Titer", "1:160", "A", "titer", "< 1:40"),
    )
    text = (
        "Hepatitis B Surface Ag Negative Negative\nLeukocyte Esterase Small A Negative\n"
        "ANA Titer 1:160 A titer < 1:40\n"
    )
    assert rows_intact(text, rows) == 3
    assert rows_intact(text.replace("Ag Negative", "Ag <PERSON_1>"), rows) == 2
    assert rows_intact(text.replace("Small", "<PERSON_1>"), rows) == 2


def test_a_value_is_misread_when_its_analyte_is_found_without_it() -> None:
    from bioreport_engine.testing.rows import values_misread

    rows = (
        BiomarkerRow("CEA", "2.7", None, "ng/mL", "< 3.0"),
        BiomarkerRow("Glucose", "105", "H", "mg/dL", "70 - 99"),
        BiomarkerRow("HIV Ag/Ab", "Non Reactive", None, "", "Non Reactive"),
        BiomarkerRow("Iron", "92", None, "ug/dL", "60 - 170"),
    )
    text = "CEA  2:7  ng/mL  < 3.0\nGlucose  105  H  mg/dL\nHIV Ag/Ab  Nan Reactive\nlron 92\n"
    assert values_misread(text, rows) == (1, 2)  # Iron not found: not counted


def test_a_wrong_digit_is_a_misread_the_text_layer_does_not_share() -> None:
    from bioreport_engine.testing.rows import misread_values

    rows = (
        BiomarkerRow("Glucose", "105", "H", "mg/dL", "70 - 99"),
        BiomarkerRow("CEA", "2.7", None, "ng/mL", "< 3.0"),
    )
    layer = "Glucose was high.\nGlucose  105  H  mg/dL\nCEA  2.7  ng/mL\n"
    ocr = "Glucose was high.\nGlucose  105  H  mg/dL\nCEA  27  ng/mL\n"
    misread, found = misread_values(ocr, rows)
    layer_misread, _ = misread_values(layer, rows)
    assert (misread, found) == ({0, 1}, {0, 1})  # Glucose: the sentence is found first
    assert misread - layer_misread == {1}  # only CEA is OCR's wrong digit


def test_a_name_ocr_misspelled_still_leaks() -> None:
    from benchmarks.extraction_scans import leaked_nearly

    item = PiiItem("PERSON", "Hope Whitaker")
    background = background_of("Patient: Hope Whitaker\nGlucose 105 mg/dL\n", truth_with(item))
    half_masked = "Patient: <PERSON_1> Whitaber\n"  # OCR read Whitaker as Whitaber
    assert not leaked(item, half_masked, background)
    assert leaked_nearly(item, half_masked, background)
    assert not leaked_nearly(item, "Patient: <PERSON_1>\nGlucose 105 mg/dL\n", background)
