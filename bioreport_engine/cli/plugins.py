"""``bioreport plugins [--json]``: every plugin, its stages, and which are selected."""

import argparse
import json
from typing import Any

from bioreport_engine.cli.common import start, stderr_if
from bioreport_engine.plugins.registry import StageRegistry
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import StageKind, normalise_name


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("plugins", help="list installed plugins and their stages")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(handler=run)


def describe(settings: EngineSettings, registry: StageRegistry) -> list[dict[str, Any]]:
    selected = {kind: normalise_name(getattr(settings, kind.field)) for kind in StageKind}
    plugins: dict[str, dict[str, Any]] = {
        record.name: {
            "name": record.name,
            "distribution": record.distribution,
            "version": record.version,
            "status": record.status.value,
            "error": record.error,
            "stages": [],
        }
        for record in registry.plugins
    }
    for kind in StageKind:
        for offer in registry.offers(kind):
            plugins[offer.plugin.name]["stages"].append(
                {
                    "name": offer.spec.key,
                    "kind": kind.value,
                    "selected": selected[kind] == offer.spec.key,
                    "summary": offer.spec.summary,
                }
            )
    return list(plugins.values())


def run(args: argparse.Namespace) -> int:
    settings, registry = start(stderr_if(args.json))
    plugins = describe(settings, registry)
    if args.json:
        print(json.dumps(plugins, indent=2))
        return 0
    for plugin in plugins:
        print(
            f"{plugin['name']}  {plugin['distribution']} {plugin['version']}  [{plugin['status']}]"
        )
        for stage in plugin["stages"]:
            mark = "*" if stage["selected"] else " "
            print(f"  {mark} {stage['kind']:<4} {stage['name']:<14} {stage['summary']}")
        if plugin["error"]:
            print(f"    error: {plugin['error']}")
    print(f"(* = selected by {' / '.join(kind.setting for kind in StageKind)})")
    return 0
