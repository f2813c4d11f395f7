from tests.contracts.extractor import ExtractorContract


class TestPymupdf(ExtractorContract):
    engine = "pymupdf"
    distribution = "bioreport-pdf-pymupdf"
    library = "pymupdf"
