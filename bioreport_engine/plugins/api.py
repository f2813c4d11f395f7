"""The version of the public plugin API, and the check of the range a plugin declares.

A plugin module says which API versions it works with in a module attribute,
``BIOREPORT_API = ">=1,<2"``: comma-separated clauses of ``>=``, ``>``, ``<=``, ``<``, ``==``
and ``!=`` on dotted numbers. The engine raises the minor version when it adds to the API and the
major version when it removes or changes something, so ``>=1.0,<2`` is the usual range. A plugin
without the attribute is assumed to be compatible. The check is a few lines rather than
``packaging.specifiers``: the engine does not depend on ``packaging``.
"""

import operator
import re
from collections.abc import Callable

PLUGIN_API_VERSION = "1.1"
"""What ``bioreport_engine`` exports to plugins (see docs/plugins.md). 1.1: ``printed_line``,
``Biomarker.ocr``, ``ExtractionLimits.pages``, ``ExtractedText.ocr_pages``; extractors return
pages without a text layer blank (the engine decides, after the OCR fallback)."""

API_ATTRIBUTE = "BIOREPORT_API"

_CLAUSE = re.compile(r"^(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)$")
_COMPARE: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


def _numbers(version: str, width: int) -> tuple[int, ...]:
    """``"1"`` -> ``(1, 0)`` at width 2: missing parts are zeros, as in ``packaging``."""
    parts = tuple(int(part) for part in version.split("."))
    return parts + (0,) * (width - len(parts))


def api_mismatch(required: object, version: str = PLUGIN_API_VERSION) -> str | None:
    """Why a plugin declaring ``BIOREPORT_API = required`` cannot run on API ``version``;
    ``None`` when it can."""
    if not isinstance(required, str) or not required.strip():
        return f"{API_ATTRIBUTE} must be a version range such as '>=1,<2', not {required!r}"
    for clause in required.split(","):
        match = _CLAUSE.match(clause.strip())
        if match is None:
            return (
                f"{API_ATTRIBUTE}={required!r} is not a version range such as '>=1,<2' "
                f"(clauses of >=, >, <=, <, ==, != on dotted numbers)"
            )
        op, bound = match.groups()
        width = max(len(bound.split(".")), len(version.split(".")))
        if not _COMPARE[op](_numbers(version, width), _numbers(bound, width)):
            return (
                f"the plugin needs plugin API {required} ({API_ATTRIBUTE}) but this "
                f"bioreport-engine provides plugin API {version}: install a version of the "
                f"plugin made for API {version}, or a bioreport-engine that provides {required}"
            )
    return None
