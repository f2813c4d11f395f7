"""``bioreport db migrate``: apply the schema migrations (idempotent, safe to run concurrently)."""

import argparse

from bioreport_engine.cli.common import configure, connection


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("db", help="database schema")
    actions = parser.add_subparsers(title="actions", required=True, metavar="ACTION")
    actions.add_parser("migrate", help="apply pending migrations").set_defaults(handler=run_migrate)
    actions.add_parser("status", help="list applied and pending migrations").set_defaults(
        handler=run_status
    )


def run_migrate(args: argparse.Namespace) -> int:
    from bioreport_engine.db.migrate import migrate

    settings = configure()
    with connection(settings) as conn:
        applied = migrate(conn)
    if applied:
        for migration in applied:
            print(f"applied {migration.version}_{migration.name}")
    else:
        print("database schema is up to date")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from bioreport_engine.db.migrate import applied_versions, available_migrations

    settings = configure()
    with connection(settings) as conn:
        applied = set(applied_versions(conn))
    for migration in available_migrations():
        state = "applied" if migration.version in applied else "pending"
        print(f"{migration.version}_{migration.name}: {state}")
    return 0
