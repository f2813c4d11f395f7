"""``LLM_ENGINE=rules``: result rows read from the anonymized text with the catalog's vocabulary.

No network, no key, no model: one line is one row when it starts with a name the catalog knows
(whole words: "MCH" never matches "MCHC"), followed by a value, and then only what a result row
holds: a flag, a unit, a reference range. Lines with an anonymizer placeholder (``<PERSON_1>``)
are never rows. Analytes the catalog does not know are kept only in the strictest shape: a
number, a known unit and a numeric reference range.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bioreport_engine import AnonymizedText, Biomarker, Flag, LabReport
from bioreport_norm_catalog.catalog import Catalog, name_key
from bioreport_norm_catalog.units import ucum_of

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
NUMBER = re.compile(r"(?P<cmp>[<>]=?|≤|≥)?\s?(?P<num>-?\d+(?:[.,]\d+)?)(?![\w.:/-])")
TITRE = re.compile(r"[<>]?\s?1:\d+(?![\w.:])")
COUNT_RANGE = re.compile(r"\d+-\d+(?![\w.])")
RANGE = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s?[-–]\s?(-?\d+(?:[.,]\d+)?)$")
BOUND = re.compile(r"^([<>]=?|≤|≥)\s?(-?\d+(?:[.,]\d+)?)$")
TITRE_REFERENCE = re.compile(r"^[<>]?\s?1:\d+$")
FLAGS: dict[str, Flag] = {
    "H": "H", "L": "L", "HH": "HH", "LL": "LL", "A": "A", "N": "N", "HIGH": "H", "LOW": "L",
    "ABN": "A", "ABNORMAL": "A", "CRIT": "A", "*": "A", "!": "A", "(H)": "H", "(L)": "L",
    "H*": "HH", "L*": "LL",
}  # fmt: skip
#: Results in words that any row may carry, besides the catalog's allowed values.
WORDS = (
    "Negative", "Positive", "Trace", "Small", "Moderate", "Large", "Few", "Many", "Rare",
    "None Seen", "None", "Non Reactive", "Nonreactive", "Non-Reactive", "Reactive",
    "Weakly Reactive", "Not Detected", "Detected", "Immune", "Not Immune", "Equivocal",
    "Indeterminate", "Normal", "Abnormal", "Present", "Absent", "Clear", "Hazy", "Cloudy",
    "Turbid", "Yellow", "Pale Yellow", "Straw", "Amber", "Dark Yellow", "Red", "Orange",
)  # fmt: skip
#: Headings that say the rows below them are urine tests.
URINE_HEADING = re.compile(r"\bURIN|\bUA\b", re.IGNORECASE)
MAX_NAME_WORDS = 9


@dataclass(frozen=True)
class _Row:
    value_text: str
    value: float | None
    flag: Flag | None
    unit: str | None
    reference_low: float | None
    reference_high: float | None
    reference_text: str | None


class RulesStructurer:
    """Deterministic and thread-safe: all state is the catalog's vocabulary, built once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._keys = catalog.keys
        words = {*WORDS, *(value for entry in catalog.entries for value in entry.values)}
        alternatives = sorted(
            (v for v in words if not v[:1].isdigit() and not v.startswith(("<", ">"))),
            key=len,
            reverse=True,
        )
        body = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in alternatives)
        self._word_value = re.compile(rf"(?:{body})(?![\w])", re.IGNORECASE)
        self._word_reference = re.compile(rf"^(?:{body})(?:\s?[-–]\s?(?:{body}))?$", re.IGNORECASE)

    def __repr__(self) -> str:
        return f"RulesStructurer(entries={len(self.catalog.entries)})"

    def structure(self, text: AnonymizedText) -> LabReport:
        rows: list[Biomarker] = []
        hints: list[str | None] = []
        for biomarker, hint in self.rows(text.text):
            rows.append(biomarker)
            hints.append(hint)
        return LabReport(
            biomarkers=tuple(rows),
            model="rules",
            extra={"engine": "rules", "specimen_hints": hints},
        )

    def rows(self, text: str) -> Iterator[tuple[Biomarker, str | None]]:
        """Each row with the specimen its section heading suggests ("urine" or None)."""
        hint: str | None = None
        for raw in text.splitlines():
            line = raw.strip()
            if not line or PLACEHOLDER.search(line):
                continue
            biomarker = self.row(line)
            if biomarker is not None:
                yield biomarker, hint
            elif _is_heading(line):
                hint = "urine" if URINE_HEADING.search(line) else None

    def row(self, line: str) -> Biomarker | None:
        """The row one line holds, or None: the longest known name that the rest completes."""
        words = list(re.finditer(r"\S+", line))
        for count in range(min(len(words) - 1, MAX_NAME_WORDS), 0, -1):
            end = words[count - 1].end()
            name = line[:end]
            if name_key(name) not in self._keys:
                continue
            parsed = self._rest(line[end:].strip(), strict=False)
            if parsed is not None:
                return _biomarker(name, parsed)
        return self._unknown_analyte(line, words)

    def _unknown_analyte(self, line: str, words: list[re.Match[str]]) -> Biomarker | None:
        """A row of an analyte the catalog lacks: letters, then a number, a known unit and a
        numeric range; nothing looser."""
        for index, word in enumerate(words[1:], start=1):
            if not NUMBER.fullmatch(word[0]):
                continue
            name = line[: words[index - 1].end()]
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,()/.+%'-]*", name) or ":" in name:
                return None
            parsed = self._rest(line[word.start() :], strict=True)
            return _biomarker(name, parsed) if parsed is not None else None
        return None

    def _rest(self, rest: str, strict: bool) -> _Row | None:
        value_text, value, rest = self._value(rest)
        if value_text is None or (strict and value is None):
            return None
        flag, rest = _flag(rest)
        unit, rest = self._unit(rest)
        if strict and (unit is None or ucum_of(unit) in (None, "")):
            return None
        reference = " ".join(rest.split())
        if reference and not self._reference_like(reference):
            return None
        low, high = _bounds(reference)
        if strict and low is None and high is None:
            return None
        return _Row(
            value_text,
            value,
            flag or _computed_flag(value, value_text, reference),
            unit,
            low,
            high,
            reference or None,
        )

    def _value(self, rest: str) -> tuple[str | None, float | None, str]:
        if match := self._word_value.match(rest):
            return match[0], None, rest[match.end() :].strip()
        for pattern in (TITRE, COUNT_RANGE):
            if match := pattern.match(rest):
                return match[0], None, rest[match.end() :].strip()
        if match := NUMBER.match(rest):
            number = None if match["cmp"] else float(match["num"].replace(",", "."))
            return match[0], number, rest[match.end() :].strip()
        return None, None, rest

    def _unit(self, rest: str) -> tuple[str | None, str]:
        tokens = rest.split()
        for size in (3, 2, 1):
            if len(tokens) < size:
                continue
            candidate = " ".join(tokens[:size])
            if ucum_of(candidate) not in (None, "") and not self._word_value.fullmatch(candidate):
                return candidate, rest.split(None, size)[size] if len(tokens) > size else ""
        if tokens and _looks_like_unit(tokens[0]):
            return tokens[0], rest.split(None, 1)[1] if len(tokens) > 1 else ""
        return None, rest

    def _reference_like(self, reference: str) -> bool:
        return bool(
            RANGE.match(reference)
            or BOUND.match(reference)
            or TITRE_REFERENCE.match(reference)
            or self._word_reference.match(reference)
            or re.fullmatch(r"-?\d+(?:[.,]\d+)?", reference)
        )


def _biomarker(name: str, row: _Row) -> Biomarker:
    return Biomarker(
        analyte=name,
        value_text=row.value_text,
        value=row.value,
        unit=row.unit,
        reference_low=row.reference_low,
        reference_high=row.reference_high,
        reference_text=row.reference_text,
        flag=row.flag,
    )


def _flag(rest: str) -> tuple[Flag | None, str]:
    head, _, tail = rest.partition(" ")
    flag = FLAGS.get(head.upper())
    return (flag, tail.strip()) if flag is not None else (None, rest)


def _looks_like_unit(token: str) -> bool:
    """An unknown unit: letters, "/", "%", "^", µ, digits after the first character."""
    return bool(re.fullmatch(r"(?:[%/µμ]|[A-Za-z]+/|10\^|x10)[\w/^*.%µμ²³{}\[\]-]*", token))


def _bounds(reference: str) -> tuple[float | None, float | None]:
    if match := RANGE.match(reference):
        return _float(match[1]), _float(match[2])
    if match := BOUND.match(reference):
        bound = _float(match[2])
        return (None, bound) if match[1] in ("<", "<=", "≤") else (bound, None)
    return None, None


def _computed_flag(value: float | None, value_text: str, reference: str) -> Flag | None:
    """The range's verdict on a number ("< 200" makes 200 high); "N" for a word result that
    reads like its reference ("Negative" / "Negative")."""
    if value is None:
        same = reference and " ".join(value_text.split()).casefold() == reference.casefold()
        return "N" if same else None
    if match := RANGE.match(reference):
        low, high = _float(match[1]), _float(match[2])
        return "L" if value < low else "H" if value > high else "N"
    if match := BOUND.match(reference):
        bound, sign = _float(match[2]), match[1]
        if sign == "<":
            return "H" if value >= bound else "N"
        if sign in ("<=", "≤"):
            return "H" if value > bound else "N"
        if sign == ">":
            return "L" if value <= bound else "N"
        return "L" if value < bound else "N"
    return None


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return (
        bool(letters)
        and all(ch.isupper() for ch in letters)
        and not any(ch.isdigit() for ch in line)
    )


def _float(text: str) -> float:
    return float(text.replace(",", "."))
