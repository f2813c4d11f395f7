"""What every command starts with: settings, logging and the installed stages."""

import sys
from typing import TextIO

from bioreport_engine.log import Log
from bioreport_engine.plugins.registry import StageRegistry, discover
from bioreport_engine.settings import EngineSettings, load_settings


def start(log_stream: TextIO | None = None) -> tuple[EngineSettings, StageRegistry]:
    """Load and check the settings, configure logging, discover the plugins.

    Commands whose stdout is data (``--json``) log to stderr instead of stdout.
    """
    settings = load_settings(EngineSettings)
    Log.configure(settings.log_level, settings.log_format, settings.log_file, log_stream)
    registry = discover(settings.bioreport_load_plugins, settings.bioreport_disable_plugins)
    return settings, registry


def stderr_if(flag: bool) -> TextIO | None:
    return sys.stderr if flag else None
