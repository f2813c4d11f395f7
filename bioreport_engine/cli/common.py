"""What every command starts with: settings, logging and, when needed, the installed stages or
the database.

Heavy modules (the settings' pydantic models, psycopg, the plugin registry) are imported inside
the functions, so that ``bioreport --help`` does not pay for them.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bioreport_engine.db.connection import Connection, Database
    from bioreport_engine.plugins.registry import StageRegistry
    from bioreport_engine.settings import EngineSettings

#: How long a one-shot command's pool waits for a connection (the worker's waits 30 s).
ONE_SHOT_POOL_WAIT_SECONDS = 5.0


def configure(log_stream: TextIO | None = None) -> "EngineSettings":
    """Load and check the settings and configure logging.

    Commands whose stdout is data (``--json``) log to stderr instead of stdout.
    """
    from bioreport_engine.log import Log
    from bioreport_engine.settings import EngineSettings, load_settings

    settings = load_settings(EngineSettings)
    Log.configure(settings.log_level, settings.log_format, settings.log_file, log_stream)
    return settings


def start(log_stream: TextIO | None = None) -> tuple["EngineSettings", "StageRegistry"]:
    """:func:`configure`, then discover the plugins."""
    from bioreport_engine.plugins.registry import discover

    settings = configure(log_stream)
    registry = discover(settings.bioreport_load_plugins, settings.bioreport_disable_plugins)
    return settings, registry


@contextmanager
def database(settings: "EngineSettings") -> Iterator["Database"]:
    """A small pool for a one-off command on a migrated database.

    A direct connection checks first that the server answers and the schema is migrated, so
    that a command fails within seconds with one line; any database error inside the block
    becomes one line too (:class:`~bioreport_engine.errors.DatabaseError`).
    """
    from bioreport_engine.db.connection import Database
    from bioreport_engine.db.failures import check, reported

    conninfo = settings.conninfo()
    check(conninfo)
    with (
        reported(conninfo),
        Database(conninfo, max_size=2, wait_timeout=ONE_SHOT_POOL_WAIT_SECONDS) as db,
    ):
        yield db


@contextmanager
def connection(settings: "EngineSettings") -> Iterator["Connection"]:
    """One direct connection (migrations), with the same quick failure as :func:`database`."""
    from bioreport_engine.db.connection import connect
    from bioreport_engine.db.failures import CONNECT_TIMEOUT_SECONDS, reported

    conninfo = settings.conninfo()
    with reported(conninfo), connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        yield conn


def stderr_if(flag: bool) -> TextIO | None:
    return sys.stderr if flag else None
