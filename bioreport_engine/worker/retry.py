"""The retry policy: permanent errors fail at once, transient ones back off exponentially."""

import random
from dataclasses import dataclass
from enum import StrEnum

from bioreport_engine.errors import StageError, plural, safe_message


class Decision(StrEnum):
    RETRY = "retry"
    FAIL = "fail"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    error: str
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_seconds: float = 10.0
    max_seconds: float = 900.0

    def backoff(self, attempts: int, retry_after: float | None = None) -> float:
        """Exponential back-off with "equal jitter", capped; never shorter than ``retry_after``.

        Half the delay is fixed and half random, so retries of jobs that failed together (an
        outage) spread out instead of returning all at once.
        """
        ceiling = min(self.max_seconds, self.base_seconds * 2.0 ** max(attempts - 1, 0))
        delay = ceiling / 2 + random.uniform(0, ceiling / 2)
        return max(delay, retry_after or 0.0)

    def decide(self, exc: BaseException, attempts: int) -> Verdict:
        """What to do with a job whose ``attempts``-th attempt raised ``exc``.

        Our permanent errors fail at once. Transient errors, and unexpected exceptions (a bug
        or an unmapped library error might pass), are retried until attempts run out.
        """
        message = safe_message(exc)
        if isinstance(exc, StageError) and not exc.retryable:
            return Verdict(Decision.FAIL, message)
        if attempts >= self.max_attempts:
            return Verdict(Decision.FAIL, f"gave up after {plural(attempts, 'attempt')}: {message}")
        retry_after = getattr(exc, "retry_after", None)
        return Verdict(Decision.RETRY, message, self.backoff(attempts, retry_after))
