"""HELD-OUT LAYOUTS. ANONYMIZER TUNING MUST NOT READ THIS FILE.

Whoever tunes or writes the anonymizer must not open this module, print its documents, or
look at their text or ground truth (``truth.HELD_OUT_LAYOUTS``): they measure how the
anonymizer does on layouts nobody tuned it for. Only ``benchmarks.anonymization`` reports
figures for them, as totals per layout and per kind.
"""

from benchmarks.corpus.case import Case
from benchmarks.corpus.truth import PiiItem

#: Word-names only held-out reports use, on top of ``people.WORD_FIRST_NAMES`` /
#: ``people.WORD_SURNAMES``: a name list grown from the tuning reports does not cover them.
WORD_NAMES: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("Merry", "Blossom", "Clement", "Constance", "Earnest", "Royal", "Sage", "Liberty",
     "Harmony", "Precious", "Star", "Glory", "Noble", "Tender", "Bliss"),
    ("Copper", "Straw", "Reed", "Moss", "Heath", "Potter", "Weaver", "Salmon", "Brass",
     "Flower", "Pepper", "Sugar", "Honey", "Hale", "Stout", "Marrow", "Culture", "Plasma"),
)  # fmt: skip


def render(case: Case) -> tuple[bytes, int, tuple[PiiItem, ...]]:
    raise NotImplementedError(f"held-out layout {case.layout!r} is not drawn yet")
