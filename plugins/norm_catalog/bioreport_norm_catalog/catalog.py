"""The analyte catalog: the maintained data file (``data/analytes.yaml``) as typed entries, and
the whole-name lookup of a printed analyte name.

Names are compared after :func:`name_key`: case, accents and punctuation do not matter
("Glucose, Fasting" is "glucose fasting"), but every word does, so a lookup never matches a
part of a name (``MCH`` is not ``MCHC``). A name that no entry lists is unmapped: the catalog
never guesses.
"""

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

#: Specimens that one serum/plasma code covers ("Serum or Plasma" in LOINC names).
SERUM_OR_PLASMA = frozenset({"serum", "plasma"})
#: Entries without a specimen hint are preferred in this order: a bare "Glucose" is serum.
SPECIMEN_PREFERENCE = ("serum", "plasma", "blood")


class CatalogError(ValueError):
    """The data file is malformed: names the entry and the field."""


@dataclass(frozen=True)
class Entry:
    """One measured quantity: a name, a code, a specimen and the units it may be printed in."""

    name: str
    panel: str
    specimen: str
    loinc: str | None = None
    synonyms: tuple[str, ...] = ()
    #: Canonical unit (UCUM); ``None`` for a qualitative result.
    unit: str | None = None
    #: Other accepted units (UCUM), converted by the units library.
    units: tuple[str, ...] = ()
    #: Accepted units whose conversion is a convention: canonical = value x factor.
    factors: Mapping[str, float] = field(default_factory=dict)
    #: Accepted units converted by an equation: canonical = scale x value + offset.
    affine: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    molar_mass: float | None = None
    valence: int | None = None
    #: Physiologically possible range, canonical unit: outside it a value is implausible.
    plausible: tuple[float, float] | None = None
    #: Allowed qualitative results ("Negative", "Non Reactive", "1:160").
    values: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    @property
    def accepted_units(self) -> tuple[str, ...]:
        """Every unit a value of this entry may carry, canonical first."""
        if self.unit is None:
            return ()
        return tuple(dict.fromkeys((self.unit, *self.units, *self.factors, *self.affine)))

    @property
    def quantitative(self) -> bool:
        return self.unit is not None

    def allowed_value(self, text: str) -> str | None:
        """The allowed value ``text`` spells (any case, any spacing), as the catalog writes it."""
        key = " ".join(text.split()).casefold()
        for value in self.values:
            if " ".join(value.split()).casefold() == key:
                return value
        return None


def name_key(text: str) -> str:
    """How names are compared: accents, case and punctuation dropped, words kept in order.

    ``%`` and ``#`` stay: "Neut %" and "Neut #" are different tests.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("µ", "u").replace("μ", "u"))
    kept = "".join(
        ch if ch.isalnum() or ch in "%#" else " "
        for ch in decomposed
        if not unicodedata.combining(ch)
    )
    return " ".join(kept.casefold().split())


def loinc_check_digit(number: str) -> int:
    """The LOINC mod-10 check digit of the part before the hyphen (Luhn on the digits)."""
    if not number.isdigit():
        raise ValueError(f"a LOINC number is digits before the check digit, got {number!r}")
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10


def valid_loinc(code: str) -> bool:
    number, _, check = code.partition("-")
    return bool(number.isdigit() and check.isdigit() and len(check) == 1) and (
        loinc_check_digit(number) == int(check)
    )


@dataclass(frozen=True)
class Catalog:
    """The entries, and an index from :func:`name_key` to the entries that list the name."""

    entries: tuple[Entry, ...]
    #: Panel -> where that block's facts come from (the data file's ``sources``).
    sources: Mapping[str, str] = field(default_factory=dict)
    _index: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, entries: Iterable[Entry], sources: Mapping[str, str] | None = None) -> "Catalog":
        index: dict[str, list[Entry]] = {}
        for entry in entries:
            for name in entry.names:
                bucket = index.setdefault(name_key(name), [])
                if entry not in bucket:
                    bucket.append(entry)
        return cls(
            tuple(entries),
            dict(sources or {}),
            {key: tuple(found) for key, found in index.items()},
        )

    @property
    def keys(self) -> frozenset[str]:
        """Every name the catalog knows, as :func:`name_key` writes it."""
        return frozenset(self._index)

    def candidates(self, printed_name: str, specimen_hint: str | None = None) -> tuple[Entry, ...]:
        """Entries whose name or synonym is exactly ``printed_name``, best first.

        With a specimen hint only entries of that specimen qualify (serum and plasma count as
        one); without one, serum/plasma/blood entries come before urine, swab or stool ones.
        """
        found = self._index.get(name_key(printed_name), ())
        if specimen_hint is not None:
            hint = specimen_hint.strip().lower()
            return tuple(e for e in found if _same_specimen(hint, e.specimen))
        return tuple(sorted(found, key=_preference))

    def by_name(self, name: str) -> Entry:
        """The entry whose canonical name is ``name`` (for tests and benchmarks)."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(name)


def _same_specimen(hint: str, specimen: str) -> bool:
    if hint in SERUM_OR_PLASMA:
        return specimen in SERUM_OR_PLASMA
    return hint == specimen


def _preference(entry: Entry) -> int:
    try:
        return SPECIMEN_PREFERENCE.index(entry.specimen)
    except ValueError:
        return len(SPECIMEN_PREFERENCE)


@cache
def default_catalog() -> Catalog:
    """The catalog shipped with the plugin, read once per process."""
    text = (
        resources.files("bioreport_norm_catalog")
        .joinpath("data/analytes.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_catalog(text)


def parse_catalog(text: str) -> Catalog:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    if not isinstance(document, dict) or not isinstance(document.get("blocks"), list):
        raise CatalogError("the catalog must be a mapping with a list of 'blocks'")
    entries: list[Entry] = []
    sources: dict[str, str] = {}
    for block in document["blocks"]:
        panel = str(block["panel"])
        sources[panel] = str(block.get("sources", ""))
        for raw in block["analytes"]:
            entries.append(_entry(raw, panel, str(block.get("specimen", "serum"))))
    return Catalog.of(entries, sources)


def _entry(raw: dict[str, Any], panel: str, specimen: str) -> Entry:
    name = str(raw.get("name", ""))
    known = {
        "name", "loinc", "specimen", "synonyms", "unit", "units", "factors", "affine",
        "molar_mass", "valence", "plausible", "values",
    }  # fmt: skip
    if not name or set(raw) - known:
        raise CatalogError(f"{panel}/{name or '?'}: unknown fields {sorted(set(raw) - known)}")
    try:
        plausible = raw.get("plausible")
        return Entry(
            name=name,
            panel=panel,
            specimen=str(raw.get("specimen", specimen)),
            loinc=str(raw["loinc"]) if raw.get("loinc") else None,
            synonyms=tuple(str(s) for s in raw.get("synonyms", ())),
            unit=str(raw["unit"]) if raw.get("unit") is not None else None,
            units=tuple(str(u) for u in raw.get("units", ())),
            factors={str(k): float(v) for k, v in raw.get("factors", {}).items()},
            affine={str(k): (float(v[0]), float(v[1])) for k, v in raw.get("affine", {}).items()},
            molar_mass=float(raw["molar_mass"]) if raw.get("molar_mass") else None,
            valence=int(raw["valence"]) if raw.get("valence") else None,
            plausible=(float(plausible[0]), float(plausible[1])) if plausible else None,
            values=tuple(str(v) for v in raw.get("values", ())),
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise CatalogError(f"{panel}/{name}: {error}") from error
