"""``bioreport enqueue FILE...``: store PDFs under DOCUMENTS_ROOT and queue a job for each,
as the web application does."""

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bioreport_engine.cli.common import configure, database, stderr_if

if TYPE_CHECKING:
    from bioreport_engine.db.documents import UploadedDocumentsRepository
    from bioreport_engine.storage import DocumentStore


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("enqueue", help="store PDFs and queue a job for each")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """One line per file; a file that fails leaves nothing behind and the next one is tried.

    A lost database stops the run (every later file would wait for it in vain).
    """
    import psycopg

    from bioreport_engine.db.connection import DatabaseUnavailable
    from bioreport_engine.db.documents import UploadedDocumentsRepository
    from bioreport_engine.db.failures import describe
    from bioreport_engine.storage import DocumentStore, printable_name

    settings = configure(stderr_if(args.json))
    store = DocumentStore(settings.documents_root)
    store.root.mkdir(parents=True, exist_ok=True)
    failures = 0
    with database(settings) as db:
        documents = UploadedDocumentsRepository(db)
        for path in args.files:
            entry: dict[str, Any] = {"file": printable_name(path), "ok": False}
            try:
                entry.update(ok=True, **enqueue_file(path, store, documents))
            except FileProblem as problem:
                entry["error"] = str(problem)
            except psycopg.Error as exc:
                failure = describe(exc, db.conninfo)
                entry["error"] = failure.message
                if isinstance(exc, DatabaseUnavailable):
                    report(entry, args.json)
                    raise failure.error() from None
            failures += not entry["ok"]
            report(entry, args.json)
    return 1 if failures else 0


class FileProblem(Exception):
    """This file cannot be queued (its message names no content)."""


def enqueue_file(
    path: Path,
    store: "DocumentStore",
    documents: "UploadedDocumentsRepository",
) -> dict[str, int]:
    """Copy ``path`` under the store and queue it; if anything after the copy fails, the copy
    is removed before the error goes on.

    A name that is not valid UTF-8 is stored with its bytes escaped (``r\\xe9sultat.pdf``).
    """
    from bioreport_engine.storage import UnreadableFile, printable_name

    try:
        storage_path, size = store.save(path)
    except UnreadableFile as problem:
        raise FileProblem(f"cannot read the file: {problem.strerror}") from None
    except OSError as exc:
        raise FileProblem(
            f"cannot copy it under DOCUMENTS_ROOT: {exc.strerror or type(exc).__name__}"
        ) from None
    try:
        name = printable_name(path.name)
        document_id, job_id = documents.create_with_job(storage_path, name, size)
        return {"document_id": document_id, "job_id": job_id}
    except BaseException:
        (store.root / storage_path).unlink(missing_ok=True)
        raise


def report(entry: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(entry))
    elif entry["ok"]:
        print(f"{entry['file']}: job {entry['job_id']} (document {entry['document_id']})")
    else:
        print(f"{entry['file']}: FAILED: {entry['error']}")
