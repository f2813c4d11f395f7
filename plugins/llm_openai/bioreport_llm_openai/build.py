"""Building the stage: settings checked, the shared rate limit wired, the call bounded."""

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.ratelimit import shared_rate_limiter
from bioreport_engine.settings import EngineSettings, load_settings
from bioreport_llm_openai.settings import OFFICIAL_ENDPOINT, OpenAISettings
from bioreport_llm_openai.structurer import OpenAIStructurer, call_bound_seconds


def build_structurer() -> OpenAIStructurer:
    settings = load_settings(OpenAISettings)
    engine = load_settings(EngineSettings)
    if settings.endpoint == OFFICIAL_ENDPOINT and not settings.api_key.get_secret_value():
        raise ConfigurationError(
            "OPENAI_API_KEY is not set: set it, point OPENAI_BASE_URL at an OpenAI-compatible "
            "server, or set LLM_ENGINE=none to skip structuring"
        )
    bound = call_bound_seconds(settings)
    if bound > engine.job_lease_seconds / 2:
        raise ConfigurationError(
            f"one LLM call may take up to {bound:.0f} s (OPENAI_TIMEOUT_SECONDS x attempts plus "
            f"back-off, and a re-ask), more than half of JOB_LEASE_SECONDS="
            f"{engine.job_lease_seconds:g}: lower the timeout or retries, or raise the lease"
        )
    limiter = shared_rate_limiter("openai", settings.rate_limit_per_minute, engine)
    return OpenAIStructurer(settings, limiter)
