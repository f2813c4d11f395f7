"""``bioreport jobs``: counts by status and the failed jobs; ``bioreport jobs retry``."""

import argparse
import json
import sys

from bioreport_engine.cli.common import configure, database, stderr_if
from bioreport_engine.db.jobs import JobRepository


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
            f"{job['attempts']} attempts): {job['error_message']}"
        )
    return 0


def run_retry(args: argparse.Namespace) -> int:
    if not args.failed and not args.ids:
        print("bioreport jobs retry: give job ids or --failed", file=sys.stderr)
        return 2
    settings = configure()
    with database(settings) as db:
        retried = JobRepository(db).retry_failed(None if args.failed else args.ids)
    print(f"{len(retried)} job(s) queued again" + (f": {retried}" if retried else ""))
    missing = sorted(set(args.ids) - set(retried))
    if missing:
        print(f"not failed (or not found), left as they are: {missing}")
    return 0
