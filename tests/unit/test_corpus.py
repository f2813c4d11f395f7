"""The synthetic lab-report corpus: deterministic, complete ground truth, faithful text layer."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("faker")

from benchmarks.corpus import (  # noqa: E402 (only importable once reportlab and faker are)
    ALL_LAYOUTS,
    HELD_OUT_LAYOUTS,
    LAYOUTS,
    PII_KINDS,
    TUNING_LAYOUTS,
    BiomarkerRow,
    GroundTruth,
    generate_corpus,
    generate_report,
)
from benchmarks.corpus.analytes import BY_NAME, CATALOGUE, QUALITATIVE  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
ALWAYS_PRINTED = {"PERSON", "DATE_OF_BIRTH", "ADDRESS", "PHONE", "MRN", "ACCESSION", "PHYSICIAN"}
RANGE = re.compile(
    r"^(?P<low>[\d.]+) - (?P<high>[\d.]+)$|^< (?P<below>[\d.]+)$|^> (?P<above>[\d.]+)$"
)
#: One seed per layout, then a few more: enough variety, still fast.
SEEDS = range(12)


@pytest.fixture(scope="module")
def reports() -> list[tuple[bytes, GroundTruth]]:
    return [generate_report(seed) for seed in SEEDS]


def test_same_seed_gives_identical_bytes_and_truth() -> None:
    first_pdf, first_truth = generate_report(7)
    again_pdf, again_truth = generate_report(7)
    other_pdf, other_truth = generate_report(8)
    assert first_pdf == again_pdf and first_truth == again_truth
    assert first_pdf != other_pdf and first_truth.pii != other_truth.pii
    assert first_pdf.startswith(b"%PDF-")


def test_layout_changes_the_page_not_the_content() -> None:
    _, prose = generate_report(7, "prose")
    _, columns = generate_report(7, "two_column")
    assert prose.layout == "prose" and columns.layout == "two_column"
    assert prose.biomarkers == columns.biomarkers
    assert prose.collection_date == columns.collection_date


def test_unknown_layout_and_negative_seed_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        generate_report(1, "landscape")
    with pytest.raises(ValueError, match="seed"):
        generate_report(-1)


def test_corpus_of_four_covers_every_layout_with_matching_json(tmp_path: Path) -> None:
    pdfs = generate_corpus(tmp_path, count=4, seed=20)
    assert [p.name for p in pdfs] == [f"lab-{n:04d}.pdf" for n in range(20, 24)]
    truths = [GroundTruth.from_json(p.with_suffix(".json").read_text()) for p in pdfs]
    assert {t.layout for t in truths} == set(LAYOUTS)
    for pdf_path, truth in zip(pdfs, truths, strict=True):
        assert (pdf_path.read_bytes(), truth) == generate_report(truth.seed, truth.layout)


def test_ground_truth_json_round_trip(reports: list[tuple[bytes, GroundTruth]]) -> None:
    for _, truth in reports:
        assert GroundTruth.from_json(truth.to_json()) == truth


def test_catalogue_is_wide_and_includes_ner_lookalikes() -> None:
    assert len(CATALOGUE) >= 70 and len(BY_NAME) == len(CATALOGUE)
    for name in ("Vitamin B12", "Vitamin D3", "Free T3", "Alkaline Phosphatase", "WBC", "MCV"):
        assert name in BY_NAME


def test_analyte_count_and_page_count(reports: list[tuple[bytes, GroundTruth]]) -> None:
    for _, truth in reports:
        assert 5 <= len(truth.biomarkers) <= 40
        assert len({row.analyte for row in truth.biomarkers}) == len(truth.biomarkers)
        if truth.layout == "multi_page":
            assert 2 <= truth.pages <= 4
        else:
            assert truth.pages in (1, 2)


def test_flags_agree_with_printed_reference(reports: list[tuple[bytes, GroundTruth]]) -> None:
    flags = [row.flag for _, truth in reports for row in truth.biomarkers]
    assert {None, "H", "L"} <= set(flags)
    for _, truth in reports:
        for row in truth.biomarkers:
            assert row.flag == expected_flag(row), row
            assert row.reference == BY_NAME[row.analyte].reference
            assert decimals(row.value) == BY_NAME[row.analyte].decimals, row


def test_every_document_prints_the_required_pii(reports: list[tuple[bytes, GroundTruth]]) -> None:
    for _, truth in reports:
        kinds = {item.kind for item in truth.pii}
        assert ALWAYS_PRINTED <= kinds <= set(PII_KINDS)
        assert len(set(truth.pii)) == len(truth.pii)
        values = {item.value for item in truth.pii}
        assert truth.collection_date not in values and truth.report_date not in values
        people = [i.value for i in truth.pii if i.kind in ("PERSON", "PHYSICIAN")]
        assert len(set(people)) == len(people)
        if truth.layout == "multi_page":  # the running footer prints "Last, First"
            assert any(", " in i.value for i in truth.pii if i.kind == "PERSON")
    optional = {i.kind for _, truth in reports for i in truth.pii} - ALWAYS_PRINTED
    assert optional == {"EMAIL", "SSN", "INSURANCE_ID"}


def test_extracted_text_shows_every_pii_value_and_every_row_on_one_line(
    reports: list[tuple[bytes, GroundTruth]],
) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    for pdf, truth in reports[:4]:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            assert len(document.pages) == truth.pages
            text = "\n".join(page.extract_text() or "" for page in document.pages)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        for item in truth.pii:
            assert any(item.value in line for line in lines), item
        for row in truth.biomarkers:
            cells = [row.analyte, row.value, row.flag, row.unit, row.reference]
            assert " ".join(c for c in cells if c) in lines, row
        assert truth.collection_date in text and truth.report_date in text


NEW_LAYOUTS = tuple(layout for layout in ALL_LAYOUTS if layout not in LAYOUTS)


@pytest.fixture(scope="module")
def new_reports() -> dict[str, list[tuple[bytes, GroundTruth]]]:
    return {layout: [generate_report(seed, layout) for seed in range(3)] for layout in NEW_LAYOUTS}


def test_layouts_split_into_tuning_and_held_out() -> None:
    assert len(ALL_LAYOUTS) >= 12 and len(set(ALL_LAYOUTS)) == len(ALL_LAYOUTS)
    assert set(LAYOUTS) <= set(TUNING_LAYOUTS)
    assert set(TUNING_LAYOUTS).isdisjoint(HELD_OUT_LAYOUTS)
    assert set(TUNING_LAYOUTS) | set(HELD_OUT_LAYOUTS) == set(ALL_LAYOUTS)
    assert len(HELD_OUT_LAYOUTS) >= 5


def test_seeds_without_a_layout_keep_the_original_four() -> None:
    assert [generate_report(seed)[1].layout for seed in range(8)] == [*LAYOUTS, *LAYOUTS]


@pytest.mark.parametrize("layout", NEW_LAYOUTS)
def test_new_layouts_are_deterministic_and_round_trip(layout: str) -> None:
    pdf, truth = generate_report(5, layout)
    assert (pdf, truth) == generate_report(5, layout)
    assert truth.layout == layout and truth.document_id == f"{layout}-0005"
    assert GroundTruth.from_json(truth.to_json()) == truth
    assert generate_report(6, layout)[1].pii != truth.pii


def test_new_layouts_show_their_pii_and_rows_on_one_line(
    new_reports: dict[str, list[tuple[bytes, GroundTruth]]],
) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    for layout, documents in new_reports.items():
        for pdf, truth in documents:
            with pdfplumber.open(io.BytesIO(pdf)) as document:
                assert len(document.pages) == truth.pages
                text = "\n".join(page.extract_text() or "" for page in document.pages)
            lines = [" ".join(line.split()) for line in text.splitlines()]
            for item in truth.pii:
                assert any(item.value in line for line in lines), (layout, item)
            for row in truth.biomarkers:
                cells = [row.analyte, row.value, row.flag, row.unit, row.reference]
                assert " ".join(c for c in cells if c) in lines, (layout, row)
            assert truth.collection_date in text and truth.report_date in text
            values = {item.value for item in truth.pii}
            assert truth.collection_date not in values and truth.report_date not in values


def test_new_layouts_carry_the_new_kinds(
    new_reports: dict[str, list[tuple[bytes, GroundTruth]]],
) -> None:
    kinds = {item.kind for docs in new_reports.values() for _, t in docs for item in t.pii}
    assert kinds == set(PII_KINDS) - {"SSN", "INSURANCE_ID"} | {"INSURANCE_ID"}
    for docs in new_reports.values():
        for _, truth in docs:
            for item in truth.pii:
                if item.kind == "AGE_OVER_89":
                    assert int(re.match(r"\d+", item.value)[0]) >= 90  # type: ignore[index]


def test_qualitative_rows_are_words_with_flags_that_agree() -> None:
    _, truth = generate_report(0, "urinalysis")
    by_name = {test.name: test for test in QUALITATIVE}
    qualitative = [row for row in truth.biomarkers if row.analyte in by_name]
    assert any(row.value == "Negative" for row in qualitative)
    assert any(row.unit == "" for row in qualitative)
    for row in qualitative:
        test = by_name[row.analyte]
        assert row.flag == ("A" if row.value in test.abnormal else None), row


def test_an_age_is_pii_exactly_when_it_is_90_or_more() -> None:
    from benchmarks.corpus.case import plan_case

    old = 0
    for layout in ("running_header", "uk_hospital", "urinalysis"):
        for seed in range(8):
            age = plan_case(seed, layout).age
            recorded = [i for i in generate_report(seed, layout)[1].pii if i.kind == "AGE_OVER_89"]
            assert bool(recorded) == (age >= 90), (layout, seed, age, recorded)
            assert all(item.value.startswith(str(age)) for item in recorded)
            old += age >= 90
    assert old, "about a quarter of patients are 90 or older"


def test_pages_asks_for_that_many_pages_of_results() -> None:
    _, truth = generate_report(0, "running_header", pages=6)
    assert truth.pages == 6 and len(truth.biomarkers) >= 150
    with pytest.raises(ValueError, match="pages"):
        generate_report(0, "key_value", pages=3)


def test_cli_writes_pdf_and_json_pairs(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus", str(out), "--count", "3", "--seed", "5"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        f"lab-{n:04d}.{ext}" for n in (5, 6, 7) for ext in ("json", "pdf")
    ]


def expected_flag(row: BiomarkerRow) -> str | None:
    match = RANGE.match(row.reference)
    assert match, row.reference
    value = float(row.value)
    if match["low"] is not None:
        low, high = float(match["low"]), float(match["high"])
        return "L" if value < low else "H" if value > high else None
    if match["below"] is not None:
        return "H" if value >= float(match["below"]) else None
    return "L" if value <= float(match["above"]) else None


def decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0
