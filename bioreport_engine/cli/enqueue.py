"""``bioreport enqueue FILE...``: store PDFs under DOCUMENTS_ROOT and queue a job for each,
as the web application does."""

import argparse
import json
from pathlib import Path

from bioreport_engine.cli.common import configure, database, stderr_if
from bioreport_engine.db.documents import UploadedDocumentsRepository
from bioreport_engine.db.jobs import JobRepository
from bioreport_engine.storage import DocumentStore


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("enqueue", help="store PDFs and queue a job for each")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = configure(stderr_if(args.json))
    store = DocumentStore(settings.documents_root)
    store.root.mkdir(parents=True, exist_ok=True)
    failures = 0
    with database(settings) as db:
        documents, jobs = UploadedDocumentsRepository(db), JobRepository(db)
        for path in args.files:
            if not path.is_file():
                failures += 1
                entry = {"file": str(path), "ok": False, "error": "not a readable file"}
            else:
                storage_path, size = store.save(path)
                document_id = documents.create(storage_path, path.name, size)
                job_id = jobs.enqueue(document_id)
                entry = {
                    "file": str(path),
                    "ok": True,
                    "document_id": document_id,
                    "job_id": job_id,
                }
            if args.json:
                print(json.dumps(entry))
            elif entry["ok"]:
                print(f"{path}: job {entry['job_id']} (document {entry['document_id']})")
            else:
                print(f"{path}: FAILED: {entry['error']}")
    return 1 if failures else 0
