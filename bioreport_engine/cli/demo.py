"""``bioreport demo [PDF...]``: the main job on a zero-configuration default."""

import argparse
from pathlib import Path

from bioreport_engine.cli.common import configure


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "demo",
        help="process the sample reports end to end (embedded PostgreSQL if DB_HOST is unset)",
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="PDF", help="reports (default: samples/*.pdf)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bioreport_engine.demo import run_demo

    settings = configure()
    files = args.files or sorted(Path("samples").glob("*.pdf"))
    return run_demo(settings, files)
