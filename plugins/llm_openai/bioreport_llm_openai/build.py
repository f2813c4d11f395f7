"""Building the stage: settings checked, the shared rate limit wired, the call bounded."""

from typing import TYPE_CHECKING

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.ratelimit import shared_rate_limiter
from bioreport_engine.settings import EngineSettings, load_settings
from bioreport_llm_openai.settings import OpenAISettings, check

if TYPE_CHECKING:
    from bioreport_llm_openai.structurer import OpenAIStructurer


def configuration_problems() -> list[str]:
    """The stage's pre-build check: every problem with its settings, one line each."""
    return check(load_settings(OpenAISettings), load_settings(EngineSettings).job_lease_seconds)


def build_structurer() -> "OpenAIStructurer":
    from bioreport_llm_openai.structurer import OpenAIStructurer  # imports openai

    settings = load_settings(OpenAISettings)
    engine = load_settings(EngineSettings)
    problems = check(settings, engine.job_lease_seconds)
    if problems:
        raise ConfigurationError(*problems)
    limiter = shared_rate_limiter("openai", settings.rate_limit_per_minute, engine)
    return OpenAIStructurer(settings, limiter)
