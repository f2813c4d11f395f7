"""What one report says, decided before anything is drawn.

Every random choice (people, results, labels, date formats) is made here from the seed, so the
layouts only place text and two layouts of the same seed show the same patient and results.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from faker import Faker  # type: ignore[import-not-found, unused-ignore]

from benchmarks.corpus.analytes import CATALOGUE
from benchmarks.corpus.people import Cast, day_between, make_cast
from benchmarks.corpus.truth import BiomarkerRow

MIN_ANALYTES, MAX_ANALYTES = 5, 40
COLLECTION_RANGE = (date(2023, 1, 1), date(2025, 12, 31))

PERSON_LABELS = ("Patient:", "Patient Name:", "Name:")
BIRTH_LABELS = ("DOB:", "Date of Birth:", "Birth Date:")
MRN_LABELS = ("MRN:", "Patient ID:", "Medical Record #:")
ACCESSION_LABELS = ("Accession:", "Accession #:", "Specimen ID:")
PHONE_LABELS = ("Phone:", "Tel:", "Telephone:")
PHYSICIAN_LABELS = ("Ordering Physician:", "Requested by:", "Physician:")
INSURANCE_LABELS = ("Member ID:", "Insurance ID:")
COLLECTED_LABELS = ("Collected:", "Collection Date:")
REPORTED_LABELS = ("Reported:", "Report Date:")
PHYSICIAN_FORMS = ("Dr. {}", "{}, MD", "{}, M.D.", "{}, DO")


@dataclass(frozen=True)
class Labels:
    """The label printed before each header value; varied so nobody can key on one wording."""

    person: str
    birth: str
    mrn: str
    accession: str
    phone: str
    physician: str
    insurance: str
    collected: str
    reported: str


@dataclass(frozen=True)
class Section:
    """Consecutive rows of one panel, under an optional printed heading."""

    heading: str | None
    rows: tuple[BiomarkerRow, ...]


@dataclass(frozen=True)
class Report:
    """The printed content of one document, in the exact strings that will appear."""

    document_id: str
    seed: int
    layout: str
    cast: Cast
    labels: Labels
    date_of_birth: str
    collection_date: str
    report_date: str
    physician: str  # as printed, with its title: "Dr. Jane Smith", "Jane Smith, MD"
    running_name: str  # "Gonzalez, Maria L." (sometimes upper case) for multi-page footers
    sections: tuple[Section, ...]
    table_font_size: float
    column_gap: float
    target_pages: int  # 1, or 2-4 for multi_page
    wording: int  # picks among the layouts' alternative sentences and header arrangements

    @property
    def rows(self) -> tuple[BiomarkerRow, ...]:
        return tuple(row for section in self.sections for row in section.rows)


def plan_report(seed: int, layout: str) -> Report:
    """All content for ``seed``; ``layout`` only decides how many pages are wanted."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    cast = make_cast(fake, rng)
    collected = datetime.combine(day_between(rng, *COLLECTION_RANGE), datetime.min.time())
    collected += timedelta(hours=rng.randrange(6, 17), minutes=rng.randrange(60))
    reported = collected + timedelta(hours=rng.randrange(4, 72), minutes=rng.randrange(60))
    iso_dates = rng.random() < 0.5
    return Report(
        document_id=f"lab-{seed:04d}",
        seed=seed,
        layout=layout,
        cast=cast,
        labels=_labels(rng),
        date_of_birth=_day(cast.patient.date_of_birth, iso=rng.random() < 0.5),
        collection_date=_moment(collected, iso_dates, with_time=rng.random() < 0.6),
        report_date=_moment(reported, iso_dates, with_time=rng.random() < 0.6),
        physician=rng.choice(PHYSICIAN_FORMS).format(cast.physician.full),
        running_name=_running_name(cast, upper=rng.random() < 0.3),
        sections=_sections(rng, show_headings=rng.random() < 0.7),
        table_font_size=rng.choice((8.5, 9.0, 9.5)),
        column_gap=rng.choice((18.0, 22.0, 28.0)),
        target_pages=rng.randint(2, 4) if layout == "multi_page" else 1,
        wording=rng.randrange(1000),
    )


def _labels(rng: random.Random) -> Labels:
    return Labels(
        person=rng.choice(PERSON_LABELS),
        birth=rng.choice(BIRTH_LABELS),
        mrn=rng.choice(MRN_LABELS),
        accession=rng.choice(ACCESSION_LABELS),
        phone=rng.choice(PHONE_LABELS),
        physician=rng.choice(PHYSICIAN_LABELS),
        insurance=rng.choice(INSURANCE_LABELS),
        collected=rng.choice(COLLECTED_LABELS),
        reported=rng.choice(REPORTED_LABELS),
    )


def _day(day: date, iso: bool) -> str:
    return day.strftime("%Y-%m-%d" if iso else "%m/%d/%Y")


def _moment(moment: datetime, iso: bool, with_time: bool) -> str:
    text = _day(moment.date(), iso)
    return f"{text} {moment:%H:%M}" if with_time else text


def _running_name(cast: Cast, upper: bool) -> str:
    name = cast.patient.name.last_first
    return name.upper() if upper else name


def _sections(rng: random.Random, show_headings: bool) -> tuple[Section, ...]:
    """A random subset of the catalogue, kept in catalogue order so panels stay together."""
    count = rng.randint(MIN_ANALYTES, MAX_ANALYTES)
    picked = sorted(rng.sample(range(len(CATALOGUE)), count))
    sections: list[Section] = []
    for index in picked:
        analyte = CATALOGUE[index]
        row = analyte.draw_row(rng)
        heading = analyte.panel if show_headings else None
        if sections and (not show_headings or sections[-1].heading == heading):
            sections[-1] = Section(sections[-1].heading, (*sections[-1].rows, row))
        else:
            sections.append(Section(heading, (row,)))
    return tuple(sections)
