"""Hostile storage entries through a real worker, and ``bioreport enqueue`` of hostile files,
against the real PostgreSQL."""

import json
import os
from pathlib import Path

import pytest

from bioreport_engine.db.connection import Database
from bioreport_engine.testing.fakes import FakePlugin
from bioreport_engine.testing.hostile_storage import (
    DOCUMENT_ID,
    STORAGE_FIXTURES,
    release_named_pipes,
)
from tests.conftest import run_cli
from tests.integration.test_worker import pipeline_with, running_worker, wait_until

#: Enough for a worker to claim and fail one job on a loaded machine; the wait ends as soon as
#: the job is failed. A FIFO that blocked the worker would never get there.
DEADLINE_SECONDS = 30.0
#: A file name that is not valid UTF-8 (Latin-1 "résultat.pdf"), as the file system gives it.
LATIN1_NAME = os.fsdecode(b"r\xe9sultat.pdf")
#: What is stored and printed for it: the byte escaped.
ESCAPED_NAME = "r\\xe9sultat.pdf"


def add_job(db: Database, storage_path: str) -> int:
    """A pending job for document :data:`DOCUMENT_ID` stored at ``storage_path``."""
    with db.get_connection() as conn:
        conn.execute(
            """INSERT INTO uploaded_documents (id, storage_path, original_filename, size_bytes)
               VALUES (%s, %s, 'upload.pdf', 1)""",
            (DOCUMENT_ID, storage_path),
        )
        row = conn.execute(
            "INSERT INTO pdf_jobs (uploaded_document_id) VALUES (%s) RETURNING id", (DOCUMENT_ID,)
        ).fetchone()
    assert row is not None
    return int(row["id"])


def job_state(db: Database, job_id: int) -> tuple[str, int, str | None]:
    with db.get_connection() as conn:
        row = conn.execute(
            "SELECT status, attempts, error_message FROM pdf_jobs WHERE id = %s", (job_id,)
        ).fetchone()
    assert row is not None
    return row["status"], row["attempts"], row["error_message"]


@pytest.mark.parametrize("name", STORAGE_FIXTURES)
def test_a_job_whose_document_is_hostile_fails_on_its_first_attempt(
    db: Database, tmp_path: Path, name: str
) -> None:
    """A FIFO used to block the worker slot for ever (its heartbeat kept the lease); a symlink
    loop or a long path was "unexpected" and retried: each now fails at once, permanently."""
    root = tmp_path / "documents"
    root.mkdir()
    make, message = STORAGE_FIXTURES[name]
    job_id = add_job(db, make(root))
    with running_worker(db, pipeline_with(FakePlugin()), root):
        try:
            failed = wait_until(lambda: job_state(db, job_id)[0] == "failed", DEADLINE_SECONDS)
        finally:
            release_named_pipes(root)  # lets a blocked worker (the bug) stop
    assert failed, f"job is {job_state(db, job_id)} after {DEADLINE_SECONDS:.0f} s"
    assert job_state(db, job_id) == ("failed", 1, message)


def test_enqueue_stores_an_escaped_name_refuses_a_pipe_and_queues_the_rest(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    pipe, latin1, good = tmp_path / "pipe.pdf", tmp_path / LATIN1_NAME, tmp_path / "good.pdf"
    os.mkfifo(pipe)
    latin1.write_bytes(b"%PDF-1.7 latin1")
    good.write_bytes(b"%PDF-1.7 good")
    # A UTF-8 terminal: printing the name as it came would raise UnicodeEncodeError.
    env = {**db_env, "PYTHONIOENCODING": "utf-8:strict"}
    done = run_cli("enqueue", str(pipe), str(latin1), str(good), env=env)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        f"{pipe}: FAILED: cannot read the file: not a regular file",
        f"{tmp_path}/{ESCAPED_NAME}: job 1 (document 1)",
        f"{good}: job 2 (document 2)",
    ]
    with db.get_connection() as conn:
        rows = conn.execute(
            "SELECT original_filename, storage_path FROM uploaded_documents ORDER BY id"
        ).fetchall()
    assert [row["original_filename"] for row in rows] == [ESCAPED_NAME, "good.pdf"]
    stored = [(Path(db_env["DOCUMENTS_ROOT"]) / row["storage_path"]).read_bytes() for row in rows]
    assert stored == [b"%PDF-1.7 latin1", b"%PDF-1.7 good"]


def test_enqueue_json_escapes_the_name_too(
    db: Database, db_env: dict[str, str], tmp_path: Path
) -> None:
    latin1 = tmp_path / LATIN1_NAME
    latin1.write_bytes(b"%PDF-1.7 latin1")
    done = run_cli(
        "enqueue", "--json", str(latin1), env={**db_env, "PYTHONIOENCODING": "utf-8:strict"}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "file": f"{tmp_path}/{ESCAPED_NAME}",
        "ok": True,
        "document_id": 1,
        "job_id": 1,
    }
