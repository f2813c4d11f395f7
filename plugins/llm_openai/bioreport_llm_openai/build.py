"""Building the stage: settings checked, the shared rate limit wired, the call bounded."""

from typing import TYPE_CHECKING

from bioreport_engine import (
    ConfigurationError,
    job_lease_seconds,
    load_settings,
    shared_rate_limiter,
)
from bioreport_llm_openai.settings import OpenAISettings, check

if TYPE_CHECKING:
    from bioreport_llm_openai.structurer import OpenAIStructurer


def configuration_problems() -> list[str]:
    """The stage's pre-build check: every problem with its settings, one line each."""
    return check(load_settings(OpenAISettings), job_lease_seconds())


def build_structurer() -> "OpenAIStructurer":
    from bioreport_llm_openai.structurer import OpenAIStructurer  # imports openai

    settings = load_settings(OpenAISettings)
    problems = check(settings, job_lease_seconds())
    if problems:
        raise ConfigurationError(*problems)
    limiter = shared_rate_limiter("openai", settings.rate_limit_per_minute)
    return OpenAIStructurer(settings, limiter)
