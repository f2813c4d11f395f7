"""Words of lab reports read back from OCR's confusions of ``I``, ``l``, ``1`` and ``|``, and
of ``O`` and ``0``.

Tesseract reads "Vitamin B1" as "Vitamin Bl", "HbA1c" as "HbAic", "Iron" as "lron" and
"25-OH" as "25-0H": the analyte is then no longer found by name. A word that is not a word of
the lab lexicon (``lab_words.txt``: the analyte names, synonyms and qualitative results of the
catalog), but would be one were its confusable characters read the other way, is replaced by
that word. Only the confusions Tesseract makes count: ``I`` or ``1`` read as ``l``, ``1`` as
``i``, ``O`` as ``0`` and the like, never an ``i`` read as ``l`` ("Bill" is not "Bili") nor a
small letter as its capital ("iron" stays). A word with no letter (a value) is never touched,
nor is a lab word, nor a word that matches several lab words.
"""

import re
from functools import cache
from importlib import resources

#: A value and its flag read as one word ("3.2L", "5.2H"): the columns were close.
FUSED_FLAG = re.compile(r"([<>]?\d+(?:[.,]\d+)*)([HL])")

#: Characters Tesseract confuses with one another in words, by class.
_CONFUSABLE = str.maketrans({"l": "I", "1": "I", "|": "I", "i": "I", "!": "I", "0": "O"})
#: (printed, read) pairs of those confusions that Tesseract makes.
_MISREADINGS = frozenset(
    {(printed, read) for printed in "Il1" for read in "Il1|!" if printed != read}
    | {("1", "i"), ("O", "0"), ("0", "O"), ("o", "0")}
)


def _key(word: str) -> str:
    return word.translate(_CONFUSABLE)


@cache
def _lexicon() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The lab words, as listed and in capitals (LIS printouts), and confusion key -> the lab
    words that share it."""
    text = resources.files("bioreport_pdf_ocr").joinpath("lab_words.txt").read_text("utf-8")
    listed = [line for line in text.splitlines() if line and not line.startswith("#")]
    words = {form for word in listed for form in (word, word.upper())}
    keys: dict[str, set[str]] = {}
    for word in words:
        keys.setdefault(_key(word), set()).add(word)
    return frozenset(words), {key: frozenset(found) for key, found in keys.items()}


def correct_word(word: str) -> str:
    """``word``, or the one lab word it is a confusion of."""
    if not any(ch.isalpha() for ch in word):
        return word
    words, keys = _lexicon()
    if word in words:
        return word
    found = [lab for lab in keys.get(_key(word), ()) if _misread_as(lab, word)]
    return found[0] if len(found) == 1 else word


def _misread_as(printed: str, read: str) -> bool:
    return all(p == r or (p, r) in _MISREADINGS for p, r in zip(printed, read, strict=True))


def split_flag(word: str) -> str:
    """``word``, or a value and the flag fused to it written apart ("3.2L" -> "3.2 L")."""
    fused = FUSED_FLAG.fullmatch(word)
    return f"{fused[1]} {fused[2]}" if fused else word
