"""What a lab report's results look like, so that NER never mistakes them for people or places.

spaCy's small model tags "Vitamin B12" or "Alkaline Phosphatase" as PERSON and "WBC" as an
organisation; result lines are therefore off limits to NER, and NER spans made of laboratory
words are dropped wherever they are.
"""

import re

ANALYTE_WORDS = frozenset(
    """
    albumin alkaline alp alt amylase anion antibody apolipoprotein ast b12 b6 basophils
    bicarbonate bilirubin bun c-peptide calcium carbon cholesterol chloride ck co2 complement
    cortisol count creatinine crp cystatin d d-dimer d3 dhea dhea-s direct egfr eosinophils esr
    estradiol ferritin fibrinogen folate free fsh ggt globulin glucose hba1c hct hdl hematocrit
    hemoglobin hgb homocysteine hs-crp igf-1 immature indirect inr insulin iron ldh ldl lh lipase
    lipoprotein lymphocytes magnesium mch mchc mcv monocytes mpv neutrophils non-hdl ntprobnp
    phosphatase phosphorus platelets potassium prealbumin progesterone prolactin protein psa pt
    ptt rbc rdw reticulocytes saturation shbg sodium t3 t4 testosterone tibc total transferrin
    triglycerides troponin tsh uric urea vitamin vldl wbc zinc panel lipid thyroid liver kidney
    function electrolytes metabolic iron studies inflammation coagulation hormones vitamins blood
    complete cbc cmp bmp differential urinalysis glucose hemoglobin a1c 25-oh oh acid ratio
    """.split()
)

#: Words that make a span something other than a person's name.
NOT_NAME_WORDS = frozenset(
    """
    lab labs laboratory laboratories diagnostics diagnostic services service pathology clinic
    clinics hospital medical center centre health healthcare reference range ranges test tests
    result results flag flags units unit report reports specimen patient physician page synthetic
    data fictitious interpret clinical context method md do phd rn np dr mr mrs ms street avenue
    road suite floor building plaza way drive boulevard blvd ave st rd
    """.split()
)

UNIT = (
    r"(?:%|[a-zA-Zµμ]+/[a-zA-Z0-9.^³]+(?:/[\w.^²]+)?|10\^\d+/[a-zA-Zµμ]+|x10E\d+/\w+"
    r"|[a-zA-Zµμ]{1,6})"
)
NUMBER = r"[<>]?\s?-?\d+(?:[.,]\d+)?"
RANGE = rf"(?:{NUMBER}\s?[-–]\s?{NUMBER}|[<>≤≥]=?\s?\d+(?:\.\d+)?)"

#: A line with a numeric result and a unit or a reference range: a table row.
RESULT_LINE = re.compile(
    rf"^\s*\S.*?(?<![\w/.-]){NUMBER}(?![\w.])\s+(?:[HL]{{1,2}}\s+)?(?:{UNIT})(?:\s|$).*$"
    rf"|^.*(?<![\d.]){RANGE}\s*$",
    re.MULTILINE,
)


def is_lab_vocabulary(span: str) -> bool:
    """True when every word of ``span`` is a laboratory word (or a number)."""
    words = [w for w in re.split(r"[\s,()]+", span.lower()) if w]
    return bool(words) and all(w in ANALYTE_WORDS or re.fullmatch(r"[\d.]+", w) for w in words)


def is_not_a_name(span: str) -> bool:
    """True when ``span`` contains a word no person's name is made of."""
    return any(w in NOT_NAME_WORDS for w in re.split(r"[\s,.()]+", span.lower()) if w)


def looks_like_a_name(span: str) -> bool:
    return not is_lab_vocabulary(span) and not is_not_a_name(span)


def result_line_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in RESULT_LINE.finditer(text)]
