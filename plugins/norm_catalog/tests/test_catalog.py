"""Every entry of the data file is checked: its code, its units, its range, its names."""

import itertools
from collections import Counter

import pytest
from bioreport_norm_catalog.catalog import (
    Catalog,
    CatalogError,
    loinc_check_digit,
    name_key,
    parse_catalog,
    valid_loinc,
)
from bioreport_norm_catalog.units import UnitConverter

PANELS = {
    "cbc", "coagulation", "electrolytes", "kidney", "liver", "lipids", "diabetes", "thyroid",
    "iron", "vitamins", "hormones", "tumour_markers", "inflammation", "urine_chemistry",
    "urinalysis", "serology",
}  # fmt: skip


def test_the_catalog_is_wide_and_covers_the_common_panels(catalog: Catalog) -> None:
    assert len(catalog.entries) >= 300
    assert PANELS <= {entry.panel for entry in catalog.entries}
    assert all(catalog.sources[panel] for panel in {e.panel for e in catalog.entries})
    names = Counter(entry.name for entry in catalog.entries)
    assert [name for name, count in names.items() if count > 1] == []


@pytest.mark.parametrize(("number", "check"), [("2345", 7), ("718", 7), ("6690", 2), ("4548", 4)])
def test_the_loinc_check_digit(number: str, check: int) -> None:
    assert loinc_check_digit(number) == check
    assert valid_loinc(f"{number}-{check}")
    assert not valid_loinc(f"{number}-{(check + 1) % 10}")


def test_every_code_has_its_check_digit_and_is_used_once(catalog: Catalog) -> None:
    codes = [entry.loinc for entry in catalog.entries if entry.loinc]
    assert len(codes) >= 290
    assert [code for code in codes if not valid_loinc(code)] == []
    assert [code for code, count in Counter(codes).items() if count > 1] == []


def test_every_unit_parses_and_converts_to_the_canonical_unit(
    catalog: Catalog, units: UnitConverter
) -> None:
    problems = []
    for entry in catalog.entries:
        if entry.unit is None:
            continue
        for unit in entry.accepted_units:
            units.parse(unit)  # raises on a unit pint cannot read
            if unit in entry.factors or unit in entry.affine:
                continue
            if units.factor(unit, entry.unit, entry.molar_mass, entry.valence) is None:
                problems.append((entry.name, unit))
    assert problems == []


def test_ranges_are_sane_and_qualitative_entries_list_their_values(catalog: Catalog) -> None:
    for entry in catalog.entries:
        if entry.unit == "{titer}" or not entry.quantitative:
            assert entry.values and entry.plausible is None, entry.name  # titres are words
        else:
            assert entry.plausible is not None, entry.name
            low, high = entry.plausible
            assert low < high, entry.name
        assert entry.molar_mass is None or entry.molar_mass > 1, entry.name


def test_a_shared_name_is_told_apart_by_specimen_or_by_unit(
    catalog: Catalog, units: UnitConverter
) -> None:
    """ "Neutrophils" is a % and a count, "Glucose" serum, blood and urine: never two entries a
    row could belong to equally."""
    by_key: dict[str, list[str]] = {}
    for entry in catalog.entries:
        for key in {name_key(name) for name in entry.names}:
            by_key.setdefault(key, []).append(entry.name)
    for key, names in by_key.items():
        entries = [catalog.by_name(name) for name in names]
        for first, second in itertools.combinations(entries, 2):
            if first.specimen != second.specimen:
                continue
            assert first.unit and second.unit, (key, first.name, second.name)
            converts = units.factor(first.unit, second.unit, first.molar_mass, first.valence)
            assert converts is None, (key, first.name, second.name)


def test_a_malformed_entry_is_named() -> None:
    text = "blocks:\n  - panel: x\n    analytes:\n      - {name: Foo, colour: red}\n"
    with pytest.raises(CatalogError, match="x/Foo"):
        parse_catalog(text)


def test_names_compare_without_case_accents_or_punctuation() -> None:
    assert name_key("Glucose, Fasting") == name_key("glucose (fasting)") == "glucose fasting"
    assert name_key("Hämoglobin") == "hamoglobin"
    assert name_key("Neut %") != name_key("Neut #")
    assert name_key("MCH") != name_key("MCHC")
