"""The ``openai`` stage: anonymized text in, grounded biomarker rows out.

The SDK's own retries are off: this loop retries, so that every attempt spends from the shared
rate limit and the whole call has a known upper bound on its duration. ``OPENAI_TIMEOUT_SECONDS``
bounds each attempt as a whole (:mod:`bioreport_llm_openai.deadline`), not each read: a server
that trickles its answer cannot stretch an attempt.
"""

import random
import time
from typing import Any
from urllib.parse import urlsplit

import openai
from pydantic import ValidationError

from bioreport_engine import (
    AnonymizedText,
    LabReport,
    Log,
    PermanentError,
    RateLimiter,
    TransientError,
)
from bioreport_llm_openai.deadline import attempt_deadline, deadline_http_client
from bioreport_llm_openai.grounding import ground
from bioreport_llm_openai.prompt import SYSTEM, reask_message, user_message
from bioreport_llm_openai.schema import ReportAnswer
from bioreport_llm_openai.settings import BACKOFF_MAX_SECONDS, OpenAISettings

#: What the re-ask shows as the model's previous answer when the SDK could not parse it.
UNPARSED_ANSWER = "(an answer that was not valid JSON for the schema)"
PERMANENT_STATUS = {
    400: "the LLM endpoint rejected the request (400 bad request)",
    401: "the LLM endpoint rejected the API key (401): check OPENAI_API_KEY",
    403: "the LLM endpoint refused access (403): check the key's permissions",
    404: "the LLM endpoint or model was not found (404): check OPENAI_BASE_URL and OPENAI_MODEL",
    422: "the LLM endpoint could not process the request (422)",
}


class OpenAIStructurer:
    def __init__(self, settings: OpenAISettings, limiter: RateLimiter) -> None:
        self.settings = settings
        self.limiter = limiter
        self.client = openai.OpenAI(
            api_key=settings.api_key.get_secret_value() or "not-needed",
            base_url=settings.endpoint,
            timeout=settings.timeout_seconds,
            max_retries=0,
            http_client=deadline_http_client(settings.endpoint),
        )

    def __repr__(self) -> str:
        return (
            f"OpenAIStructurer(model={self.settings.model!r}, base_url={self.settings.endpoint!r})"
        )

    def structure(self, text: AnonymizedText) -> LabReport:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": user_message(text.text)},
        ]
        try:
            answer = self._ask(messages)
        except _InvalidAnswer as invalid:
            messages += [
                {"role": "assistant", "content": invalid.content},
                {"role": "user", "content": reask_message(invalid.problem)},
            ]
            try:
                answer = self._ask(messages)
            except _InvalidAnswer:
                raise PermanentError(
                    "the LLM's answer did not match the report schema, even when asked again"
                ) from None
        rows, dropped = ground(answer.rows, text.text)
        if dropped:
            Log.warning(
                "LLM rows dropped: not found in the text sent", dropped=dropped, kept=len(rows)
            )
        return LabReport(
            biomarkers=tuple(rows),
            collection_date=answer.collection_date,
            ungrounded_rows=dropped,
            model=self.settings.model,
        )

    def _ask(self, messages: list[dict[str, Any]]) -> ReportAnswer:
        """One request, retried on transient failures; raises our errors only."""
        for attempt in range(self.settings.max_retries + 1):
            last = attempt == self.settings.max_retries
            self.limiter.acquire()
            try:
                with attempt_deadline(self.settings.timeout_seconds):
                    completion = self.client.chat.completions.parse(
                        model=self.settings.model,
                        messages=messages,  # type: ignore[arg-type]
                        response_format=ReportAnswer,
                        max_completion_tokens=self.settings.max_output_tokens,
                        temperature=0,
                    )
            except openai.LengthFinishReasonError:
                raise PermanentError("the LLM's answer was cut off by its length limit") from None
            except openai.ContentFilterFinishReasonError:
                raise PermanentError(
                    "the LLM refused: its content filter stopped the answer"
                ) from None
            except (ValidationError, ValueError) as exc:
                raise _InvalidAnswer(UNPARSED_ANSWER, _problem(exc)) from None
            except openai.APIStatusError as exc:
                delay = self._transient_delay(exc, attempt)
                if last:
                    raise TransientError(_describe(exc), retry_after=_retry_after(exc)) from None
                time.sleep(delay)
                continue
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                if last:
                    raise TransientError(
                        _not_answered(exc, self.settings.endpoint, attempt + 1)
                    ) from None
                time.sleep(_backoff(attempt))
                continue
            return self._answer(completion)
        raise AssertionError("unreachable")

    def _transient_delay(self, exc: openai.APIStatusError, attempt: int) -> float:
        """Raise the permanent errors; the delay before retrying a transient one."""
        if exc.status_code == 429 and _error_code(exc) == "insufficient_quota":
            raise PermanentError(
                "the LLM account has no quota left (429 insufficient_quota)"
            ) from None
        if exc.status_code in PERMANENT_STATUS:
            raise PermanentError(PERMANENT_STATUS[exc.status_code]) from None
        if exc.status_code != 429 and exc.status_code < 500:
            raise PermanentError(f"the LLM endpoint answered {exc.status_code}") from None
        return max(_retry_after(exc) or 0.0, _backoff(attempt))

    def _answer(self, completion: Any) -> ReportAnswer:
        choice = completion.choices[0]
        if choice.message.refusal:
            raise PermanentError("the LLM refused to structure the document")
        if choice.finish_reason == "length":
            raise PermanentError("the LLM's answer was cut off by its length limit")
        parsed = choice.message.parsed
        if parsed is None:
            raise _InvalidAnswer(choice.message.content or "", "no JSON answer")
        assert isinstance(parsed, ReportAnswer)
        return parsed


class _InvalidAnswer(Exception):
    def __init__(self, content: str, problem: str) -> None:
        super().__init__(problem)
        self.content = content
        self.problem = problem


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        return f"{where}: {first['msg']}"
    return "the answer was not valid JSON"


def _backoff(attempt: int) -> float:
    return min(BACKOFF_MAX_SECONDS, 0.5 * 2.0**attempt) * random.uniform(0.5, 1.0)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    header = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return min(float(header), 60.0) if header is not None else None
    except ValueError:
        return None


def _error_code(exc: openai.APIStatusError) -> str | None:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code is not None else None


def _not_answered(exc: openai.APIConnectionError, endpoint: str, attempts: int) -> str:
    """``the LLM endpoint at api.openai.com timed out after 3 attempts``."""
    what = "timed out" if isinstance(exc, openai.APITimeoutError) else "was unreachable"
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return f"the LLM endpoint at {_host(endpoint)} {what} after {tries}"


def _host(url: str) -> str:
    """``host[:port]`` of the endpoint: enough to say which server, never its credentials."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "the configured URL"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return host if parts.port is None else f"{host}:{parts.port}"


def _describe(exc: openai.APIStatusError) -> str:
    if exc.status_code == 429:
        return "the LLM endpoint is rate limiting (429)"
    return f"the LLM endpoint failed ({exc.status_code})"
