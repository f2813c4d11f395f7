"""How labs in each country print dates, phones, addresses and identifiers.

The original four layouts are American. The layouts of issue 13 add the UK (DD/MM/YYYY,
+44 phones, postcodes such as "S6 7LJ", NHS numbers), Australia (state and four-digit
postcode, +61 and (02) phones, Medicare numbers), the Netherlands, France and Germany
("03.04.1961", "1012 AB", "75008", BSN and NIR numbers). Identifiers with check digits are
valid, because recognizers validate them. Nothing here depends on today's date.
"""

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker  # type: ignore[import-not-found, unused-ignore]

REGIONS = ("US", "UK", "AU", "NL", "FR", "DE")
LOCALES = {"US": "en_US", "UK": "en_GB", "AU": "en_AU", "NL": "nl_NL", "FR": "fr_FR", "DE": "de_DE"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AU_STATES = ("NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT")


@dataclass(frozen=True)
class Address:
    """An address as printed on one line, and its postcode as printed inside it."""

    street: str
    locality: str  # "Oxford", "Parramatta NSW", "Herpen", "Springfield, IL"
    postcode: str
    printed: str


def day_text(region: str, day: date, rng: random.Random) -> str:
    """A date in one of the forms the region's labs print."""
    month = MONTHS[day.month - 1]
    forms = {
        "US": (f"{day:%m/%d/%Y}", f"{day:%m/%d/%Y}", f"{day:%Y-%m-%d}"),
        "UK": (f"{day:%d/%m/%Y}", f"{day:%d/%m/%Y}", f"{day:%d}-{month}-{day:%Y}"),
        "AU": (f"{day:%d/%m/%Y}", f"{day:%d/%m/%Y}", f"{day:%d} {month} {day:%Y}"),
        "NL": (f"{day:%d-%m-%Y}", f"{day:%d.%m.%Y}"),
        "FR": (f"{day:%d/%m/%Y}", f"{day:%d.%m.%Y}"),
        "DE": (f"{day:%d.%m.%Y}",),
    }[region]
    return rng.choice(forms)


def address(region: str, fake: Faker, rng: random.Random) -> Address:
    number = rng.randrange(1, 400)
    if region == "US":
        street, city = str(fake.street_address()), str(fake.city())
        state = str(
            fake.state_abbr(include_territories=False, include_freely_associated_states=False)
        )
        zipcode = str(fake.zipcode())
        return Address(street, f"{city}, {state}", zipcode, f"{street}, {city}, {state} {zipcode}")
    if region == "UK":
        street, town, postcode = (
            f"{number} {fake.street_name()}",
            str(fake.city()),
            str(fake.postcode()),
        )
        return Address(street, town, postcode, f"{street}, {town}, {postcode}")
    if region == "AU":
        suburb = str(fake.city())
        suburb = suburb.upper() if rng.random() < 0.5 else suburb
        street, state, postcode = (
            f"{number} {fake.street_name()}",
            rng.choice(AU_STATES),
            str(fake.postcode()),
        )
        return Address(
            street, f"{suburb} {state}", postcode, f"{street}, {suburb} {state} {postcode}"
        )
    street = (
        f"{fake.street_name()} {number}"
        if region in ("NL", "DE")
        else f"{number} {fake.street_name()}"
    )
    city = str(fake.city())
    postcode = str(fake.postcode())
    if region == "NL":
        postcode = f"{postcode[:4]} {postcode[-2:].upper()}"
    return Address(street, city, postcode, f"{street}, {postcode} {city}")


def phone(region: str, rng: random.Random) -> str:
    def digits(count: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(count))

    match region:
        case "US":
            area, exchange = rng.randrange(201, 990), rng.randrange(200, 1000)
            shape = rng.choice(("({a}) {e}-{n}", "{a}-{e}-{n}", "+1 {a} {e} {n}"))
            return shape.format(a=area, e=exchange, n=digits(4))
        case "UK":
            return rng.choice(
                (
                    f"+44 7{digits(3)} {digits(6)}",
                    f"07{digits(3)} {digits(6)}",
                    f"01{digits(3)} {digits(6)}",
                    f"+44 (0)20 7{digits(3)} {digits(4)}",
                )
            )
        case "AU":
            return rng.choice(
                (
                    f"+61 4{digits(2)} {digits(3)} {digits(3)}",
                    f"04{digits(2)} {digits(3)} {digits(3)}",
                    f"(0{rng.choice('2378')}) {rng.randrange(5, 10)}{digits(3)} {digits(4)}",
                    f"+61 {rng.choice('2378')} {rng.randrange(5, 10)}{digits(3)} {digits(4)}",
                )
            )
        case "NL":
            return rng.choice((f"+31 6 {digits(8)}", f"06-{digits(8)}", f"020-{digits(7)}"))
        case "FR":
            pairs = " ".join(digits(2) for _ in range(4))
            return rng.choice((f"+33 6 {pairs}", f"0{rng.randrange(1, 7)} {pairs}"))
        case _:
            return rng.choice((f"+49 30 {digits(8)}", f"0171 {digits(7)}", f"(030) {digits(7)}"))


def nhs_number(rng: random.Random) -> str:
    """Ten digits, the last a modulus-11 check digit, printed 3-3-4."""
    while True:
        body = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(body)) % 11
        if check == 10:
            continue
        text = "".join(map(str, body)) + str(0 if check == 11 else check)
        return f"{text[:3]} {text[3:6]} {text[6:]}"


def medicare_number(rng: random.Random) -> str:
    """Australian Medicare card: 8 digits, a weighted check digit and the issue number,
    printed "2123 45670 1"."""
    body = [rng.randrange(2, 7)] + [rng.randrange(10) for _ in range(7)]
    check = sum(d * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    text = "".join(map(str, body)) + str(check) + str(rng.randrange(1, 10))
    return f"{text[:4]} {text[4:9]} {text[9]}"


def bsn(rng: random.Random) -> str:
    """Dutch citizen service number: nine digits passing the "11-proof"."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] and (sum(d * (9 - i) for i, d in enumerate(digits[:8])) - digits[8]) % 11 == 0:
            return "".join(map(str, digits))


def nir(rng: random.Random, female: bool, birth: date) -> str:
    """French social security number with its key, printed in groups."""
    department = rng.randrange(1, 96)
    body = f"{2 if female else 1}{birth:%y}{birth:%m}{department:02d}{rng.randrange(1, 1000):03d}"
    body += f"{rng.randrange(1, 1000):03d}"
    key = 97 - int(body) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def german_insurance_number(rng: random.Random) -> str:
    letter = rng.choice("ABCDEFGHIJKLMNOPRSTUVWZ")
    return f"{letter}{rng.randrange(10**9):09d}"
