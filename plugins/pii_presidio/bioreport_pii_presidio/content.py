"""What in a report is laboratory content that must survive: result rows, headings, and the
collection and report dates.

Decided line by line, and within a line token by token:

- A **result row** is an analyte followed by a result: a number, a titre (``1:160``) or a
  qualitative result (``Negative``, ``Not Detected``, ``Trace``, ``Straw``), then flags, units,
  reference ranges or intervals and qualitative references, in any order. A row needs a unit, a
  range or a qualitative reference, or else an analyte the vocabulary knows ("INR 1.1"), so
  "Page 1 of 2", "32 Y" or "10:43" are not rows. The analyte may not hold a date, a time, a
  title, a label of someone's data or a digit run of four or more. What follows the row ("see
  note", a site code, an identifier at the line's end) is not protected: it is decided like any
  other text.
- A **heading** is a line made only of laboratory phrases ("COMPLETE BLOOD COUNT",
  "Test Result Flag Units Reference Range").
- A **collection or report date** is a date whose nearest label is a collection or report label
  ("Collected:", "Report Date", "reported on"), on its line or, for a grid, in the header line
  above. Every other date is left to the anonymizer, which masks it.

The rest of the text is not lab content, and the default-deny rules apply to it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bioreport_pii_presidio.labels import labels_of
from bioreport_pii_presidio.patterns import (
    DATE_RE,
    EMAIL_RE,
    PHONE_RE,
    POSTCODE_RE,
    SSN_RE,
    TIME_RE,
)
from bioreport_pii_presidio.vocabulary import Vocabulary, normalise

TOKEN = re.compile(r"\S+")
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?%?")
COMPARATOR = re.compile(r"(?:<=|>=|[<>≤≥]=?)")
COMPARED = re.compile(rf"{COMPARATOR.pattern}{NUMBER.pattern}")
TITRE = re.compile(r"(?:<=|>=|[<>≤≥])?1:\d{1,5}")
RANGE = re.compile(
    rf"[(\[]?(?:{NUMBER.pattern}[-–]{NUMBER.pattern}|{COMPARATOR.pattern}\s?{NUMBER.pattern}"
    rf"|{TITRE.pattern}(?:[-–]{TITRE.pattern})?)[)\]]?"
)
BRACKETED = re.compile(r"[(\[][^()\[\]]*[)\]]")
UNIT_SHAPE = re.compile(
    r"(?:x\s?)?10[\^*E]?\(?\d{1,2}\)?/[A-Za-zµμ]+"
    r"|[A-Za-zµμ%][\w.µμ%]*/[\w.µμ^²³()_{}]+(?:/[\w.^²³()]+)*"
    r"|/[A-Za-z]{1,4}|%"
)
RANGE_WORDS = ("-", "–", "to", "up to", "upto", "and")
DIGIT_RUN = re.compile(r"\d{4,}")
TITLE_TOKENS = frozenset(
    "mr mr. mrs mrs. ms ms. miss mx mx. dr dr. prof prof. sir dame rev rev. nurse sister".split()
)
NAME_PHRASES = re.compile(
    r"(?i)\b(?:for|by|with|to|from|informed|notified|contacted|called|signed|verified|"
    r"reviewed|discussed|patient|name)\b"
)
MAX_ANALYTE_TOKENS = 12
MAX_WEAK_DIGITS = 4
MAX_PHRASE_WORDS = 6


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return self.text.strip("()[]{},;")


@dataclass
class Row:
    """A parsed result row: the tokens kept, and whether the row stood on its own (``strong``)."""

    kept: list[Token]
    strong: bool


class LabContent:
    """Finds the spans of a text that are laboratory content, with the stage's vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        lab = vocabulary.lab
        self.phrases = lab["analytes"] | lab["sections"] | lab["specimens"] | lab["methods"]
        self.phrases |= lab["modifiers"] | lab["units"]
        self.analyte_words = frozenset(
            w for entry in lab["analytes"] | lab["modifiers"] for w in re.findall(r"[a-z]+", entry)
        )

    def kept_spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text`` that are lab content, in order."""
        kept: list[tuple[int, int]] = []
        previous = ""
        for line in re.finditer(r"[^\n]+", text):
            content = line.group()
            if not content.strip():
                continue
            spans = self.line_spans(content, previous)
            kept += [(line.start() + a, line.start() + b) for a, b in spans]
            previous = content
        return kept

    def line_spans(self, line: str, previous: str = "") -> list[tuple[int, int]]:
        tokens = [
            Token(m.start(), m.end(), m.group())
            for m in TOKEN.finditer(line)
            if m.group() not in CELL_RULES  # a ruled grid: "| Glucose | 5.2 | mmol/L |"
        ]
        if not tokens:
            return []
        if self.is_heading(tokens):
            return [(tokens[0].start, tokens[-1].end)]
        row = self.row(tokens)
        if row is not None and _formats_inside(line, row.kept):
            row = None  # "Call (217) 555-0134": a phone number is never a result
        spans = [(t.start, t.end) for t in row.kept] if row else []
        spans += self.kept_dates(line, previous, spans)
        return spans

    def label_heads(self, text: str) -> list[tuple[int, int]]:
        """The known labels of ``text`` ("Patient ID:"), which no finding may swallow."""
        heads = []
        for line in re.finditer(r"[^\n]+", text):
            for label in labels_of(line.group(), self.vocabulary):
                if label.kind != "unknown":
                    heads.append((line.start() + label.start, line.start() + label.end))
        return heads

    # Headings -------------------------------------------------------------------------------

    def is_heading(self, tokens: list[Token]) -> bool:
        words = [w for t in tokens for w in re.split(r"[/&:,]", t.bare) if w and w not in "-–|"]
        if not words or any(any(c.isdigit() for c in w) for w in words if not self.is_phrase(w)):
            return False
        return self.segments(words)

    def is_phrase(self, text: str) -> bool:
        return normalise(text) in self.phrases

    def segments(self, words: list[str], results: bool = False) -> bool:
        """Whether ``words`` split into laboratory phrases, longest first."""
        index = 0
        while index < len(words):
            for count in range(min(MAX_PHRASE_WORDS, len(words) - index), 0, -1):
                phrase = " ".join(words[index : index + count])
                if self.is_phrase(phrase) or (results and self.vocabulary.is_result_word(phrase)):
                    index += count
                    break
            else:
                return False
        return True

    # Result rows ----------------------------------------------------------------------------

    def row(self, tokens: list[Token]) -> Row | None:
        """The row ``tokens`` make, trying each place where the result could begin."""
        for start in range(1, min(len(tokens), MAX_ANALYTE_TOKENS + 1)):
            analyte = tokens[:start]
            if not self.analyte_ok(analyte):
                return None
            parsed = self.result(tokens, start)
            if parsed is None:
                continue
            kept, strong = parsed
            if strong or self.weak_row_ok(analyte, tokens[start:]):
                rest = tokens[start + len(kept) :] if kept else []
                if strong and len(rest) == 1 and SITE_CODE.fullmatch(rest[0].bare):
                    kept = kept + rest  # the performing site's code closes the row: "LC", "MC"
                return Row(analyte + kept, strong)
        return None

    def analyte_ok(self, analyte: list[Token]) -> bool:
        last = analyte[-1]
        text = last.text
        if text.lower() in TITLE_TOKENS or text in ("|", "•"):
            return False
        if DATE_RE.fullmatch(last.bare) or TIME_RE.fullmatch(last.bare) or "@" in text:
            return False
        if DIGIT_RUN.search(text) or sum(c.isdigit() for c in text) > 3:
            return False
        inner = text.rstrip(":")
        if ":" in inner and not (TITRE.fullmatch(text) or RATIO_NAME.fullmatch(inner)):
            return False
        for token in analyte[:-1]:
            if token.text.endswith(":"):
                return False
        if text.endswith(":"):
            words = " ".join(t.text for t in analyte).rstrip(":")
            if not (self.vocabulary.is_analyte(words) or self.all_analyte_words(analyte)):
                return False
        phrase = " ".join(t.text for t in analyte)
        return len(analyte) < 3 or NAME_PHRASES.search(phrase) is None

    def all_analyte_words(self, analyte: list[Token]) -> bool:
        words = re.findall(r"[A-Za-z]+", " ".join(t.text for t in analyte))
        return bool(words) and all(w.lower() in self.analyte_words for w in words)

    def weak_row_ok(self, analyte: list[Token], rest: list[Token]) -> bool:
        """A value without unit, range or reference: a row only after a known analyte, with a
        value that is not an identifier."""
        phrase = " ".join(t.text for t in analyte).rstrip(":")
        if not (self.vocabulary.is_analyte(phrase) or self.all_analyte_words(analyte)):
            return False
        value = rest[0].bare
        integer = re.match(r"[<>≤≥=]*-?([\d,]*)", value)
        digits = integer.group(1).replace(",", "") if integer else ""
        return len(digits) <= MAX_WEAK_DIGITS

    def result(self, tokens: list[Token], start: int) -> tuple[list[Token], bool] | None:
        """The result part from ``start``: a value, then flags, units, ranges, references.

        ``None`` when no value begins at ``start``; else the kept tokens and whether a unit,
        range or reference confirms the row.
        """
        value = self.value_at(tokens, start)
        if value is None:
            return None
        count, kind = value
        kept = tokens[start : start + count]
        index = start + count
        seen: set[str] = set()
        while index < len(tokens):
            element = self.element_at(tokens, index)
            if element is None:
                break
            count, what = element
            seen.add(what)
            kept += tokens[index : index + count]
            index += count
        confirming = CONFIRMING[kind]
        if kind == "range" and not seen & confirming:
            return None  # "0-2 /hpf" is a result, "12 - 14" alone is not
        return kept, bool(seen & confirming)

    def value_at(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        text = tokens[index].bare
        if COMPARATOR.fullmatch(text) and index + 1 < len(tokens):
            if NUMBER.fullmatch(tokens[index + 1].bare):
                return 2, "number"
        if (NUMBER.fullmatch(text) or COMPARED.fullmatch(text)) and not LEADING_ZERO.match(text):
            return 1, "number"
        flagged = FLAGGED.fullmatch(text)  # "5.2*", "140H": the flag printed on the value
        if flagged and NUMBER.fullmatch(flagged[1]) and not LEADING_ZERO.match(text):
            return 1, "number"
        if TITRE.fullmatch(text):
            return 1, "number"
        count = self.quality_at(tokens, index)
        if count:
            return count, "quality"
        count = self.range_at(tokens, index)
        if count:
            return count, "range"
        return None

    def element_at(self, tokens: list[Token], index: int) -> tuple[int, str] | None:
        token = tokens[index]
        text = token.bare
        if text in ("", "-", "–", "(", ")", "|"):
            return (1, "punctuation") if text != "|" else None
        count = self.range_at(tokens, index)
        if count:
            return count, "range"
        count = self.unit_at(tokens, index)
        if count:
            return count, "unit"
        if self.vocabulary.is_flag(token.text) or self.vocabulary.is_flag(text):
            return 1, "flag"
        count = self.quality_at(tokens, index)
        if count:
            return count, "reference"
        value = self.value_at(tokens, index)
        if value is not None:
            return value[0], "value"
        return None

    def range_at(self, tokens: list[Token], index: int) -> int:
        count = self._range_at(tokens, index)
        if count and not _ordered(" ".join(t.bare for t in tokens[index : index + count])):
            return 0  # "555-0134" is part of a phone number, not a range
        return count

    def _range_at(self, tokens: list[Token], index: int) -> int:
        text = tokens[index].bare
        if RANGE.fullmatch(tokens[index].text) or RANGE.fullmatch(text):
            if not NUMBER.fullmatch(text):
                return 1
        rest = [t.text.strip("()[]") for t in tokens[index : index + 4]]
        if len(rest) >= 2 and COMPARATOR.fullmatch(rest[0]) and NUMBER.fullmatch(rest[1]):
            return 2
        if len(rest) >= 3 and NUMBER.fullmatch(rest[0]) and NUMBER.fullmatch(rest[2]):
            if rest[1].lower() in RANGE_WORDS:
                return 3
        if len(rest) >= 3 and " ".join(rest[:2]).lower() in ("up to", "less than", "greater than"):
            if NUMBER.fullmatch(rest[2]):
                return 3
        if len(rest) >= 2 and NUMBER.fullmatch(rest[0]) and re.fullmatch(r"[-–]\d.*", rest[1]):
            return 2 if NUMBER.fullmatch(rest[1][1:]) else 0
        if len(rest) >= 2 and re.fullmatch(r".*\d[-–]", rest[0]) and NUMBER.fullmatch(rest[1]):
            return 2 if NUMBER.fullmatch(rest[0][:-1]) else 0
        return 0

    def unit_at(self, tokens: list[Token], index: int) -> int:
        for count in (3, 2, 1):
            if index + count > len(tokens):
                continue
            phrase = " ".join(t.text for t in tokens[index : index + count])
            bare = phrase.strip("()[],;")
            if self.vocabulary.is_unit(bare) or self.vocabulary.is_unit(phrase):
                return count
        text = tokens[index].bare
        if UNIT_SHAPE.fullmatch(text) and not DATE_RE.fullmatch(text):
            return 1
        return 0

    def quality_at(self, tokens: list[Token], index: int) -> int:
        for count in (4, 3, 2, 1):
            if index + count > len(tokens):
                continue
            phrase = " ".join(t.bare for t in tokens[index : index + count])
            if self.vocabulary.is_result_word(phrase):
                return count
        parts = [p for p in re.split(r"[/-]", tokens[index].bare) if p]
        if len(parts) > 1 and all(self.vocabulary.is_result_word(p) for p in parts):
            return 1
        return 0

    # Collection and report dates ------------------------------------------------------------

    def kept_dates(
        self, line: str, previous: str, taken: list[tuple[int, int]]
    ) -> Iterator[tuple[int, int]]:
        """Collection and report dates of ``line``, with the time printed right after them."""
        header_roles: list[str] | None = None
        order = 0
        for date in DATE_RE.finditer(line):
            if any(a <= date.start() < b for a, b in taken):
                continue
            role = self.date_role(line, date.start())
            if role is None and previous:
                if header_roles is None:
                    header_roles = self.header_roles(previous)
                if header_roles:
                    role = header_roles[order] if order < len(header_roles) else None
                else:
                    # running text wrapped after "… reported" (or "… reported\non") and before
                    # the date
                    role = self.date_role(f"{previous} {line}", len(previous) + 1 + date.start())
            order += 1
            if role not in ("collection_date", "report_date"):
                continue
            end = date.end()
            time = TIME_RE.match(line, end + 1) if line[end : end + 1] in (" ", "T") else None
            yield date.start(), time.end() if time else end

    def date_role(self, line: str, start: int) -> str | None:
        """The kind of the label nearest before ``start`` on the line, skipping times, other
        dates and filler words; ``None`` when no word stands before the date."""
        before = line[:start]
        before = DATE_RE.sub(" ", before)
        before = TIME_RE.sub(" ", before)
        words = re.findall(r"[A-Za-z][A-Za-z'’./#()-]*", before)
        while words and words[-1].lower().strip(".") in ("on", "at", "of", "the", "and", "&"):
            words.pop()
        if not words:
            return None
        words = [w.strip(".:") if w.lower() not in ("d.o.b.", "b.") else w for w in words]
        for count in range(min(5, len(words)), 0, -1):
            kind = self.vocabulary.label_kinds.get(normalise(" ".join(words[-count:])))
            if kind is not None:
                return kind
        # A word that is no label ("GROSS, CHRISTOPHER 03/04/1950"): a grid's value line, whose
        # header may say what the date is.
        return None if not self.vocabulary.is_label_word(words[-1]) else "unknown"

    def header_roles(self, header: str) -> list[str]:
        """The date kinds of a grid's header line, left to right ("DOB Collected Reported")."""
        if any(c.isdigit() for c in header):
            return []
        words = re.findall(r"[A-Za-z][A-Za-z'’./#()-]*", header)
        roles = []
        index = 0
        while index < len(words):
            for count in range(min(5, len(words) - index), 0, -1):
                phrase = normalise(" ".join(words[index : index + count]).replace(":", ""))
                kind = self.vocabulary.label_kinds.get(phrase)
                if kind is not None:
                    timed = "time" in phrase and "date" not in phrase
                    if not timed and (kind in DATE_KINDS or "date" in phrase or phrase in DATED):
                        roles.append(kind)
                    index += count
                    break
            else:
                index += 1
        return roles


CELL_RULES = frozenset({"|", "¦", "│", "┃", "||"})
RATIO_NAME = re.compile(r"[A-Za-z]+:[A-Za-z]+")  # "Albumin:Creatinine"
SITE_CODE = re.compile(r"[A-Z][A-Z0-9]{0,3}")
FLAGGED = re.compile(r"([<>≤≥]?[-+]?[\d.,]+)(?:\*{1,2}|!|[HL]{1,2}|\([HL]\))")
LEADING_ZERO = re.compile(r"[<>≤≥=]*0\d")
BOUNDS = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*(?:[-–]|to)\s*(-?\d+(?:[.,]\d+)?)")
ROW_BREAKERS = (PHONE_RE, SSN_RE, EMAIL_RE, POSTCODE_RE)


def _ordered(text: str) -> bool:
    """A "low - high" range has low <= high and no leading zeros ("4.0 - 11.0", not "555-0134")."""
    bounds = BOUNDS.search(text)
    if bounds is None:
        return True
    low, high = (b.replace(",", ".") for b in bounds.groups())
    if any(LEADING_ZERO.match(b.lstrip("-")) for b in (low, high)):
        return False
    return float(low) <= float(high)


def _formats_inside(line: str, kept: list[Token]) -> bool:
    spans = [(t.start, t.end) for t in kept]
    for regex in ROW_BREAKERS:
        for match in regex.finditer(line):
            if any(a < match.end() and match.start() < b for a, b in spans):
                return True
    return False


#: What confirms a row, by the kind of its value: "5.2 mmol/L", "Negative Negative",
#: "Small A Negative", "0-2 /hpf".
CONFIRMING = {
    "number": frozenset({"unit", "range"}),
    "quality": frozenset({"unit", "range", "flag", "reference"}),
    "range": frozenset({"unit", "range"}),
}
#: Safe labels whose values are dates: a grid column of theirs is a date that is not kept.
DATE_KINDS = frozenset({"collection_date", "report_date", "date_of_birth"})
DATED = frozenset({"received", "printed", "requested", "ordered", "registered", "date", "time"})
