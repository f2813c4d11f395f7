"""The ``Log`` facade: one logger, ``key=value`` context, text or JSON lines.

Pass identifiers as context (``Log.info("job done", job_id=7)``), never document text or
patient data: log lines leave the process.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

DRIVER_LOGGER = logging.getLogger("psycopg")
TEXT_FORMAT = "%(asctime)s [%(levelname)s] %(message)s"


class TextFormatter(logging.Formatter):
    """``2026-01-01 12:00:00,000 [INFO] job done job_id=7 document_id=3``."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context: dict[str, Any] = getattr(record, "context", {})
        if context:
            line += " " + " ".join(f"{key}={_text(value)}" for key, value in context.items())
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message`` and the context."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "context", {}))
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


def _text(value: object) -> str:
    text = str(value)
    return json.dumps(text) if not text or any(c.isspace() or c in '"=' for c in text) else text


class Log:
    """Process-wide logging facade over the ``bioreport`` logger."""

    logger = logging.getLogger("bioreport")

    @classmethod
    def configure(
        cls,
        level: str = "INFO",
        log_format: str = "text",
        log_file: Path | None = None,
        stream: TextIO | None = None,
    ) -> None:
        """Send ``bioreport`` logs to ``stream`` (default stdout, which containers collect) and
        to ``log_file``, replacing earlier handlers."""
        formatter: logging.Formatter = JsonFormatter() if log_format == "json" else TextFormatter()
        handlers: list[logging.Handler] = [logging.StreamHandler(stream or sys.stdout)]
        if log_file is not None:
            handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        for handler in handlers:
            handler.setFormatter(formatter)
        # The database driver's warnings (a pool reconnecting) go out the same way.
        for logger, logger_level in ((cls.logger, level.upper()), (DRIVER_LOGGER, "WARNING")):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                if handler not in handlers:
                    handler.close()
            for handler in handlers:
                logger.addHandler(handler)
            logger.setLevel(logger_level)
            logger.propagate = False

    @classmethod
    def debug(cls, message: str, **context: object) -> None:
        cls._log(logging.DEBUG, message, context)

    @classmethod
    def info(cls, message: str, **context: object) -> None:
        cls._log(logging.INFO, message, context)

    @classmethod
    def warning(cls, message: str, **context: object) -> None:
        cls._log(logging.WARNING, message, context)

    @classmethod
    def error(cls, message: str, **context: object) -> None:
        cls._log(logging.ERROR, message, context)

    @classmethod
    def _log(cls, level: int, message: str, context: dict[str, object]) -> None:
        if cls.logger.isEnabledFor(level):
            cls.logger.log(level, message, extra={"context": context}, stacklevel=3)
