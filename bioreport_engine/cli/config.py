"""``bioreport config``: the effective settings of the engine and its selected stages, after
the same checks the worker makes before it builds them (exit status 2 lists every problem),
and what the settings that depend on the installed plugins came to (``PDF_OCR_FALLBACK=auto``)."""

import argparse
import json
from typing import TYPE_CHECKING

from bioreport_engine.cli.common import start, stderr_if

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("config", help="show the effective settings (secrets masked)")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.set_defaults(handler=run)


def environment_view(settings: "BaseSettings") -> dict[str, str | None]:
    """``{"DB_PORT": "5432", "DB_PASSWORD": "**********", …}`` for one settings object."""
    from pydantic import SecretStr

    prefix = str(settings.model_config.get("env_prefix", ""))
    view: dict[str, str | None] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            shown: str | None = "**********" if value.get_secret_value() else ""
        elif isinstance(value, tuple | list):
            shown = ",".join(str(item) for item in value)
        else:
            shown = None if value is None else str(value)
        view[(prefix + name).upper()] = shown
    return view


def run(args: argparse.Namespace) -> int:
    from bioreport_engine.pipeline import select_stages
    from bioreport_engine.settings import load_settings

    settings, registry = start(stderr_if(args.json))
    selection = select_stages(settings, registry)  # every problem at once, exit status 2
    view = environment_view(settings)
    offers = [*selection.offers.values()]
    if selection.ocr.offer is not None:
        offers.append(selection.ocr.offer)
    for offer in offers:
        if offer.spec.settings is not None:
            view.update(environment_view(load_settings(offer.spec.settings)))
    # Lines of their own, not values: the output stays valid as a .env file.
    effective = {"PDF_OCR_FALLBACK": selection.ocr.reason}
    if args.json:
        print(json.dumps({**view, "effective": effective}, indent=2))
    else:
        for name, value in view.items():
            print(f"{name}={'' if value is None else value}")
        for name, meaning in effective.items():
            print(f"# {name}: {meaning}")
    return 0
