"""Units, lab words and fused flags read back from Tesseract's confusions (no OCR here)."""

import pytest
from bioreport_pdf_ocr.extractor import _read_back
from bioreport_pdf_ocr.units import correct_unit
from bioreport_pdf_ocr.words import correct_word


@pytest.mark.parametrize(
    ("read", "unit"),
    [
        ("1043/uL", "10^3/uL"),
        ("mlU/mL", "mIU/mL"),
        ("ulU/mL", "uIU/mL"),
        ("/npf", "/hpf"),
        ("/Ipf", "/lpf"),
        ("Pg", "pg"),
        ("Sec", "sec"),
        ("fl", "fL"),
        ("mg/dl", "mg/dL"),
        ("&", "%"),  # Courier's percent sign
        ("£L", "fL"),
        ("TU/mL", "IU/mL"),  # Times' serifed I
        ("TITER", "TITER"),
        # one edit away, in a word with a character ordinary words lack
        ("[U/mL", "IU/mL"),
        ("/\\pf", "/lpf"),
        ("|\\pf", "/lpf"),
        ("[pf", "/lpf"),
        ("/hpft", "/hpf"),
        ("f£L", "fL"),
        ("mo/L", "mo/L"),  # mg/L or mU/L: nothing is guessed
        ("Sex", "Sex"),  # one edit from "sec", but an ordinary word
        ("12/03/2024", "12/03/2024"),
        ("m/L", "m/L"),
        ("mg/dL", "mg/dL"),
        ("MG/DL", "MG/DL"),
        ("141", "141"),
        ("Glucose", "Glucose"),
    ],
)
def test_units_are_read_back_from_confusions_and_values_never_change(read: str, unit: str) -> None:
    assert correct_unit(read) == unit


@pytest.mark.parametrize(
    ("read", "word"),
    [
        ("Bl", "B1"),  # Vitamin B1
        ("HbAic", "HbA1c"),
        ("Alc", "A1c"),
        ("lron", "Iron"),
        ("lRON", "IRON"),  # LIS capitals
        ("25-0H", "25-OH"),
        ("Iron", "Iron"),
        ("iron", "iron"),  # a small letter is not read as its capital
        ("Bill", "Bill"),  # an i is not read as an l: a name is not "Bili"
        ("Smith", "Smith"),
        ("10", "10"),  # a value is never touched
        ("Il", "Il"),
    ],
)
def test_lab_words_are_read_back_from_confusions_of_i_l_1_and_o_0(read: str, word: str) -> None:
    assert correct_word(read) == word


@pytest.mark.parametrize(
    ("read", "words"),
    [
        ("3.2L", "3.2 L"),
        ("5.2H", "5.2 H"),
        ("HfL", "H fL"),
        ("Lmg/dl", "L mg/dL"),
        ("LDL", "LDL"),
        ("HDL", "HDL"),
        ("Hb", "Hb"),
        ("H", "H"),
        ("24", "24"),
    ],
)
def test_a_flag_fused_to_its_value_or_unit_is_written_apart(read: str, words: str) -> None:
    assert _read_back(read) == words


def test_the_lab_lexicon_holds_the_catalog_words_it_is_made_of() -> None:
    for word in ("B1", "HbA1c", "Iron", "OH", "Negative", "Microalbumin"):
        assert correct_word(word) == word
