"""The issue-13 layouts the anonymizer may be tuned on (see ``truth.TUNING_LAYOUTS``).

- ``running_header``: a US cumulative report over 2-3 pages whose running header repeats
  "Name: LAST, FIRST M  DOB  MRN" and "Age/Sex" on every page, with a footer repeating the name;
  staff initials ("Verified by: JKL") and an electronic signature.
- ``uk_hospital``: a UK hospital report: Surname / Forename, NHS and Hospital numbers,
  DD/MM/YYYY, +44 phones, postcode on its own line, GP and Consultant, next of kin; a running
  footer with "SURNAME, Forename  NHS No".
- ``eu_lab``: a Dutch, French or German lab in its own language: "03.04.1961", "1012 AB" or
  "75008", BSN / NIR / insurance number, "Mevr." / "Mme" before the name.
- ``urinalysis``: a US urinalysis and serology report: words as results ("Clear", "Small",
  "Non Reactive", "1:160"), age with sex, an emergency contact, collector and verifier
  initials.
"""

from benchmarks.corpus.case import Case
from benchmarks.corpus.forms import (
    MARK,
    Field,
    address_field,
    age_text,
    field,
    field_columns,
    field_lines,
    letterhead,
    lines,
    plain_footer,
    record,
    render_case,
    table,
)
from benchmarks.corpus.sheet import BOLD, FOOTER_Y, LEFT, RIGHT, TOP, Sheet, TableStyle
from benchmarks.corpus.truth import PiiItem

RUNNING_HEADER_HEIGHT = 44.0
AGE_FORMS = ("{} years", "{} yrs", "{}Y", "{} y")


def initials(first: str, middle: str | None, last: str) -> str:
    return f"{first[0]}{middle or 'X'}{last[0]}".upper()


def running_name(case: Case) -> str:
    """ "WHITE, HOPE M" or "White, Hope M": the running header's "Name:" value."""
    name = case.patient
    text = f"{name.last}, {name.first}" + (f" {name.middle_initial}" if name.middle_initial else "")
    return text.upper() if case.wording % 2 else text


# --- running_header ---------------------------------------------------------------------------


def draw_running_header(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP - RUNNING_HEADER_HEIGHT
    letterhead(sheet, case, "CUMULATIVE REPORT")
    physician = PiiItem("PHYSICIAN", case.physician.full)
    field_lines(
        sheet,
        [
            address_field("Address:", case),
            field("Phone:", case.phone, "PHONE"),
            field("Account #:", case.account_number, "ACCOUNT_NUMBER"),
            Field("Ordering Provider:", f"{case.physician.full}, MD", (physician,)),
            field("Accession:", case.accession, "ACCESSION"),
            Field("Collected:", case.collection_date),
            Field("Reported:", case.report_date),
        ],
    )
    table(sheet, case, spread_over=1 if case.fill_pages else case.target_pages)
    verifier = sheet.pii("STAFF", case.verifier_initials)
    technologist = sheet.pii("STAFF", case.technologist.full)
    pathologist = sheet.pii("STAFF", case.pathologist.full)
    lines(
        sheet,
        [
            f"Verified by: {verifier}   {case.report_date}",
            f"Performed by: {technologist}, MLS(ASCP)",
            f"Electronically signed by Dr. {pathologist}, Medical Director, on {case.report_date}",
        ],
    )


def running_header_decoration(sheet: Sheet, case: Case, page: int) -> None:
    name = sheet.pii("PERSON", running_name(case))
    dob = sheet.pii("DATE_OF_BIRTH", case.date_of_birth)
    mrn = sheet.pii("MRN", case.mrn)
    age, age_items = age_text(case, AGE_FORMS[case.wording % len(AGE_FORMS)])
    record(sheet, age_items)
    sheet.text(LEFT, TOP, f"Name: {name}", 9.0, BOLD)
    sheet.text(LEFT + 250, TOP, f"DOB: {dob}", 9.0)
    sheet.text(LEFT + 370, TOP, f"MRN: {mrn}", 9.0)
    sheet.text(LEFT, TOP - 12, f"Age/Sex: {age} / {'F' if case.female else 'M'}", 8.5)
    sheet.right_text(RIGHT, TOP - 12, f"Page {page} of {sheet.total_pages}", 8.5)
    sheet.rule(TOP - 18, 0.6)
    sheet.text(LEFT, FOOTER_Y, f"{name} | MRN {mrn} | Printed {case.report_date}", 8.0)
    sheet.text(LEFT, FOOTER_Y - 10, MARK, 7.0)


# --- uk_hospital ------------------------------------------------------------------------------


def draw_uk_hospital(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case, "CLINICAL BIOCHEMISTRY")
    patient, relative = case.patient, case.relatives[0]
    age, age_items = age_text(case, "{}y")
    dob = PiiItem("DATE_OF_BIRTH", case.date_of_birth)
    kin = f"{relative.name.first} {relative.name.last}"
    left = [
        field("Surname:", patient.last.upper(), "PERSON"),
        field("Forename:", patient.first, "PERSON"),
        Field("DOB:", f"{case.date_of_birth} ({age})", (dob, *age_items)),
        Field("Sex:", "Female" if case.female else "Male"),
        field("NHS No:", case.national_id, "NHS_NUMBER"),
        field("Hospital No:", case.hospital_number, "HOSPITAL_NUMBER"),
    ]
    right = [
        field("Address:", case.address.street, "ADDRESS"),
        field("", case.address.locality, "ADDRESS"),
        field("Postcode:", case.address.postcode, "POSTCODE"),
        field("Tel:", case.phone, "PHONE"),
        Field(
            "GP:", f"Dr {case.gp.first[0]} {case.gp.last}", (PiiItem("PHYSICIAN", case.gp.last),)
        ),
        Field(
            "Consultant:",
            f"Dr {case.consultant.full}",
            (PiiItem("PHYSICIAN", case.consultant.full),),
        ),
        Field(
            "Next of kin:",
            f"{kin} ({relative.relation}) {relative.phone}",
            (PiiItem("RELATIVE", kin), PiiItem("PHONE", relative.phone)),
        ),
    ]
    field_columns(sheet, left, right)
    field_lines(
        sheet,
        [
            field("Lab No:", case.accession, "ACCESSION"),
            Field("Sample taken:", case.collection_date),
            Field("Reported:", case.report_date),
        ],
        size=9.0,
    )
    table(sheet, case, style=TableStyle(header=("Test", "Result", "Flag", "Units", "Ref. Range")))
    scientist = sheet.pii("STAFF", f"{case.technologist.first[0]}. {case.technologist.last}")
    pathologist = sheet.pii("STAFF", case.pathologist.full)
    lines(
        sheet,
        [
            f"Reported by: {scientist}, Biomedical Scientist",
            f"Authorised by: Dr {pathologist}, Consultant Chemical Pathologist",
        ],
    )


def uk_footer(sheet: Sheet, case: Case, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{case.lab.name} - continued", 9.0, BOLD)
    name = sheet.pii("PERSON", f"{case.patient.last.upper()}, {case.patient.first}")
    nhs = sheet.pii("NHS_NUMBER", case.national_id)
    sheet.text(LEFT, FOOTER_Y + 10, f"{name}    NHS No: {nhs}", 8.0)
    sheet.right_text(RIGHT, FOOTER_Y + 10, f"Page {page} of {sheet.total_pages}", 8.0)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)


# --- eu_lab -----------------------------------------------------------------------------------

EU_WORDS: dict[str, dict[str, str]] = {
    "DE": {
        "title": "LABORBEFUND",
        "patient": "Patient:",
        "birth": "Geburtsdatum:",
        "age": "Alter:",
        "age_form": "{} Jahre",
        "address": "Anschrift:",
        "phone": "Telefon:",
        "national": "Versichertennr.:",
        "accession": "Auftragsnr.:",
        "physician": "Einsender:",
        "collected": "Probenentnahme:",
        "reported": "Befunddatum:",
        "verified": "Technisch validiert:",
        "signed": "Medizinisch freigegeben: Dr. med.",
        "page": "Seite {} von {}",
    },
    "NL": {
        "title": "UITSLAGEN",
        "patient": "Patient:",
        "birth": "Geboortedatum:",
        "age": "Leeftijd:",
        "age_form": "{} jaar",
        "address": "Adres:",
        "phone": "Telefoon:",
        "national": "BSN:",
        "accession": "Aanvraagnummer:",
        "physician": "Aanvrager:",
        "collected": "Afname:",
        "reported": "Uitslagdatum:",
        "verified": "Geautoriseerd door:",
        "signed": "Klinisch chemicus: dr.",
        "page": "Pagina {} van {}",
    },
    "FR": {
        "title": "COMPTE RENDU",
        "patient": "Patient(e):",
        "birth": "Date de naissance:",
        "age": "Age:",
        "age_form": "{} ans",
        "address": "Adresse:",
        "phone": "Tel.:",
        "national": "N. Securite sociale:",
        "accession": "N. de dossier:",
        "physician": "Prescripteur:",
        "collected": "Prelevement:",
        "reported": "Edite le:",
        "verified": "Valide par:",
        "signed": "Biologiste responsable: Dr",
        "page": "Page {} / {}",
    },
}
EU_HEADERS = {
    "DE": ("Analyse", "Ergebnis", "Flag", "Einheit", "Referenzbereich"),
    "NL": ("Bepaling", "Uitslag", "Vlag", "Eenheid", "Referentie"),
    "FR": ("Analyse", "Resultat", "Flag", "Unite", "Valeurs de reference"),
}


def eu_name(case: Case) -> tuple[str, str]:
    """The name as printed after the label, and the part of it that is the PII value."""
    name = case.patient
    match case.region:
        case "DE":
            value = f"{name.last}, {name.first}"
            return value, value
        case "NL":
            value = f"{name.first[0]}. {name.last}"
            return f"{'Mevr.' if case.female else 'Dhr.'} {value}", value
        case _:
            value = f"{name.last.upper()} {name.first}"
            return f"{'Mme' if case.female else 'M.'} {value}", value


def draw_eu_lab(sheet: Sheet, case: Case) -> None:
    words = EU_WORDS[case.region]
    sheet.y = TOP
    letterhead(sheet, case, words["title"])
    printed_name, name = eu_name(case)
    age, age_items = age_text(case, words["age_form"])
    left = [
        Field(words["patient"], printed_name, (PiiItem("PERSON", name),)),
        field(words["birth"], case.date_of_birth, "DATE_OF_BIRTH"),
        Field(words["age"], age, age_items),
        address_field(words["address"], case),
        field(words["phone"], case.phone, "PHONE"),
        field(words["national"], case.national_id, "NATIONAL_ID"),
    ]
    physician = PiiItem("PHYSICIAN", case.physician.full)
    right = [
        field(words["accession"], case.accession, "ACCESSION"),
        Field(words["physician"], f"Dr. {case.physician.full}", (physician,)),
        Field(words["collected"], case.collection_date),
        Field(words["reported"], case.report_date),
    ]
    if case.email:
        right.append(field("E-mail:", case.email, "EMAIL"))
    field_columns(sheet, left, right)
    table(sheet, case, style=TableStyle(header=EU_HEADERS[case.region]))
    verifier = sheet.pii("STAFF", case.verifier_initials)
    pathologist = sheet.pii("STAFF", case.pathologist.full)
    lines(sheet, [f"{words['verified']} {verifier}", f"{words['signed']} {pathologist}"])


def eu_footer(sheet: Sheet, case: Case, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{case.lab.name}", 9.0, BOLD)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)
    page_text = EU_WORDS[case.region]["page"].format(page, sheet.total_pages)
    sheet.right_text(RIGHT, FOOTER_Y, page_text, 7.5)


# --- urinalysis -------------------------------------------------------------------------------


def draw_urinalysis(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case, "URINALYSIS AND SEROLOGY")
    age, age_items = age_text(case, AGE_FORMS[case.wording % len(AGE_FORMS)])
    relative = case.relatives[0]
    kin = f"{relative.name.first} {relative.name.last}"
    collector = case.gp
    collector_initials = initials(collector.first, collector.middle_initial, collector.last)
    field_lines(
        sheet,
        [
            field("Patient:", case.patient.full, "PERSON"),
            Field("Age/Sex:", f"{age} / {'Female' if case.female else 'Male'}", age_items),
            field("DOB:", case.date_of_birth, "DATE_OF_BIRTH"),
            address_field("Address:", case),
            field("Phone:", case.phone, "PHONE"),
            Field(
                "Emergency Contact:",
                f"{kin} ({relative.relation}) {relative.phone}",
                (PiiItem("RELATIVE", kin), PiiItem("PHONE", relative.phone)),
            ),
            field("MRN:", case.mrn, "MRN"),
            field("Accession:", case.accession, "ACCESSION"),
            Field(
                "Ordering Provider:",
                f"{case.physician.full}, MD",
                (PiiItem("PHYSICIAN", case.physician.full),),
            ),
            Field("Collected:", case.collection_date),
            field("Collected by:", collector_initials, "STAFF"),
            Field("Reported:", case.report_date),
        ],
        size=9.0,
    )
    table(sheet, case)
    verifier = sheet.pii("STAFF", case.verifier_initials)
    pathologist = sheet.pii("STAFF", case.pathologist.full)
    lines(
        sheet,
        [
            "Specimen: urine, clean catch. A = abnormal; H = above, L = below the range.",
            f"Verified by: {verifier}  {case.report_date}",
            f"Electronically signed by {pathologist}, MD, Pathologist",
        ],
    )


def render(case: Case) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    match case.layout:
        case "running_header":
            return render_case(
                case, draw_running_header, running_header_decoration, RUNNING_HEADER_HEIGHT
            )
        case "uk_hospital":
            return render_case(case, draw_uk_hospital, uk_footer)
        case "eu_lab":
            return render_case(case, draw_eu_lab, eu_footer)
        case "urinalysis":
            return render_case(case, draw_urinalysis, plain_footer)
    raise ValueError(f"{case.layout!r} is not a tuning layout of this module")
