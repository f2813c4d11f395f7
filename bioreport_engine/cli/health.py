"""``bioreport health``: exit 0 when this container's worker loop is alive (its ``/healthz``),
for Docker's HEALTHCHECK and Kubernetes exec probes."""

import argparse
import sys

from bioreport_engine.cli.common import configure


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("health", help="check the local worker's /healthz (or /readyz)")
    parser.add_argument("--ready", action="store_true", help="check /readyz instead")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.request

    settings = configure(sys.stderr)
    if settings.metrics_port is None:
        print(
            "bioreport health: set METRICS_PORT (the worker serves /healthz there)", file=sys.stderr
        )
        return 2
    path = "/readyz" if args.ready else "/healthz"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{settings.metrics_port}{path}", timeout=5):
            return 0
    except (urllib.error.URLError, OSError) as exc:
        print(f"bioreport health: {path} failed: {exc}", file=sys.stderr)
        return 1
