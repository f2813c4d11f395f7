"""Writes ``bioreport_pdf_ocr/lab_words.txt``: the words of the analyte names, synonyms and
qualitative results of bioreport-norm-catalog's catalog, that OCR's confusions are read back
to (``bioreport_pdf_ocr.words``).

    python plugins/pdf_ocr/tools/lab_words.py \
        plugins/norm_catalog/bioreport_norm_catalog/data/analytes.yaml
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

TARGET = Path(__file__).parent.parent / "bioreport_pdf_ocr" / "lab_words.txt"
#: A word as Tesseract cuts it: between spaces, without the punctuation around it.
WORD = re.compile(r"[^\s,;:()\[\]\"]+")
HEADER = """\
# Words of lab reports that OCR's confusions are read back to (bioreport_pdf_ocr.words): the
# words of the analyte names, synonyms and qualitative results of bioreport-norm-catalog's
# catalog (data/analytes.yaml), written by plugins/pdf_ocr/tools/lab_words.py.
"""


def _strings(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _strings(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)
    elif isinstance(node, str) and key in ("name", "synonyms", "values"):
        yield node


def lab_words(catalog: Path) -> list[str]:
    words = {
        word.strip(".'")
        for text in _strings(yaml.safe_load(catalog.read_text(encoding="utf-8")))
        for word in WORD.findall(text)
    }
    return sorted(word for word in words if len(word) >= 2 and re.search(r"[A-Za-z]", word))


if __name__ == "__main__":
    words = lab_words(Path(sys.argv[1]))
    TARGET.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {TARGET}")
