"""Default deny, class by class: what is masked when no rule keeps it, and what lab content is
kept whatever the layout (issue 13)."""

from collections.abc import Callable

import pytest

from bioreport_engine import AnonymizedText, ExtractedText

Anonymize = Callable[[str], AnonymizedText]
AnonymizePages = Callable[[tuple[str, ...]], AnonymizedText]


# Masked by default ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secrets", "placeholder"),
    [
        # names in capitals, alone or in LAST, FIRST shape, made of ordinary words or not
        ("KOWALCZYK JANINA", ["KOWALCZYK", "JANINA"], "<"),
        ("GROSS, CHRISTOPHER", ["GROSS", "CHRISTOPHER"], "<PERSON_1>"),
        ("WHITE, HOPE | Page 1 of 2", ["WHITE", "HOPE"], "<PERSON_1>"),
        ("Bauer, Annelie M.", ["Bauer", "Annelie"], "<PERSON_1>"),
        # a surname that is a word, after a title
        ("Seen by Ms. Iron in clinic.", ["Iron"], "Ms. <PERSON_1>"),
        ("MR GROSS TO BE INFORMED", ["GROSS"], "MR <PERSON_1>"),
        ("Discussed with Dr Hope on the ward.", ["Hope"], "Dr <PHYSICIAN_1>"),
        # a name made of ordinary words, alone on a line
        ("Amber White", ["Amber", "White"], "<REDACTED_1>"),
        # the capitalised word beside an unknown one belongs to the same name
        ("Comment: results given to Maria Kowalczyk.", ["Maria", "Kowalczyk"], "<"),
        # relatives named in running text
        ("Seen with her daughter, Amber White.", ["Amber", "White"], "<PERSON_1>"),
        # a name made of words at the start of a header line, before numbers and a sex
        ("WHITE HOPE 45 F 03/04/1950", ["WHITE", "HOPE"], "<REDACTED_1> 45 F"),
        # a capitalised word inside a sentence is a proper noun, even an English word
        ("A retired teacher from Reading was seen today.", ["Reading"], "from <REDACTED_1>"),
        # a grid: the row under a header naming people or an address
        (
            "Surname  Forename  DOB\nIRON  HOPE  03/04/1950\nAddress\n12 Ivy Close, Bath\n",
            ["IRON", "HOPE", "Ivy", "Bath"],
            "Surname  Forename  DOB\n<PERSON_1>",
        ),
        # a label glued to its value where columns merged
        ("Patient Name:GROSS, ALMA DOB:03/04/1950Sex:F", ["GROSS", "ALMA", "1950"], "Name:<"),
    ],
)
def test_names(anonymize: Anonymize, text: str, secrets: list[str], placeholder: str) -> None:
    result = anonymize(text).text
    assert [s for s in secrets if s in result] == []
    assert placeholder in result


@pytest.mark.parametrize(
    ("text", "secrets", "placeholder"),
    [
        ("Surname: White  Forename(s): Hope", ["White", "Hope"], "Surname: <PERSON_"),
        ("Consultant: Hope", ["Hope"], "Consultant: <PHYSICIAN_1>"),
        ("GP: Dr A Patel", ["Patel"], "GP: Dr <PHYSICIAN_1>"),
        ("Guarantor: Iron Smith", ["Iron", "Smith"], "Guarantor: <PERSON_1>"),
        ("ATT: Gross, Karl", ["Gross", "Karl"], "ATT: <PHYSICIAN_1>"),
        ("Next of kin: Marie Baker (daughter)", ["Marie", "Baker"], "Next of kin: <PERSON_1>"),
        ("Acct #: 77812345", ["77812345"], "Acct #: <ID_1>"),
        ("FIN: 9981234", ["9981234"], "FIN: <ID_1>"),
        ("Hosp No: RXH1234567", ["RXH1234567"], "Hosp No: <MRN_1>"),
        ("NHS No: 943 476 5919 Page 1 of 2", ["943", "5919"], "<MRN_1> Page 1 of 2"),
        # a label nobody anticipated: its capitalised words go, ordinary words or not
        ("Zorblat Ref: Quince Orchard", ["Quince", "Orchard"], "Ref: <"),
        ("Ward: Ocean", ["Ocean"], "Ward: <LOCATION_1>"),
    ],
)
def test_labelled_values(
    anonymize: Anonymize, text: str, secrets: list[str], placeholder: str
) -> None:
    result = anonymize(text).text
    assert [s for s in secrets if s in result] == []
    assert placeholder in result


@pytest.mark.parametrize(
    ("text", "secret", "placeholder"),
    [
        ("VERIFIED BY: ABC", "ABC", "VERIFIED BY: <PERSON_1>"),
        ("Electronically signed by J.S. on 07/24/2023", "J.S.", "signed by <PERSON_1> on"),
        ("Authorised by: Dr Tom Brown, Consultant", "Brown", "Authorised by: Dr <PERSON_1>"),
        ("Results phoned to WHITE by KLM", "WHITE", "phoned to <PERSON_"),
    ],
)
def test_signatures_and_initials(
    anonymize: Anonymize, text: str, secret: str, placeholder: str
) -> None:
    result = anonymize(text).text
    assert secret not in result
    assert placeholder in result


@pytest.mark.parametrize(
    ("text", "secret", "entity"),
    [
        ("SW1A 1AA", "SW1A", "POSTCODE"),
        ("K1A 0B1", "K1A", "POSTCODE"),
        ("1012 AB", "1012", "POSTCODE"),
        ("D02 X285", "X285", "POSTCODE"),
        ("Leeds LS1 4AB", "Leeds", "ADDRESS"),
        ("Parramatta NSW 2150", "2150", "ADDRESS"),
        ("Springfield, IL 62704", "62704", "ADDRESS"),
        ("90210", "90210", "ID"),
    ],
)
def test_postcodes_of_any_country(
    anonymize: Anonymize, text: str, secret: str, entity: str
) -> None:
    result = anonymize(text)
    assert secret not in result.text
    assert result.entity_counts.get(entity, 0) >= 1


@pytest.mark.parametrize(
    ("text", "secret", "entity"),
    [
        ("Ref 20481234", "20481234", "ID"),  # a digit run of 4+
        ("Tube X7Q8Z9Q", "X7Q8Z9Q", "ID"),  # letters and digits
        ("Lab ref 23-1234567", "1234567", "ID"),
        ("Admitted 03/04/2023", "03/04/2023", "DATE"),  # not a collection date
        ("Received: 07/22/2023 10:00", "07/22/2023", "DATE"),
        ("Seen 14 Mar 2023", "14 Mar 2023", "DATE"),
        ("DOB 01/02/1931", "1931", "DATE_OF_BIRTH"),
        ("Email: maria.g@example.org", "maria.g", "EMAIL"),
        ("Portal: https://portal.example.org/r/8812", "portal.example", "URL"),
        ("see www.example-clinic.com", "example-clinic", "URL"),
    ],
)
def test_identifiers_dates_and_contacts(
    anonymize: Anonymize, text: str, secret: str, entity: str
) -> None:
    result = anonymize(text)
    assert secret not in result.text
    assert result.entity_counts.get(entity, 0) >= 1


@pytest.mark.parametrize(
    "phone",
    [
        "(217) 555-0134",
        "217.555.0134",
        "+1 217-555-0134",
        "020 7946 0958",
        "07700 900123",
        "+44 20 7946 0958",
        "(02) 9876 5432",
        "+31 20 123 4567",
        "0412 345 678",
    ],
)
def test_phone_formats(anonymize: Anonymize, phone: str) -> None:
    result = anonymize(f"Call {phone} for results")
    assert result.text == "Call <PHONE_1> for results"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Age: 92", "Age: <AGE_1>"),
        ("Age: 45", "Age: 45"),
        ("DOB: 19/11/1927 (96y)", "(<AGE_1>y)"),
        ("Age/Sex: 92/F", "Age/Sex: <AGE_1>/F"),
        ("a 103-year-old woman", "a <AGE_1>-year-old woman"),
        ("Leeftijd: 93 jaar", "Leeftijd: <AGE_1> jaar"),
        ("Age/Sex: 66Y / F", "Age/Sex: 66Y / F"),
    ],
)
def test_ages_over_89_are_identifiers(anonymize: Anonymize, text: str, expected: str) -> None:
    assert expected in anonymize(text).text


def test_what_is_masked_by_default_is_counted_as_redacted(anonymize: Anonymize) -> None:
    result = anonymize("Zorblatt Institute\nPrepared at Zorblatt Institute\n")
    assert result.text == "<REDACTED_1>\nPrepared at <REDACTED_1>\n"
    assert dict(result.entity_counts) == {"REDACTED": 2}
    assert "Zorblatt" not in repr(result)


def test_a_type_left_out_of_the_settings_is_still_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    from bioreport_engine.testing import discover

    monkeypatch.setenv("PRESIDIO_ENTITIES", "PERSON,PHYSICIAN")
    stage = discover().anonymizer("presidio").spec.build()
    result = stage.anonymize(ExtractedText(("Email: maria.g@example.org\nFIN: 9981234\n",)))
    assert result.text == "Email: <REDACTED_1>\nFIN: <REDACTED_2>\n"


def test_the_old_name_of_the_identifier_type_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    from bioreport_pii_presidio.settings import PresidioSettings

    monkeypatch.setenv("PRESIDIO_ENTITIES", "PERSON,ID_NUMBER")
    assert PresidioSettings().entities == ("PERSON", "ID")


# Lab content kept ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        "Platelets 1200 x10^9/L 150 - 400",  # a value of four digits
        "WBC 10500 cells/uL 4500 - 11000",
        "Glucose 5.2* mmol/L 3.9-5.5",
        "Sodium 140 mmol/L (136-145)",
        "Creatinine 88 umol/L 60 - 110 LC",  # a performing-site code after the range
        "Hepatitis B Surface Ag  Negative  Negative",
        "Leukocyte Esterase  Small  A  Negative",
        "RPR Non Reactive Non Reactive",
        "SARS-CoV-2 RNA Detected A Not Detected",
        "Color Amber A Yellow",
        "Clarity Cloudy Clear",
        "Color Yellow Straw/Yellow",
        "ANA Titre 1:160 H <1:40",
        "Urine WBC 6-10 A /hpf 0 - 5",
        "Hyaline Casts None Seen /lpf 0 - 2",
        "Specific Gravity 1.035 A 1.005 - 1.030",
        "Blood Group O Positive",
        "INR 1.1",
        "Albumin:Creatinine Ratio 3.2 mg/mmol <3.0 H",
        "Bilirubin, Direct 0.2 mg/dL 0.0-0.3",
        "Blood 2+ A NEG",
        "Appearance Slightly Cloudy Clear",
        "Rubella IgG 45.2 IU/mL >10.0 Immune",
        "HAEMOGLOBIN 135 G/L 130 - 170",
        "| WBC | 10500 | cells/uL | 4500-11000 |",  # a ruled grid
    ],
)
def test_result_rows_are_kept(anonymize: Anonymize, row: str) -> None:
    text = f"Patient: Jane Roe\n{row}\n"
    result = anonymize(text)
    assert row in result.text.splitlines()
    assert dict(result.entity_counts) == {"PERSON": 1}


def test_an_identifier_at_the_end_of_a_row_goes_and_the_row_stays(anonymize: Anonymize) -> None:
    result = anonymize("Glucose 5.2 mmol/L 3.9-5.5 SPC-325213\n").text
    assert result == "Glucose 5.2 mmol/L 3.9-5.5 <ID_1>\n"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Kowalczyk, Jan  Age: 32 Y  Page 1 of 2", "Kowalczyk"),
        ("Call (217) 555-0134 today", "555-0134"),
        ("MRN 12345678", "12345678"),
        ("Specimen 12345678", "12345678"),
        ("Kowalczyk 10:43 12345678", "12345678"),
        ("Bed 12 - 14 Zorblat", "Zorblat"),
    ],
)
def test_header_lines_are_not_rows(anonymize: Anonymize, line: str, secret: str) -> None:
    """Lines with "32 Y", "Page 1 of 2", a time, a phone number or an ID look like results:
    they never switch protection on."""
    assert secret not in anonymize(line).text


@pytest.mark.parametrize(
    "line",
    [
        "HAEMATOLOGY",
        "URINALYSIS AND SEROLOGY",
        "Test Result Flag Units Reference Range",
        "COMPLETE BLOOD COUNT (CBC)",
        "Specimen: Serum   Method: ECLIA immunoassay",
        "Sample Type: Whole Blood EDTA",
        "H = above the reference range, L = below it.",
        "SYNTHETIC TEST DATA - fictitious patient Page 1 of 1",
        "Age/Sex: 66Y / F",
    ],
)
def test_headings_specimens_and_methods_are_kept(anonymize: Anonymize, line: str) -> None:
    result = anonymize(line)
    assert result.text == line
    assert dict(result.entity_counts) == {}


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (
            "Collected: 07/22/2023 08:30  Reported: 07/24/2023 10:43  DOB: 01/02/1950",
            ["07/22/2023 08:30", "07/24/2023 10:43"],
            ["01/02/1950"],
        ),
        (
            "The sample was collected on 2025-11-08 and reported on 2025-11-11.",
            ["2025-11-08", "2025-11-11"],
            [],
        ),
        ("Sample taken: 26/09/2024\nReported: 28-Sep-2024\n", ["26/09/2024", "28-Sep-2024"], []),
        (
            "It was collected on 11/07/2023 and reported\non 11/08/2023 20:06; born\n04/05/1950.",
            ["11/07/2023", "11/08/2023 20:06"],
            ["04/05/1950"],
        ),
        (
            "Name  DOB  Collected  Reported\nKOWALCZYK, JAN  03/04/1950  07/22/2023  07/24/2023",
            ["07/22/2023", "07/24/2023"],
            ["03/04/1950", "KOWALCZYK"],
        ),
        ("Afname: 09.06.2024 Geboortedatum: 24-11-1939", ["09.06.2024"], ["1939"]),
    ],
)
def test_collection_and_report_dates_are_kept(
    anonymize: Anonymize, text: str, kept: list[str], gone: list[str]
) -> None:
    result = anonymize(text).text
    assert [k for k in kept if k not in result] == []
    assert [g for g in gone if g in result] == []


# Long documents -------------------------------------------------------------------------------


def test_placeholders_hold_across_pages_and_blocks(anonymize_pages: AnonymizePages) -> None:
    from bioreport_pii_presidio.anonymizer import MAX_CHUNK_CHARS

    rows = "".join(f"Glucose {n % 9 + 1}.{n % 10} mmol/L 3.9-5.5\n" for n in range(3000))
    assert len(rows) > 2 * MAX_CHUNK_CHARS  # one page, several blocks
    first = "Patient: Kowalczyk, Jan  FIN: 9981234\n" + rows + "Results sent to Kowalczyk.\n"
    second = "KOWALCZYK, JAN | FIN 9981234 | Page 2 of 2\n"
    result = anonymize_pages((first, second))
    assert "owalczyk" not in result.text and "KOWALCZYK" not in result.text
    assert "9981234" not in result.text
    assert result.text.count("<PERSON_1>") == 3 and "<PERSON_2>" not in result.text
    assert result.text.count("<ID_1>") == 2
    assert result.text.count("Glucose") == 3000
    assert result.text.count("\f") == 1
