"""The safe vocabulary: the words the stage may leave in a report, and the words around PII.

Three sources, each maintained as data rather than grown from failures:

- **General English**: the words that both Webster's Second International (``web2``) and the
  GNU Collaborative International Dictionary of English (``gcide``) list, as shipped by the
  ``english-words`` package, keeping only those Webster's prints in lower case: a dictionary
  capitalises proper nouns, so "Gonzalez", "John" or "Scott" are not safe words, while "white",
  "hope" or "iron" are (name contexts catch those: ``Ms. Iron``, ``WHITE, HOPE``).
- **Laboratory words** (``data/lab_vocabulary.txt``): analytes and their synonyms, units,
  qualitative results, flags, specimens, methods, section headings.
- **Label words** (``data/context_words.txt``): the labels of report headers by kind (person,
  identifier, collection date ...), titles, credentials, signature phrases, street types,
  regions, age units.

Everything is loaded once per process, when the stage is built, into frozensets.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

LAB_SECTIONS = (
    "analytes",
    "units",
    "results",
    "flags",
    "specimens",
    "methods",
    "sections",
    "modifiers",
)
LABEL_KINDS = (
    "person",
    "physician",
    "staff",
    "relative",
    "date_of_birth",
    "collection_date",
    "report_date",
    "mrn",
    "accession",
    "insurance_id",
    "ssn",
    "identifier",
    "phone",
    "email",
    "address",
    "location",
    "safe",
)
CONTEXT_SECTIONS = (
    *LABEL_KINDS,
    "titles",
    "credentials",
    "signature",
    "street_types",
    "regions",
    "age_units",
    "age_labels",
    "kin",
)
#: Label kinds whose value is a person's name.
NAME_LABELS = frozenset({"person", "physician", "staff", "relative"})
#: Label kinds whose value is masked whole.
IDENTIFIER_LABELS = frozenset(
    {"mrn", "accession", "insurance_id", "ssn", "identifier", "phone", "email", "address"}
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def normalise(phrase: str) -> str:
    """Lower case, single spaces, accents dropped ("Prélèvement" is printed "Prelevement" as
    often as not): how entries are compared."""
    text = re.sub(r"\s+", " ", phrase.strip().lower())
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def read_sections(name: str, sections: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """``[section]`` blocks of a package data file, entries normalised, comments dropped."""
    text = resources.files("bioreport_pii_presidio").joinpath("data", name).read_text("utf-8")
    found: dict[str, set[str]] = {}
    current: set[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[([a-z_]+)\]", line)
        if header:
            current = found.setdefault(header[1], set())
        elif current is not None:
            current.add(normalise(line))
    unknown = sorted(set(found) - set(sections))
    missing = sorted(set(sections) - set(found))
    if unknown or missing:
        raise ValueError(f"{name}: unknown sections {unknown}, missing sections {missing}")
    return {section: frozenset(found[section]) for section in sections}


def english_words() -> frozenset[str]:
    """Lower-case words of both web2 and gcide (see the module's docstring)."""
    from english_words import get_english_words_set  # type: ignore[import-untyped]

    webster = get_english_words_set(["web2"], alpha=True)  # as printed: "Mary" and "iron"
    gcide = get_english_words_set(["gcide"], alpha=True, lower=True)
    # gcide is lower-cased here, so a capitalised web2 entry can never be in both.
    return frozenset(webster & gcide)


def words_of(entries: frozenset[str]) -> frozenset[str]:
    return frozenset(w for entry in entries for w in WORD.findall(entry))


@dataclass(frozen=True)
class Vocabulary:
    english: frozenset[str]
    lab: dict[str, frozenset[str]]
    context: dict[str, frozenset[str]]
    #: Lower-case words that may stand capitalised outside a name context.
    safe_words: frozenset[str]
    #: Lower-case words of laboratory entries.
    lab_words: frozenset[str]
    #: Lower-case words of laboratory entries other than results and flags ("Amber" is a colour
    #: of urine and a given name; "Ferritin" is only an analyte).
    term_words: frozenset[str]
    #: Lower-case tokens of laboratory entries, digits included: "b12", "hba1c", "25-oh".
    lab_tokens: frozenset[str]
    #: Lower-case words of labels of every kind.
    label_words: frozenset[str]
    #: Normalised label -> kind.
    label_kinds: dict[str, str]

    def is_safe_word(self, word: str) -> bool:
        """A safe word, or an -ed, -ing or -ly form of one ("Discussed", "Pending"). Plurals are
        not folded: they would make "Williams" or "Roberts" safe."""
        word = word.lower().strip("'’")
        return word in self.safe_words or any(w in self.safe_words for w in _stems(word))

    def is_lab_word(self, word: str) -> bool:
        return word.lower() in self.lab_words

    def is_term_word(self, word: str) -> bool:
        return word.lower() in self.term_words

    def is_lab_token(self, token: str) -> bool:
        return token.lower() in self.lab_tokens

    def is_label_word(self, word: str) -> bool:
        return word.lower() in self.label_words

    def is_analyte(self, phrase: str) -> bool:
        return normalise(phrase) in self.lab["analytes"]

    def is_unit(self, token: str) -> bool:
        return token.lower() in self.units_lower

    def is_result_word(self, phrase: str) -> bool:
        return normalise(phrase) in self.lab["results"]

    def is_flag(self, token: str) -> bool:
        return token in self.lab["flags"] or token.lower() in self.lab["flags"]

    @property
    def units_lower(self) -> frozenset[str]:
        return self.lab["units"]


def _stems(word: str) -> list[str]:
    stems = []
    if word.endswith("ed"):
        stems += [word[:-2], word[:-1]]
        if word.endswith("ied"):
            stems.append(word[:-3] + "y")
        if len(word) > 4 and word[-3] == word[-4]:
            stems.append(word[:-3])  # referred
    elif word.endswith("ing"):
        stems += [word[:-3], word[:-3] + "e"]
        if len(word) > 5 and word[-4] == word[-5]:
            stems.append(word[:-4])  # running
    elif word.endswith("ly"):
        stems.append(word[:-2])
    return [stem for stem in stems if len(stem) > 2]


@cache
def load() -> Vocabulary:
    """The vocabulary, read once per process (about 80,000 English words)."""
    lab = read_sections("lab_vocabulary.txt", LAB_SECTIONS)
    context = read_sections("context_words.txt", CONTEXT_SECTIONS)
    english = english_words()
    lab_words = words_of(frozenset().union(*lab.values()))
    label_words = words_of(
        frozenset().union(
            *(context[kind] for kind in (*LABEL_KINDS, "titles", "credentials", "age_units"))
        )
    )
    label_kinds = {label: kind for kind in LABEL_KINDS for label in context[kind]}
    return Vocabulary(
        english=english,
        lab=lab,
        context=context,
        safe_words=english | lab_words | label_words,
        lab_words=lab_words,
        term_words=words_of(
            frozenset().union(*(lab[s] for s in LAB_SECTIONS if s not in ("results", "flags")))
        ),
        lab_tokens=frozenset(
            token.strip("(),;")
            for entry in frozenset().union(*lab.values())
            for token in entry.split()
        ),
        label_words=label_words,
        label_kinds=label_kinds,
    )
