"""The ``bioreport`` command line. Each sub-command lives in a module of its own."""

import argparse
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
from bioreport_engine.errors import ConfigurationError

COMMANDS = (demo, plugins, config, process, db, worker, enqueue, jobs, health)


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
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except ConfigurationError as exc:
        for problem in exc.problems:
            print(f"bioreport: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status
