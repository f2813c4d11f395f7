"""What one report of the issue-13 layouts says, decided before anything is drawn.

The original four layouts share ``report.plan_report``, whose random draws must not change
(seed N is pinned by tests). The newer layouts need more: a country's conventions, an age
(90 or over is PII), relatives, lab staff, second identifiers, qualitative results. A
``Case`` holds all of it; each layout prints what it needs, and the sheet records what was
printed. Patients differ between layouts for the same seed (the layout is part of the random
seed), so tuning on one layout never shows the patients of another.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from faker import Faker  # type: ignore[import-not-found, unused-ignore]

from benchmarks.corpus import regions
from benchmarks.corpus.analytes import CATALOGUE, QUALITATIVE, Analyte, Qualitative
from benchmarks.corpus.people import (
    LABS,
    WORD_FEMALE_NAMES,
    WORD_MALE_NAMES,
    WORD_SURNAMES,
    Lab,
    Name,
    day_between,
)
from benchmarks.corpus.report import COLLECTION_RANGE, Section
from benchmarks.corpus.truth import BiomarkerRow

#: Share of given names and surnames drawn from the word-name lists.
WORD_NAME_SHARE = 0.4
#: Share of patients aged 90 or more.
OLD_SHARE = 0.25
FEMALE_RELATIONS = ("daughter", "wife", "sister", "niece", "mother")
MALE_RELATIONS = ("son", "husband", "brother", "nephew")
LABS_BY_REGION: dict[str, tuple[Lab, ...]] = {
    "US": LABS,
    "UK": (
        Lab("Riverside Pathology Partnership", "Blood Sciences, Level 2, Pathology Block"),
        Lab("Northgate Hospitals NHS Trust", "Department of Clinical Biochemistry"),
    ),
    "AU": (
        Lab("Southern Cross Pathology", "Unit 4, 12 Industry Drive"),
        Lab("Coral Coast Diagnostic Laboratories", "Level 1, Clinical Sciences Building"),
    ),
    "NL": (Lab("Klinisch Laboratorium Westhaven", "Laboratoriumweg 1"),),
    "FR": (Lab("Laboratoire de Biologie Medicale Lumiere", "Plateau technique, Batiment B"),),
    "DE": (Lab("Labor Nordstern MVZ", "Laborzentrum, Haus C"),),
}
LAYOUT_REGIONS: dict[str, tuple[str, ...]] = {
    "running_header": ("US",),
    "uk_hospital": ("UK",),
    "eu_lab": ("NL", "FR", "DE"),
    "urinalysis": ("US",),
    "au_pathology": ("AU",),
    "requisition": ("US",),
    "lis_capitals": ("US",),
    "consult_note": ("US",),
    "ruled_grid": ("US",),
}
#: Points of table a running-header report has on its first page and on each page after it,
#: and the lines a heading with its first row takes: how ``pages=`` becomes a number of rows.
FIRST_PAGE_POINTS, PAGE_POINTS, HEADING_LINES = 480.0, 630.0, 2.2
#: Layouts whose reports always carry the qualitative panels.
QUALITATIVE_LAYOUTS = ("urinalysis",)


@dataclass(frozen=True)
class Relative:
    relation: str
    name: Name
    phone: str


@dataclass(frozen=True)
class Case:
    """The printed content of one issue-13 report; layouts choose what to show."""

    document_id: str
    seed: int
    layout: str
    region: str
    patient: Name
    female: bool
    birth: date
    date_of_birth: str  # as printed
    age: int  # at collection
    address: regions.Address
    phone: str
    mobile: str
    email: str | None
    mrn: str
    hospital_number: str
    national_id: str  # NHS, Medicare, BSN, NIR or SSN, by region
    insurance_id: str
    account_number: str  # FIN / billing account
    group_number: str
    accession: str
    physician: Name  # ordering / referring
    consultant: Name
    gp: Name
    technologist: Name
    pathologist: Name
    verifier_initials: str
    relatives: tuple[Relative, ...]
    lab: Lab
    collection_date: str
    report_date: str
    sections: tuple[Section, ...]
    table_font_size: float
    column_gap: float
    target_pages: int
    fill_pages: bool  # the table flows over as many pages as it fills (scaling documents)
    wording: int

    @property
    def rows(self) -> tuple[BiomarkerRow, ...]:
        return tuple(row for section in self.sections for row in section.rows)

    @property
    def title(self) -> str:
        """How prose addresses the patient: "Ms. White", "Mr. Page"."""
        return f"{'Ms.' if self.female else 'Mr.'} {self.patient.last}"

    @property
    def is_old(self) -> bool:
        return self.age >= 90


def case_seed(layout: str, seed: int) -> int:
    """A random seed of its own for each (layout, seed): same input, same document."""
    return int.from_bytes(hashlib.sha256(f"{layout}:{seed}".encode()).digest()[:8], "big")


def plan_case(
    seed: int,
    layout: str,
    pages: int | None = None,
    extra_names: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ()),
) -> Case:
    """All content of one report; ``pages`` asks for that many pages of results (the scaling
    documents), ``extra_names`` adds (female, male, surname) word-names to draw from:
    held-out layouts bring their own."""
    rng = random.Random(case_seed(layout, seed))
    region = rng.choice(LAYOUT_REGIONS[layout])
    fake = Faker(regions.LOCALES[region])
    fake.seed_instance(rng.randrange(2**32))
    females, males = (*WORD_FEMALE_NAMES, *extra_names[0]), (*WORD_MALE_NAMES, *extra_names[1])
    surnames = (*WORD_SURNAMES, *extra_names[2])

    def person(female: bool | None = None, word_share: float = WORD_NAME_SHARE) -> Name:
        female = rng.random() < 0.5 if female is None else female
        if rng.random() < word_share:
            first = rng.choice(females if female else males)
        else:
            first = str(fake.first_name_female() if female else fake.first_name_male())
        last = rng.choice(surnames) if rng.random() < word_share else str(fake.last_name())
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.5 else None
        return Name(first, middle, last)

    female = rng.random() < 0.55
    patient = person(female)
    collected = datetime.combine(day_between(rng, *COLLECTION_RANGE), datetime.min.time())
    collected += timedelta(hours=rng.randrange(6, 17), minutes=rng.randrange(60))
    reported = collected + timedelta(hours=rng.randrange(4, 72), minutes=rng.randrange(60))
    if rng.random() < OLD_SHARE:
        age_years = rng.randrange(90, 104)
    else:
        age_years = rng.randrange(18, 90)
    birth = collected.date() - timedelta(days=int(age_years * 365.25) + rng.randrange(1, 360))
    age = _age(birth, collected.date())
    others = _distinct_people(patient, [person(word_share=0.2) for _ in range(5)], person)
    physician, consultant, gp, technologist, pathologist = others
    relatives = tuple(
        _relative(rng, patient, person, regions.phone(region, rng))
        for _ in range(rng.randint(1, 2))
    )
    middle = technologist.middle_initial or rng.choice("ABCDEFGHJKLMNPRSTW")
    address = regions.address(region, fake, rng)
    with_time = rng.random() < 0.6
    qualitative = layout in QUALITATIVE_LAYOUTS or rng.random() < 0.5
    font_size = rng.choice((8.5, 9.0))
    return Case(
        document_id=f"{layout}-{seed:04d}",
        seed=seed,
        layout=layout,
        region=region,
        patient=patient,
        female=female,
        birth=birth,
        date_of_birth=regions.day_text(region, birth, rng),
        age=age,
        address=address,
        phone=regions.phone(region, rng),
        mobile=regions.phone(region, rng),
        email=_email(fake, rng, patient) if rng.random() < 0.4 else None,
        mrn=f"{rng.choice(('', 'E', 'MR'))}{rng.randrange(10**6, 10**8)}",
        hospital_number=_hospital_number(region, rng),
        national_id=_national_id(region, rng, female, birth),
        insurance_id=_insurance_id(region, rng),
        account_number=f"{rng.randrange(10**9, 10**11)}",
        group_number=f"GRP-{rng.randrange(10**5, 10**6)}",
        accession=f"{rng.choice(('A', 'L', 'C'))}{collected:%y}{rng.randrange(10**6, 10**7)}",
        physician=physician,
        consultant=consultant,
        gp=gp,
        technologist=technologist,
        pathologist=pathologist,
        verifier_initials=f"{technologist.first[0]}{middle}{technologist.last[0]}".upper(),
        relatives=relatives,
        lab=rng.choice(LABS_BY_REGION[region]),
        collection_date=_moment(region, collected, rng, with_time),
        report_date=_moment(region, reported, rng, with_time),
        sections=_sections(rng, qualitative, layout, pages, font_size),
        table_font_size=font_size,
        column_gap=rng.choice((18.0, 22.0, 26.0)),
        target_pages=pages or rng.randint(2, 3),
        fill_pages=pages is not None,
        wording=rng.randrange(1000),
    )


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _distinct_people(patient: Name, people: list[Name], make: Callable[..., Name]) -> list[Name]:
    """``people`` with nobody sharing a given name or surname with the patient or each other."""
    seen_first, seen_last = {patient.first}, {patient.last}
    distinct = []
    for candidate in people:
        while candidate.first in seen_first or candidate.last in seen_last:
            candidate = make(word_share=0.2)
        seen_first.add(candidate.first)
        seen_last.add(candidate.last)
        distinct.append(candidate)
    return distinct


def _relative(rng: random.Random, patient: Name, make: Callable[..., Name], phone: str) -> Relative:
    """A relative whose given name differs from the patient's and fits the relation."""
    female = rng.random() < 0.6
    relation = rng.choice(FEMALE_RELATIONS if female else MALE_RELATIONS)
    name = make(female)
    while name.first == patient.first:
        name = make(female)
    last = patient.last if rng.random() < 0.5 else name.last
    return Relative(relation, Name(name.first, None, last), phone)


def _moment(region: str, moment: datetime, rng: random.Random, with_time: bool) -> str:
    text = regions.day_text(region, moment.date(), rng)
    return f"{text} {moment:%H:%M}" if with_time else text


def _email(fake: Faker, rng: random.Random, name: Name) -> str:
    first, last = (
        "".join(ch for ch in part.lower() if ch.isascii() and ch.isalnum())
        for part in (name.first, name.last)
    )
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}{rng.randrange(10, 99)}"))
    return f"{local}@{fake.free_email_domain()}"


def _hospital_number(region: str, rng: random.Random) -> str:
    match region:
        case "UK":
            return f"{rng.choice('DHKMRS')}{rng.randrange(10**6, 10**7)}"
        case "AU":
            return f"{rng.randrange(10**5, 10**7):07d}"
        case _:
            return f"H{rng.randrange(10**6, 10**7)}"


def _national_id(region: str, rng: random.Random, female: bool, birth: date) -> str:
    match region:
        case "UK":
            return regions.nhs_number(rng)
        case "AU":
            return regions.medicare_number(rng)
        case "NL":
            return regions.bsn(rng)
        case "FR":
            return regions.nir(rng, female, birth)
        case "DE":
            return regions.german_insurance_number(rng)
        case _:
            area = rng.choice([n for n in range(1, 900) if n != 666])
            return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def _insurance_id(region: str, rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3))
    return f"{letters}{rng.randrange(10**8, 10**9)}"


def _sections(
    rng: random.Random, qualitative: bool, layout: str, pages: int | None, font_size: float
) -> tuple[Section, ...]:
    """Panels in catalogue order, qualitative panels last. ``pages`` repeats visits (fresh
    draws, the same analytes again) until the table fills about that many pages."""
    leading = font_size * 1.55
    per_page = [(points / leading) - 3.0 for points in (FIRST_PAGE_POINTS, PAGE_POINTS)]
    budget = per_page[0] - 4 + per_page[1] * (pages - 1) if pages else 0.0  # 4: signatures
    sections: list[Section] = []
    visit = lines = 0.0
    while True:
        count = rng.randint(8, 30)
        picked: list[Analyte | Qualitative] = [
            CATALOGUE[i] for i in sorted(rng.sample(range(len(CATALOGUE)), count))
        ]
        if qualitative:
            always = "URINALYSIS" if layout == "urinalysis" else None
            picked += [a for a in QUALITATIVE if a.panel == always or rng.random() < 0.5]
        for analyte in picked:
            heading = analyte.panel if not visit else f"{analyte.panel} (visit {visit + 1:.0f})"
            row = analyte.draw_row(rng)
            if sections and sections[-1].heading == heading:
                sections[-1] = Section(heading, (*sections[-1].rows, row))
                lines += 1
            else:
                sections.append(Section(heading, (row,)))
                lines += HEADING_LINES
            if pages and lines >= budget:
                return tuple(sections)
        visit += 1
        if not pages:
            return tuple(sections)
