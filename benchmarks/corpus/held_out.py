"""HELD-OUT LAYOUTS. ANONYMIZER TUNING MUST NOT READ THIS FILE.

Whoever tunes or writes the anonymizer must not open this module, print its documents, or
look at their text or ground truth (``truth.HELD_OUT_LAYOUTS``): they measure how the
anonymizer does on layouts nobody tuned it for. Only ``benchmarks.anonymization`` reports
figures for them, as totals per layout and per kind.

- ``au_pathology``: an Australian pathology report: Medicare and UR numbers, suburb in
  capitals with state and four-digit postcode, 04xx / (02) / +61 phones, DD/MM/YYYY,
  "Referring Dr" and "Copy to", an FRCPA signature, a footer with name, DOB and Medicare.
- ``requisition``: a requisition with results: patient, ordering physician and billing in
  three columns, so one extracted line carries a patient, a physician and a subscriber;
  policy, group and account numbers; ICD-10 codes; collector initials.
- ``lis_capitals``: a laboratory-information-system print-out in Courier capitals:
  "WHITE,HOPE M  MRN: ...  FIN: ..." repeated on every page, "AGE/SEX: 93Y/F",
  "ATTENDING: PAGE,WILL MD", capitalised results ("NON REACTIVE").
- ``consult_note``: a narrative consultation: "Ms. White is a 93-year-old woman", relatives
  by full and first name, physicians by surname, a scribe's initials, an electronic signature.
- ``ruled_grid``: demographics in a ruled grid whose labels sit on the line above the values,
  and a ruled results table.
"""

import dataclasses

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
from benchmarks.corpus.report import Section
from benchmarks.corpus.sheet import (
    BOLD,
    FOOTER_Y,
    LEFT,
    REGULAR,
    RIGHT,
    TOP,
    Sheet,
    TableStyle,
    unbreakable,
    width,
)
from benchmarks.corpus.truth import BiomarkerRow, PiiItem

#: Word-names (female, male, surnames) that only held-out reports use, on top of those in
#: ``people``: a name list grown from the tuning reports does not cover them.
WORD_NAMES: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    ("Merry", "Blossom", "Constance", "Liberty", "Harmony", "Precious", "Star", "Glory", "Bliss"),
    ("Clement", "Earnest", "Royal", "Sage", "Noble", "Stone", "Ace", "Major"),
    ("Copper", "Straw", "Reed", "Moss", "Heath", "Potter", "Weaver", "Salmon", "Brass",
     "Flower", "Pepper", "Sugar", "Honey", "Hale", "Stout", "Marrow", "Culture", "Plasma"),
)  # fmt: skip

COURIER, COURIER_BOLD = "Courier", "Courier-Bold"


def prepare(case: Case) -> Case:
    """What a layout changes in the planned content before drawing: the LIS prints its
    results in capitals, and the ground truth records them as printed."""
    if case.layout != "lis_capitals":
        return case
    sections = tuple(
        Section(
            section.heading.upper() if section.heading else None,
            tuple(_upper(row) for row in section.rows),
        )
        for section in case.sections
    )
    return dataclasses.replace(case, sections=sections)


def _upper(row: BiomarkerRow) -> BiomarkerRow:
    return BiomarkerRow(
        row.analyte.upper(), row.value.upper(), row.flag, row.unit.upper(), row.reference.upper()
    )


def _sex(case: Case) -> str:
    return "F" if case.female else "M"


# --- au_pathology -----------------------------------------------------------------------------


def au_name(case: Case) -> str:
    name = case.patient
    middle = f" {name.middle_initial}" if name.middle_initial else ""
    return f"{name.last.upper()}, {name.first}{middle}"


def draw_au_pathology(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case, "PATHOLOGY REPORT")
    age, age_items = age_text(case, "{} yrs")
    dob = PiiItem("DATE_OF_BIRTH", case.date_of_birth)
    gp = f"{case.gp.first[0]}. {case.gp.last}"
    left = [
        field("Name:", au_name(case), "PERSON"),
        Field("D.O.B.:", f"{case.date_of_birth}   Age: {age}", (dob, *age_items)),
        Field("Sex:", _sex(case)),
        field("Phone:", case.mobile, "PHONE"),
        field("Medicare No:", case.national_id, "MEDICARE_NUMBER"),
        field("UR No:", case.hospital_number, "HOSPITAL_NUMBER"),
    ]
    right = [
        field("Lab Ref:", case.accession, "ACCESSION"),
        Field(
            "Referring Dr:",
            f"Dr {case.physician.full}",
            (PiiItem("PHYSICIAN", case.physician.full),),
        ),
        Field("Copy to:", f"Dr {gp}", (PiiItem("PHYSICIAN", gp),)),
        Field("Collected:", case.collection_date),
        Field("Reported:", case.report_date),
    ]
    field_columns(sheet, left, right)
    field_lines(sheet, [address_field("Address:", case)], size=9.0)
    lines(sheet, ["Clinical notes: routine review. Tests: FBE, UEC, LFT, lipids, TFT."], 8.5)
    sheet.y -= 4
    header = ("Test", "Result", "Flag", "Units", "Reference Interval")
    table(sheet, case, style=TableStyle(header=header))
    pathologist = sheet.pii("STAFF", case.pathologist.full)
    scientist = sheet.pii("STAFF", case.verifier_initials)
    lines(sheet, [f"Scientist: {scientist}", f"Authorised by: Dr {pathologist} FRCPA"])


def au_footer(sheet: Sheet, case: Case, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{case.lab.name} - continued", 9.0, BOLD)
    name = sheet.pii("PERSON", au_name(case))
    dob = sheet.pii("DATE_OF_BIRTH", case.date_of_birth)
    medicare = sheet.pii("MEDICARE_NUMBER", case.national_id)
    sheet.text(LEFT, FOOTER_Y + 10, f"{name}   DOB {dob}   Medicare {medicare}", 8.0)
    sheet.right_text(RIGHT, FOOTER_Y + 10, f"Page {page} of {sheet.total_pages}", 8.0)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)


# --- requisition ------------------------------------------------------------------------------


def draw_requisition(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case, "REQUISITION AND RESULTS")
    patient, relative = case.patient, case.relatives[0]
    middle = f" {patient.middle_initial}" if patient.middle_initial else ""
    subscriber = f"{relative.name.first} {relative.name.last}"
    columns: list[list[Field]] = [
        [
            Field("PATIENT", ""),
            field("Name:", f"{patient.last}, {patient.first}{middle}", "PERSON"),
            Field("DOB:", case.date_of_birth, (PiiItem("DATE_OF_BIRTH", case.date_of_birth),)),
            Field("Sex:", _sex(case)),
            field("", case.address.street, "ADDRESS"),
            Field(
                "",
                f"{case.address.locality} {case.address.postcode}",
                (
                    PiiItem("ADDRESS", f"{case.address.locality} {case.address.postcode}"),
                    PiiItem("POSTCODE", case.address.postcode),
                ),
            ),
            field("Phone:", case.phone, "PHONE"),
        ],
        [
            Field("ORDERING PHYSICIAN", ""),
            Field("", f"Dr. {case.physician.full}", (PiiItem("PHYSICIAN", case.physician.full),)),
            Field("", "Family Medicine Associates"),
            Field("Copy to:", f"Dr. {case.gp.full}", (PiiItem("PHYSICIAN", case.gp.full),)),
            Field("Client #:", "C-2041"),
            field("MRN:", case.mrn, "MRN"),
            field("Accession:", case.accession, "ACCESSION"),
        ],
        [
            Field("BILLING", ""),
            Field("Bill to:", "Insurance"),
            field("Policy #:", case.insurance_id, "INSURANCE_ID"),
            field("Group #:", case.group_number, "ACCOUNT_NUMBER"),
            Field(
                "Subscriber:",
                f"{subscriber} ({relative.relation})",
                (PiiItem("RELATIVE", subscriber),),
            ),
            field("Account #:", case.account_number, "ACCOUNT_NUMBER"),
        ],
    ]
    _merged_columns(sheet, columns)
    collector = sheet.pii("STAFF", case.verifier_initials)
    lines(
        sheet,
        [
            "Tests ordered: [X] CBC   [X] CMP   [X] Lipid panel   [X] UA w/ reflex   [ ] PT/INR",
            "Diagnosis (ICD-10): E11.9, E78.5, N39.0     Fasting: Y",
            f"Specimen collected by: {collector}   Date/Time: {case.collection_date}",
        ],
        8.5,
    )
    sheet.y -= 4
    table(sheet, case)
    lines(sheet, [f"Reported: {case.report_date}"], 8.5)


def _merged_columns(sheet: Sheet, columns: list[list[Field]]) -> None:
    """Three label/value columns on shared baselines, the font shrunk until each fits."""
    starts = (LEFT, LEFT + 175, LEFT + 345)
    size = 8.5
    while size > 6.0:
        widths = [
            max(width(f"{f.label} {f.printed}".strip(), size, BOLD) for f in column)
            for column in columns
        ]
        ends = [start + w for start, w in zip(starts, widths, strict=True)]
        if ends[0] < starts[1] - 12 and ends[1] < starts[2] - 12 and ends[2] < RIGHT + 20:
            break
        size -= 0.5
    top = sheet.y
    for row in range(max(map(len, columns))):
        sheet.y = top - (row + 1) * size * 1.45
        for start, column in zip(starts, columns, strict=True):
            if row >= len(column):
                continue
            item = column[row]
            record(sheet, item.pii)
            if not item.printed:
                sheet.text(start, sheet.y, item.label, size, BOLD)
                continue
            label_width = width(f"{item.label} ", size, BOLD) if item.label else 0.0
            if item.label:
                sheet.text(start, sheet.y, item.label, size, BOLD)
            sheet.text(start + label_width, sheet.y, item.printed, size)
    sheet.y -= 10


# --- lis_capitals -----------------------------------------------------------------------------

LIS_HEADER_HEIGHT = 30.0


def lis_name(case: Case) -> str:
    name = case.patient
    middle = f" {name.middle_initial}" if name.middle_initial else ""
    return f"{name.last},{name.first}{middle}".upper()


def draw_lis_capitals(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP - LIS_HEADER_HEIGHT
    size = 8.5
    age, age_items = age_text(case, "{}Y")
    record(sheet, age_items)
    dob = sheet.pii("DATE_OF_BIRTH", case.date_of_birth)
    attending = sheet.pii("PHYSICIAN", f"{case.physician.last},{case.physician.first}".upper())
    accession = sheet.pii("ACCESSION", case.accession)
    address = sheet.pii("ADDRESS", case.address.printed.upper())
    sheet.pii("POSTCODE", case.address.postcode)
    phone = sheet.pii("PHONE", case.phone)
    texts = [
        f"{case.lab.name.upper()}",
        f"DOB: {dob}   AGE/SEX: {age}/{_sex(case)}   LOC: 4W-412-A",
        f"ATTENDING: {attending} MD",
        f"ADDR: {address}",
        f"PH: {phone}",
        f"ACC#: {accession}   COLL: {case.collection_date}",
    ]
    lines(sheet, texts, size, COURIER)
    sheet.y -= 4
    style = TableStyle(
        font=COURIER, bold=COURIER_BOLD, header=("TEST", "RESULT", "FLAG", "UNITS", "REFERENCE")
    )
    table(sheet, case, style=style)
    verifier = sheet.pii("STAFF", case.verifier_initials)
    technologist = case.technologist
    resulted = sheet.pii("STAFF", f"{technologist.last},{technologist.first}".upper())
    lines(
        sheet,
        [
            f"VERIFIED BY: {verifier}  {case.report_date}",
            f"RESULTED BY: {resulted} MT(ASCP)",
            "*** END OF REPORT ***",
        ],
        size,
        COURIER,
    )


def lis_decoration(sheet: Sheet, case: Case, page: int) -> None:
    name = sheet.pii("PERSON", lis_name(case))
    mrn = sheet.pii("MRN", case.mrn)
    fin = sheet.pii("ACCOUNT_NUMBER", case.account_number)
    sheet.text(LEFT, TOP, f"{name}  MRN: {mrn}  FIN: {fin}", 9.0, COURIER_BOLD)
    sheet.right_text(RIGHT, TOP, f"PAGE {page} OF {sheet.total_pages}", 8.5)
    sheet.rule(TOP - 8, 0.6)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)


# --- consult_note -----------------------------------------------------------------------------

REASONS = ("anemia", "an abnormal thyroid panel", "elevated liver enzymes", "fatigue")


def draw_consult_note(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case, "CONSULTATION NOTE")
    field_lines(
        sheet,
        [
            field("Patient:", case.patient.full, "PERSON"),
            field("DOB:", case.date_of_birth, "DATE_OF_BIRTH"),
            field("MRN:", case.mrn, "MRN"),
            Field("Date:", case.report_date),
        ],
        size=9.0,
    )
    she, her = ("She", "her") if case.female else ("He", "his")
    title = sheet.pii("PERSON", case.title)
    age_words = f"{case.age}-year-old"
    record(sheet, age_text(case, "{}-year-old")[1])
    referrer = sheet.pii("PHYSICIAN", case.physician.last)
    kin = case.relatives[0]
    kin_name = sheet.pii("RELATIVE", f"{kin.name.first} {kin.name.last}")
    kin_phone = sheet.pii("PHONE", kin.phone)
    address = sheet.pii("ADDRESS", case.address.printed)
    sheet.pii("POSTCODE", case.address.postcode)
    reason = REASONS[case.wording % len(REASONS)]
    opening = (
        f"{unbreakable(title)} is a {age_words} {'woman' if case.female else 'man'} referred by"
        f" Dr. {referrer} for evaluation of {reason}. {she} lives at {unbreakable(address)}"
        f" with {her} {kin.relation}, {unbreakable(kin_name)}, who accompanied"
        f" {her.replace('his', 'him')} today and can be reached at {unbreakable(kin_phone)}."
    )
    helper = case.relatives[-1]
    helper_first = sheet.pii("RELATIVE", helper.name.first)
    history = (
        f"{her.capitalize()} {helper.relation} {helper_first} manages {her} medications."
        f" {unbreakable(title)} denies bleeding, weight loss or fever. Laboratory results"
        f" collected {unbreakable(case.collection_date)} are shown below."
    )
    for text in (opening, history):
        sheet.paragraph(text, 9.5, 13.5)
        sheet.y -= 5
    table(sheet, case)
    consultant = sheet.pii("PHYSICIAN", case.consultant.full)
    gp = sheet.pii("PHYSICIAN", case.gp.full)
    plan = (
        f"Assessment and plan: findings discussed with Dr. {unbreakable(consultant)}."
        f" {unbreakable(title)} and {her} {kin.relation} agree with the plan. Follow-up in"
        f" four weeks; a copy goes to {her} primary care physician, Dr. {unbreakable(gp)}."
    )
    sheet.y -= 4
    sheet.paragraph(plan, 9.5, 13.5)
    scribe = sheet.pii("STAFF", case.verifier_initials)
    author = sheet.pii("STAFF", case.pathologist.full)
    lines(
        sheet,
        [
            f"Scribed by: {scribe}",
            f"Electronically signed by {author}, MD on {case.report_date}",
            f"cc: Dr. {gp}",
        ],
        9.0,
    )


# --- ruled_grid -------------------------------------------------------------------------------


def draw_ruled_grid(sheet: Sheet, case: Case) -> None:
    sheet.y = TOP
    letterhead(sheet, case)
    age, age_items = age_text(case, "{} yrs")
    kin = case.relatives[0]
    kin_name = f"{kin.name.first} {kin.name.last}"
    physician = PiiItem("PHYSICIAN", case.physician.full)
    grid = [
        [
            field("Patient Name", case.patient.full, "PERSON"),
            field("Date of Birth", case.date_of_birth, "DATE_OF_BIRTH"),
            Field("Age", age, age_items),
            Field("Sex", _sex(case)),
            field("MRN", case.mrn, "MRN"),
        ],
        [
            address_field("Address", case),
            field("Phone", case.phone, "PHONE"),
            field("Account No.", case.account_number, "ACCOUNT_NUMBER"),
        ],
        [
            Field("Ordering Provider", f"{case.physician.full}, MD", (physician,)),
            field("Accession", case.accession, "ACCESSION"),
            Field("Collected", case.collection_date),
            Field("Reported", case.report_date),
        ],
        [
            field("Emergency Contact", kin_name, "RELATIVE"),
            Field("Relationship", kin.relation.capitalize()),
            field("Contact Phone", kin.phone, "PHONE"),
        ],
    ]
    for row in grid:
        _grid_row(sheet, row)
    sheet.y -= 10
    table(sheet, case, style=TableStyle(ruled=True))
    reviewer = sheet.pii("STAFF", case.verifier_initials)
    releaser = sheet.pii("STAFF", case.technologist.full)
    lines(sheet, [f"Reviewed by: {reviewer}", f"Released by: {releaser}, MLS"])


def _grid_row(sheet: Sheet, cells: list[Field]) -> None:
    """One ruled row of cells: the labels on one baseline, the values on the next."""
    label_size, size = 7.0, 9.0
    while True:
        needs = [max(width(c.label, label_size, BOLD), width(c.printed, size)) + 10 for c in cells]
        if sum(needs) <= RIGHT - LEFT or size <= 6.5:
            break
        size -= 0.5
    spare = (RIGHT - LEFT - sum(needs)) / len(cells)
    top = sheet.y
    label_y, value_y, bottom = top - 9, top - 21, top - 26
    x = LEFT
    canvas = sheet.canvas
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, top, RIGHT, top)
    canvas.line(LEFT, bottom, RIGHT, bottom)
    for cell, need in zip(cells, needs, strict=True):
        record(sheet, cell.pii)
        canvas.line(x, top, x, bottom)
        sheet.text(x + 4, label_y, cell.label, label_size, BOLD)
        sheet.text(x + 4, value_y, cell.printed, size, REGULAR)
        x += need + spare
    canvas.line(RIGHT, top, RIGHT, bottom)
    sheet.y = bottom


def render(case: Case) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    match case.layout:
        case "au_pathology":
            return render_case(case, draw_au_pathology, au_footer)
        case "requisition":
            return render_case(case, draw_requisition, plain_footer)
        case "lis_capitals":
            return render_case(case, draw_lis_capitals, lis_decoration, LIS_HEADER_HEIGHT)
        case "consult_note":
            return render_case(case, draw_consult_note, plain_footer)
        case "ruled_grid":
            return render_case(case, draw_ruled_grid, plain_footer)
    raise ValueError(f"{case.layout!r} is not a held-out layout")
