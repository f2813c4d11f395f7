from pathlib import Path

import pytest

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.settings import EngineSettings, load_settings

EVERY_FIELD = {
    "APP_ENV": ("prod", "prod"),
    "LOG_LEVEL": ("debug", "DEBUG"),
    "LOG_FORMAT": ("json", "json"),
    "LOG_FILE": ("/tmp/worker.log", Path("/tmp/worker.log")),
    "DB_HOST": ("db.internal", "db.internal"),
    "DB_PORT": ("6543", 6543),
    "DB_DATABASE": ("reports", "reports"),
    "DB_USERNAME": ("worker", "worker"),
    "DB_POOL_SIZE": ("12", 12),
    "MAX_JOB_ATTEMPTS": ("5", 5),
    "WORKER_CONCURRENCY": ("4", 4),
    "WORKER_PREFETCH": ("1", 1),
    "JOB_LEASE_SECONDS": ("120", 120.0),
    "JOB_HEARTBEAT_SECONDS": ("5", 5.0),
    "WORKER_SHUTDOWN_GRACE_SECONDS": ("20", 20.0),
    "RETRY_BACKOFF_BASE_SECONDS": ("2", 2.0),
    "RETRY_BACKOFF_MAX_SECONDS": ("60", 60.0),
    "DOCUMENTS_ROOT": ("/srv/pdfs", Path("/srv/pdfs")),
    "METRICS_PORT": ("9100", 9100),
    "STORE_ANONYMIZED_TEXT": ("false", False),
    "JOB_POLL_INTERVAL_SECONDS": ("0.5", 0.5),
    "PDF_MAX_BYTES": ("1000000", 1000000),
    "PDF_MAX_PAGES": ("10", 10),
    "PDF_TIMEOUT_SECONDS": ("15", 15.0),
    "PDF_MEMORY_LIMIT_MB": ("512", 512),
    "PDF_MAX_CHARS": ("100000", 100000),
    "PDF_ISOLATION": ("none", "none"),
    "PDF_ENGINE": ("pymupdf", "pymupdf"),
    "PDF_OCR_FALLBACK": ("Yes", "true"),
    "PDF_OCR_ENGINE": ("tesseract", "tesseract"),
    "PII_ENGINE": ("other", "other"),
    "LLM_ENGINE": ("none", "none"),
    "NORM_ENGINE": ("none", "none"),
    "BIOREPORT_LOAD_PLUGINS": ("a, b", ("a", "b")),
    "BIOREPORT_DISABLE_PLUGINS": ("c", ("c",)),
}
#: What a value of EVERY_FIELD needs beside it to be valid.
COMPANIONS = {"PDF_ISOLATION": {"APP_ENV": "test"}}


def test_defaults_follow_the_task_card() -> None:
    settings = load_settings(EngineSettings)
    assert settings.app_env == "dev"
    assert settings.log_level == "INFO"
    assert settings.db_port == 5432
    assert settings.max_job_attempts == 3
    assert settings.job_poll_interval_seconds == 5
    assert (settings.pdf_engine, settings.pii_engine, settings.llm_engine) == (
        "pdfplumber",
        "presidio",
        "openai",
    )
    assert settings.bioreport_load_plugins is None
    assert settings.bioreport_disable_plugins == ()
    assert settings.pdf_isolation == "process"
    # 10,000 characters a page (3 times the densest page of the synthetic corpus) times
    # PDF_MAX_PAGES; half of spaCy's limit of 1,000,000 characters for one text.
    assert settings.pdf_max_chars == 500_000 == settings.extraction_limits.max_chars


@pytest.mark.parametrize("variable", EVERY_FIELD)
def test_every_field_is_read_from_the_environment(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, expected = EVERY_FIELD[variable]
    monkeypatch.setenv(variable, raw)
    for companion, value in COMPANIONS.get(variable, {}).items():
        monkeypatch.setenv(companion, value)
    assert getattr(load_settings(EngineSettings), variable.lower()) == expected


def test_every_field_is_covered() -> None:
    assert set(EngineSettings.model_fields) - {"db_password"} == {
        name.lower() for name in EVERY_FIELD
    }


def test_the_password_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PASSWORD", "hunter2")
    settings = load_settings(EngineSettings)
    assert settings.db_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DB_HOST=from-dotenv\nPDF_ENGINE=pymupdf\n")
    settings = load_settings(EngineSettings)
    assert (settings.db_host, settings.pdf_engine) == ("from-dotenv", "pymupdf")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DB_PORT", "abc", "DB_PORT='abc': expected a valid integer"),
        ("DB_PORT", "70000", "DB_PORT='70000': expected less than or equal to 65535"),
        ("MAX_JOB_ATTEMPTS", "0", "MAX_JOB_ATTEMPTS='0': expected greater than or equal to 1"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='LOUD': expected 'DEBUG', 'INFO'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml': expected 'text' or 'json'"),
        ("JOB_POLL_INTERVAL_SECONDS", "-1", "JOB_POLL_INTERVAL_SECONDS='-1'"),
        ("JOB_HEARTBEAT_SECONDS", "250", "JOB_HEARTBEAT_SECONDS=250 must be at most a third"),
        ("PDF_OCR_FALLBACK", "maybe", "PDF_OCR_FALLBACK='maybe': expected 'auto', 'true' or"),
    ],
)
def test_invalid_values_name_the_variable(
    variable: str, value: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings(EngineSettings)
    assert str(raised.value).startswith("invalid setting ")
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_missing_value_never_echoes_the_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import SecretStr
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class PluginSettings(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="DEMO_")
        api_key: SecretStr
        model: str

    monkeypatch.setenv("DEMO_API_KEY", "sk-secret-value")
    with pytest.raises(ConfigurationError) as raised:
        load_settings(PluginSettings)
    assert "DEMO_MODEL: Field required" in str(raised.value)
    assert "sk-secret-value" not in str(raised.value)


def test_env_example_lists_every_engine_setting_with_its_default() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    lines = dict(
        line.split("=", 1)
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    )
    defaults = EngineSettings(_env_file=None)
    for name in EngineSettings.model_fields:
        assert name.upper() in lines, f"{name.upper()} is missing from .env.example"
        value = getattr(defaults, name)
        if isinstance(value, str | int | float):
            assert type(value)(lines[name.upper()]) == value, name.upper()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("auto", "auto"), (" AUTO", "auto"), ("1", "true"), ("on", "true"), ("False", "false")],
)
def test_the_ocr_fallback_is_auto_or_a_boolean(
    raw: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(EngineSettings).pdf_ocr_fallback == "auto"  # the default
    monkeypatch.setenv("PDF_OCR_FALLBACK", raw)
    assert load_settings(EngineSettings).pdf_ocr_fallback == expected
    assert EngineSettings(pdf_ocr_fallback=True).pdf_ocr_fallback == "true"


def test_empty_values_mean_the_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_FILE=\nDB_HOST=\nDB_PORT=\n")
    settings = load_settings(EngineSettings)
    assert (settings.log_file, settings.db_host, settings.db_port) == (None, None, 5432)


@pytest.mark.parametrize("app_env", [None, "dev", "prod"])
def test_no_isolation_is_for_tests_only(
    app_env: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the child process a decompression bomb took 2.2 GB and a text bomb 3.4 GB."""
    monkeypatch.setenv("PDF_ISOLATION", "none")
    if app_env is not None:
        monkeypatch.setenv("APP_ENV", app_env)
    with pytest.raises(ConfigurationError) as raised:
        load_settings(EngineSettings)
    assert str(raised.value) == (
        "invalid setting combination: PDF_ISOLATION=none runs extraction inside the worker "
        "without the time and memory limits; it is for tests only (APP_ENV=test, not "
        f"{app_env or 'dev'!r})"
    )
    monkeypatch.setenv("APP_ENV", " Test")
    assert load_settings(EngineSettings).pdf_isolation == "none"
