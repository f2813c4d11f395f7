from bioreport_engine.testing import ExtractorContract, StorageContract


class TestPymupdf(ExtractorContract, StorageContract):
    engine = "pymupdf"
    distribution = "bioreport-pdf-pymupdf"
    library = "pymupdf"
    cli_anonymizer = "example-mask"  # tests/plugin_example, installed by nox
    # MuPDF inflates a content stream as it parses it: the 2 GB of spaces cost 50 MB and ~10 s,
    # and the page comes out blank.
    decompression_bomb_error = None
