"""``PII_ENGINE=presidio``: lab-report-aware anonymization on Microsoft Presidio and spaCy."""

from collections.abc import Iterable, Sequence

from bioreport_engine import Anonymizer, StageSpec, hookimpl, load_settings
from bioreport_pii_presidio.settings import PresidioSettings, check

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.0,<2"


def _build() -> Anonymizer:
    from bioreport_pii_presidio.anonymizer import PresidioAnonymizer  # imports spaCy, Presidio

    return PresidioAnonymizer(load_settings(PresidioSettings))


def _check() -> Sequence[str]:
    return check(load_settings(PresidioSettings))


@hookimpl
def bioreport_anonymizers() -> Iterable[StageSpec[Anonymizer]]:
    return [
        StageSpec(
            "presidio",
            _build,
            settings=PresidioSettings,
            summary="Presidio + spaCy NER, lab-report aware (labelled fields, lab vocabulary)",
            # One spaCy pipeline per process, called from one thread at a time.
            thread_safe=False,
            check=_check,
        )
    ]
