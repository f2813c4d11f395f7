from tests.contracts.extractor import ExtractorContract
from tests.contracts.storage_inputs import StorageContract


class TestPymupdf(ExtractorContract, StorageContract):
    engine = "pymupdf"
    distribution = "bioreport-pdf-pymupdf"
    library = "pymupdf"
