"""The engine's settings, read from the environment and an optional ``.env`` file.

Plugins keep their own settings models (``OPENAI_*``, ``PRESIDIO_*``) and load them with
:func:`load_settings`, so every invalid value anywhere gives the same one-line error.
"""

from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.stages import ExtractionLimits

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
NameList = Annotated[tuple[str, ...], NoDecode]
#: The spellings of a boolean that pydantic accepts, for a setting that is also ``auto``.
BOOLEAN_WORDS = {
    **dict.fromkeys(("1", "true", "t", "yes", "y", "on"), "true"),
    **dict.fromkeys(("0", "false", "f", "no", "n", "off"), "false"),
}


class EngineSettings(BaseSettings):
    """Settings of the engine itself. Environment names are the field names in upper case."""

    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True
    )

    app_env: str = "dev"
    log_level: LogLevel = "INFO"
    log_format: Literal["text", "json"] = "text"
    log_file: Path | None = None

    db_host: str | None = None
    db_port: int = Field(5432, ge=1, le=65535)
    db_database: str | None = None
    db_username: str | None = None
    db_password: SecretStr = SecretStr("")

    db_pool_size: int | None = Field(None, ge=1, le=1000)

    max_job_attempts: int = Field(3, ge=1, le=100)
    job_poll_interval_seconds: float = Field(5, gt=0, le=3600)
    worker_concurrency: int = Field(1, ge=1, le=256)
    #: 1: each slot holds its next job while the current one runs (short jobs, far database).
    worker_prefetch: int = Field(0, ge=0, le=1)
    job_lease_seconds: float = Field(600, ge=2, le=86400)
    job_heartbeat_seconds: float = Field(10, gt=0, le=3600)
    worker_shutdown_grace_seconds: float = Field(30, ge=0, le=3600)
    retry_backoff_base_seconds: float = Field(10, ge=0, le=86400)
    retry_backoff_max_seconds: float = Field(900, ge=0, le=86400)

    metrics_port: int | None = Field(None, ge=1, le=65535)

    documents_root: Path = Path("var/documents")
    store_anonymized_text: bool = True

    pdf_max_bytes: int = Field(25 * 1024 * 1024, ge=1024)
    pdf_max_pages: int = Field(50, ge=1, le=10000)
    pdf_timeout_seconds: float = Field(60, gt=0, le=3600)
    pdf_memory_limit_mb: int = Field(1024, ge=256, le=65536)
    #: 10,000 characters a page times PDF_MAX_PAGES; at most spaCy's limit for one text.
    pdf_max_chars: int = Field(500_000, ge=1000, le=1_000_000)
    pdf_isolation: Literal["process", "none"] = "process"

    pdf_engine: str = "pdfplumber"
    #: Pages without a text layer go to the OCR extractor ``pdf_ocr_engine``: ``auto`` when one
    #: is installed (see :mod:`bioreport_engine.ocr.fallback`).
    pdf_ocr_fallback: Literal["auto", "true", "false"] = "auto"
    pdf_ocr_engine: str = "ocr"
    pii_engine: str = "presidio"
    llm_engine: str = "openai"
    norm_engine: str = "catalog"

    bioreport_load_plugins: NameList | None = None
    bioreport_disable_plugins: NameList = ()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("pdf_ocr_fallback", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> Any:
        """``auto``, or any spelling of a boolean pydantic accepts (``1``, ``yes``, ``on`` …)."""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, str):
            word = value.strip().lower()
            return BOOLEAN_WORDS.get(word, word)
        return value

    @field_validator("bioreport_load_plugins", "bioreport_disable_plugins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    @model_validator(mode="after")
    def _heartbeat_well_inside_the_lease(self) -> Self:
        if self.job_heartbeat_seconds * 3 > self.job_lease_seconds:
            raise ValueError(
                f"JOB_HEARTBEAT_SECONDS={self.job_heartbeat_seconds:g} must be at most a third of "
                f"JOB_LEASE_SECONDS={self.job_lease_seconds:g}, or live jobs would be recovered"
            )
        return self

    @model_validator(mode="after")
    def _no_isolation_only_in_tests(self) -> Self:
        if self.pdf_isolation == "none" and self.app_env.strip().lower() != "test":
            raise ValueError(
                "PDF_ISOLATION=none runs extraction inside the worker without the time and "
                f"memory limits; it is for tests only (APP_ENV=test, not {self.app_env!r})"
            )
        return self

    @property
    def extraction_limits(self) -> ExtractionLimits:
        return ExtractionLimits(
            max_bytes=self.pdf_max_bytes,
            max_pages=self.pdf_max_pages,
            timeout_seconds=self.pdf_timeout_seconds,
            memory_mb=self.pdf_memory_limit_mb,
            max_chars=self.pdf_max_chars,
        )

    @property
    def pool_size(self) -> int:
        """``DB_POOL_SIZE``, or enough for the running jobs plus claim/heartbeat/reaper work."""
        return self.db_pool_size or self.worker_concurrency + 2

    def conninfo(self) -> str:
        """The libpq connection string; a configuration error when no database is configured."""
        from psycopg.conninfo import make_conninfo  # psycopg only for commands that connect

        if not self.db_host or not self.db_database:
            raise ConfigurationError(
                "no database configured: set DB_HOST and DB_DATABASE "
                "(and DB_PORT, DB_USERNAME, DB_PASSWORD as needed)"
            )
        return make_conninfo(
            host=self.db_host,
            port=self.db_port,
            dbname=self.db_database,
            user=self.db_username or None,
            password=self.db_password.get_secret_value() or None,
            application_name="bioreport-worker",
        )


def job_lease_seconds() -> float:
    """``JOB_LEASE_SECONDS``: how long a stage may take on one document before the job is
    recovered. Public, for plugins that bound their own calls by it, without giving them the
    engine's settings (which include the database credentials)."""
    return load_settings(EngineSettings).job_lease_seconds


def load_settings[SettingsT: BaseSettings](model: type[SettingsT], **values: Any) -> SettingsT:
    """Build ``model`` from the environment, turning validation errors into one clear message.

    The message names each variable and what it expects; it shows the rejected value only for
    settings that are not secret, and never a traceback.
    """
    try:
        return model(**values)
    except ValidationError as exc:
        raise ConfigurationError(*describe_validation_error(model, exc)) from None


def describe_validation_error(model: type[BaseSettings], exc: ValidationError) -> list[str]:
    """One line per invalid setting."""
    prefix = str(model.model_config.get("env_prefix", ""))
    problems = []
    for error in exc.errors():
        field_name = str(error["loc"][0]) if error["loc"] else ""
        field = model.model_fields.get(field_name)
        env_name = (prefix + field_name).upper()
        secret = field is None or "SecretStr" in str(field.annotation)
        value = error.get("input")
        # A missing value's "input" is every value given, secrets included: never show it.
        shown = "" if secret or not isinstance(value, str | int | float) else f"={value!r}"
        message = error["msg"].replace("Input should be", "expected").removeprefix("Value error, ")
        problems.append(
            f"invalid setting {env_name}{shown}: {message}"
            if field_name
            else f"invalid setting combination: {message}"
        )
    return problems
