"""Drawing primitives shared by the layouts: text, wrapped paragraphs and the results table.

Two rules keep the text layer faithful to the ground truth:

* PII is recorded *by the code that draws it* (``Sheet.pii``), so the truth lists exactly what
  the page shows, and wrapping never splits a recorded value across lines.
* Each table row is drawn on one baseline with fixed column positions and gaps of at least
  ``MIN_COLUMN_GAP`` points, so text extractors keep a row's cells in order on one line.
"""

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from reportlab.lib.pagesizes import letter  # type: ignore[import-untyped, import-not-found, unused-ignore]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped, import-not-found, unused-ignore]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped, import-not-found, unused-ignore]

from benchmarks.corpus.truth import BiomarkerRow, PiiItem

if TYPE_CHECKING:
    from benchmarks.corpus.report import Section

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
    continuation_height: float = CONTINUATION_HEIGHT

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
        self.y = TOP - self.continuation_height

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
class TableStyle:
    """How a layout draws the results table; the default is the original four layouts' table.

    ``ruled`` draws a grid: a rule under every row and between columns (drawn between the
    cells, never through them, so text extraction is unchanged).
    """

    font: str = REGULAR
    bold: str = BOLD
    header: tuple[str, str, str, str, str] = TABLE_HEADER
    ruled: bool = False


DEFAULT_STYLE = TableStyle()
#: Changes made to every table's style inside :func:`restyled_tables`.
_RESTYLED: dict[str, Any] = {}


@contextmanager
def restyled_tables(**changes: Any) -> Iterator[None]:
    """Every results table drawn inside is drawn with ``changes`` to its ``TableStyle``
    (``font``, ``bold``, ``ruled``), whatever its layout asks: the OCR benchmark's variants of
    the tuning layouts in fonts and grids no layout uses."""
    _RESTYLED.update(changes)
    try:
        yield
    finally:
        _RESTYLED.clear()


class Tabular(Protocol):
    """What ``draw_table`` needs of a planned report (``Report`` and ``Case`` both have it)."""

    @property
    def sections(self) -> tuple["Section", ...]: ...
    @property
    def rows(self) -> tuple[BiomarkerRow, ...]: ...
    @property
    def table_font_size(self) -> float: ...
    @property
    def column_gap(self) -> float: ...


@dataclass(frozen=True)
class Columns:
    """Left edges of the five table columns for one document."""

    analyte: float
    value: float
    flag: float
    unit: float
    reference: float

    @classmethod
    def fit(
        cls,
        rows: tuple[BiomarkerRow, ...],
        size: float,
        gap: float,
        style: TableStyle = DEFAULT_STYLE,
    ) -> "Columns":
        """Each column starts ``gap`` after the widest cell of the previous one."""
        header, bold = style.header, style.bold
        x_value = LEFT + _widest([header[0], *(r.analyte for r in rows)], size, bold) + gap
        x_flag = x_value + _widest([header[1], *(r.value for r in rows)], size, bold) + gap
        x_unit = x_flag + _widest([header[2], "H", "L"], size, bold) + gap
        x_reference = x_unit + _widest([header[3], *(r.unit for r in rows)], size, bold) + gap
        end = x_reference + _widest([header[4], *(r.reference for r in rows)], size, bold)
        if end > RIGHT and gap > MIN_COLUMN_GAP:
            return cls.fit(rows, size, max(MIN_COLUMN_GAP, gap - (end - RIGHT) / 4), style)
        return cls(LEFT, x_value, x_flag, x_unit, x_reference)

    @property
    def edges(self) -> tuple[float, float, float, float, float]:
        return (self.analyte, self.value, self.flag, self.unit, self.reference)


def _widest(cells: list[str], size: float, font: str = BOLD) -> float:
    return max(width(cell, size, font) for cell in cells)


def draw_table(
    sheet: Sheet, report: Tabular, spread_over: int = 1, style: TableStyle = DEFAULT_STYLE
) -> None:
    """The results table from the cursor down, continued on new pages with its header repeated.

    ``spread_over`` pages > 1 splits the rows evenly over that many pages (headings count as
    rows), for the multi-page layout; a page also breaks when it is full. A heading never ends
    a page.
    """
    style = replace(style, **_RESTYLED)
    size = report.table_font_size
    leading = size * 1.55
    columns = Columns.fit(report.rows, size, report.column_gap, style)
    _table_header(sheet, columns, size, leading, style)
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
                _table_header(sheet, columns, size, leading, style)
            if heading:
                sheet.y -= leading * 1.2
                sheet.text(LEFT, sheet.y, heading, size, style.bold)
            sheet.y -= leading
            _table_row(sheet, columns, row, size, style)
            if style.ruled:
                _grid_lines(sheet, columns, sheet.y - leading * 0.3, leading)
            lines_before += lines
    sheet.y -= leading * 0.6
    sheet.rule(sheet.y, 0.4)


def _table_header(
    sheet: Sheet, columns: Columns, size: float, leading: float, style: TableStyle
) -> None:
    sheet.y -= leading
    for x, title in zip(columns.edges, style.header, strict=True):
        sheet.text(x, sheet.y, title, size, style.bold)
    sheet.y -= leading * 0.35
    sheet.rule(sheet.y, 0.8)


def _table_row(
    sheet: Sheet, columns: Columns, row: BiomarkerRow, size: float, style: TableStyle
) -> None:
    sheet.text(columns.analyte, sheet.y, row.analyte, size, style.font)
    sheet.text(columns.value, sheet.y, row.value, size, style.bold if row.flag else style.font)
    if row.flag:
        sheet.text(columns.flag, sheet.y, row.flag, size, style.bold)
    sheet.text(columns.unit, sheet.y, row.unit, size, style.font)
    sheet.text(columns.reference, sheet.y, row.reference, size, style.font)


def _grid_lines(sheet: Sheet, columns: Columns, bottom: float, height: float) -> None:
    """A cell border under the row and between the columns, a few points left of each."""
    sheet.canvas.setLineWidth(0.3)
    sheet.canvas.line(LEFT - 3, bottom, RIGHT, bottom)
    for x in (LEFT, *columns.edges[1:], RIGHT + 3):
        sheet.canvas.line(x - 3, bottom, x - 3, bottom + height)


def render_document(
    document_id: str,
    draw: Callable[[Sheet], None],
    decorate: Callable[[Sheet, int], None],
    continuation_height: float = CONTINUATION_HEIGHT,
) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    """PDF bytes, page count and the PII the pages show, in order of first appearance.

    Rendered twice: the first pass only counts pages so that footers can say "Page 1 of N".
    """
    _, pages, _ = _render_once(document_id, draw, decorate, continuation_height, 0)
    data, pages_again, pii = _render_once(document_id, draw, decorate, continuation_height, pages)
    assert pages_again == pages, "page count must not depend on the footer text"
    return data, pages, pii


def _render_once(
    document_id: str,
    draw: Callable[[Sheet], None],
    decorate: Callable[[Sheet, int], None],
    continuation_height: float,
    total_pages: int,
) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    canvas.setTitle(f"Laboratory report {document_id}")
    canvas.setSubject("Synthetic lab report with fictitious patient data")
    canvas.setCreator("bioreport-engine benchmarks.corpus")
    sheet = Sheet(canvas, decorate, total_pages, continuation_height=continuation_height)
    draw(sheet)
    sheet.finish()
    canvas.save()
    return buffer.getvalue(), sheet.page, tuple(sheet.printed_pii)
