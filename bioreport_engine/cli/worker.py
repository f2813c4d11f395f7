"""``bioreport worker``: process jobs from PostgreSQL until SIGTERM or SIGINT."""

import argparse

from bioreport_engine.cli.common import start


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("worker", help="process queued jobs until stopped")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bioreport_engine.worker.app import run_worker

    settings, registry = start()
    run_worker(settings, registry)
    return 0
