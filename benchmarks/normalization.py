"""The rules structurer and the normalizer of ``bioreport-norm-catalog``, on the synthetic
corpus: every layout, text extracted by the pdfplumber stage and anonymized by the presidio
stage (as ``benchmarks.anonymization`` gets it).

- exact rows: a row of the truth counts when the structurer returns its analyte, value and
  unit exactly as printed (each truth row matched at most once);
- LOINC: each exactly found row is normalized (with the structurer's specimen hints) and its
  code compared with ``EXPECTED_LOINC``, written here by hand from the corpus's analyte table
  (the generator is not changed: its documents are pinned by tests);
- canonical values: the corpus prints conventional (US) units only, so each numeric row is also
  restated in SI units with the hand factors of ``SI``, normalized back, and compared with the
  printed value to 4 significant digits: both unit systems are exercised;
- ms/document for the structurer and for the normalizer.

``python -m benchmarks.normalization --per-layout 10`` runs it; ``--help`` lists the options.
"""

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bioreport_norm_catalog.catalog import default_catalog, name_key
from bioreport_norm_catalog.normalize import Normalizer
from bioreport_norm_catalog.rules import RulesStructurer

from benchmarks.corpus import ALL_LAYOUTS, BiomarkerRow, GroundTruth, generate_report
from bioreport_engine import Biomarker
from bioreport_engine.plugins.registry import discover
from bioreport_engine.stages import ExtractionLimits
from bioreport_engine.texts import AnonymizedText, ExtractedText

#: The code each corpus analyte must get; ``None``: no code expected (the corpus's "eGFR" does
#: not say which equation, and the catalog gives a code only to named equations).
EXPECTED_LOINC: dict[str, str | None] = {
    "WBC": "6690-2", "RBC": "789-8", "Hemoglobin": "718-7", "Hematocrit": "4544-3",
    "MCV": "787-2", "MCH": "785-6", "MCHC": "786-4", "RDW": "788-0", "Platelets": "777-3",
    "MPV": "32623-1", "Neutrophils": "770-8", "Lymphocytes": "736-9", "Monocytes": "5905-5",
    "Eosinophils": "713-8", "Basophils": "706-2", "Absolute Neutrophils": "751-8",
    "Absolute Lymphocytes": "731-0", "Reticulocytes": "4679-7",
    "Total Cholesterol": "2093-3", "LDL Cholesterol": "2089-1", "HDL Cholesterol": "2085-9",
    "Triglycerides": "2571-8", "Non-HDL Cholesterol": "43396-1", "VLDL Cholesterol": "2091-7",
    "Cholesterol/HDL Ratio": "9830-1", "Apolipoprotein B": "1884-6",
    "Lipoprotein(a)": "43583-4", "TSH": "3016-3", "Free T4": "3024-7", "Free T3": "3051-0",
    "T3": "3053-6", "T4": "3026-2", "TPO Antibodies": "8099-4", "Vitamin D 25-OH": "62292-8",
    "Vitamin D3": "1989-3", "Vitamin B12": "2132-9", "Folate": "2284-8",
    "Vitamin B6": "30552-4", "Vitamin B1": "32554-8", "Testosterone": "2986-8",
    "Free Testosterone": "2991-8", "Estradiol": "2243-4", "Cortisol": "2143-6",
    "Prolactin": "2842-3", "FSH": "15067-2", "LH": "10501-5", "DHEA-S": "2191-5",
    "Progesterone": "2839-9", "SHBG": "13967-5", "IGF-1": "2484-4", "PTH": "2731-8",
    "ALT": "1742-6", "AST": "1920-8", "Alkaline Phosphatase": "6768-6", "GGT": "2324-2",
    "Total Bilirubin": "1975-2", "Direct Bilirubin": "1968-7", "Albumin": "1751-7",
    "Total Protein": "2885-2", "Globulin": "10834-0", "A/G Ratio": "1759-0",
    "Creatinine": "2160-0", "BUN": "3094-0", "eGFR": None, "Uric Acid": "3084-1",
    "Cystatin C": "33863-2", "BUN/Creatinine Ratio": "3097-3",
    "Urine Microalbumin": "14957-5", "Sodium": "2951-2", "Potassium": "2823-3",
    "Chloride": "2075-0", "Bicarbonate": "1963-8", "Calcium": "17861-6",
    "Magnesium": "19123-9", "Phosphorus": "2777-1", "Anion Gap": "33037-3",
    "Glucose": "2345-7", "HbA1c": "4548-4", "Insulin": "20448-7", "C-Peptide": "1986-9",
    "Fructosamine": "15069-8", "Ferritin": "2276-4", "Iron": "2498-4", "TIBC": "2500-7",
    "Transferrin Saturation": "2502-3", "Transferrin": "3034-6", "CRP": "1988-5",
    "hs-CRP": "30522-7", "ESR": "30341-2", "Fibrinogen": "3255-7", "Procalcitonin": "33959-8",
    "Prothrombin Time": "5902-2", "INR": "6301-6", "PTT": "14979-9", "D-Dimer": "48065-7",
    "PSA": "2857-1", "CEA": "2039-6", "CK": "2157-6", "LDH": "2532-0", "Lipase": "3040-3",
    "Amylase": "1798-8", "Homocysteine": "13965-9", "Troponin I": "10839-9",
    "NT-proBNP": "33762-6", "Lactate": "2524-7", "Ammonia": "16362-6", "Zinc": "5763-8",
    "Copper": "5631-7", "Color": "5778-6", "Clarity": "32167-9",
    "Specific Gravity": "5811-5", "Urine pH": "5803-2", "Urine Protein": "5804-0",
    "Urine Glucose": "5792-7", "Ketones": "5797-6", "Urine Bilirubin": "5770-3",
    "Occult Blood": "5794-3", "Nitrite": "5802-4", "Leukocyte Esterase": "5799-2",
    "Urobilinogen": "20405-7", "Urine WBC": "5821-4", "Urine RBC": "13945-1",
    "Squamous Epithelial Cells": "11277-1", "Bacteria": "25145-4", "Hyaline Casts": "5796-8",
    "Hepatitis B Surface Ag": "5196-1", "Hepatitis B Core Ab": "16933-4",
    "Hepatitis C Ab": "16128-1", "HIV-1/2 Ag/Ab": "56888-1", "RPR": "20507-0",
    "Rubella IgG": None, "ANA Screen": "8061-4", "ANA Titer": "5048-4", "ASO Titer": "5370-2",
    "SARS-CoV-2 RNA": "94500-6", "Chlamydia trachomatis NAA": "43304-5",
    "Neisseria gonorrhoeae NAA": "43305-2", "Strep A Antigen": "78012-2",
    "H. pylori Stool Ag": "17780-8", "Antibody Screen": "890-4",
}  # fmt: skip
#: Conventional -> SI by hand, from the SI conversion tables: (SI unit, factor), or for HbA1c
#: the IFCC unit and the inverse master equation.
SI: dict[str, tuple[str, float]] = {
    "Glucose": ("mmol/L", 0.05551), "Total Cholesterol": ("mmol/L", 0.02586),
    "LDL Cholesterol": ("mmol/L", 0.02586), "HDL Cholesterol": ("mmol/L", 0.02586),
    "Non-HDL Cholesterol": ("mmol/L", 0.02586), "VLDL Cholesterol": ("mmol/L", 0.02586),
    "Triglycerides": ("mmol/L", 0.01129), "Creatinine": ("umol/L", 88.42),
    "BUN": ("mmol/L", 0.3570), "Uric Acid": ("umol/L", 59.48), "Calcium": ("mmol/L", 0.2495),
    "Magnesium": ("mmol/L", 0.4114), "Phosphorus": ("mmol/L", 0.3229),
    "Total Bilirubin": ("umol/L", 17.10), "Direct Bilirubin": ("umol/L", 17.10),
    "Iron": ("umol/L", 0.1791), "TIBC": ("umol/L", 0.1791), "Albumin": ("g/L", 10.0),
    "Total Protein": ("g/L", 10.0), "Globulin": ("g/L", 10.0), "Hemoglobin": ("g/L", 10.0),
    "MCHC": ("g/L", 10.0), "Hematocrit": ("L/L", 0.01), "Free T4": ("pmol/L", 12.87),
    "Free T3": ("pmol/L", 1.536), "T4": ("nmol/L", 12.87), "T3": ("nmol/L", 0.01536),
    "Vitamin B12": ("pmol/L", 0.7378), "Folate": ("nmol/L", 2.266),
    "Vitamin D 25-OH": ("nmol/L", 2.496), "Testosterone": ("nmol/L", 0.03467),
    "Estradiol": ("pmol/L", 3.671), "Cortisol": ("nmol/L", 27.59),
    "Progesterone": ("nmol/L", 3.180), "Zinc": ("umol/L", 0.1530),
    "Copper": ("umol/L", 0.1574), "Fibrinogen": ("g/L", 0.01), "CRP": ("mg/dL", 0.1),
    "ALT": ("ukat/L", 1 / 60), "AST": ("ukat/L", 1 / 60), "WBC": ("10^9/L", 1.0),
    "Platelets": ("10^9/L", 1.0), "RBC": ("10^12/L", 1.0), "HbA1c": ("mmol/mol", 0.0),
}  # fmt: skip
EXPECTED_BY_KEY = {name_key(name): code for name, code in EXPECTED_LOINC.items()}
SI_BY_KEY = {name_key(name): (name, si) for name, si in SI.items()}
TARGET = "Target: >= 98% exact rows in every layout; 0 rows mapped to a wrong code."


@dataclass
class Layout:
    documents: int = 0
    rows: int = 0
    exact: int = 0
    extra: int = 0


@dataclass
class Mapping:
    rows: int = 0
    right: int = 0
    wrong: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    unmapped: int = 0
    no_code_expected: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    si_checked: int = 0
    si_correct: int = 0
    si_failures: list[tuple[str, float, float | None]] = field(default_factory=list)


@dataclass
class Results:
    per_layout: int
    layouts: dict[str, Layout]
    mapping: Mapping
    structure_ms: list[float]
    normalize_ms: list[float]


def corpus(
    per_layout: int, first_seed: int, layouts: Iterable[str]
) -> list[tuple[str, str, GroundTruth]]:
    """(layout, anonymized text, truth) for each document."""
    registry = discover()
    extractor = registry.pdf_extractor("pdfplumber").spec.build()
    anonymizer = registry.anonymizer("presidio").spec.build()
    documents = []
    for layout in layouts:
        for seed in range(first_seed, first_seed + per_layout):
            pdf, truth = generate_report(seed, layout)
            pages = extractor.extract(pdf, ExtractionLimits()).pages
            text = anonymizer.anonymize(ExtractedText(pages)).text
            documents.append((layout, text, truth))
    return documents


def run(
    per_layout: int = 10, first_seed: int = 0, layouts: tuple[str, ...] = ALL_LAYOUTS
) -> Results:
    documents = corpus(per_layout, first_seed, layouts)
    structurer = RulesStructurer(default_catalog())
    normalizer = Normalizer()
    scores = {layout: Layout() for layout in layouts}
    mapping = Mapping()
    structure_ms: list[float] = []
    normalize_ms: list[float] = []
    for layout, text, truth in documents:
        started = time.perf_counter()
        report = structurer.structure(AnonymizedText(text, {}))
        structure_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        normalized = normalizer.normalize_report(report)
        normalize_ms.append((time.perf_counter() - started) * 1000)
        keys = [
            (r.biomarker.analyte, r.biomarker.value_text, r.biomarker.unit or "")
            for r in normalized
        ]
        found = dict(zip(keys, normalized, strict=True))
        score = scores[layout]
        score.documents += 1
        score.rows += len(truth.biomarkers)
        unmatched = Counter(keys)
        for row in truth.biomarkers:
            key = (row.analyte, row.value, row.unit)
            if unmatched[key] <= 0:
                continue
            unmatched[key] -= 1
            score.exact += 1
            _score_mapping(mapping, row, found[key].loinc, found[key].normalization)
            _score_si(mapping, normalizer, row)
        score.extra += sum(count for count in unmatched.values() if count > 0)
    return Results(per_layout, scores, mapping, structure_ms, normalize_ms)


def _score_mapping(mapping: Mapping, row: BiomarkerRow, code: str | None, status: str) -> None:
    expected = EXPECTED_BY_KEY.get(name_key(row.analyte), "?")
    mapping.rows += 1
    mapping.statuses[status] += 1
    if status == "unmapped":
        mapping.unmapped += 1
    elif expected is None:
        mapping.no_code_expected += 1
        if code is not None:
            mapping.wrong.append((row.analyte, None, code))
    elif code == expected:
        mapping.right += 1
    else:
        mapping.wrong.append((row.analyte, expected, code))


def _score_si(mapping: Mapping, normalizer: Normalizer, row: BiomarkerRow) -> None:
    """The row restated in SI units by hand, normalized back to the printed value."""
    si = SI_BY_KEY.get(name_key(row.analyte))
    try:
        printed = float(row.value)
    except ValueError:
        return
    if si is None:
        return
    name, (unit, factor) = si
    value = (printed - 2.152) / 0.09148 if name == "HbA1c" else printed * factor
    result = normalizer.normalize(Biomarker(row.analyte, repr(value), value, unit))
    mapping.si_checked += 1
    got = result.canonical_value
    if got is not None and _same_to_4_digits(got, printed):
        mapping.si_correct += 1
    else:
        mapping.si_failures.append((f"{row.analyte} {value:.6g} {unit}", printed, got))


def _same_to_4_digits(got: float, expected: float) -> bool:
    return abs(got - expected) <= 5e-4 * max(abs(expected), 1e-12)


def report(results: Results) -> str:
    lines = [
        f"Rules structurer (LLM_ENGINE=rules) on {results.per_layout} documents per layout,"
        " text from pdfplumber, anonymized by presidio. Exact = analyte, value and unit as"
        " printed.",
        "",
        "| layout | documents | rows | exact rows | rate | rows not in the truth |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, score in results.layouts.items():
        rate = score.exact / score.rows if score.rows else 1.0
        lines.append(
            f"| {name} | {score.documents} | {score.rows} | {score.exact} | {rate:.2%} |"
            f" {score.extra} |"
        )
    total_rows = sum(s.rows for s in results.layouts.values())
    total_exact = sum(s.exact for s in results.layouts.values())
    lines.append(
        f"| **all** | {sum(s.documents for s in results.layouts.values())} | {total_rows} |"
        f" {total_exact} | **{total_exact / max(total_rows, 1):.2%}** |"
        f" {sum(s.extra for s in results.layouts.values())} |"
    )
    mapping = results.mapping
    lines += [
        "",
        f"Normalization of the {mapping.rows} exact rows: right LOINC {mapping.right},"
        f" wrongly mapped {len(mapping.wrong)}, unmapped {mapping.unmapped}, no code expected"
        f" {mapping.no_code_expected} (eGFR without its equation, Rubella IgG).",
        "Statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(mapping.statuses.items())) + ".",
        f"Canonical values from SI restatements: {mapping.si_correct}/{mapping.si_checked}"
        " correct to 4 significant digits.",
        f"ms/document (median): structure {statistics.median(results.structure_ms):.2f},"
        f" normalize {statistics.median(results.normalize_ms):.2f}.",
    ]
    for analyte, expected, code in mapping.wrong[:10]:
        lines.append(f"- wrong: {analyte}: expected {expected}, got {code}")
    for what, expected_value, got in mapping.si_failures[:10]:
        lines.append(f"- SI: {what}: expected {expected_value}, got {got}")
    return "\n".join([*lines, "", TARGET])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.normalization",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--per-layout", type=int, default=10, help="documents per layout (10)")
    parser.add_argument("--seed", type=int, default=0, help="first seed of every layout (0)")
    parser.add_argument(
        "--layout", action="append", choices=ALL_LAYOUTS, default=[], help="only this layout"
    )
    args = parser.parse_args(argv)
    if args.per_layout < 1 or args.seed < 0:
        parser.error("--per-layout must be >= 1 and --seed >= 0")
    print(report(run(args.per_layout, args.seed, tuple(args.layout) or ALL_LAYOUTS)))


if __name__ == "__main__":
    main()
