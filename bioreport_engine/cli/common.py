"""What every command starts with: settings, logging and, when needed, the installed stages."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from bioreport_engine.db.connection import Database
from bioreport_engine.log import Log
from bioreport_engine.plugins.registry import StageRegistry, discover
from bioreport_engine.settings import EngineSettings, load_settings


def configure(log_stream: TextIO | None = None) -> EngineSettings:
    """Load and check the settings and configure logging.

    Commands whose stdout is data (``--json``) log to stderr instead of stdout.
    """
    settings = load_settings(EngineSettings)
    Log.configure(settings.log_level, settings.log_format, settings.log_file, log_stream)
    return settings


def start(log_stream: TextIO | None = None) -> tuple[EngineSettings, StageRegistry]:
    """:func:`configure`, then discover the plugins."""
    settings = configure(log_stream)
    registry = discover(settings.bioreport_load_plugins, settings.bioreport_disable_plugins)
    return settings, registry


@contextmanager
def database(settings: EngineSettings) -> Iterator[Database]:
    """A small pool for a one-off command."""
    with Database(settings.conninfo(), max_size=2) as db:
        yield db


def stderr_if(flag: bool) -> TextIO | None:
    return sys.stderr if flag else None
