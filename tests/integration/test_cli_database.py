"""The database commands against the real server when something is wrong: a made-up role or
database, a database that is not migrated, jobs that are not failed, an INSERT that fails.

Each failure is one line on stderr, without a traceback, and the right exit status.
"""

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from bioreport_engine.cli import main
from bioreport_engine.db.connection import Database
from bioreport_engine.db.documents import UploadedDocumentsRepository
from tests.conftest import run_cli
from tests.integration.conftest import ADMIN, ScratchDatabase
from tests.integration.helpers import add_jobs, scalar
from tests.unit.test_cli_unreachable import (
    DATABASE_COMMANDS,
    FAST_SECONDS,
    assert_one_line,
    run_timed,
    with_report,
)

SERVER = conninfo_to_dict(ADMIN)
HOST, PORT = str(SERVER.get("host", "127.0.0.1")), str(SERVER.get("port", "5432"))


def server_env(tmp_path: Path, **db: str) -> dict[str, str]:
    return {
        "DB_HOST": HOST,
        "DB_PORT": PORT,
        "DB_USERNAME": str(SERVER.get("user", "postgres")),
        "DOCUMENTS_ROOT": str(tmp_path / "documents"),
        "LLM_ENGINE": "none",
        **db,
    }


@pytest.fixture
def in_process() -> Iterator[None]:
    """For ``main()`` in this process: afterwards, logging no longer writes to the closed capture
    of this test (later tests would print "Logging error" for every line)."""
    yield
    for name in ("bioreport", "psycopg"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True


@pytest.fixture
def unmigrated(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh, empty database (dropped afterwards)."""
    name = f"bioreport_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_env(tmp_path, DB_DATABASE=name)
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_an_unknown_role_is_one_line_and_exit_2(
    args: tuple[str, ...], pg: ScratchDatabase, tmp_path: Path
) -> None:
    role = f"nobody_{uuid.uuid4().hex[:8]}"
    env = server_env(tmp_path, DB_DATABASE=pg.env["DB_DATABASE"], DB_USERNAME=role)
    done, elapsed = run_timed(*with_report(args, tmp_path), env=env)
    assert done.returncode == 2, done.stderr
    assert_one_line(
        done,
        f"cannot connect to PostgreSQL at {HOST}:{PORT} "
        f'(database "{pg.env["DB_DATABASE"]}"): role "{role}" does not exist — check DB_USERNAME',
    )
    assert elapsed < FAST_SECONDS


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_a_missing_database_is_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    name = f"no_such_db_{uuid.uuid4().hex[:8]}"
    env = server_env(tmp_path, DB_DATABASE=name)
    done, elapsed = run_timed(*with_report(args, tmp_path), env=env)
    assert done.returncode == 2, done.stderr
    assert_one_line(
        done,
        f'cannot connect to PostgreSQL at {HOST}:{PORT} (database "{name}"): '
        f'database "{name}" does not exist — check DB_DATABASE, or create the database',
    )
    assert elapsed < FAST_SECONDS


@pytest.mark.parametrize(
    "args",
    [("jobs",), ("jobs", "--json"), ("jobs", "retry", "1"), ("enqueue", "REPORT")],
    ids=" ".join,
)
def test_a_database_that_is_not_migrated_says_to_migrate(
    args: tuple[str, ...], unmigrated: dict[str, str], tmp_path: Path
) -> None:
    done, elapsed = run_timed(*with_report(args, tmp_path), env=unmigrated)
    assert done.returncode == 2, done.stderr
    assert_one_line(
        done,
        f'database "{unmigrated["DB_DATABASE"]}" at {HOST}:{PORT} is not migrated: ',
        "run `bioreport db migrate` first",
    )
    assert elapsed < FAST_SECONDS
    assert not list((tmp_path / "documents").rglob("*.pdf"))  # enqueue copied nothing


def test_a_worker_on_a_database_that_is_not_migrated_stops_before_loading_its_stages(
    unmigrated: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "documents").mkdir()
    done = run_cli("worker", env={**unmigrated, "PII_ENGINE": "presidio", "LOG_LEVEL": "DEBUG"})
    assert done.returncode == 2, done.stderr
    assert_one_line(done, f'database "{unmigrated["DB_DATABASE"]}"', "run `bioreport db migrate`")
    assert "loading" not in done.stdout and "pipeline built" not in done.stdout


def test_db_status_lists_pending_migrations_of_an_empty_database(
    unmigrated: dict[str, str],
) -> None:
    done = run_cli("db", "status", env=unmigrated)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0001_") and ": pending" in done.stdout


def test_retrying_a_job_that_is_not_failed_exits_1(db_env: dict[str, str]) -> None:
    done = run_cli("jobs", "retry", "999", env=db_env)
    assert done.returncode == 1
    assert done.stdout == "0 jobs queued again\n"
    assert done.stderr == ("bioreport: jobs retry: not retried (not failed, or no such job): 999\n")


def test_retrying_a_failed_job_exits_0_and_counts_attempts_in_words(
    db: Database, db_env: dict[str, str]
) -> None:
    [job_id] = add_jobs(db, 1)
    with db.get_connection() as conn:
        conn.execute(
            "UPDATE pdf_jobs SET status = 'failed', attempts = 1, error_message = 'boom', "
            "finished_at = now() WHERE id = %s",
            (job_id,),
        )
    shown = run_cli("jobs", env=db_env)
    assert f"failed job {job_id} (document " in shown.stdout
    assert ", 1 attempt): boom" in shown.stdout
    done = run_cli("jobs", "retry", str(job_id), env=db_env)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"1 job queued again: {job_id}\n", "")


def test_enqueue_removes_its_copy_when_the_insert_fails_and_goes_on(
    db: Database,
    db_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
) -> None:
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    first.write_bytes(b"%PDF-1.7 first")
    second.write_bytes(b"%PDF-1.7 second")
    create = UploadedDocumentsRepository.create_with_job
    calls: list[str] = []

    def failing_once(
        self: UploadedDocumentsRepository, *args: object, **kw: object
    ) -> tuple[int, int]:
        calls.append("create")
        if len(calls) == 1:
            raise psycopg.errors.CheckViolation("new row violates check constraint")
        return create(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(UploadedDocumentsRepository, "create_with_job", failing_once)
    assert main(["enqueue", str(first), str(second)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == (
        f"{first}: FAILED: a database command failed on PostgreSQL at {HOST}:{PORT} "
        f'(database "{db_env["DB_DATABASE"]}"): CheckViolation (SQLSTATE 23514)'
    )
    assert lines[1].startswith(f"{second}: job ")
    stored = list(Path(db_env["DOCUMENTS_ROOT"]).rglob("*.pdf"))
    assert [path.read_bytes() for path in stored] == [b"%PDF-1.7 second"]
    assert scalar(db, "SELECT count(*) FROM pdf_jobs") == 1
    assert scalar(db, "SELECT count(*) FROM uploaded_documents") == 1


def test_enqueue_stops_with_one_line_when_the_database_goes_away(
    db: Database,
    db_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
) -> None:
    reports = [tmp_path / "first.pdf", tmp_path / "second.pdf"]
    for report in reports:
        report.write_bytes(b"%PDF-1.7")

    def lost(self: UploadedDocumentsRepository, *args: object, **kw: object) -> tuple[int, int]:
        raise psycopg.OperationalError(
            "consuming input failed: server closed the connection unexpectedly"
        )

    monkeypatch.setattr(UploadedDocumentsRepository, "create_with_job", lost)
    assert main(["enqueue", *map(str, reports)]) == 1
    out = capsys.readouterr()
    assert out.err == (
        f"bioreport: lost the connection to PostgreSQL at {HOST}:{PORT} "
        f'(database "{db_env["DB_DATABASE"]}"): the server closed the connection\n'
    )
    assert len(out.out.splitlines()) == 1 and "first.pdf: FAILED" in out.out
    assert not list(Path(db_env["DOCUMENTS_ROOT"]).rglob("*.pdf"))
