"""Pieces the issue-13 layouts share: labelled fields, letterheads, signatures, running lines.

Every helper records the PII it prints through ``Sheet.pii`` at the moment it draws it, so a
layout's ground truth is exactly what its pages show.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.corpus.case import Case
from benchmarks.corpus.sheet import (
    BOLD,
    FOOTER_Y,
    LEFT,
    MIN_COLUMN_GAP,
    PAGE_WIDTH,
    RIGHT,
    TOP,
    Sheet,
    TableStyle,
    draw_table,
    render_document,
    width,
)
from benchmarks.corpus.truth import PiiItem

MARK = "SYNTHETIC TEST DATA - fictitious patient"
Drawer = Callable[[Sheet, Case], None]
Decorator = Callable[[Sheet, Case, int], None]


@dataclass(frozen=True)
class Field:
    """A label, the value as printed, and the PII items that value shows (none for dates)."""

    label: str
    printed: str
    pii: tuple[PiiItem, ...] = ()


def field(label: str, printed: str, *kinds: str) -> Field:
    """A field whose whole printed value is one PII item of each of ``kinds``."""
    return Field(label, printed, tuple(PiiItem(kind, printed) for kind in kinds))


def address_field(label: str, case: Case) -> Field:
    """The one-line address, recorded as ADDRESS and its postcode as POSTCODE."""
    printed = case.address.printed
    return Field(
        label,
        printed,
        (PiiItem("ADDRESS", printed), PiiItem("POSTCODE", case.address.postcode)),
    )


def age_text(case: Case, form: str) -> tuple[str, tuple[PiiItem, ...]]:
    """The age in ``form`` ("{} years", "{}Y"...) and, from 90 on, its AGE_OVER_89 item."""
    printed = form.format(case.age)
    return printed, ((PiiItem("AGE_OVER_89", printed),) if case.is_old else ())


def record(sheet: Sheet, items: Sequence[PiiItem]) -> None:
    for item in items:
        sheet.pii(item.kind, item.value)


def draw_field(
    sheet: Sheet, item: Field, label_x: float, value_x: float, size: float, font: str
) -> None:
    record(sheet, item.pii)
    sheet.text(label_x, sheet.y, item.label, size, BOLD if font == "Helvetica" else font)
    sheet.text(value_x, sheet.y, item.printed, size, font)


def field_lines(
    sheet: Sheet, fields: Sequence[Field], size: float = 9.5, font: str = "Helvetica"
) -> None:
    """One "Label: value" per line, values aligned after the widest label."""
    value_x = LEFT + max(width(f.label, size, BOLD) for f in fields) + 8
    for item in fields:
        sheet.y -= size * 1.42
        draw_field(sheet, item, LEFT, value_x, size, font)
    sheet.y -= 8


def field_columns(
    sheet: Sheet, left: Sequence[Field], right: Sequence[Field], size: float = 9.0
) -> None:
    """Two label/value columns on shared baselines, shrinking the font until both fit."""
    while True:
        left_value_x = LEFT + max(width(f.label, size, BOLD) for f in left) + 6
        widest_left = max(width(f.printed, size) for f in left)
        right_x = max(PAGE_WIDTH / 2, left_value_x + widest_left + 2 * MIN_COLUMN_GAP)
        right_value_x = right_x + max(width(f.label, size, BOLD) for f in right) + 6
        if right_value_x + max(width(f.printed, size) for f in right) <= RIGHT + 20 or size <= 7:
            break
        size -= 0.5
    top = sheet.y
    for row in range(max(len(left), len(right))):
        sheet.y = top - (row + 1) * size * 1.45
        if row < len(left):
            draw_field(sheet, left[row], LEFT, left_value_x, size, "Helvetica")
        if row < len(right):
            draw_field(sheet, right[row], right_x, right_value_x, size, "Helvetica")
    sheet.y -= 8


def letterhead(sheet: Sheet, case: Case, title: str = "LABORATORY REPORT") -> None:
    """Lab name and address (an organisation, not PII) and a rule, from the cursor down."""
    sheet.y -= 14
    sheet.text(LEFT, sheet.y, case.lab.name, 14.0, BOLD)
    sheet.right_text(RIGHT, sheet.y, title, 10.0, BOLD)
    sheet.y -= 12
    sheet.text(LEFT, sheet.y, case.lab.address, 8.0)
    sheet.y -= 8
    sheet.rule(sheet.y, 1.0)
    sheet.y -= 4


def lines(sheet: Sheet, texts: Sequence[str], size: float = 8.5, font: str = "Helvetica") -> None:
    """Short lines (signatures, notes) that never wrap; each must fit the page width."""
    for text in texts:
        if not sheet.room_for(size * 1.5):
            sheet.next_page()
        sheet.y -= size * 1.5
        sheet.text(LEFT, sheet.y, text, size, font)


def table(sheet: Sheet, case: Case, spread_over: int = 1, style: TableStyle | None = None) -> None:
    draw_table(sheet, case, spread_over, style or TableStyle())


def plain_footer(sheet: Sheet, case: Case, page: int) -> None:
    if page > 1:
        sheet.text(LEFT, TOP, f"{case.lab.name} - continued", 9.0, BOLD)
    sheet.text(LEFT, FOOTER_Y, MARK, 7.0)
    sheet.right_text(RIGHT, FOOTER_Y, f"Page {page} of {sheet.total_pages}", 7.5)


def render_case(
    case: Case, draw: Drawer, decorate: Decorator, continuation_height: float = 26.0
) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    return render_document(
        case.document_id,
        lambda sheet: draw(sheet, case),
        lambda sheet, page: decorate(sheet, case, page),
        continuation_height,
    )
