"""Drawing primitives shared by the layouts: text, wrapped paragraphs and the results table.

Two rules keep the text layer faithful to the ground truth:

* PII is recorded *by the code that draws it* (``Sheet.pii``), so the truth lists exactly what
  the page shows, and wrapping never splits a recorded value across lines.
* Each table row is drawn on one baseline with fixed column positions and gaps of at least
  ``MIN_COLUMN_GAP`` points, so text extractors keep a row's cells in order on one line.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import letter  # type: ignore[import-untyped, import-not-found, unused-ignore]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped, import-not-found, unused-ignore]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped, import-not-found, unused-ignore]

from benchmarks.corpus.report import Report
from benchmarks.corpus.truth import BiomarkerRow, PiiItem

PAGE_WIDTH: float = letter[0]
PAGE_HEIGHT: float = letter[1]
LEFT, RIGHT = 54.0, PAGE_WIDTH - 54.0
TOP, BOTTOM = PAGE_HEIGHT - 48.0, 70.0
FOOTER_Y = 40.0
#: Pages after the first start below a one-line continuation header.
CONTINUATION_HEIGHT = 26.0
MIN_COLUMN_GAP = 15.0
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
TABLE_HEADER = ("Test", "Result", "Flag", "Units", "Reference Range")
#: Stands for a space inside a value that wrapping must not break (e.g. a name).
NO_BREAK = "\x00"


def width(text: str, size: float, font: str = REGULAR) -> float:
    return float(stringWidth(text, font, size))


@dataclass
class Sheet:
    """A canvas plus a cursor, page numbering and the PII printed so far.

    ``decorate`` draws what pages repeat (footer, continuation header above ``TOP -
    CONTINUATION_HEIGHT``) when a page is finished. It may print ``total_pages``, which the
    caller learns from a first rendering pass: "Page 1 of N" is drawn before page N exists.
    """

    canvas: Canvas
    decorate: Callable[["Sheet", int], None]
    total_pages: int
    page: int = 1
    y: float = TOP
    printed_pii: list[PiiItem] = field(default_factory=list)

    def pii(self, kind: str, value: str) -> str:
        """Note ``value`` as printed PII (once per kind and value) and hand it back for drawing."""
        item = PiiItem(kind, value)
        if item not in self.printed_pii:
            self.printed_pii.append(item)
        return value

    def text(self, x: float, y: float, text: str, size: float, font: str = REGULAR) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, y, text.replace(NO_BREAK, " "))

    def right_text(self, x: float, y: float, text: str, size: float, font: str = REGULAR) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawRightString(x, y, text)

    def rule(self, y: float, thickness: float = 0.6) -> None:
        self.canvas.setLineWidth(thickness)
        self.canvas.line(LEFT, y, RIGHT, y)

    def room_for(self, height: float) -> bool:
        return self.y - height >= BOTTOM

    def next_page(self) -> None:
        """Finish this page (with its decoration) and move the cursor to the top of a new one."""
        self.decorate(self, self.page)
        self.canvas.showPage()
        self.page += 1
        self.y = TOP - CONTINUATION_HEIGHT

    def finish(self) -> None:
        self.decorate(self, self.page)
        self.canvas.showPage()

    def paragraph(self, text: str, size: float, leading: float, font: str = REGULAR) -> None:
        """Greedy word wrap at ``size``; ``NO_BREAK`` joins words that must stay on one line."""
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and width(candidate.replace(NO_BREAK, " "), size, font) > RIGHT - LEFT:
                self._paragraph_line(line, size, leading, font)
                line = word
            else:
                line = candidate
        if line:
            self._paragraph_line(line, size, leading, font)

    def _paragraph_line(self, line: str, size: float, leading: float, font: str) -> None:
        if not self.room_for(leading):
            self.next_page()
        self.y -= leading
        self.text(LEFT, self.y, line, size, font)


def unbreakable(value: str) -> str:
    """``value`` with its spaces protected from wrapping."""
    return value.replace(" ", NO_BREAK)


@dataclass(frozen=True)
class Columns:
    """Left edges of the five table columns for one document."""

    analyte: float
    value: float
    flag: float
    unit: float
    reference: float

    @classmethod
    def fit(cls, rows: tuple[BiomarkerRow, ...], size: float, gap: float) -> "Columns":
        """Each column starts ``gap`` after the widest cell of the previous one."""
        x_value = LEFT + _widest([TABLE_HEADER[0], *(r.analyte for r in rows)], size) + gap
        x_flag = x_value + _widest([TABLE_HEADER[1], *(r.value for r in rows)], size) + gap
        x_unit = x_flag + _widest([TABLE_HEADER[2], "H", "L"], size) + gap
        x_reference = x_unit + _widest([TABLE_HEADER[3], *(r.unit for r in rows)], size) + gap
        end = x_reference + _widest([TABLE_HEADER[4], *(r.reference for r in rows)], size)
        if end > RIGHT and gap > MIN_COLUMN_GAP:
            return cls.fit(rows, size, max(MIN_COLUMN_GAP, gap - (end - RIGHT) / 4))
        return cls(LEFT, x_value, x_flag, x_unit, x_reference)


def _widest(cells: list[str], size: float) -> float:
    return max(width(cell, size, BOLD) for cell in cells)


def draw_table(sheet: Sheet, report: Report, spread_over: int = 1) -> None:
    """The results table from the cursor down, continued on new pages with its header repeated.

    ``spread_over`` pages > 1 splits the rows evenly over that many pages (headings count as
    rows), for the multi-page layout; a page also breaks when it is full. A heading never ends
    a page.
    """
    size = report.table_font_size
    leading = size * 1.55
    columns = Columns.fit(report.rows, size, report.column_gap)
    _table_header(sheet, columns, size, leading)
    total_lines = sum(len(s.rows) + (1 if s.heading else 0) for s in report.sections)
    lines_before, share = 0, 0
    for section in report.sections:
        for index, row in enumerate(section.rows):
            heading = section.heading if index == 0 else None
            lines = 2 if heading else 1
            wanted_share = lines_before * spread_over // total_lines
            if wanted_share > share or not sheet.room_for(leading * (lines + 0.5)):
                share = max(share, wanted_share)
                sheet.next_page()
                _table_header(sheet, columns, size, leading)
            if heading:
                sheet.y -= leading * 1.2
                sheet.text(LEFT, sheet.y, heading, size, BOLD)
            sheet.y -= leading
            _table_row(sheet, columns, row, size)
            lines_before += lines
    sheet.y -= leading * 0.6
    sheet.rule(sheet.y, 0.4)


def _table_header(sheet: Sheet, columns: Columns, size: float, leading: float) -> None:
    sheet.y -= leading
    xs = (columns.analyte, columns.value, columns.flag, columns.unit, columns.reference)
    for x, title in zip(xs, TABLE_HEADER, strict=True):
        sheet.text(x, sheet.y, title, size, BOLD)
    sheet.y -= leading * 0.35
    sheet.rule(sheet.y, 0.8)


def _table_row(sheet: Sheet, columns: Columns, row: BiomarkerRow, size: float) -> None:
    sheet.text(columns.analyte, sheet.y, row.analyte, size)
    sheet.text(columns.value, sheet.y, row.value, size, BOLD if row.flag else REGULAR)
    if row.flag:
        sheet.text(columns.flag, sheet.y, row.flag, size, BOLD)
    sheet.text(columns.unit, sheet.y, row.unit, size)
    sheet.text(columns.reference, sheet.y, row.reference, size)
