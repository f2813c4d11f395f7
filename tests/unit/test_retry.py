import pytest

from bioreport_engine.errors import PermanentError, TransientError
from bioreport_engine.worker.retry import Decision, RetryPolicy


@pytest.mark.parametrize(("attempts", "low", "high"), [(1, 5, 10), (2, 10, 20), (3, 20, 40)])
def test_backoff_is_exponential_with_jitter(attempts: int, low: float, high: float) -> None:
    delays = {RetryPolicy(5, 10, 900).backoff(attempts) for _ in range(50)}
    assert all(low <= d <= high for d in delays) and len(delays) > 1


def test_backoff_is_capped() -> None:
    assert RetryPolicy(50, 10, 60).backoff(30) <= 60


def test_permanent_errors_fail_even_on_the_first_attempt() -> None:
    assert RetryPolicy(3).decide(PermanentError("corrupt"), 1).decision is Decision.FAIL


def test_transient_errors_retry_until_attempts_run_out() -> None:
    policy = RetryPolicy(3)
    assert policy.decide(TransientError("timeout"), 2).decision is Decision.RETRY
    assert policy.decide(TransientError("timeout"), 3).decision is Decision.FAIL
