"""``bioreport jobs``: counts by status and the failed jobs; ``bioreport jobs retry``."""

import argparse
import json
import sys

from bioreport_engine.cli.common import configure, database, stderr_if
from bioreport_engine.errors import plural


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("jobs", help="show the queue; retry failed jobs")
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.set_defaults(handler=run_show)
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    retry = actions.add_parser("retry", help="make failed jobs claimable again")
    which = retry.add_mutually_exclusive_group()
    which.add_argument("ids", nargs="*", type=int, default=[], metavar="ID")
    which.add_argument("--failed", action="store_true", help="every failed job")
    retry.set_defaults(handler=run_retry)


def run_show(args: argparse.Namespace) -> int:
    from bioreport_engine.db.jobs import JobRepository

    settings = configure(stderr_if(args.json))
    with database(settings) as db:
        jobs = JobRepository(db)
        counts, failed = jobs.counts_by_status(), jobs.failed_jobs()
    if args.json:
        print(json.dumps({"counts": counts, "failed": failed}, default=str))
        return 0
    print("  ".join(f"{status}={n}" for status, n in counts.items()))
    for job in failed:
        print(
            f"failed job {job['id']} (document {job['uploaded_document_id']}, "
            f"{plural(job['attempts'], 'attempt')}): {job['error_message']}"
        )
    return 0


def run_retry(args: argparse.Namespace) -> int:
    """Exit 0 when every job asked for was queued again (``--failed``: however many failed),
    1 when an id given was not a failed job."""
    from bioreport_engine.db.jobs import JobRepository

    if not args.failed and not args.ids:
        print("bioreport jobs retry: give job ids or --failed", file=sys.stderr)
        return 2
    settings = configure()
    with database(settings) as db:
        retried = JobRepository(db).retry_failed(None if args.failed else args.ids)
    print(f"{plural(len(retried), 'job')} queued again" + (f": {_ids(retried)}" if retried else ""))
    not_retried = sorted(set(args.ids) - set(retried))
    if not_retried:
        print(
            f"bioreport: jobs retry: not retried (not failed, or no such job): {_ids(not_retried)}",
            file=sys.stderr,
        )
        return 1
    return 0


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids)
