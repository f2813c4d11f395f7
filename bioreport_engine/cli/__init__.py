"""The ``bioreport`` command line. Each sub-command lives in a module of its own.

The sub-command modules import their heavy dependencies (psycopg, pydantic settings, the
plugins) inside their handlers, so ``bioreport --help`` stays quick.
"""

import argparse
import os
import sys
from collections.abc import Sequence

from bioreport_engine import __version__
from bioreport_engine.cli import (
    config,
    db,
    demo,
    enqueue,
    health,
    jobs,
    plugins,
    process,
    worker,
)
from bioreport_engine.errors import ConfigurationError, DatabaseError

COMMANDS = (demo, plugins, config, process, db, worker, enqueue, jobs, health)

#: What a shell reports for a command killed by SIGPIPE (128 + 13): the reader went away.
BROKEN_PIPE_STATUS = 141


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bioreport",
        description="Turn lab-report PDFs into anonymized, structured biomarker data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Expected failures print one line each on stderr, never a traceback:
    exit status 2 when the settings or the schema must be fixed, 1 when a run-time cause (an
    unreachable server) may pass, 141 quietly when the reader of stdout went away (``head``).
    """
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it cannot be caught
    except ConfigurationError as exc:
        for problem in exc.problems:
            print(f"bioreport: {problem}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"bioreport: {exc}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE_STATUS
    except KeyboardInterrupt:
        return 130
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush of what is still
    buffered does not fail again (the recipe of the ``signal`` module's documentation)."""
    try:
        stdout = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test's capture): nothing is flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stdout)
    finally:
        os.close(devnull)
