"""Units: printed spellings to UCUM (plain Python), and conversions with pint.

``ucum_of`` maps what labs print (``x10E3/uL``, ``K/uL``, ``µmol/L``, ``mEq/L``, ``mIU/mL``) to
UCUM (``10*3/uL``, ``umol/L``, ``meq/L``, ``m[IU]/mL``). :class:`UnitConverter` turns UCUM into
pint quantities and converts between them; molar <-> mass conversions go through the analyte's
molar mass and equivalents <-> moles through its valence, in a pint context. pint is imported
only when a converter is built (it takes about half a second).
"""

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

#: Printed spellings, compared lower-cased without spaces, mapped to UCUM.
PRINTED: dict[str, str] = {
    "mg/dl": "mg/dL", "mg/l": "mg/L", "g/dl": "g/dL", "g/l": "g/L", "mg/ml": "mg/mL",
    "ug/dl": "ug/dL", "mcg/dl": "ug/dL", "ug/l": "ug/L", "mcg/l": "ug/L", "ug/ml": "ug/mL",
    "mcg/ml": "ug/mL", "ng/ml": "ng/mL", "ng/dl": "ng/dL", "ng/l": "ng/L", "pg/ml": "pg/mL",
    "pg/l": "pg/L", "mmol/l": "mmol/L", "umol/l": "umol/L", "nmol/l": "nmol/L",
    "pmol/l": "pmol/L", "mol/l": "mol/L", "mmol/mol": "mmol/mol", "meq/l": "meq/L",
    "mval/l": "meq/L", "u/l": "U/L", "iu/l": "[IU]/L", "u/ml": "U/mL", "ku/l": "kU/L",
    "iu/ml": "[IU]/mL", "kiu/l": "k[IU]/L", "miu/ml": "m[IU]/mL", "miu/l": "m[IU]/L",
    "uiu/ml": "u[IU]/mL", "ukat/l": "ukat/L", "iu/dl": "[IU]/dL", "%": "%", "percent": "%",
    "fl": "fL", "um3": "um3", "pg": "pg", "fmol": "fmol", "l/l": "L/L",
    "sec": "s", "secs": "s", "seconds": "s", "s": "s", "min": "min",
    "mm/hr": "mm/h", "mm/h": "mm/h", "mm/1hr": "mm/h",
    "ratio": "{ratio}", "{ratio}": "{ratio}", "inr": "{INR}", "titer": "{titer}",
    "titre": "{titer}", "/hpf": "/[HPF]", "/lpf": "/[LPF]", "cells/hpf": "/[HPF]",
    "/[hpf]": "/[HPF]", "/[lpf]": "/[LPF]",
    "ml/min/1.73m2": "mL/min/{1.73_m2}", "ml/min/1.73m²": "mL/min/{1.73_m2}",
    "ml/min/1.73sqm": "mL/min/{1.73_m2}", "ml/min/{1.73_m2}": "mL/min/{1.73_m2}",
    "ml/min": "mL/min", "mosm/kg": "mosm/kg", "mosmol/kg": "mosm/kg",
    "mg/g": "mg/g", "mg/gcreat": "mg/g", "mg/mmol": "mg/mmol", "mg/mmolcreat": "mg/mmol",
    "mmhg": "mm[Hg]", "kpa": "kPa", "ug/g": "ug/g", "mg/kg": "mg/kg",
    "ng/ml/h": "ng/mL/h", "ng/ml/hr": "ng/mL/h", "copies/ml": "{copies}/mL",
    "mg/24h": "mg/(24.h)", "mg/24hr": "mg/(24.h)", "g/24h": "g/(24.h)",
    "ug/24h": "ug/(24.h)", "eu/dl": "[EU]/dL", "/ul": "/uL", "cells/ul": "/uL",
    "/mm3": "/uL", "cells/mm3": "/uL", "k/ul": "10*3/uL", "thou/ul": "10*3/uL",
    "k/mm3": "10*3/uL", "m/ul": "10*6/uL", "mil/ul": "10*6/uL", "g/g": "g/g",
}  # fmt: skip
#: 10^9/L, x10E3/uL, 10*12/L, 10e6/µL...
POWER = re.compile(r"^(?:x\s*)?10\s*(?:\^|\*|e|\*\*)?\s*(\d{1,2})\s*/\s*(ul|l|nl|mm3)$")


def ucum_of(printed: str | None) -> str | None:
    """The UCUM code of a printed unit; ``""`` for no unit; ``None`` when not recognised."""
    if printed is None:
        return ""
    text = printed.strip().replace("µ", "u").replace("μ", "u").replace("×", "x").lower()
    text = "".join(text.split())
    if not text:
        return ""
    if match := POWER.match(text):
        denominator = {"ul": "uL", "l": "L", "nl": "nL", "mm3": "uL"}[match[2]]
        return f"10*{int(match[1])}/{denominator}"
    return PRINTED.get(text)


def pint_expression(ucum: str) -> str:
    """A UCUM code (the subset the catalog uses) as a pint expression."""
    text = re.sub(r"\{[^}]*\}", "1", ucum)  # annotations are dimensionless
    text = text.replace("[IU]", "IU").replace("[iU]", "IU").replace("[HPF]", "HPF")
    text = text.replace("[LPF]", "LPF").replace("[EU]", "EU").replace("[pH]", "1")
    text = text.replace("mm[Hg]", "mmHg").replace("%", "percent")
    text = re.sub(r"10\*(\d+)", r"1e\1", text)
    text = text.replace(".", "*") if re.search(r"\(\d+\.[a-z]", text) else text
    text = re.sub(r"(?<![\w)])(um|mm|cm)3\b", r"\1**3", text)
    if text.startswith("/"):
        text = "1" + text
    return text or "1"


class UnitConverter:
    """pint, with the few units and conversions clinical chemistry needs beyond SI."""

    def __init__(self) -> None:
        import pint

        registry = pint.UnitRegistry(cache_folder=None)
        registry.define("international_unit = [international_unit] = IU")
        registry.define("equivalent = [charge_equivalent] = eq")
        registry.define("osmole = [osmolality_amount] = osm")
        registry.define("high_power_field = [microscopy_hpf] = HPF")
        registry.define("low_power_field = [microscopy_lpf] = LPF")
        registry.define("ehrlich_unit = [ehrlich] = EU")
        registry.add_context(_clinical_context(pint, registry))
        self._registry = registry
        self._factor = lru_cache(maxsize=4096)(self._compute_factor)

    @property
    def registry(self) -> "pint.UnitRegistry":
        return self._registry

    def parse(self, ucum: str) -> "pint.Quantity":
        """The quantity a UCUM code stands for (``10*9/L`` is 1e9 per litre)."""
        quantity = self._registry.parse_expression(pint_expression(ucum))
        if not isinstance(quantity, self._registry.Quantity):
            quantity = self._registry.Quantity(float(quantity))
        return quantity

    def factor(
        self,
        from_ucum: str,
        to_ucum: str,
        molar_mass: float | None = None,
        valence: int | None = None,
    ) -> float | None:
        """``value_in_to = value_in_from x factor``; ``None`` when the units do not convert."""
        found: float | None = self._factor(from_ucum, to_ucum, molar_mass, valence)
        return found

    def convert(
        self,
        value: float,
        from_ucum: str,
        to_ucum: str,
        molar_mass: float | None = None,
        valence: int | None = None,
    ) -> float | None:
        factor = self.factor(from_ucum, to_ucum, molar_mass, valence)
        return None if factor is None else value * factor

    def _compute_factor(
        self, from_ucum: str, to_ucum: str, molar_mass: float | None, valence: int | None
    ) -> float | None:
        import pint

        try:
            source, target = self.parse(from_ucum), self.parse(to_ucum)
            ratio = source.to(
                target.units,
                "clinical",
                mw=molar_mass or 0.0,
                valence=valence or 0,
            )
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, ZeroDivisionError):
            return None
        factor = float(ratio.magnitude) / float(target.magnitude)
        return factor if factor == factor and factor not in (float("inf"), 0.0) else None


def _clinical_context(pint: Any, registry: "pint.UnitRegistry") -> Any:
    """Substance <-> mass through ``mw`` (g/mol), equivalents <-> substance through ``valence``.

    A parameter of 0 means "unknown": the transformation then raises, and the conversion is
    reported as impossible rather than guessed.
    """
    context = pint.Context("clinical", defaults={"mw": 0.0, "valence": 0})
    grams_per_mole = registry("g/mol")
    equivalents_per_mole = registry("eq/mol")

    def mass(mw: float) -> Any:
        if not mw:
            raise ValueError("no molar mass")
        return mw * grams_per_mole

    def charge(valence: int) -> Any:
        if not valence:
            raise ValueError("no valence")
        return valence * equivalents_per_mole

    def add(source: str, target: str, function: Any) -> None:
        context.add_transformation(source, target, function)

    add("[substance]", "[mass]", lambda _, x, mw, valence: x * mass(mw))
    add("[mass]", "[substance]", lambda _, x, mw, valence: x / mass(mw))
    add("[substance]/[volume]", "[mass]/[volume]", lambda _, x, mw, valence: x * mass(mw))
    add("[mass]/[volume]", "[substance]/[volume]", lambda _, x, mw, valence: x / mass(mw))
    add("[substance]/[time]", "[mass]/[time]", lambda _, x, mw, valence: x * mass(mw))
    add("[mass]/[time]", "[substance]/[time]", lambda _, x, mw, valence: x / mass(mw))
    add("[mass]/[substance]", "[]", lambda _, x, mw, valence: x / mass(mw))
    add("[]", "[mass]/[substance]", lambda _, x, mw, valence: x * mass(mw))
    add(
        "[charge_equivalent]/[volume]",
        "[substance]/[volume]",
        lambda _, x, mw, valence: x / charge(valence),
    )
    add(
        "[substance]/[volume]",
        "[charge_equivalent]/[volume]",
        lambda _, x, mw, valence: x * charge(valence),
    )
    return context
