"""The error taxonomy that stages raise and the engine acts on.

Every message here may end up in a log line, on a terminal or in a job's ``error_message``:
it says what went wrong and what to do, and it never contains document text or patient data.
"""


class BioreportError(Exception):
    """Base of every error the engine raises on purpose; its message is safe to show."""


class ConfigurationError(BioreportError):
    """The configuration cannot work; the process stops at start-up with this message.

    One error can carry several problems (every invalid setting, every selected stage that
    cannot work), so that an operator fixes them in one go; the CLI prints one line each.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        #: Each problem on its own, one line each.
        self.problems: tuple[str, ...] = problems or (type(self).__name__,)


class StageError(BioreportError):
    """A stage could not process one document. Subclass :class:`PermanentError` or
    :class:`TransientError` rather than raising this directly."""

    #: Whether running the same job again could succeed.
    retryable: bool = False


class PermanentError(StageError):
    """The document can never succeed as it is (corrupt, encrypted, no text, refused, …).

    The job fails at once, with this message as its ``error_message``.
    """

    retryable = False


class TransientError(StageError):
    """A retry may succeed (timeout, rate limit, lost connection); the job is retried later.

    ``retry_after`` (seconds), when the cause says how long to wait, is a lower bound for the
    back-off.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def plural(count: int, noun: str) -> str:
    """``1 attempt``, ``3 attempts``: for messages."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def safe_message(exc: BaseException) -> str:
    """A one-line description of ``exc`` that is safe to log or store.

    Our own errors carry messages written to be safe. Anything else may quote its input (a
    library error can contain a line of the document), so only its type is shown.
    """
    if isinstance(exc, BioreportError):
        return " ".join(str(exc).split()) or type(exc).__name__
    return f"unexpected {type(exc).__name__} (details withheld: they may contain document text)"


class DatabaseError(BioreportError):
    """PostgreSQL cannot be used: unreachable, login refused, no such database, not migrated.

    The message is one line naming the host, port, database and the cause, never the password
    (:mod:`bioreport_engine.db.failures` writes it). ``exit_status`` is 2 when the settings or
    the schema must be fixed, 1 when the server may come back by itself.
    """

    def __init__(self, message: str, *, exit_status: int = 1) -> None:
        super().__init__(message)
        self.exit_status = exit_status
