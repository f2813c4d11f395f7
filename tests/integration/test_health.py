"""/healthz, /readyz and /metrics of a running worker, and `bioreport health`."""

import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from benchmarks.chaos import READY_TIMEOUT_SECONDS, Fleet, private_postgres, worker_env
from bioreport_engine.db.connection import Database
from bioreport_engine.localdb import free_port
from tests.conftest import run_cli, start_cli
from tests.integration.helpers import statuses

TOY = {
    "PDF_ENGINE": "example-text",
    "PII_ENGINE": "example-mask",
    "LLM_ENGINE": "example-rows",
    "NORM_ENGINE": "example-codes",
}


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except OSError:  # not listening yet
            pass
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.2)


def test_health_readiness_and_metrics(db: Database, db_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    env = {**db_env, **TOY, "METRICS_PORT": str(port), "PDF_ISOLATION": "none", "APP_ENV": "test"}
    report = tmp_path / "Jane_Roe_labs.txt"
    report.write_text("Patient: Jane Roe\nGlucose  105  mg/dL  H\n")
    worker = start_cli("worker", env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # generous: a busy machine starts processes slowly
        while True:
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the worker never became healthy"
            time.sleep(0.2)
        assert get(f"{base}/readyz")[0] == 200
        assert run_cli("health", env=env).returncode == 0
        assert run_cli("health", "--ready", env=env).returncode == 0
        assert run_cli("enqueue", str(report), env=env).returncode == 0
        while statuses(db) != {"done": 1}:
            assert time.monotonic() < deadline + 30
            time.sleep(0.1)
        status, metrics = get(f"{base}/metrics")
        assert status == 200
        assert 'bioreport_jobs_total{outcome="done"} 1.0' in metrics
        assert 'bioreport_queue_depth{status="pending"} 0.0' in metrics
        assert re.search(r'bioreport_stage_duration_seconds_count\{stage="extract"\} 1\.0', metrics)
        labels = set(re.findall(r'(\w+)="', metrics))
        assert labels <= {"outcome", "status", "stage", "le"}
        assert "Jane" not in metrics and "Roe" not in metrics
        assert get(f"{base}/nope")[0] == 404
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    assert run_cli("health", env=env).returncode == 1  # nothing listens any more


def test_health_needs_the_metrics_port() -> None:
    done = run_cli("health")
    assert done.returncode == 2 and "METRICS_PORT" in done.stderr


#: Longer than the 15 s after which /healthz used to fail while the loop waited for a
#: connection from the pool (30 s), with a margin: an observation window, not a bet on timing.
OUTAGE_WATCH_SECONDS = 25.0


def test_during_a_database_outage_the_worker_is_alive_but_not_ready(tmp_path: Path) -> None:
    """A restart would not bring the database back: /healthz stays 200 and says what the
    worker waits for, /readyz is 503 until the database answers again."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "documents").mkdir()
    (tmp_path / "logs").mkdir()
    with private_postgres() as cluster:
        env = worker_env(cluster, tmp_path / "documents", lease=30.0, concurrency=1)
        fleet = Fleet({**env, "METRICS_PORT": str(port)}, tmp_path / "logs")
        worker = fleet.start()
        try:
            wait_for(lambda: get(f"{base}/readyz") == (200, "ok\n"), "ready", READY_TIMEOUT_SECONDS)
            assert get(f"{base}/healthz") == (200, "ok\n")
            cluster.stop("fast")
            wait_for(lambda: fleet.logged(worker, b"database unavailable"), "outage noticed", 60)
            watched_until = time.monotonic() + OUTAGE_WATCH_SECONDS
            while time.monotonic() < watched_until:
                assert get(f"{base}/healthz") == (200, "waiting for database\n")
                assert get(f"{base}/readyz") == (503, "waiting for database\n")
                time.sleep(0.5)
            assert run_cli("health", env={"METRICS_PORT": str(port)}).returncode == 0
            cluster.start()
            wait_for(lambda: get(f"{base}/readyz") == (200, "ok\n"), "ready again", 120)
            assert get(f"{base}/healthz") == (200, "ok\n")
            assert worker.poll() is None
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
