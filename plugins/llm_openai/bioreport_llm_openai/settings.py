"""The plugin's own settings, ``OPENAI_*``."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFICIAL_ENDPOINT = "https://api.openai.com/v1"


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
