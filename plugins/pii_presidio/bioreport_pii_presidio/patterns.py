"""Regular expressions of lab-report PII: formats that identify on their own (dates, phone
numbers, postcodes, e-mail, URLs, SSN, street addresses) and the phrases of running text
("date of birth …", "registered as …", "discussed with …").

A value is the named group ``value`` when the pattern has one; the words around it stay in the
text, so the anonymized report still reads "born <DATE_OF_BIRTH_1>".
"""

import re

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_D = r"\d{1,2}(?:st|nd|rd|th)?"
#: Every printed shape of a calendar date: 2023-07-22, 07/22/2023, 22.07.23, 22-Jul-2023,
#: 22 JUL 2023, Jul 22, 2023, 22nd of July 2023, July 2023. Day, month and year use the same
#: separator, so a range such as "10.5-11.0" is never a date.
DATE = (
    r"(?:\d{4}(?P<ymd>[-/.])\d{1,2}(?P=ymd)\d{1,2}"
    r"|\d{1,2}(?P<dmy>[-/.])\d{1,2}(?P=dmy)(?:\d{4}|\d{2})(?!\d)"
    rf"|\d{{1,2}}(?P<dmony>[-/ ]){MONTH}(?P=dmony),?\s?(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|{MONTH}\s+{_D},?\s+\d{{4}}"
    rf"|{_D}\s+(?:of\s+)?{MONTH},?\s+\d{{4}}"
    rf"|{MONTH},?\s+\d{{4}})"
)
TIME = r"(?:[01]?\d|2[0-3])[:.h][0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{3})?"
DATE_RE = re.compile(rf"(?<![\w/.-]){DATE}(?![\d/-])", re.IGNORECASE)
TIME_RE = re.compile(rf"(?<![\w:.]){TIME}(?![\w:])")

NAME_WORD = r"(?:[A-Z][a-z][a-zA-Z'’-]*|[A-Z]['’][A-Z][a-z]+)"  # Maria, McDonald, O'Neil
CAPS_WORD = r"(?:[A-Z][A-Z'’-]+)"  # GONZALEZ, O'NEIL
INITIAL = r"[A-Z]\.?"
_ = r"[ \t]+"  # names and phrases do not cross lines
#: "Maria Gonzalez", "Maria L. Gonzalez", "Mary-Ann O'Neil", "Gonzalez, Maria L."
PERSON_NAME = (
    rf"(?:{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD}){{1,2}}"
    rf"|{NAME_WORD},{_}{NAME_WORD}(?:{_}{INITIAL})?)"
)
CREDENTIAL = r"(?:M\.?D\.?|D\.?O\.?|Ph\.?D\.?|NP|PA-C|RN|MBBS|MBChB|FRCPath|DNP)"
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

#: Postcodes of the countries whose reports we see, each a format of its own. A US ZIP or an
#: Australian postcode is only a postcode after a state: alone it is a digit run (masked too).
POSTCODES = (
    r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}",  # UK: SW1A 1AA, M1 1AE, LS1 4AB
    r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d",  # Canada: K1A 0B1
    r"[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}",  # Netherlands: 1012 AB
    r"[AC-FHKNPRTV-Y]\d{2}\s?[AC-FHKNPRTV-Y0-9]{4}",  # Ireland (Eircode): D02 X285
)
POSTCODE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(POSTCODES) + r")(?![\w-])")

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(
    r"(?<![\w@.-])(?:(?:https?|ftp)://[^\s<>\"]+|www\.[^\s<>\"]+"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|nhs\.uk|co\.uk|org\.uk|ac\.uk"
    r"|ca|au|nz|nl|de|fr|ie|io|info|health|med|us|uk)(?:/[^\s<>\"]*)?)(?![\w@])",
    re.IGNORECASE,
)
#: Telephone numbers: North American, international with "+", national with a leading 0
#: (UK, NL, AU ...), with an extension.
PHONES = (
    r"(?:\+?1[\s.-]?|001[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}",
    r"\+\d{1,3}[\s.-]?(?:\(0?\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,5}){1,4}",
    r"\(?0\d{1,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}",
)
PHONE_RE = re.compile(
    r"(?<![\w.+/-])(?:" + "|".join(PHONES) + r")(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w/])",
    re.IGNORECASE,
)
#: Groups of digits that together make a number of 7 to 15 digits ("943 476 5919"): read as a
#: telephone or an identifier, never as a result (results are decided before).
DIGIT_GROUPS_RE = re.compile(
    r"(?<![\w.,/-])\d{2,6}(?:[ .-]\d{2,6}){1,4}(?:[ .-]\d)?(?![\w/-]|[.,]\d)"
)
SSN_RE = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")

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
        rf"\b(?:Dr\.?|Prof\.?){_}(?P<value>(?:{NAME_WORD}|{CAPS_WORD}|{INITIAL})"
        rf"(?:{_}(?:{NAME_WORD}|{CAPS_WORD}|{INITIAL})){{0,3}})",
        rf"(?P<value>{NAME_WORD}(?:{_}{INITIAL})?(?:{_}{NAME_WORD}){{1,2}}),?{_}{CREDENTIAL}(?![\w])",
    ),
    "PERSON": (
        # "Tyrone Schwartz, date of birth …", "Jane Roe (DOB …)", "Jane Roe, aged 54"
        rf"(?m:^|(?<=[.;:][ \t]))(?P<value>{PERSON_NAME})(?=,?[ \t]*\(?(?i:date of birth|born"
        r"|DOB|d\.o\.b|aged?[ \t]+\d))",
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Mstr|Master|Sir|Dame|Rev|Sister|Nurse)\.?{_}"
        rf"(?P<value>(?:{NAME_WORD}|{CAPS_WORD}|{INITIAL})(?:{_}(?:{NAME_WORD}|{CAPS_WORD}|{INITIAL})){{0,3}})",
        r"(?i:\b(?:(?:report|results|specimen|sample|prepared|received|collected|drawn)[ \t]+for"
        r"|(?:collected|drawn|obtained)[ \t]+from|(?:discussed|reviewed|shared)[ \t]+with"
        r"|(?:sent|released|mailed|reported|phoned|called|faxed)[ \t]+to|informed|notified"
        rf"|contacted|called|patient)){_}(?P<value>{PERSON_NAME})",
    ),
}

#: Formats that identify whatever the context.
FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("SSN", SSN_RE),
    ("EMAIL", EMAIL_RE),
    ("URL", URL_RE),
    ("PHONE", PHONE_RE),
    ("POSTCODE", POSTCODE_RE),
    ("ADDRESS", re.compile(rf"(?<![\w-])(?P<value>{STREET},?\s+{CITY_STATE_ZIP})")),
    ("ADDRESS", re.compile(rf"(?<![\w-])(?P<value>{MILITARY})")),
)


def compile_all(patterns: dict[str, tuple[str, ...]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile(p)) for kind, ps in patterns.items() for p in ps]
