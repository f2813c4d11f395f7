from tests.contracts.extractor import ExtractorContract
from tests.contracts.storage_inputs import StorageContract


class TestPymupdf(ExtractorContract, StorageContract):
    engine = "pymupdf"
    distribution = "bioreport-pdf-pymupdf"
    library = "pymupdf"
    # MuPDF inflates a content stream as it parses it: the 2 GB of spaces cost 50 MB and ~10 s,
    # and the page comes out blank.
    decompression_bomb_error = None
