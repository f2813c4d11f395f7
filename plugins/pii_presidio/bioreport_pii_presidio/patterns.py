"""The regular expressions of lab-report PII: labelled header fields, phrases of running text,
and formats that identify on their own (SSN, phone, email, street address).

A value is the named group ``value``; the label around it stays in the text, so the anonymized
report still reads "DOB: <DATE_OF_BIRTH_1>".
"""

import re

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}"
    rf"|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}})"
)
NAME_WORD = r"(?:[A-Z][a-z][a-zA-Z'’-]*|[A-Z]['’][A-Z][a-z]+)"  # Maria, McDonald, O'Neil
INITIAL = r"[A-Z]\.?"
_ = r"[ \t]+"  # names and phrases do not cross lines
#: "Maria Gonzalez", "Maria L. Gonzalez", "Mary-Ann O'Neil", "Gonzalez, Maria L."
PERSON_NAME = (
    rf"(?:{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD}){{1,2}}"
    rf"|{NAME_WORD},{_}{NAME_WORD}(?:{_}{INITIAL})?)"
)
CREDENTIAL = r"(?:M\.?D\.?|D\.?O\.?|Ph\.?D\.?|NP|PA-C|RN|MBBS|DNP)"
IDENTIFIER = r"[A-Z0-9][A-Z0-9-]*\d[A-Z0-9-]*"
STATE_ZIP = r"[A-Z]{2}\s+\d{5}(?:-\d{4})?"
CITY_STATE_ZIP = rf"(?:[A-Z][a-zA-Z.'-]*\s+){{0,3}}[A-Z][a-zA-Z.'-]*,\s+{STATE_ZIP}"
STREET = (
    r"\d{1,6}[A-Z]?\s+(?:[A-Z0-9][a-zA-Z0-9.'-]*\s+){0,4}[A-Z][a-zA-Z.'-]*"
    r"(?:,?\s+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Fl(?:oor)?\.?|#)\s*[\w-]+)?"
)
MILITARY = (
    r"(?:PSC|Unit|USNS|USS|USCGC|CMR)\s+[\w ]+?,?\s+(?:Box\s+\d+,?\s+)?"
    r"(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5}"
)

# Labels: the header's "Label: value" fields. PII labels map to an entity type; the others
# (dates the product keeps, sex, age, ...) only mark where a value ends in a two-column line.
PII_LABELS: dict[str, tuple[str, ...]] = {
    "PERSON": ("Patient Name", "Patient's Name", "Pt Name", "Patient", "Name", "Full Name"),
    "DATE_OF_BIRTH": ("Date of Birth", "Birth Date", "Birthdate", "D.O.B.", "DOB"),
    "ADDRESS": ("Patient Address", "Home Address", "Address", "Addr"),
    "PHONE": ("Phone Number", "Phone", "Telephone", "Tel", "Mobile", "Cell", "Contact"),
    "EMAIL": ("E-mail", "Email"),
    "MRN": (
        "Medical Record Number",
        "Medical Record No",
        "Medical Record #",
        "Medical Record",
        "Record #",
        "MRN",
        "Patient ID",
        "Patient #",
        "Chart #",
        "PID",
    ),
    "ACCESSION": (
        "Accession Number",
        "Accession No",
        "Accession #",
        "Accession",
        "Specimen ID",
        "Specimen #",
        "Specimen No",
        "Sample ID",
        "Lab ID",
        "Requisition #",
        "Requisition",
        "Order #",
        "Order ID",
    ),
    "PHYSICIAN": (
        "Ordering Physician",
        "Referring Physician",
        "Attending Physician",
        "Physician",
        "Ordering Provider",
        "Provider",
        "Requested by",
        "Ordered by",
        "Referred by",
        "Doctor",
    ),
    "SSN": ("Social Security Number", "Social Security No", "Social Security #", "SSN"),
    "INSURANCE_ID": (
        "Member ID",
        "Member #",
        "Insurance ID",
        "Insurance #",
        "Insurance No",
        "Policy Number",
        "Policy #",
        "Policy No",
        "Subscriber ID",
        "Medicare ID",
        "Medicaid ID",
        "Group #",
    ),
}
OTHER_LABELS = (
    "Collection Date",
    "Collection Time",
    "Collected",
    "Received",
    "Reported",
    "Report Date",
    "Report Status",
    "Date Reported",
    "Date Collected",
    "Sex",
    "Gender",
    "Age",
    "Fasting",
    "Specimen Type",
    "Source",
    "Status",
    "Page",
    "Client",
    "Account",
    "Comment",
    "Comments",
    "Note",
    "Notes",
    "Location",
    "Facility",
    "Ward",
    "Room",
    "Date",
    "Time",
    "Lab",
    "Test",
)
LABEL_KIND = {label.lower(): kind for kind, labels in PII_LABELS.items() for label in labels}
_ALL_LABELS = sorted(
    [*LABEL_KIND, *(label.lower() for label in OTHER_LABELS)], key=len, reverse=True
)
#: A label and its colon, at the start of a line or after a space (two-column headers).
LABEL = re.compile(
    r"(?<![\w'])(?P<label>" + "|".join(re.escape(label) for label in _ALL_LABELS) + r")\s*:",
    re.IGNORECASE,
)
CONTINUATION_CITY = re.compile(rf"\A[ \t]*{CITY_STATE_ZIP}[ \t]*$", re.MULTILINE)

#: Phrases of running text ("date of birth 1940-01-28", "medical record number MR-5169671").
CONTEXT_PATTERNS: dict[str, tuple[str, ...]] = {
    "DATE_OF_BIRTH": (
        rf"(?i:\b(?:date of birth|birth ?date|DOB|born(?: on)?|b\.)\b)[\s:,]*(?P<value>{DATE})",
    ),
    "MRN": (
        r"(?i:\b(?:medical record(?: number| no\.?| #)?|MRN|patient id(?:entifier)?"
        rf"|record (?:number|no\.?|#)|chart (?:number|no\.?|#)))[\s:#,]*(?P<value>{IDENTIFIER})",
    ),
    "ACCESSION": (
        r"(?i:\b(?:accession|specimen|sample|requisition|order)(?: (?:number|no\.?|id|#))?)"
        rf"[\s:#,]*(?P<value>{IDENTIFIER})",
        rf"(?i:\b(?:registered|recorded|filed|logged|received|labell?ed)[ \t]+(?:as|under))"
        rf"[\s:#,]*(?P<value>{IDENTIFIER})",
    ),
    "INSURANCE_ID": (
        r"(?i:\b(?:member|insurance|policy|subscriber|medicare|medicaid|payer|plan)"
        rf"(?:[ \t]+(?:member|id|number|no\.?|#))*)[\s:#,]*(?P<value>{IDENTIFIER})",
    ),
    "SSN": (
        r"(?i:\b(?:SSN|social security(?: number| no\.?| #)?))[\s:#,]*"
        r"(?P<value>\d{3}[- ]?\d{2}[- ]?\d{4})",
    ),
    "PHYSICIAN": (
        rf"\b(?:Dr\.?|Doctor){_}(?P<value>{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD}){{0,2}})",
        rf"(?P<value>{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD}){{1,2}}),?{_}{CREDENTIAL}(?![\w])",
    ),
    "PERSON": (
        # "Tyrone Schwartz, date of birth …", "Jane Roe (DOB …)", "Jane Roe, aged 54"
        rf"(?m:^|(?<=[.;:][ \t]))(?P<value>{PERSON_NAME})(?=,?[ \t]*\(?(?i:date of birth|born"
        r"|DOB|d\.o\.b|aged?[ \t]+\d))",
        rf"(?:\b(?:Mr|Mrs|Ms|Miss|Mx)\.?{_})(?P<value>{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD})?)",
        r"(?i:\b(?:(?:report|results|specimen|sample|prepared|received|collected|drawn)[ \t]+for"
        r"|(?:collected|drawn|obtained)[ \t]+from|(?:discussed|reviewed|shared)[ \t]+with"
        r"|(?:sent|released|mailed|reported)[ \t]+to|informed|notified|contacted|called"
        rf"|patient)){_}(?P<value>{PERSON_NAME})",
    ),
}

#: Formats that identify whatever the context.
#: An identifier with six or more digits ("ACC24377381", "24-069-03332", "MBR-46890566")
#: outside the result table is someone's number, whatever its label; dates, times and phone
#: numbers are matched by their own patterns first.
ID_NUMBER = r"(?<![\w/.:-])(?P<value>(?=(?:[A-Z-]*\d){6})[A-Z]{0,5}-?\d[\d-]*\d[A-Z]?)(?![\w/.:-])"

FORMAT_PATTERNS: dict[str, tuple[str, ...]] = {
    "SSN": (r"(?<![\w-])(?P<value>\d{3}-\d{2}-\d{4})(?![\w-])",),
    "EMAIL": (r"(?<![\w.+-])(?P<value>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",),
    "PHONE": (
        r"(?<![\w.])(?P<value>(?:\+?1[\s.-]?|001[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
        r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?)(?![\w])",
    ),
    "ADDRESS": (
        rf"(?<![\w-])(?P<value>{STREET},?\s+{CITY_STATE_ZIP})",
        rf"(?<![\w-])(?P<value>{MILITARY})",
    ),
}


def compile_all(patterns: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile(p)) for kind, ps in patterns.items() for p in ps]
