"""The analyte catalogue and how a printed result row is made from it.

The catalogue is wide on purpose: extraction and structuring must cope with a long tail of tests,
and some names (Vitamin B12, Free T3, Alkaline Phosphatase, WBC, MCV...) look like codes, IDs or
person names to an NER model, which is exactly what the anonymizer benchmark needs to see.

A reference range is one of three printed shapes, all derived from ``low``/``high``:
``"low - high"`` (both set), ``"< high"`` (only ``high``) and ``"> low"`` (only ``low``). The flag
is computed from the value *as printed* (after rounding), so it always agrees with the range.
"""

import random
from dataclasses import dataclass

from benchmarks.corpus.truth import BiomarkerRow

#: Share of results drawn outside their reference range.
OUT_OF_RANGE_SHARE = 0.25


@dataclass(frozen=True)
class Analyte:
    """One test as a lab prints it: name, unit, reference bounds and decimals of its results."""

    name: str
    panel: str
    unit: str
    low: float | None
    high: float | None
    decimals: int

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError(f"{self.name}: a reference range needs at least one bound")

    @property
    def reference(self) -> str:
        """The range as printed, with the analyte's own precision: "0.40 - 4.00", "< 200"."""
        if self.low is not None and self.high is not None:
            return f"{self._format(self.low)} - {self._format(self.high)}"
        if self.high is not None:
            return f"< {self._format(self.high)}"
        assert self.low is not None
        return f"> {self._format(self.low)}"

    def flag_for(self, printed_value: str) -> str | None:
        """ "H", "L" or None for a printed value; bounds of a "low - high" range are normal."""
        value = float(printed_value)
        if self.low is not None and self.high is not None:
            return "L" if value < self.low else "H" if value > self.high else None
        if self.high is not None:
            return "H" if value >= self.high else None
        assert self.low is not None
        return "L" if value <= self.low else None

    def draw_row(self, rng: random.Random) -> BiomarkerRow:
        """A plausible result: mostly in range, sometimes high or low where the range allows."""
        value = self._format(self._draw_value(rng))
        return BiomarkerRow(
            analyte=self.name,
            value=value,
            flag=self.flag_for(value),
            unit=self.unit,
            reference=self.reference,
        )

    def _draw_value(self, rng: random.Random) -> float:
        directions = []
        if self.low is not None and self.low > 0:
            directions.append("low")
        if self.high is not None:
            directions.append("high")
        if rng.random() < OUT_OF_RANGE_SHARE:
            direction = rng.choice(directions)
            if direction == "low":
                assert self.low is not None
                return self.low * rng.uniform(0.55, 0.97)
            assert self.high is not None
            return self.high * rng.uniform(1.03, 1.6)
        if self.low is not None and self.high is not None:
            return rng.uniform(self.low, self.high)
        if self.high is not None:
            return rng.uniform(self.high * 0.3, self.high * 0.98)
        assert self.low is not None
        return rng.uniform(self.low * 1.02, self.low * 2.0)

    def _format(self, number: float) -> str:
        return f"{number:.{self.decimals}f}"


def _panel(panel: str, *rows: tuple[str, str, float | None, float | None, int]) -> list[Analyte]:
    return [Analyte(name, panel, unit, low, high, dec) for name, unit, low, high, dec in rows]


#: Panels in printed order; the panel name doubles as the optional section heading.
CATALOGUE: tuple[Analyte, ...] = tuple(
    _panel(
        "COMPLETE BLOOD COUNT",
        ("WBC", "10^3/uL", 4.0, 11.0, 1),
        ("RBC", "10^6/uL", 4.20, 5.80, 2),
        ("Hemoglobin", "g/dL", 12.0, 17.5, 1),
        ("Hematocrit", "%", 36.0, 50.0, 1),
        ("MCV", "fL", 80.0, 100.0, 1),
        ("MCH", "pg", 27.0, 33.0, 1),
        ("MCHC", "g/dL", 32.0, 36.0, 1),
        ("RDW", "%", 11.5, 14.5, 1),
        ("Platelets", "10^3/uL", 150, 400, 0),
        ("MPV", "fL", 7.5, 11.5, 1),
        ("Neutrophils", "%", 40.0, 75.0, 1),
        ("Lymphocytes", "%", 20.0, 45.0, 1),
        ("Monocytes", "%", 2.0, 10.0, 1),
        ("Eosinophils", "%", 0.0, 6.0, 1),
        ("Basophils", "%", 0.0, 2.0, 1),
        ("Absolute Neutrophils", "10^3/uL", 1.80, 7.70, 2),
        ("Absolute Lymphocytes", "10^3/uL", 1.00, 4.80, 2),
        ("Reticulocytes", "%", 0.5, 2.5, 1),
    )
    + _panel(
        "LIPID PANEL",
        ("Total Cholesterol", "mg/dL", None, 200, 0),
        ("LDL Cholesterol", "mg/dL", None, 100, 0),
        ("HDL Cholesterol", "mg/dL", 40, None, 0),
        ("Triglycerides", "mg/dL", None, 150, 0),
        ("Non-HDL Cholesterol", "mg/dL", None, 130, 0),
        ("VLDL Cholesterol", "mg/dL", 5, 40, 0),
        ("Cholesterol/HDL Ratio", "ratio", None, 5.0, 1),
        ("Apolipoprotein B", "mg/dL", None, 90, 0),
        ("Lipoprotein(a)", "nmol/L", None, 75, 0),
    )
    + _panel(
        "THYROID",
        ("TSH", "mIU/L", 0.40, 4.00, 2),
        ("Free T4", "ng/dL", 0.80, 1.80, 2),
        ("Free T3", "pg/mL", 2.3, 4.2, 1),
        ("T3", "ng/dL", 80, 200, 0),
        ("T4", "ug/dL", 5.0, 12.0, 1),
        ("TPO Antibodies", "IU/mL", None, 35, 0),
    )
    + _panel(
        "VITAMINS",
        ("Vitamin D 25-OH", "ng/mL", 30.0, 100.0, 1),
        ("Vitamin D3", "ng/mL", 20.0, 80.0, 1),
        ("Vitamin B12", "pg/mL", 200, 900, 0),
        ("Folate", "ng/mL", 5.9, None, 1),
        ("Vitamin B6", "ug/L", 5.3, 46.7, 1),
        ("Vitamin B1", "nmol/L", 70, 180, 0),
    )
    + _panel(
        "HORMONES",
        ("Testosterone", "ng/dL", 264, 916, 0),
        ("Free Testosterone", "pg/mL", 46.0, 224.0, 1),
        ("Estradiol", "pg/mL", 10.0, 40.0, 1),
        ("Cortisol", "ug/dL", 6.2, 19.4, 1),
        ("Prolactin", "ng/mL", 4.0, 15.2, 1),
        ("FSH", "mIU/mL", 1.5, 12.4, 1),
        ("LH", "mIU/mL", 1.7, 8.6, 1),
        ("DHEA-S", "ug/dL", 80.0, 560.0, 1),
        ("Progesterone", "ng/mL", 0.2, 1.4, 1),
        ("SHBG", "nmol/L", 10.0, 57.0, 1),
        ("IGF-1", "ng/mL", 88, 246, 0),
        ("PTH", "pg/mL", 15.0, 65.0, 1),
    )
    + _panel(
        "LIVER FUNCTION",
        ("ALT", "U/L", 7, 56, 0),
        ("AST", "U/L", 10, 40, 0),
        ("Alkaline Phosphatase", "U/L", 44, 147, 0),
        ("GGT", "U/L", 9, 48, 0),
        ("Total Bilirubin", "mg/dL", 0.1, 1.2, 1),
        ("Direct Bilirubin", "mg/dL", 0.0, 0.3, 1),
        ("Albumin", "g/dL", 3.5, 5.0, 1),
        ("Total Protein", "g/dL", 6.0, 8.3, 1),
        ("Globulin", "g/dL", 2.0, 3.5, 1),
        ("A/G Ratio", "ratio", 1.1, 2.5, 1),
    )
    + _panel(
        "KIDNEY FUNCTION",
        ("Creatinine", "mg/dL", 0.60, 1.30, 2),
        ("BUN", "mg/dL", 7, 20, 0),
        ("eGFR", "mL/min/1.73m2", 60, None, 0),
        ("Uric Acid", "mg/dL", 3.4, 7.0, 1),
        ("Cystatin C", "mg/L", 0.53, 0.95, 2),
        ("BUN/Creatinine Ratio", "ratio", 10, 20, 0),
        ("Urine Microalbumin", "mg/L", None, 30.0, 1),
    )
    + _panel(
        "ELECTROLYTES",
        ("Sodium", "mmol/L", 136, 145, 0),
        ("Potassium", "mmol/L", 3.5, 5.1, 1),
        ("Chloride", "mmol/L", 98, 107, 0),
        ("Bicarbonate", "mmol/L", 22, 29, 0),
        ("Calcium", "mg/dL", 8.6, 10.3, 1),
        ("Magnesium", "mg/dL", 1.7, 2.2, 1),
        ("Phosphorus", "mg/dL", 2.5, 4.5, 1),
        ("Anion Gap", "mmol/L", 8, 16, 0),
    )
    + _panel(
        "GLUCOSE METABOLISM",
        ("Glucose", "mg/dL", 70, 99, 0),
        ("HbA1c", "%", None, 5.7, 1),
        ("Insulin", "uIU/mL", 2.6, 24.9, 1),
        ("C-Peptide", "ng/mL", 1.1, 4.4, 1),
        ("Fructosamine", "umol/L", 205, 285, 0),
    )
    + _panel(
        "IRON STUDIES",
        ("Ferritin", "ng/mL", 30.0, 400.0, 1),
        ("Iron", "ug/dL", 60, 170, 0),
        ("TIBC", "ug/dL", 250, 450, 0),
        ("Transferrin Saturation", "%", 20.0, 50.0, 1),
        ("Transferrin", "mg/dL", 200, 360, 0),
    )
    + _panel(
        "INFLAMMATION",
        ("CRP", "mg/L", None, 10.0, 1),
        ("hs-CRP", "mg/L", None, 3.0, 1),
        ("ESR", "mm/hr", 0, 20, 0),
        ("Fibrinogen", "mg/dL", 200, 400, 0),
        ("Procalcitonin", "ng/mL", None, 0.50, 2),
    )
    + _panel(
        "COAGULATION",
        ("Prothrombin Time", "sec", 11.0, 13.5, 1),
        ("INR", "ratio", 0.8, 1.2, 1),
        ("PTT", "sec", 25.0, 35.0, 1),
        ("D-Dimer", "ug/mL", None, 0.50, 2),
    )
    + _panel(
        "OTHER TESTS",
        ("PSA", "ng/mL", None, 4.00, 2),
        ("CEA", "ng/mL", None, 3.0, 1),
        ("CK", "U/L", 30, 200, 0),
        ("LDH", "U/L", 140, 280, 0),
        ("Lipase", "U/L", 13, 60, 0),
        ("Amylase", "U/L", 30, 110, 0),
        ("Homocysteine", "umol/L", 5.0, 15.0, 1),
        ("Troponin I", "ng/mL", None, 0.04, 2),
        ("NT-proBNP", "pg/mL", None, 125, 0),
        ("Lactate", "mmol/L", 0.5, 2.2, 1),
        ("Ammonia", "umol/L", 11, 35, 0),
        ("Zinc", "ug/dL", 60, 120, 0),
        ("Copper", "ug/dL", 70, 140, 0),
    )
)

BY_NAME: dict[str, Analyte] = {analyte.name: analyte for analyte in CATALOGUE}


@dataclass(frozen=True)
class Qualitative:
    """A test reported in words or titres: "Negative", "Non Reactive", "1:160", "Yellow".

    ``normal`` values are printed without a flag, ``abnormal`` ones with "A"; the reference
    is what the lab prints in the range column ("Negative", "Clear", "< 1:40").
    """

    name: str
    panel: str
    unit: str
    reference: str
    normal: tuple[str, ...]
    abnormal: tuple[str, ...]

    def draw_row(self, rng: random.Random) -> BiomarkerRow:
        is_abnormal = rng.random() < OUT_OF_RANGE_SHARE
        value = rng.choice(self.abnormal if is_abnormal else self.normal)
        return BiomarkerRow(
            analyte=self.name,
            value=value,
            flag="A" if is_abnormal else None,
            unit=self.unit,
            reference=self.reference,
        )


def _qualitative(panel: str, *rows: tuple[str, str, str, str, str]) -> list[Qualitative]:
    """Rows of (name, unit, reference, normal values, abnormal values), values "|"-separated."""
    return [
        Qualitative(name, panel, unit, reference, tuple(normal.split("|")), tuple(bad.split("|")))
        for name, unit, reference, normal, bad in rows
    ]


#: Urinalysis and serology: results that are words, which an anonymizer must leave alone even
#: when they look like names ("Clear", "Amber", "Straw", "Rose"...). Names differ from the
#: numeric catalogue's ("Urine Glucose", not "Glucose"), so one report never repeats an analyte.
QUALITATIVE: tuple[Qualitative, ...] = tuple(
    [
        *_qualitative(
            "URINALYSIS",
            ("Color", "", "Yellow", "Yellow|Straw|Pale Yellow", "Amber|Dark Yellow|Red|Orange"),
            ("Clarity", "", "Clear", "Clear", "Hazy|Cloudy|Turbid"),
        ),
        *_qualitative(
            "URINALYSIS",
            ("Specific Gravity", "", "1.005 - 1.030", "1.010|1.015|1.020|1.025", "1.003|1.035"),
            ("Urine pH", "", "5.0 - 8.0", "5.5|6.0|6.5|7.0|7.5", "4.5|8.5|9.0"),
            ("Urine Protein", "mg/dL", "Negative", "Negative", "Trace|30|100|300"),
            ("Urine Glucose", "mg/dL", "Negative", "Negative", "Trace|100|250|500"),
            ("Ketones", "mg/dL", "Negative", "Negative", "Trace|Small|Moderate|Large"),
            ("Urine Bilirubin", "", "Negative", "Negative", "Small|Moderate|Large"),
            ("Occult Blood", "", "Negative", "Negative", "Trace|Small|Moderate|Large"),
            ("Nitrite", "", "Negative", "Negative", "Positive"),
            ("Leukocyte Esterase", "", "Negative", "Negative", "Trace|Small|Moderate|Large"),
            ("Urobilinogen", "mg/dL", "0.2 - 1.0", "0.2|1.0", "2.0|4.0|8.0"),
            ("Urine WBC", "/hpf", "0 - 5", "0-2|3-5|None Seen", "6-10|11-20|>50"),
            ("Urine RBC", "/hpf", "0 - 2", "0-2|None Seen", "3-5|6-10|>50"),
            ("Squamous Epithelial Cells", "/hpf", "None - Few", "None Seen|Few", "Moderate|Many"),
            ("Bacteria", "", "None Seen", "None Seen", "Few|Moderate|Many"),
            ("Hyaline Casts", "/lpf", "0 - 2", "None Seen|0-2", "3-5|>5"),
        ),
        *_qualitative(
            "SEROLOGY",
            ("Hepatitis B Surface Ag", "", "Negative", "Negative", "Positive"),
            ("Hepatitis B Core Ab", "", "Non Reactive", "Non Reactive", "Reactive"),
            ("Hepatitis C Ab", "", "Non Reactive", "Non Reactive", "Reactive"),
            ("HIV-1/2 Ag/Ab", "", "Non Reactive", "Non Reactive", "Reactive"),
            ("RPR", "", "Non Reactive", "Non Reactive", "Reactive"),
            ("Rubella IgG", "", "Immune", "Immune", "Not Immune|Equivocal"),
            ("ANA Screen", "", "Negative", "Negative", "Positive"),
            ("ANA Titer", "titer", "< 1:40", "<1:40", "1:80|1:160|1:320|1:640"),
            ("ASO Titer", "IU/mL", "< 200", "<200", "400|800"),
            ("SARS-CoV-2 RNA", "", "Not Detected", "Not Detected", "Detected"),
            ("Chlamydia trachomatis NAA", "", "Not Detected", "Not Detected", "Detected"),
            ("Neisseria gonorrhoeae NAA", "", "Not Detected", "Not Detected", "Detected"),
            ("Strep A Antigen", "", "Negative", "Negative", "Positive"),
            ("H. pylori Stool Ag", "", "Negative", "Negative", "Positive"),
            ("Antibody Screen", "", "Negative", "Negative", "Positive"),
        ),
    ]
)
