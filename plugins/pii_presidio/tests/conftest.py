from collections.abc import Callable

import pytest

from bioreport_engine import AnonymizedText, Anonymizer, ExtractedText
from bioreport_engine.testing import discover


@pytest.fixture(scope="session")
def stage() -> Anonymizer:
    return discover().anonymizer("presidio").spec.build()


@pytest.fixture(scope="session")
def anonymize(stage: Anonymizer) -> Callable[[str], AnonymizedText]:
    return lambda text: stage.anonymize(ExtractedText((text,)))


@pytest.fixture(scope="session")
def anonymize_pages(stage: Anonymizer) -> Callable[[tuple[str, ...]], AnonymizedText]:
    return lambda pages: stage.anonymize(ExtractedText(pages))
