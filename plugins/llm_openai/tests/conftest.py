from collections.abc import Iterator

import pytest

from benchmarks.fake_openai import FakeOpenAI
from bioreport_engine.testing import ScratchDatabase, scratch_database


@pytest.fixture
def pg() -> Iterator[ScratchDatabase]:
    """A fresh, migrated database on the machine's PostgreSQL: an empty rate-limit table."""
    with scratch_database() as database:
        yield database


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def openai_env(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "2")
    monkeypatch.setenv("OPENAI_RATE_LIMIT_PER_MINUTE", "6000")
    return server
