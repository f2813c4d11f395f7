"""How often a person's name is also a safe word, and whether the name contexts still catch it.

Default deny keeps capitalised words of the safe vocabulary, so a given name or surname that is
also an English word ("Hope", "White", "Iron") is only masked where a context says it is a
name. This script measures both halves on Faker's name lists (several locales):

1. the share of given names and surnames that are safe words;
2. for names whose given name *and* surname are safe words (the worst case), the share that
   still leaks in each context a report prints names in.

``python plugins/pii_presidio/tools/name_word_risk.py`` (needs ``faker``, a development
dependency; builds the stage, so the spaCy model must be installed).
"""

import random
import re
from collections.abc import Callable, Iterable

from bioreport_pii_presidio.vocabulary import load
from faker import Faker  # type: ignore[import-not-found, unused-ignore]

from bioreport_engine import Anonymizer, ExtractedText
from bioreport_engine.plugins.registry import discover  # noqa: TID251 (the engine's discovery)

LOCALES = ("en_US", "en_GB", "en_AU", "en_CA", "nl_NL", "de_DE")
CONTEXTS = {
    "label (Patient:)": "Patient: {first} {last}",
    "unknown label (Zorp:)": "Zorp: {first} {last}",
    "title (Ms.)": "Seen by Ms. {last} today.",
    "LAST, FIRST": "{LAST}, {FIRST} | MRN 12345678",
    "signature": "Verified by: {first} {last}",
    "relative in prose": "Discussed with her daughter {first} {last} by phone.",
    "in a sentence": "Results were given to {first} {last} today.",
    "alone on a line": "{first} {last}",
    "capitals alone": "{FIRST} {LAST}",
    "start of a sentence": "{first} {last} attended the clinic today.",
    "label without colon": "Name {first} {last}",
    "header line, no label": "{LAST} {FIRST}   45 F   03/04/1950",
    "given name alone, starting a sentence": "{first} attended the clinic today.",
}
SAMPLE = 300


def names(locale: str) -> tuple[set[str], set[str]]:
    provider = Faker(locale).provider("faker.providers.person")
    first: set[str] = set()
    last: set[str] = set()
    for attribute, into in (
        ("first_names", first),
        ("first_names_male", first),
        ("first_names_female", first),
        ("last_names", last),
    ):
        values = getattr(provider, attribute, ())
        into.update(str(v) for v in (values.keys() if hasattr(values, "keys") else values))
    return {n for n in first if n.isalpha()}, {n for n in last if n.isalpha()}


def share(words: Iterable[str], test: Callable[[str], bool]) -> float:
    listed = list(words)
    return sum(1 for w in listed if test(w)) / len(listed)


def main() -> None:
    vocabulary = load()
    stage = discover().anonymizer("presidio").spec.build()
    first_all: set[str] = set()
    last_all: set[str] = set()
    print("| locale | given names | safe words | surnames | safe words |")
    print("| --- | --- | --- | --- | --- |")
    for locale in LOCALES:
        first, last = names(locale)
        first_all |= first
        last_all |= last
        print(
            f"| {locale} | {len(first)} | {share(first, vocabulary.is_safe_word):.1%} "
            f"| {len(last)} | {share(last, vocabulary.is_safe_word):.1%} |"
        )
    print(
        f"| all | {len(first_all)} | {share(first_all, vocabulary.is_safe_word):.1%} "
        f"| {len(last_all)} | {share(last_all, vocabulary.is_safe_word):.1%} |"
    )
    rng = random.Random(13)
    safe_first = sorted(n for n in first_all if vocabulary.is_safe_word(n))
    safe_last = sorted(n for n in last_all if vocabulary.is_safe_word(n))
    pairs = [(rng.choice(safe_first), rng.choice(safe_last)) for _ in range(SAMPLE)]
    leaks_by_context(stage, pairs)


def leaks_by_context(stage: Anonymizer, pairs: list[tuple[str, str]]) -> None:
    print(f"\nNames made of two safe words ({SAMPLE} drawn pairs): share still readable")
    print("\n| context | leaked |")
    print("| --- | --- |")
    for context, shape in CONTEXTS.items():
        leaked = 0
        for given, surname in pairs:
            text = shape.format(
                first=given, last=surname, FIRST=given.upper(), LAST=surname.upper()
            )
            out = stage.anonymize(ExtractedText((text,))).text
            shown = ((given, "first"), (surname, "last"))
            printed = [w for w, key in shown if key in shape.lower()]
            if any(re.search(rf"\b{re.escape(w)}\b", out, re.IGNORECASE) for w in printed):
                leaked += 1
        print(f"| {context} | {leaked / len(pairs):.1%} |")


if __name__ == "__main__":
    main()
