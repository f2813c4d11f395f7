"""The plugin's own settings, ``OPENAI_*``, and the cheap checks run before the stage is built."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFICIAL_ENDPOINT = "https://api.openai.com/v1"
#: The longest back-off between two attempts, in seconds.
BACKOFF_MAX_SECONDS = 8.0


class OpenAISettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OPENAI_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    #: Secret: never printed. Required by the official endpoint.
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    #: An OpenAI-compatible server (vLLM, Ollama, llama.cpp, Azure OpenAI); unset: OpenAI.
    base_url: str | None = None
    #: Per attempt.
    timeout_seconds: float = Field(30, gt=0, le=600)
    #: Further attempts after the first, on timeouts, connection errors, 5xx and 429.
    max_retries: int = Field(2, ge=0, le=10)
    #: The organisation's budget, shared by every thread and replica (every attempt spends).
    rate_limit_per_minute: float = Field(60, gt=0, le=100000)
    max_output_tokens: int = Field(4096, ge=256, le=65536)

    @property
    def endpoint(self) -> str:
        return self.base_url or OFFICIAL_ENDPOINT

    def call_bound_seconds(self) -> float:
        """The longest one structuring call can take: every attempt times out, with the longest
        back-off between attempts, plus one re-ask for invalid output."""
        attempts = self.max_retries + 1
        return 2 * (attempts * self.timeout_seconds + self.max_retries * BACKOFF_MAX_SECONDS)


def check(settings: OpenAISettings, lease_seconds: float) -> list[str]:
    """What would stop the stage from working, found without importing the SDK."""
    problems = []
    if settings.endpoint == OFFICIAL_ENDPOINT and not settings.api_key.get_secret_value():
        problems.append(
            "OPENAI_API_KEY is not set: set it, point OPENAI_BASE_URL at an OpenAI-compatible "
            "server, or set LLM_ENGINE=none to skip structuring"
        )
    bound = settings.call_bound_seconds()
    if bound > lease_seconds / 2:
        problems.append(
            f"one LLM call may take up to {bound:.0f} s (OPENAI_TIMEOUT_SECONDS x attempts plus "
            f"back-off, and a re-ask), more than half of JOB_LEASE_SECONDS={lease_seconds:g}: "
            "lower the timeout or retries, or raise the lease"
        )
    return problems
