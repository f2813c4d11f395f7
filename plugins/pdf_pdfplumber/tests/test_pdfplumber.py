from bioreport_engine.testing import ExtractorContract, StorageContract


class TestPdfplumber(ExtractorContract, StorageContract):
    engine = "pdfplumber"
    distribution = "bioreport-pdf-pdfplumber"
    library = "pdfplumber"
    cli_anonymizer = "example-mask"  # tests/plugin_example, installed by nox
