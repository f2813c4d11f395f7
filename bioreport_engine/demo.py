"""The main job on a zero-configuration default: a database (embedded when none is
configured), the migrations, the bundled sample reports, the real worker until the queue is
drained, and a table of what it found.

The embedded PostgreSQL is for this demonstration only: ``bioreport worker`` never starts one.
"""

import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bioreport_engine.db.connection import Database, connect
from bioreport_engine.db.documents import UploadedDocumentsRepository
from bioreport_engine.db.failures import CONNECT_TIMEOUT_SECONDS, reported
from bioreport_engine.db.migrate import migrate
from bioreport_engine.errors import ConfigurationError
from bioreport_engine.localdb import LocalPostgres
from bioreport_engine.pipeline import preflight
from bioreport_engine.plugins.registry import discover
from bioreport_engine.settings import EngineSettings
from bioreport_engine.stages import StageKind
from bioreport_engine.storage import (
    DocumentStore,
    UnreadableFile,
    open_regular_file,
    printable_name,
)
from bioreport_engine.worker.app import WorkerProcess

DATABASE = "bioreport"


@contextmanager
def database_for(settings: EngineSettings, folder: Path) -> Iterator[EngineSettings]:
    """The configured database, or an embedded one in ``folder`` when DB_HOST is not set."""
    if settings.db_host:
        yield settings
        return
    try:
        server = LocalPostgres(folder)
        if not server.initialised:
            server.init()
    except ConfigurationError:  # the postgres user cannot reach the project folder
        server = LocalPostgres(Path(tempfile.mkdtemp(prefix="bioreport-demo-")) / "postgres")
        server.folder.parent.chmod(0o755)
        server.init()
    print(f"No DB_HOST configured: starting an embedded PostgreSQL in {server.folder}")
    server.start()
    try:
        server.ensure_database(DATABASE)
        update = {
            "db_host": "127.0.0.1",
            "db_port": server.port,
            "db_database": DATABASE,
            "db_username": server.user,
        }
        yield settings.model_copy(update=update)
    finally:
        server.stop()


#: What the demo structures with when the selected structurer cannot work here (the default
#: LLM engine without a key): the first of these that is installed.
FALLBACK_STRUCTURERS = ("rules", "none")


def structuring_that_works(settings: EngineSettings) -> EngineSettings:
    """Zero configuration still structures: when the selected structurer's own checks fail,
    the demo says why and uses the first installed of :data:`FALLBACK_STRUCTURERS`. The
    engine asks the stage; it knows no plugin's settings."""
    registry = discover(settings.bioreport_load_plugins, settings.bioreport_disable_plugins)
    try:
        offer = registry.select(StageKind.LLM, settings.llm_engine)
        problems = preflight(StageKind.LLM, offer)
    except ConfigurationError as exc:
        problems = list(exc.problems)
    if not problems:
        return settings
    installed = registry.names(StageKind.LLM)
    fallback = next((name for name in FALLBACK_STRUCTURERS if name in installed), "none")
    print(
        f"LLM_ENGINE={settings.llm_engine} cannot run here: {problems[0]}\n"
        f"  The demo structures with LLM_ENGINE={fallback} instead"
        + (" (rows parsed with the analyte catalog, no LLM)." if fallback == "rules" else ".")
    )
    return settings.model_copy(update={"llm_engine": fallback})


def enqueue(db: Database, store: DocumentStore, files: Sequence[Path]) -> list[int]:
    documents = UploadedDocumentsRepository(db)
    job_ids = []
    for path in files:
        storage_path, size = store.save(path)
        job_ids.append(documents.create_with_job(storage_path, path.name, size)[1])
    return job_ids


def progress(db: Database, job_ids: list[int]) -> tuple[int, int]:
    with db.get_connection() as conn:
        row = conn.execute(
            """SELECT count(*) FILTER (WHERE status = 'done') AS done,
                      count(*) FILTER (WHERE status = 'failed') AS failed
               FROM pdf_jobs WHERE id = ANY(%s)""",
            (job_ids,),
        ).fetchone()
    assert row is not None
    return int(row["done"]), int(row["failed"])


def wait_until_drained(db: Database, job_ids: list[int], timeout: float) -> None:
    shown = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, failed = progress(db, job_ids)
        line = f"processed {done + failed}/{len(job_ids)}  (done {done}, failed {failed})"
        if line != shown:
            end = "\r" if sys.stdout.isatty() else "\n"
            print(line, end=end, flush=True)
            shown = line
        if done + failed == len(job_ids):
            print()
            return
        time.sleep(0.2)
    raise ConfigurationError(f"the queue was not drained within {timeout:.0f} s")


def results(db: Database, job_ids: list[int]) -> list[dict[str, Any]]:
    with db.get_connection() as conn:
        return conn.execute(
            """SELECT u.original_filename AS document, j.status, j.error_message,
                      r.page_count, r.entity_counts, r.timings_ms,
                      (SELECT count(*) FROM biomarker_results b
                       WHERE b.uploaded_document_id = u.id) AS biomarkers
               FROM pdf_jobs j JOIN uploaded_documents u ON u.id = j.uploaded_document_id
               LEFT JOIN document_results r ON r.uploaded_document_id = u.id
               WHERE j.id = ANY(%s) ORDER BY j.id""",
            (job_ids,),
        ).fetchall()


def canonical_biomarkers(db: Database, job_ids: list[int]) -> list[dict[str, Any]]:
    with db.get_connection() as conn:
        return conn.execute(
            """SELECT u.original_filename AS document, b.analyte, b.value_text, b.unit,
                      b.canonical_name, b.loinc, b.canonical_value, b.canonical_unit,
                      b.normalization
               FROM pdf_jobs j JOIN uploaded_documents u ON u.id = j.uploaded_document_id
               JOIN biomarker_results b ON b.uploaded_document_id = u.id
               WHERE j.id = ANY(%s) ORDER BY j.id, b.position""",
            (job_ids,),
        ).fetchall()


#: Rows shown per document in the demo's biomarker table (all of them are in the database).
SHOWN_PER_DOCUMENT = 5


def biomarker_table(rows: list[dict[str, Any]]) -> str:
    lines = [("document", "as printed", "canonical", "LOINC", "value", "status")]
    per_document: dict[str, int] = {}
    for row in rows:
        per_document[row["document"]] = per_document.get(row["document"], 0) + 1
        if per_document[row["document"]] > SHOWN_PER_DOCUMENT:
            continue
        canonical_value = row["canonical_value"]
        lines.append(
            (
                row["document"],
                f"{row['analyte']} {row['value_text']} {row['unit'] or ''}".strip(),
                row["canonical_name"] or "-",
                row["loinc"] or "-",
                "-"
                if canonical_value is None
                else f"{canonical_value:g} {row['canonical_unit'] or ''}".strip(),
                row["normalization"] or "-",
            )
        )
    hidden = sum(max(0, n - SHOWN_PER_DOCUMENT) for n in per_document.values())
    more = f"\n(+{hidden} more rows: `bioreport process --json FILE` shows every field)"
    return _columns(lines) + (more if hidden else "")


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        "document",
        "pages",
        "biomarkers",
        "entities removed",
        "extract ms",
        "anonymize ms",
        "structure ms",
    )
    lines = [header]
    for row in rows:
        if row["status"] != "done":
            lines.append(
                (row["document"], "-", "-", "-", "failed:", row["error_message"] or "", "")
            )
            continue
        timings = row["timings_ms"] or {}
        lines.append(
            (
                row["document"],
                str(row["page_count"]),
                str(row["biomarkers"]),
                str(sum((row["entity_counts"] or {}).values())),
                *(
                    f"{timings.get(stage, 0):.0f}"
                    for stage in ("extract", "anonymize", "structure")
                ),
            )
        )
    return _columns(lines)


def _columns(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def run_demo(settings: EngineSettings, files: Sequence[Path], timeout: float = 600) -> int:
    if not files:
        raise ConfigurationError("no sample PDFs given")
    unreadable = [problem for path in files if (problem := unreadable_problem(path))]
    if unreadable:
        raise ConfigurationError(*unreadable)
    settings = structuring_that_works(settings)
    with database_for(settings, Path("var/postgres")) as settings:
        conninfo = settings.conninfo()
        with reported(conninfo):
            with connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
                migrate(conn)
            rows, biomarkers = process(settings, files, timeout)
    print("\nResults:")
    print(table(rows))
    if biomarkers:
        print("\nBiomarkers, as printed and canonical (NORM_ENGINE):")
        print(biomarker_table(biomarkers))
    failed = sum(row["status"] != "done" for row in rows)
    return 1 if failed else 0


def unreadable_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read, checked before anything starts; ``None`` when it can."""
    try:
        with open_regular_file(path):
            return None
    except UnreadableFile as problem:
        return f"cannot read {printable_name(path)}: {problem.strerror}"


def process(
    settings: EngineSettings, files: Sequence[Path], timeout: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Start the real worker, queue ``files``, wait until they are processed; a row per
    document, and every biomarker row."""
    store = DocumentStore(settings.documents_root)
    store.root.mkdir(parents=True, exist_ok=True)
    registry = discover(settings.bioreport_load_plugins, settings.bioreport_disable_plugins)
    print("Building the pipeline (loading the anonymizer's language model takes a moment) ...")
    worker_process = WorkerProcess(settings, registry)
    serving = threading.Thread(target=worker_process.serve, name="bioreport-demo-worker")
    serving.start()
    try:
        with Database(settings.conninfo(), max_size=2) as db:
            job_ids = enqueue(db, store, files)
            print(f"Queued {len(job_ids)} reports; the worker is processing them:")
            wait_until_drained(db, job_ids, timeout)
            return results(db, job_ids), canonical_biomarkers(db, job_ids)
    finally:
        worker_process.worker.stop()
        serving.join()
