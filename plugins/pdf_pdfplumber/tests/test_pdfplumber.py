from tests.contracts.extractor import ExtractorContract
from tests.contracts.storage_inputs import StorageContract


class TestPdfplumber(ExtractorContract, StorageContract):
    engine = "pdfplumber"
    distribution = "bioreport-pdf-pdfplumber"
    library = "pdfplumber"
