"""Placeholders numbered per distinct value within one document: every mention of the same
person becomes ``<PERSON_1>``, whether printed "Maria L. Gonzalez", "Gonzalez, Maria L." or
"Gonzalez"."""

import re
from collections.abc import Callable

NAMES = ("PERSON", "PHYSICIAN")


def _name_key(value: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", value) if len(w) > 1)


def _value_key(value: str) -> str:
    return re.sub(r"\W+", "", value).lower()


class Placeholders:
    def __init__(self, style: str = "placeholder") -> None:
        self.style = style
        self.numbers: dict[str, list[tuple[object, int]]] = {}

    def for_entity(self, entity: str) -> Callable[[str], str]:
        return lambda value: self.replace(entity, value)

    def replace(self, entity: str, value: str) -> str:
        if self.style == "redact":
            return "[REDACTED]"
        if self.style == "type":
            return f"<{entity}>"
        return f"<{entity}_{self.number(entity, value)}>"

    def number(self, entity: str, value: str) -> int:
        seen = self.numbers.setdefault(entity, [])
        key: object = (
            (_name_key(value) or _value_key(value)) if entity in NAMES else _value_key(value)
        )
        for known, number in seen:
            if _same(key, known):
                return number
        seen.append((key, len(seen) + 1))
        return len(seen)


def _same(key: object, known: object) -> bool:
    """Two names are one person when one's words are a subset of the other's."""
    if isinstance(key, frozenset) and isinstance(known, frozenset):
        return bool(key) and bool(known) and (key <= known or known <= key)
    return key == known
