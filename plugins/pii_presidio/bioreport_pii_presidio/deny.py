"""Default deny: every token that is not lab content and could identify someone is masked.

The recognizer sees the text with its lab content blanked out (see ``content.py``), so what it
reads is headers, footers, signatures, comments and whatever a new layout puts there. It masks:

- **capitalised or all-capitals words** that are not in the safe vocabulary (English words,
  laboratory words, label words), with the capitalised words around them ("Maria" beside
  "Gonzalez") - ``REDACTED`` unless a context says what they are;
- **words in a name context**, safe or not: after a title (``Ms. Iron``), in ``LAST, FIRST``
  shape (``GROSS, CHRISTOPHER``), after a person label (``Consultant: Hope``), after a signature
  phrase (``Verified by: ABC``), in a grid row under a header naming people, or a line that is
  nothing but a name (``Hope White``);
- **every value of an identifier label** (``FIN:``, ``Hosp No:``, ``Acct #:`` …) and the
  capitalised words of an unknown label's value (``Ward: Ocean``);
- **digit runs of four or more, letter+digit identifiers**, dates (collection and report dates
  were kept before), ages of 90 and over, phone numbers, e-mail addresses, URLs, postcodes
  (UK, Canadian, Dutch, Irish, and US or Australian after a state) and street addresses.

Its results score 1.0: a score threshold for the typed recognizers never turns it off.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from bioreport_pii_presidio import patterns as p
from bioreport_pii_presidio.content import LabContent
from bioreport_pii_presidio.labels import Label, labels_of
from bioreport_pii_presidio.settings import ENTITY_TYPES
from bioreport_pii_presidio.vocabulary import NAME_LABELS, Vocabulary, normalise

#: Every type a finding can have, and the generic one of what is masked by default.
ENTITIES = [*ENTITY_TYPES, "REDACTED"]
ENTITY_OF_LABEL = {
    "person": "PERSON",
    "staff": "PERSON",
    "relative": "PERSON",
    "physician": "PHYSICIAN",
    "mrn": "MRN",
    "accession": "ACCESSION",
    "insurance_id": "INSURANCE_ID",
    "ssn": "SSN",
    "identifier": "ID",
    "phone": "PHONE",
    "email": "EMAIL",
    "address": "ADDRESS",
    "location": "LOCATION",
    "unknown": "REDACTED",
}
#: How sure each way of finding a span is: a label says what its value is, a format or a
#: context says it nearly as well, a masked-by-default token only that it could identify.
SOURCE_LABEL, SOURCE_CONTEXT, SOURCE_DEFAULT = 3, 2, 0
SOURCE_KEY = "source_rank"
DEFAULT_DENY = "DefaultDenyRecognizer"

#: Words as printed; a label's colon glued to its value ("Sex:M") parts them.
TOKEN = re.compile(r"(?:[^\s:]|(?<![A-Za-z]):|:(?=\s|$|//))+")
EDGE = "()[]{}<>\"'“”‘’,;:|!?*"
NAME_TOKEN = re.compile(r"[A-Z](?:[A-Za-z'’-]*[A-Za-z])?\.?")
INITIALS = re.compile(r"(?:[A-Z]\.?){1,4}|(?:[A-Z]\.){1,4}")
DIGIT_RUN = re.compile(r"\d{4,}")
HAS_DIGIT = re.compile(r"\d")
#: Letters glued to a small number that identify nothing: 1st, 24h, 10am, x2, 5mg.
HARMLESS_ALNUM = re.compile(
    r"(?i)\d{1,3}(?:st|nd|rd|th|h|hr|hrs|am|pm|x|y|yr|yrs|m|d|w|wk|wks|mo|mos|min|mins|s|sec"
    r"|mg|ml|g|kg|cm|mm|l|dl|iu|u)|x\d{1,2}|[a-z]\d|\d+[a-z]?/\d+[a-z]?"
    r"|\d{1,3}[ymd]?/[mfu]|[mfu]/\d{1,3}[ymd]?"  # age and sex: 66Y/F, M/45
    r"|\d{1,3}-[a-z]+(?:-[a-z]+)*"  # 103-year-old, 24-hour: the number is judged alone
)
OLDEST_KEPT_AGE = 89
NAME_TOKENS = rf"{NAME_TOKEN.pattern}(?:,?[ \t]+{NAME_TOKEN.pattern}){{0,3}}"
DOCTOR_TITLES = frozenset({"dr", "doctor", "prof", "professor"})
LAST_FIRST = re.compile(
    r"(?P<value>(?P<last>[A-Z][A-Za-z'’-]+(?:[ -][A-Z][A-Za-z'’-]+)?),[ \t]*"
    r"(?P<first>[A-Z][A-Za-z'’-]+(?:[ \t]+[A-Z][A-Za-z'’-]+)?)(?:[ \t]+[A-Z]\.?(?![\w]))?)"
    r"(?=[ \t]*(?:$|[|(/;,]|[ \t]\d|\d|[ \t]{2}|[A-Z][\w ]*[:#]))"
)
LEADING_NAMES = re.compile(
    rf"[ \t]*(?P<names>{NAME_TOKEN.pattern}(?:,?[ \t]+{NAME_TOKEN.pattern}){{1,3}})"
    r"(?=[ \t]*$|[ \t]+(?:\d|[MFU](?:[ \t]|$)|\||\(\d))"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    source: int


class DefaultDenyRecognizer(EntityRecognizer):
    """Presidio recognizer that masks, by default, what no rule keeps."""

    def __init__(self, vocabulary: Vocabulary, content: LabContent) -> None:
        super().__init__(supported_entities=ENTITIES, name=DEFAULT_DENY, supported_language="en")
        self.vocabulary = vocabulary
        self.content = content
        context = vocabulary.context
        self.titles = frozenset(w.strip(".") for w in context["titles"])
        self.credentials = frozenset(w.replace(".", "") for w in context["credentials"])
        street = "|".join(
            re.escape(w) for w in sorted(context["street_types"], key=len, reverse=True)
        )
        self.street = re.compile(
            rf"(?<![\w/.-])\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?,?[ \t]+(?:[A-Z][\w'’.-]*[ \t]+){{0,4}}"
            rf"(?i:{street})\b\.?(?:,?[ \t]+(?i:apt|apartment|suite|ste|unit|flat|fl|floor|#)"
            rf"\.?[ \t]*#?[\w-]+)?"
        )
        self.title = re.compile(
            rf"(?<![\w.])(?P<title>{_alternatives(_title_forms(context['titles']))})\.?[ \t]+"
            rf"(?P<value>{NAME_TOKENS})"
        )
        self.kin = re.compile(
            rf"(?i:(?<![\w])(?:{_alternatives(context['kin'])})(?![\w]))[ \t]*,?[ \t]*"
            rf"(?:(?i:named|called)[ \t]+)?(?P<value>{NAME_TOKENS})"
        )
        age_labels = _alternatives(context["age_labels"])
        self.age_before = re.compile(
            rf"(?i)(?<![\w])(?:{age_labels})(?![\w])[^\d\n]{{0,16}}?(?<!\d)(\d{{2,3}})(?!\d)"
        )
        age_units = _alternatives(u.replace(" ", "[ \t]") for u in context["age_units"])
        self.age_after = re.compile(
            rf"(?i)(?<![\w/.:-])(\d{{2,3}})[ \t]?-?[ \t]?(?:{age_units})(?![a-zà-ÿ])"
        )
        regions = "|".join(re.escape(w.upper()) for w in context["regions"])
        self.city_region_code = re.compile(
            rf"(?:[A-Z][\w.'’-]*[ \t]+){{0,3}}[A-Z][\w.'’-]*,?[ \t]+(?:{regions})[ \t]+"
            rf"\d{{4,5}}(?:-\d{{4}})?(?![\w-])"
        )
        signature = "|".join(
            re.escape(s).replace(r"\ ", r"[ \t]+")
            for s in sorted(context["signature"], key=len, reverse=True)
        )
        self.signature = re.compile(
            rf"(?i:\b(?:{signature})\b)[ \t]*:?[ \t]*(?P<value>(?:(?:{NAME_TOKEN.pattern}"
            rf"|[a-z][a-z0-9._]*\d[a-z0-9._]*)[ \t,]*){{1,4}})"
        )

    def load(self) -> None:
        """Nothing to load: the vocabulary is given."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(ENTITIES)
        results = []
        for span in self.spans(text):
            entity = span.entity if span.entity in wanted else "REDACTED"
            results.append(
                RecognizerResult(
                    entity,
                    span.start,
                    span.end,
                    1.0,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: DEFAULT_DENY,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        SOURCE_KEY: span.source,
                    },
                )
            )
        return results

    def spans(self, text: str) -> Iterator[Span]:
        previous = ""
        address_lines = 0
        for match in re.finditer(r"[^\n]*", text):
            line = match.group()
            if not line.strip():
                address_lines = 0  # an address continues on the very next lines only
                continue
            offset = match.start()
            found, address_lines = self.line(line, previous, address_lines)
            for span in found:
                yield Span(offset + span.start, offset + span.end, span.entity, span.source)
            if any(c.isalpha() for c in line):
                previous = line  # a ruling line ("-----") does not part a grid from its header

    # One line --------------------------------------------------------------------------------

    def line(self, line: str, previous: str, address_lines: int) -> tuple[list[Span], int]:
        labels = labels_of(line, self.vocabulary)
        heads = [(label.start, label.end) for label in labels]
        spans: list[Span] = []
        if address_lines and not labels and self.looks_like_address(line):
            spans.append(self.whole(line, "ADDRESS", SOURCE_LABEL))
            address_lines -= 1
        else:
            address_lines = 0
        for label in labels:
            spans += self.labelled(line, label)
            if label.kind == "address" and label is labels[-1]:
                address_lines = 3
        spans += self.formats(line)
        spans += _outside(line, heads, self.name_contexts(line, previous))
        masked_words, default = self.tokens(line, spans)
        spans += default
        spans += self.runs(line, spans, masked_words, heads)
        return spans, address_lines

    def whole(self, line: str, entity: str, source: int) -> Span:
        start = len(line) - len(line.lstrip())
        return Span(start, len(line.rstrip()), entity, source)

    def looks_like_address(self, line: str) -> bool:
        tokens = TOKEN.findall(line)
        return 0 < len(tokens) <= 8 and all(
            t[0].isupper() or t[0].isdigit() or t in (",", "-") for t in tokens
        )

    # Labelled values -------------------------------------------------------------------------

    def labelled(self, line: str, label: Label) -> list[Span]:
        start, end = label.value_start, label.value_end
        if end <= start:
            return []
        kind = label.kind
        if kind in NAME_LABELS:
            return list(self.name_value(line, start, end, ENTITY_OF_LABEL[kind]))
        if kind == "address":
            return [Span(start, end, "ADDRESS", SOURCE_LABEL)]
        if kind in ENTITY_OF_LABEL and kind not in ("location", "unknown"):
            return [Span(start, self.identifier_end(line, start, end), ENTITY_OF_LABEL[kind], 3)]
        if kind == "date_of_birth":
            return [
                Span(m.start(), m.end(), "DATE_OF_BIRTH", SOURCE_LABEL)
                for m in p.DATE_RE.finditer(line, start, end)
            ]
        if kind in ("location", "unknown"):
            return list(self.unknown_value(line, start, end, ENTITY_OF_LABEL[kind]))
        return []

    def identifier_end(self, line: str, start: int, end: int) -> int:
        """Where an identifier's value ends: its first token, then the tokens that carry digits
        or are codes in capitals ("714 972 0110", "A24 1312307"); "Page 1 of 2" is not part."""
        stop = end
        for index, token in enumerate(TOKEN.finditer(line, start, end)):
            bare = token.group().strip(EDGE)
            code = HAS_DIGIT.search(bare) or (bare.isupper() and len(bare) <= 4)
            if index and not code and token.group() not in ("-", "/", "#"):
                stop = token.start()
                break
        return start + len(line[start:stop].rstrip(" \t,;|"))

    def name_value(self, line: str, start: int, end: int, entity: str) -> Iterator[Span]:
        """The name in a person label's value: its words (safe or not) and initials, without
        the title before or the credentials after; digits and dates end it."""
        tokens = [t for t in TOKEN.finditer(line, start, end)]
        words: list[re.Match[str]] = []
        for token in tokens:
            bare = token.group().strip(EDGE)
            if HAS_DIGIT.search(bare) or token.group() in ("|", "/"):
                break
            if not words and bare.rstrip(".").lower() in self.titles:
                continue
            if bare and any(c.isalpha() for c in bare):
                words.append(token)
        while words and words[-1].group().strip(EDGE).replace(".", "") in self.credentials:
            words.pop()
        if words:
            first, last = words[0], words[-1]
            yield Span(first.start(), last.start() + len(last.group().rstrip(",;")), entity, 3)

    def unknown_value(self, line: str, start: int, end: int, entity: str) -> Iterator[Span]:
        """Capitalised words of a value nobody anticipated: masked unless laboratory words."""
        group: list[re.Match[str]] = []
        for token in [*TOKEN.finditer(line, start, end), None]:
            bare = token.group().strip(EDGE) if token else ""
            if token is not None and bare[:1].isupper() and not HAS_DIGIT.search(bare):
                if len(bare) > 1:  # a lone letter is a flag, a sex or an initial: no name
                    group.append(token)
                    continue
            if group:
                words = [g.group().strip(EDGE) for g in group]
                if not self.content.segments(words, results=True):
                    yield Span(group[0].start(), group[-1].end(), entity, SOURCE_CONTEXT)
                group = []

    # Formats: dates, contacts, postcodes, addresses, ages -----------------------------------

    def formats(self, line: str) -> list[Span]:
        spans = [Span(m.start(), m.end(), "DATE", SOURCE_CONTEXT) for m in p.DATE_RE.finditer(line)]
        for entity, regex in (
            ("EMAIL", p.EMAIL_RE),
            ("URL", p.URL_RE),
            ("SSN", p.SSN_RE),
            ("POSTCODE", p.POSTCODE_RE),
        ):
            spans += [
                Span(m.start(), m.end(), entity, SOURCE_CONTEXT) for m in regex.finditer(line)
            ]
        spans += self.numbers(line, [(s.start, s.end) for s in spans])
        spans += self.addresses(line)
        spans += self.ages(line)
        return spans

    def numbers(self, line: str, dates: list[tuple[int, int]]) -> Iterator[Span]:
        """Phone numbers, and digit groups that make one number ("943 476 5919")."""
        for regex in (p.PHONE_RE, p.DIGIT_GROUPS_RE):
            for m in regex.finditer(line):
                if any(a < m.end() and m.start() < b for a, b in dates):
                    continue
                digits = sum(c.isdigit() for c in m.group())
                if regex is p.DIGIT_GROUPS_RE and digits < 7:
                    continue
                phone = regex is p.PHONE_RE or m.group().startswith("0") or digits in (10, 11)
                yield Span(m.start(), m.end(), "PHONE" if phone else "ID", SOURCE_CONTEXT)

    def addresses(self, line: str) -> Iterator[Span]:
        """A street, "City, ST 12345", and the town before a postcode ("Leeds LS1 4AB")."""
        for regex in (self.street, self.city_region_code):
            for m in regex.finditer(line):
                yield Span(m.start(), m.end(), "ADDRESS", SOURCE_CONTEXT)
        for m in p.POSTCODE_RE.finditer(line):
            town = re.search(r"(?:[A-Z][\w.'’-]*,?[ \t]+){1,3}\Z", line[: m.start()])
            if town is not None:
                yield Span(town.start(), m.end(), "ADDRESS", SOURCE_CONTEXT)

    def ages(self, line: str) -> Iterator[Span]:
        """Ages over 89, identifiers under HIPAA's Safe Harbor; younger ages stay."""
        for regex in (self.age_before, self.age_after):
            for m in regex.finditer(line):
                if int(m.group(1)) > OLDEST_KEPT_AGE:
                    yield Span(m.start(1), m.end(1), "AGE", SOURCE_CONTEXT)

    # Name contexts ---------------------------------------------------------------------------

    def name_contexts(self, line: str, previous: str) -> Iterator[Span]:
        if self._label_words_only(line):
            return  # a grid's header ("Requesting Doctor  Provider No.  Copy To")
        yield from self.named_after_words(line)
        entity = self._grid_header(previous) if previous else None
        if entity is not None:
            yield from self.grid_values(line, entity)
        yield from self.leading_names(line)

    def named_after_words(self, line: str) -> Iterator[Span]:
        """Names after a title, a signature phrase or a kin word, and in LAST, FIRST shape."""
        for m in self.title.finditer(line):
            doctor = m["title"].lower() in DOCTOR_TITLES
            yield from self._name(line, m, "PHYSICIAN" if doctor else "PERSON")
        for regex in (self.signature, self.kin):
            for m in regex.finditer(line):
                yield from self._name(line, m, "PERSON")
        for m in LAST_FIRST.finditer(line):
            if self._last_first_context(line, m) and not self._lab_pair(m["last"], m["first"]):
                yield Span(m.start("value"), m.end("value"), "PERSON", SOURCE_CONTEXT)

    def grid_values(self, line: str, entity: str) -> Iterator[Span]:
        """The capitalised words of a grid row under a header naming people or an address."""
        for token in TOKEN.finditer(line):
            bare = token.group().strip(EDGE)
            if len(bare) < 2 or not bare[0].isupper() or HAS_DIGIT.search(bare):
                continue
            if bare.rstrip(".").lower() not in self.titles:
                yield Span(token.start(), token.end(), entity, SOURCE_CONTEXT)

    def leading_names(self, line: str) -> Iterator[Span]:
        """Capitalised words that open a line and are followed by nothing, or by numbers, dates
        or a sex ("Hope White", "WHITE HOPE 45 F 03/04/1950"): a name, or a place, or a firm,
        unless they read as a heading."""
        lead = LEADING_NAMES.match(line)
        if lead is None or len(PROSE_WORD.findall(line)) >= MIN_PROSE_WORDS:
            return
        words = lead["names"]
        if words.split()[0].rstrip(".").lower() in self.titles or self._heading_words(words):
            return
        yield Span(lead.start("names"), lead.end("names"), "REDACTED", SOURCE_CONTEXT)

    def _name(self, line: str, m: re.Match[str], entity: str) -> Iterator[Span]:
        """The name in a context's match: after any title, before the credentials, up to the
        end of a sentence or a role after a comma ("Rice, Medical Director")."""
        words: list[re.Match[str]] = []
        for word in TOKEN.finditer(line, m.start("value"), m.end("value")):
            text = word.group().rstrip(",;:")
            title = text.rstrip(".").lower() in self.titles
            if not words and title:
                continue
            if words and words[-1].group().endswith(",") and self._role_word(text):
                break
            words.append(word)
            if text.endswith(".") and not INITIALS.fullmatch(text) and not title:
                break  # the sentence ends: "… with Megan Chang. A repeat panel …"
        while words and words[-1].group().strip(EDGE).replace(".", "") in self.credentials:
            words.pop()
        if words:
            end = words[-1].start() + len(words[-1].group().rstrip(",;:"))
            yield Span(words[0].start(), end, entity, SOURCE_CONTEXT)

    def _role_word(self, word: str) -> bool:
        v = self.vocabulary
        bare = word.strip(EDGE).rstrip(".")
        return (
            v.is_label_word(bare)
            or v.is_lab_word(bare)
            or bare.replace(".", "") in self.credentials
        )

    def _last_first_context(self, line: str, m: re.Match[str]) -> bool:
        """``LAST, FIRST`` at the start of a line or field, or in capitals: not "However, Results"
        inside a sentence."""
        before = line[: m.start()]
        return (
            not before.strip()
            or bool(re.search(r"(?:[:|]|[ \t]{2})[ \t]*\Z", before))
            or m["last"].isupper()
        )

    def _lab_pair(self, *parts: str) -> bool:
        """Both sides are laboratory phrases: "Bilirubin, Total", "Specimen, Serum"."""
        return all(self.content.segments(part.split(), results=True) for part in parts)

    def _heading_words(self, text: str) -> bool:
        """Whether a line of capitalised words reads as a heading: laboratory phrases, label
        words and connectors ("URINALYSIS AND SEROLOGY", "Patient Details"), not "Amber White"."""
        words = [
            w
            for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
            if w.lower() not in CONNECTORS and not self.vocabulary.is_label_word(w)
        ]
        return self.content.segments(words)

    def _label_words_only(self, line: str) -> bool:
        if HAS_DIGIT.search(line) or ":" in line:
            return False
        words = re.findall(r"[A-Za-z][A-Za-z'’()./#-]*", line)
        return len(words) > 1 and all(self.vocabulary.is_label_word(w.strip(".()")) for w in words)

    def _grid_header(self, line: str) -> str | None:
        """What the row under a grid header holds ("Surname  Forename  DOB  Sex": ``PERSON``;
        "Address  Phone": ``ADDRESS``): the header has no digits, no colon, only label words."""
        words = re.findall(r"[A-Za-z][A-Za-z'’()./#-]*", line)
        alone = len(words) == 1 and ":" not in line and not HAS_DIGIT.search(line)
        if not (self._label_words_only(line) or alone):
            return None
        phrases = [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]
        kinds = {self.vocabulary.label_kinds.get(normalise(p)) for p in phrases}
        if kinds & NAME_LABELS:
            return "PERSON"
        return "ADDRESS" if "address" in kinds else None

    # Tokens ----------------------------------------------------------------------------------

    def tokens(self, line: str, taken: list[Span]) -> tuple[set[int], list[Span]]:
        """Default rules for every token not already masked: returns the starts of the masked
        words (for the runs) and the spans."""
        covered = _covered(taken)
        masked_words = {s.start for s in taken if s.entity in ("PERSON", "PHYSICIAN")}
        spans = []
        prose = len(PROSE_WORD.findall(line)) >= MIN_PROSE_WORDS
        previous = ""
        for token in TOKEN.finditer(line):
            text = token.group()
            core = text.strip(EDGE).rstrip(".")
            initial = _starts_sentence(previous, text)
            previous = text
            if not core:
                continue
            start = token.start() + len(text) - len(text.lstrip(EDGE))
            end = start + len(core)
            if all(i in covered for i in range(start, end)):
                if any(s.start <= start < s.end and s.entity in WORD_MASKS for s in taken):
                    masked_words.add(start)
                continue
            entity = self.default_entity(core)
            if entity is None and prose and not initial and self.proper_noun(core):
                entity = "REDACTED"  # "from Reading", "told Hope": capitalised inside a sentence
            if entity is None:
                continue
            spans.append(Span(start, end, entity, SOURCE_DEFAULT))
            if entity == "REDACTED":
                masked_words.add(start)
        return masked_words, spans

    def default_entity(self, core: str) -> str | None:
        if "@" in core and p.EMAIL_RE.search(core):
            return "EMAIL"
        if p.URL_RE.fullmatch(core):
            return "URL"
        if HAS_DIGIT.search(core):
            if DIGIT_RUN.search(core):
                return "ID"
            if any(c.isalpha() for c in core) and not self.harmless_alnum(core):
                return "ID"
            return None
        if not core[0].isupper() or len(core) == 1:
            return None
        return None if self.safe(core) else "REDACTED"

    def proper_noun(self, core: str) -> bool:
        """A capitalised word inside a sentence that is no laboratory term, label or title."""
        if not TITLE_CASE.fullmatch(core):
            return False
        v = self.vocabulary
        bare = core.lower()
        return not (
            v.is_term_word(core)
            or v.is_label_word(core)
            or bare in self.titles
            or bare.replace(".", "") in self.credentials
        )

    def harmless_alnum(self, core: str) -> bool:
        v = self.vocabulary
        return bool(
            HARMLESS_ALNUM.fullmatch(core)
            or v.is_lab_word(core)
            or v.is_lab_token(core)
            or v.is_unit(core)
            or v.is_analyte(core)
            or p.TIME_RE.fullmatch(core)
        )

    def safe(self, word: str) -> bool:
        v = self.vocabulary
        if v.is_safe_word(word) or (word[-2:] in ("'s", "’s") and v.is_safe_word(word[:-2])):
            return True
        parts = [part for part in re.split(r"[-/'’.]", word) if part]
        return len(parts) > 1 and all(v.is_safe_word(part) or len(part) <= 2 for part in parts)

    # Runs of capitalised words ---------------------------------------------------------------

    def runs(
        self, line: str, spans: list[Span], masked_words: set[int], heads: list[tuple[int, int]]
    ) -> Iterator[Span]:
        """A capitalised word beside a masked one is part of the same name or place: "Maria"
        beside "Gonzalez", "West" beside "Corey"."""
        run: list[tuple[int, int]] = []
        for start, end, joins in self.name_like_tokens(line, heads):
            if run and not joins:
                yield from self._run(run, spans, masked_words)
                run = []
            if start >= 0:
                run.append((start, end))
        yield from self._run(run, spans, masked_words)

    def name_like_tokens(
        self, line: str, heads: list[tuple[int, int]]
    ) -> Iterator[tuple[int, int, bool]]:
        """(start, end, joins the previous token) for name-like tokens; (-1, -1, False) breaks."""
        previous_end = -1
        previous_text = ""
        for token in TOKEN.finditer(line):
            text = token.group()
            core = text.strip(EDGE)
            in_head = any(a <= token.start() < b for a, b in heads)
            title = core.rstrip(".").lower() in self.titles
            if in_head or title or not NAME_TOKEN.fullmatch(core) or HAS_DIGIT.search(core):
                yield -1, -1, False
                previous_end = -1
                continue
            start = token.start() + len(text) - len(text.lstrip(EDGE))
            gap = line[previous_end : token.start()] if previous_end >= 0 else ""
            sentence_end = previous_text.endswith(".") and not INITIALS.fullmatch(
                previous_text.strip(EDGE)
            )
            joins = (
                previous_end >= 0
                and gap in (" ", ", ", ",")
                and not sentence_end
                and not previous_text.endswith((":", ";", ")", "|"))
                and not text.startswith(("(", "|"))
            )
            yield start, start + max(1, len(core.rstrip("."))), joins
            previous_end = token.end() - (1 if text.endswith(",") else 0)
            previous_text = text

    def _run(
        self, run: list[tuple[int, int]], spans: list[Span], masked_words: set[int]
    ) -> Iterator[Span]:
        if not run or not any(start in masked_words for start, _ in run):
            return
        if len(run) == 1:
            return
        person = any(
            s.entity in NAMES and s.start < run[-1][1] and run[0][0] < s.end for s in spans
        )
        yield Span(run[0][0], run[-1][1], "PERSON" if person else "REDACTED", SOURCE_DEFAULT)


NAMES = ("PERSON", "PHYSICIAN")
#: Types of masked words that take the capitalised words beside them along.
WORD_MASKS = (*NAMES, "REDACTED", "LOCATION")
#: A line with this many lower-case words is running text, where a capitalised word that does
#: not start a sentence is a proper noun.
MIN_PROSE_WORDS = 3
PROSE_WORD = re.compile(r"(?<![\w'’-])[a-z]{2,}(?![\w'’-])")
TITLE_CASE = re.compile(r"[A-Z][a-z][a-zA-Z'’-]*")
SENTENCE_END = (".", "!", "?", ":", ";")


def _starts_sentence(previous: str, text: str) -> bool:
    if not previous or text[:1] in "(\"“‘'[•*-" or previous in ("-", "–", "•", "*", "|", "="):
        return True
    if previous.endswith(SENTENCE_END):
        return not INITIALS.fullmatch(previous.rstrip(":;"))  # "Dr." or "J." go on
    return False


CONNECTORS = frozenset({"and", "of", "the", "for", "with", "in", "on", "to"})


def _title_forms(titles: Iterable[str]) -> set[str]:
    """Titles as printed: "Dr", "DR", and for abbreviations also "dr" (Dutch "dr. J. Smit")."""
    forms = set()
    for title in titles:
        bare = title.rstrip(".")
        forms |= {bare.capitalize(), bare.upper()}
        if len(bare) <= 4:
            forms.add(bare.lower())
    return forms


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _covered(spans: Iterable[Span]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


def _outside(line: str, heads: list[tuple[int, int]], spans: Iterable[Span]) -> Iterator[Span]:
    """Context spans cut short at a label: "Dr. Alan Chu Medical Record #:" keeps its label."""
    for span in spans:
        end = span.end
        for a, _ in heads:
            if span.start < a < end:
                end = a
        end = span.start + len(line[span.start : end].rstrip(" \t,;"))
        if end > span.start:
            yield Span(span.start, end, span.entity, span.source)
