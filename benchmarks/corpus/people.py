"""Fake identities: the patient, the ordering physician and the (invented) laboratory.

Names, streets and cities come from Faker so that NER sees the variety of real documents;
identifiers (MRN, accession, SSN, member ID, phone) come from ``random.Random`` in a few fixed
formats, because Faker's own formats change between releases and include extensions and
prefixes that no lab prints. Dates never depend on today's date, so a seed means the same
document next year.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker  # type: ignore[import-not-found, unused-ignore]


@dataclass(frozen=True)
class Name:
    """A person's name and the two ways reports print it."""

    first: str
    middle_initial: str | None
    last: str

    @property
    def full(self) -> str:
        """ "Maria L. Gonzalez" or "Maria Gonzalez"."""
        middle = f" {self.middle_initial}." if self.middle_initial else ""
        return f"{self.first}{middle} {self.last}"

    @property
    def last_first(self) -> str:
        """ "Gonzalez, Maria L.", the form of running headers and footers."""
        middle = f" {self.middle_initial}." if self.middle_initial else ""
        return f"{self.last}, {self.first}{middle}"


@dataclass(frozen=True)
class Patient:
    """Everything identifying about the patient; optional fields are printed only when set."""

    name: Name
    date_of_birth: date
    address: str
    phone: str
    mrn: str
    email: str | None
    ssn: str | None
    insurance_id: str | None


@dataclass(frozen=True)
class Lab:
    """The issuing laboratory: an organisation, not PII, printed in the letterhead."""

    name: str
    address: str


@dataclass(frozen=True)
class Cast:
    """Who appears in one report."""

    patient: Patient
    physician: Name
    lab: Lab
    accession: str


#: Invented labs; their names avoid common surnames so that they never look like a person.
LABS = (
    Lab("Northbridge Clinical Laboratories", "4100 Research Pkwy, Suite 200"),
    Lab("Bluewater Diagnostics", "88 Harbor Gate Blvd"),
    Lab("Summit Peak Reference Lab", "1500 Analytical Way, Building C"),
    Lab("Clearwell Pathology Services", "230 Meridian Plaza, Floor 3"),
    Lab("Evergreen Medical Testing", "7 Lakeside Technology Ctr"),
)

BIRTH_RANGE = (date(1935, 1, 1), date(2005, 12, 31))
#: Email, SSN and member ID each appear in about this share of documents.
OPTIONAL_PII_SHARE = 0.5


def make_cast(fake: Faker, rng: random.Random) -> Cast:
    """One patient, a physician with a different name, a lab and an accession number."""
    patient_name = _name(fake, rng)
    physician = _name(fake, rng)
    while physician.last == patient_name.last or physician.first == patient_name.first:
        physician = _name(fake, rng)
    patient = Patient(
        name=patient_name,
        date_of_birth=day_between(rng, *BIRTH_RANGE),
        address=_address(fake),
        phone=_phone(rng),
        mrn=_mrn(rng),
        email=_email(fake, rng, patient_name) if rng.random() < OPTIONAL_PII_SHARE else None,
        ssn=_ssn(rng) if rng.random() < OPTIONAL_PII_SHARE else None,
        insurance_id=_insurance_id(rng) if rng.random() < OPTIONAL_PII_SHARE else None,
    )
    return Cast(patient, physician, rng.choice(LABS), _accession(rng))


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A uniformly drawn day in [first, last]."""
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _name(fake: Faker, rng: random.Random) -> Name:
    first: str = fake.first_name()
    last: str = fake.last_name()
    middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.4 else None
    return Name(first, middle, last)


def _address(fake: Faker) -> str:
    street: str = fake.street_address()
    city: str = fake.city()
    state: str = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
    zipcode: str = fake.zipcode()
    return f"{street}, {city}, {state} {zipcode}"


def _phone(rng: random.Random) -> str:
    area = rng.choice([n for n in range(201, 990) if n % 100 != 11])
    exchange = rng.randrange(200, 1000)
    line = rng.randrange(10000)
    shape = rng.choice(
        ("({a}) {e}-{n:04d}", "{a}-{e}-{n:04d}", "{a}.{e}.{n:04d}", "+1 {a}-{e}-{n:04d}")
    )
    return shape.format(a=area, e=exchange, n=line)


def _email(fake: Faker, rng: random.Random, name: Name) -> str:
    domain: str = fake.free_email_domain()
    first, last = _plain(name.first), _plain(name.last)
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}{rng.randrange(10, 99)}"))
    return f"{local}@{domain}"


def _plain(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def _ssn(rng: random.Random) -> str:
    """Area 001-899 without 666, group 01-99, serial 0001-9999: what validators accept."""
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def _mrn(rng: random.Random) -> str:
    digits = rng.randrange(10**7)
    shape = rng.choice(("{d:08d}", "P{d:07d}", "MR-{d:07d}", "{d:07d}"))
    return shape.format(d=digits)


def _accession(rng: random.Random) -> str:
    year = rng.randrange(23, 26)
    match rng.randrange(4):
        case 0:
            return f"A{year}-{rng.randrange(10**7):07d}"
        case 1:
            return f"SPC-{rng.randrange(10**6):06d}"
        case 2:
            return f"{year}-{rng.randrange(1, 366):03d}-{rng.randrange(10**5):05d}"
        case _:
            return f"ACC{rng.randrange(10**8):08d}"


def _insurance_id(rng: random.Random) -> str:
    if rng.random() < 0.5:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3))
        return f"{letters}{rng.randrange(10**9):09d}"
    return f"MBR-{rng.randrange(10**8):08d}"


#: Given names that are also English words, and surnames that are words too (some of them
#: lab words: Iron, Gross, Page, Bell). Reports print them where an anonymizer that trusts a
#: capitalised word less than a "real" name lets them through, and next to results that use
#: the same words ("Iron 92 ug/dL", "Clarity Clear").
WORD_FEMALE_NAMES = (
    "Hope", "Rose", "Grace", "Faith", "Joy", "Dawn", "Iris", "Ivy", "April", "May", "June",
    "Summer", "Autumn", "Sky", "Amber", "Crystal", "Destiny", "Honor", "Ruby", "Pearl", "Olive",
    "Violet", "Lily", "Sunny", "Penny", "Patience", "Holly", "Heather", "Robin", "Wren",
)  # fmt: skip
WORD_MALE_NAMES = (
    "Will", "Mark", "Hunter", "Chase", "Bill", "Art", "Jack", "Rusty", "Forest", "River",
    "Miles", "Sterling", "Frank", "Grant", "Price", "Bishop", "Cliff", "Dale", "Glen", "Bud",
)  # fmt: skip
WORD_FIRST_NAMES = (*WORD_FEMALE_NAMES, *WORD_MALE_NAMES)
WORD_SURNAMES = (
    "White", "Iron", "Gross", "Will", "Rose", "Page", "Bell", "Young", "Mark", "Brown", "Green",
    "Black", "Little", "Long", "Hall", "Wood", "Stone", "Hill", "King", "Cook", "Baker", "Mason",
    "Fisher", "Hunter", "Love", "Rich", "Small", "Strong", "Sharp", "Swift", "Moody", "Best",
    "Cash", "Frost", "Snow", "Winter", "Marsh", "Field", "Lamb", "Fox", "Wolf", "Bird", "Crane",
    "Glass", "Gold", "Silver", "Steel", "Banks", "Wells", "Brooks", "Rivers", "Lake", "Ford",
    "Church", "Bishop", "Chance", "Power", "Bright", "Clear", "Low", "High", "Short", "Hardy",
    "Noble", "Major", "Rice", "Salt", "Bone", "Blood", "Cross", "Day", "May", "Hood",
)  # fmt: skip
