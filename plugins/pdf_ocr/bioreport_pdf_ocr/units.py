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
)

#: Characters Tesseract confuses with one another in these units, by class.
_CONFUSABLE = str.maketrans({"l": "I", "1": "I", "|": "I", "i": "I", "!": "I", "4": "^", "n": "h"})


def _key(word: str) -> str:
    return word.translate(_CONFUSABLE)


def _lexicon() -> dict[str, str | None]:
    """Confusion key -> unit; ``None`` where two units share a key (neither is guessed)."""
    lexicon: dict[str, str | None] = {}
    for unit in {*UNITS, *(unit.upper() for unit in UNITS)}:
        key = _key(unit)
        lexicon[key] = unit if lexicon.get(key, unit) == unit else None
    return lexicon


_KNOWN = frozenset({*UNITS, *(unit.upper() for unit in UNITS)})
_LEXICON = _lexicon()
_MAY_BE_UNIT = re.compile(r"[A-Za-z/%]")


def correct_unit(word: str) -> str:
    """``word``, or the known unit it is a confusion of."""
    if word in _KNOWN or not _MAY_BE_UNIT.search(word):
        return word
    return _LEXICON.get(_key(word)) or word
