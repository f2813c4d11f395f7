"""Units of measure read back from OCR's usual confusions.

In the sans-serif fonts of lab reports Tesseract cannot tell ``I`` from ``l``, ``1``, ``|`` or a
bracket (or, in Times, ``T``), nor a small ``l`` from ``L``; it reads the small caret of
``10^3/uL`` as a ``4`` and ``h`` as ``n``, and in Courier ``%`` as ``&`` and ``f`` as ``£``:
``mIU/mL`` comes out ``mlU/mL``, ``fL`` comes out ``fl``. A word that is not a known unit, but
would be one were its confusable characters read the other way, is replaced by that unit. A word
with a character that no ordinary word has (a slash, a bracket, a bar, ``£``) and a letter is a
unit read with one character more, fewer or different (``mo/L``, ``/hpft``, ``[pf``): it is
replaced by the one unit that is one edit away, confusions aside. Values are never touched (a word
with no letter and no slash is left alone), and a word that matches several units, or none, stays
as read.
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
    {"l": "I", "1": "I", "|": "I", "i": "I", "!": "I", "[": "I", "]": "I", "\\": "I"}
    | {"L": "I", "T": "I", "4": "^", "n": "h", "0": "o", "£": "f", "&": "%"}
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
_MAY_BE_UNIT = re.compile(r"[A-Za-z/%&£]")
#: A letter and a character ordinary words do not have: a unit, possibly misread.
_UNIT_LIKE = re.compile(r"(?=.*[A-Za-z]).*[/\\|\[\]£]")


def _one_edit_apart(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one character inserted, deleted or replaced."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[i:] == b[i + 1 :] or a[i + 1 :] == b[i + 1 :]
    return True  # b is a with one character added at the end


def correct_unit(word: str) -> str:
    """``word``, or the known unit it is a confusion of: of a unit and its capitals (``pg``,
    ``PG``), the one in the word's case; nothing is guessed between two different units."""
    if word in _ALL_UNITS or not _MAY_BE_UNIT.search(word):
        return word
    key = _key(word)
    units = _LEXICON.get(key, frozenset())
    if not units and _UNIT_LIKE.match(word):
        units = frozenset().union(*(u for k, u in _LEXICON.items() if _one_edit_apart(key, k)))
    if len(units) > 1:
        upper = word.isupper()
        units = frozenset(unit for unit in units if unit.isupper() == upper)
    return next(iter(units)) if len(units) == 1 else word


def split_flag_from_unit(word: str) -> str:
    """``word``, or a flag and the unit fused after it written apart ("HfL" -> "H fL")."""
    if len(word) > 1 and word[0] in "HL":
        unit = correct_unit(word[1:])
        if unit in _ALL_UNITS:
            return f"{word[0]} {unit}"
    return word
