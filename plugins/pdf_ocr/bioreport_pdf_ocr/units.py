"""Units of measure read back from OCR's usual confusions.

In the sans-serif fonts of lab reports Tesseract cannot tell ``I`` from ``l``, ``1`` or ``|``,
reads the small caret of ``10^3/uL`` as a ``4``, and ``h`` as ``n``: ``mIU/mL`` comes out
``mlU/mL``. A word that is not a known unit, but would be one were its confusable characters
read the other way, is replaced by that unit. Values are never touched (a word with no letter
and no slash is left alone), and a word that matches several units, or none, stays as read.
"""

import re

#: Units of clinical chemistry, haematology, urinalysis and serology, as labs print them.
UNITS = (
    "%",
    "/hpf",
    "/lpf",
    "/uL",
    "10^3/uL",
    "10^6/uL",
    "10^9/L",
    "10^12/L",
    "cells/uL",
    "fL",
    "g/L",
    "g/dL",
    "IU/L",
    "IU/mL",
    "kU/L",
    "mEq/L",
    "mIU/L",
    "mIU/mL",
    "mL/min/1.73m2",
    "mg/L",
    "mg/dL",
    "mg/g",
    "mm/hr",
    "mmol/L",
    "mmol/mol",
    "mOsm/kg",
    "mU/L",
    "ng/L",
    "ng/dL",
    "ng/mL",
    "nmol/L",
    "pg",
    "pg/mL",
    "pmol/L",
    "ratio",
    "sec",
    "titer",
    "U/L",
    "U/mL",
    "uIU/mL",
    "ug/L",
    "ug/dL",
    "ug/mL",
    "umol/L",
    "x10E3/uL",
    "x10E6/uL",
)

#: Characters Tesseract confuses with one another in these units, by class; letters whose
#: capital has the same shape (``Pg``, ``Sec``) are compared in lower case.
_CONFUSABLE = str.maketrans(
    {"l": "I", "1": "I", "|": "I", "i": "I", "!": "I", "4": "^", "n": "h", "0": "o"}
    | {upper: upper.lower() for upper in "CKOPSUVWXZ"}
)
_ALL_UNITS = frozenset({*UNITS, *(unit.upper() for unit in UNITS)})


def _key(word: str) -> str:
    return word.translate(_CONFUSABLE)


def _lexicon() -> dict[str, frozenset[str]]:
    """Confusion key -> the units that share it."""
    lexicon: dict[str, set[str]] = {}
    for unit in _ALL_UNITS:
        lexicon.setdefault(_key(unit), set()).add(unit)
    return {key: frozenset(units) for key, units in lexicon.items()}


_LEXICON = _lexicon()
_MAY_BE_UNIT = re.compile(r"[A-Za-z/%]")


def correct_unit(word: str) -> str:
    """``word``, or the known unit it is a confusion of: of a unit and its capitals (``pg``,
    ``PG``), the one in the word's case; nothing is guessed between two different units."""
    if word in _ALL_UNITS or not _MAY_BE_UNIT.search(word):
        return word
    units = _LEXICON.get(_key(word), frozenset())
    if len(units) > 1:
        upper = word.isupper()
        units = frozenset(unit for unit in units if unit.isupper() == upper)
    return next(iter(units)) if len(units) == 1 else word
