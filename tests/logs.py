"""The engine's log records, captured whatever an earlier test did to logging.

``Log.configure`` (run by every in-process command) stops the ``bioreport`` logger from
propagating, so pytest's ``caplog`` would see nothing after it: this handler sits on the logger.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.DEBUG) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]

    def context(self, message: str) -> list[dict[str, Any]]:
        """The ``key=value`` context of every record logged with ``message``."""
        return [getattr(r, "context", {}) for r in self.records if r.getMessage() == message]


@contextmanager
def engine_log(level: int = logging.DEBUG) -> Iterator[Captured]:
    logger = logging.getLogger("bioreport")
    handler = Captured()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
