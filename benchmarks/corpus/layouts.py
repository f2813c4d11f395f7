"""The four page layouts, and rendering a planned report to PDF bytes.

The layouts differ where extraction and anonymization differ in difficulty: PII as
"Label: value" lines (``key_value``), as two label/value columns side by side
(``two_column``), inside running sentences (``prose``), and repeated in a running footer
across pages in "Last, First" form (``multi_page``). All share the results table of
``sheet.draw_table``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.corpus.report import Report
from benchmarks.corpus.sheet import (
    BOLD,
    FOOTER_Y,
    LEFT,
    MIN_COLUMN_GAP,
    PAGE_WIDTH,
    RIGHT,
    TOP,
    Sheet,
    draw_table,
    render_document,
    unbreakable,
    width,
)
from benchmarks.corpus.truth import LAYOUTS, PiiItem

HEADER_SIZE = 9.5
HEADER_LEADING = 13.5
NOTE_SIZE = 8.0
MARK = "SYNTHETIC TEST DATA - fictitious patient"


@dataclass(frozen=True)
class Field:
    """A header line: label, value as printed, and the PII it shows (``None`` for dates).

    ``pii.value`` differs from ``printed`` only for the physician, whose title ("Dr.", ", MD")
    is not part of the recorded name.
    """

    label: str
    printed: str
    pii: PiiItem | None


def render(report: Report) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    """PDF bytes, page count and the PII the pages show, in order of first appearance."""
    decorate = _running_footer if report.layout == "multi_page" else _plain_footer
    return render_document(
        report.document_id,
        lambda sheet: DRAWERS[report.layout](sheet, report),
        lambda sheet, page: decorate(sheet, report, page),
    )


def draw_key_value(sheet: Sheet, report: Report) -> None:
    """Letterhead, one "Label: value" line per field, the table, a short comment."""
    _letterhead(sheet, report)
    _field_lines(sheet, _patient_fields(report) + _order_fields(report))
    draw_table(sheet, report)
    _closing_note(sheet)


def draw_two_column(sheet: Sheet, report: Report) -> None:
    """Patient fields on the left, specimen and physician on the right, the address below."""
    _letterhead(sheet, report)
    patient_fields = _patient_fields(report)
    address = [f for f in patient_fields if f.label == "Address:"]
    left = [f for f in patient_fields if f not in address]
    right = _order_fields(report)
    if patient_fields[-1].pii and patient_fields[-1].pii.kind == "INSURANCE_ID":
        right.append(left.pop())  # the member ID travels with the order: balances the columns
    _field_columns(sheet, left, right)
    _field_lines(sheet, address)
    draw_table(sheet, report)
    _closing_note(sheet)


def draw_prose(sheet: Sheet, report: Report) -> None:
    """PII inside sentences before the table, and the patient's name again after it."""
    _letterhead(sheet, report)
    sheet.y -= 6
    for paragraph in _opening_paragraphs(sheet, report):
        sheet.paragraph(paragraph, 10.0, 14.0)
        sheet.y -= 6
    draw_table(sheet, report)
    name = unbreakable(sheet.pii("PERSON", report.cast.patient.name.full))
    closing = CLOSINGS[report.wording % len(CLOSINGS)].format(name=name)
    sheet.y -= 4
    sheet.paragraph(f"Comment: {closing}", 9.0, 13.0)


def draw_multi_page(sheet: Sheet, report: Report) -> None:
    """The table spread over 2-4 pages; every footer repeats "Last, First | MRN | Page"."""
    _letterhead(sheet, report)
    _field_lines(sheet, _patient_fields(report) + _order_fields(report))
    draw_table(sheet, report, spread_over=report.target_pages)
    _closing_note(sheet)
    sheet.pii("PHYSICIAN", report.cast.physician.full)
    sheet.paragraph(f"Report released to {unbreakable(report.physician)}.", NOTE_SIZE, 12.0)


DRAWERS: dict[str, Callable[[Sheet, Report], None]] = {
    "key_value": draw_key_value,
    "two_column": draw_two_column,
    "prose": draw_prose,
    "multi_page": draw_multi_page,
}
assert tuple(DRAWERS) == LAYOUTS

OPENINGS = (
    "This report for {name} (born {dob}), residing at {address}, was requested by {physician}."
    " Contact: {phone}.",
    "{name}, date of birth {dob}, of {address}, was referred by {physician} for the tests"
    " below. The patient can be reached at {phone}.",
    "Specimen received for {name} (DOB {dob}), home address {address}, ordered by"
    " {physician}; telephone {phone}.",
)
IDENTIFIERS = (
    "Medical record number {mrn}, accession {accession}. Collected {collected}; reported"
    " {reported}.",
    "The sample was registered as {accession} under patient ID {mrn}, collected on {collected}"
    " and reported on {reported}.",
)
CLOSINGS = (
    "Results reviewed with {name} by phone.",
    "{name} was informed of the flagged results; please correlate clinically.",
    "Interpretation discussed with {name}. A repeat panel is suggested in three months.",
)


def _opening_paragraphs(sheet: Sheet, report: Report) -> list[str]:
    patient = report.cast.patient
    sheet.pii("PHYSICIAN", report.cast.physician.full)
    first = OPENINGS[report.wording % len(OPENINGS)].format(
        name=unbreakable(sheet.pii("PERSON", patient.name.full)),
        dob=sheet.pii("DATE_OF_BIRTH", report.date_of_birth),
        address=unbreakable(sheet.pii("ADDRESS", patient.address)),
        physician=unbreakable(report.physician),
        phone=unbreakable(sheet.pii("PHONE", patient.phone)),
    )
    second = IDENTIFIERS[report.wording % len(IDENTIFIERS)].format(
        mrn=sheet.pii("MRN", patient.mrn),
        accession=sheet.pii("ACCESSION", report.cast.accession),
        collected=unbreakable(report.collection_date),
        reported=unbreakable(report.report_date),
    )
    extras = []
    if patient.email:
        extras.append(f"Results portal email: {sheet.pii('EMAIL', patient.email)}.")
    if patient.insurance_id:
        member = sheet.pii("INSURANCE_ID", patient.insurance_id)
        extras.append(f"Billed to insurance member {member}.")
    if patient.ssn:
        extras.append(f"SSN on file: {sheet.pii('SSN', patient.ssn)}.")
    return [first, " ".join([second, *extras])]


def _patient_fields(report: Report) -> list[Field]:
    patient, labels = report.cast.patient, report.labels
    fields = [
        Field(labels.person, patient.name.full, PiiItem("PERSON", patient.name.full)),
        Field(labels.birth, report.date_of_birth, PiiItem("DATE_OF_BIRTH", report.date_of_birth)),
        Field("Address:", patient.address, PiiItem("ADDRESS", patient.address)),
        Field(labels.phone, patient.phone, PiiItem("PHONE", patient.phone)),
    ]
    if patient.email:
        fields.append(Field("Email:", patient.email, PiiItem("EMAIL", patient.email)))
    if patient.ssn:
        fields.append(Field("SSN:", patient.ssn, PiiItem("SSN", patient.ssn)))
    if patient.insurance_id:
        member = PiiItem("INSURANCE_ID", patient.insurance_id)
        fields.append(Field(labels.insurance, patient.insurance_id, member))
    return fields


def _order_fields(report: Report) -> list[Field]:
    labels, cast = report.labels, report.cast
    return [
        Field(labels.mrn, cast.patient.mrn, PiiItem("MRN", cast.patient.mrn)),
        Field(labels.accession, cast.accession, PiiItem("ACCESSION", cast.accession)),
        Field(labels.physician, report.physician, PiiItem("PHYSICIAN", cast.physician.full)),
        Field(labels.collected, report.collection_date, None),
        Field(labels.reported, report.report_date, None),
    ]


def _draw_field(sheet: Sheet, field: Field, label_x: float, value_x: float, size: float) -> None:
    if field.pii:
        sheet.pii(field.pii.kind, field.pii.value)
    sheet.text(label_x, sheet.y, field.label, size, BOLD)
    sheet.text(value_x, sheet.y, field.printed, size)


def _field_lines(sheet: Sheet, fields: list[Field]) -> None:
    """One "Label: value" per line, values aligned after the widest label."""
    value_x = LEFT + _widest_label(fields, HEADER_SIZE) + 8
    for field in fields:
        sheet.y -= HEADER_LEADING
        _draw_field(sheet, field, LEFT, value_x, HEADER_SIZE)
    sheet.y -= 8


def _field_columns(sheet: Sheet, left: list[Field], right: list[Field]) -> None:
    """Two label/value columns on shared baselines, shrinking the font until both fit."""
    size = HEADER_SIZE
    while True:
        left_value_x = LEFT + _widest_label(left, size) + 6
        right_x = max(PAGE_WIDTH / 2, left_value_x + _widest_value(left, size) + 2 * MIN_COLUMN_GAP)
        right_value_x = right_x + _widest_label(right, size) + 6
        if right_value_x + _widest_value(right, size) <= RIGHT + 20 or size <= 7.0:
            break
        size -= 0.5
    leading = size * 1.45
    top = sheet.y
    for row in range(max(len(left), len(right))):
        sheet.y = top - (row + 1) * leading
        if row < len(left):
            _draw_field(sheet, left[row], LEFT, left_value_x, size)
        if row < len(right):
            _draw_field(sheet, right[row], right_x, right_value_x, size)
    sheet.y -= 8


def _widest_label(fields: list[Field], size: float) -> float:
    return max(width(field.label, size, BOLD) for field in fields)


def _widest_value(fields: list[Field], size: float) -> float:
    return max(width(field.printed, size) for field in fields)


def _letterhead(sheet: Sheet, report: Report) -> None:
    lab = report.cast.lab
    sheet.y = TOP
    sheet.text(LEFT, sheet.y, lab.name, 14.0, BOLD)
    sheet.right_text(RIGHT, sheet.y, "LABORATORY REPORT", 10.0, BOLD)
    sheet.y -= 12
    sheet.text(LEFT, sheet.y, lab.address, 8.0)
    sheet.y -= 8
    sheet.rule(sheet.y, 1.0)
    sheet.y -= 4


def _closing_note(sheet: Sheet) -> None:
    sheet.paragraph(
        "H = above the reference range, L = below it. Reference ranges depend on age, sex and"
        " method; interpret with the clinical context.",
        NOTE_SIZE,
        12.0,
    )


def _plain_footer(sheet: Sheet, report: Report, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{report.cast.lab.name} - continued", 9.0, BOLD)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)
    sheet.right_text(RIGHT, FOOTER_Y, f"Page {page} of {sheet.total_pages}", 7.5)


def _running_footer(sheet: Sheet, report: Report, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{report.cast.lab.name} - continued", 9.0, BOLD)
    name = sheet.pii("PERSON", report.running_name)
    mrn = sheet.pii("MRN", report.cast.patient.mrn)
    sheet.text(LEFT, FOOTER_Y, f"{name} | MRN {mrn} | Page {page} of {sheet.total_pages}", 8.0)
    sheet.text(LEFT, FOOTER_Y - 10, MARK, 7.0)
