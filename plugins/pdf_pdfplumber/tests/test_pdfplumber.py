from tests.contracts.extractor import ExtractorContract


class TestPdfplumber(ExtractorContract):
    engine = "pdfplumber"
    distribution = "bioreport-pdf-pdfplumber"
    library = "pdfplumber"
