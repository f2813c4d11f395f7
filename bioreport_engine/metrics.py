"""Health and metrics over HTTP on ``METRICS_PORT`` (off when unset).

- ``/healthz``: the worker loop is alive: 200 unless it is later than its current step allows
  (a claim, a sleep, the shutdown's grace period) by more than a grace of its own. During a
  database outage it is alive and says ``waiting for database``: a restart would not help;
- ``/readyz``: the database answers and the stages are built (503 ``waiting for database``
  during an outage);
- ``/metrics``: Prometheus text format. Labels carry outcomes, stages and statuses only: never
  a document, a patient or a file name.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bioreport_engine.log import Log
from bioreport_engine.settings import EngineSettings

if TYPE_CHECKING:
    from bioreport_engine.worker.app import WorkerProcess

REGISTRY = CollectorRegistry()
JOBS = Counter(
    "bioreport_jobs", "Jobs finished by this process, by outcome", ["outcome"], registry=REGISTRY
)
RETRIES = Counter("bioreport_job_retries", "Jobs returned to pending to retry", registry=REGISTRY)
STAGE_SECONDS = Histogram(
    "bioreport_stage_duration_seconds",
    "Time spent in each pipeline stage",
    ["stage"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
LLM_ROWS_DROPPED = Counter(
    "bioreport_llm_rows_dropped",
    "LLM rows dropped because not found in the text",
    registry=REGISTRY,
)


class QueueDepth(Collector):
    """``bioreport_queue_depth{status}``, read at scrape time (partial indexes keep it cheap)."""

    def __init__(self, process: "WorkerProcess") -> None:
        self.process = process

    def collect(self) -> Any:
        family = GaugeMetricFamily("bioreport_queue_depth", "Jobs by status", labels=["status"])
        try:  # within seconds: a scrape during an outage must not wait for the pool
            with self.process.db.pool.connection(timeout=2.0) as conn:
                row = conn.execute(
                    """SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
                              count(*) FILTER (WHERE status = 'processing') AS processing,
                              count(*) FILTER (WHERE status = 'failed') AS failed
                       FROM pdf_jobs WHERE status IN ('pending', 'processing', 'failed')"""
                ).fetchone()
        except Exception:  # a scrape must not fail because the database is away
            return [family]
        for status, count in (row or {}).items():
            family.add_metric([status], count)
        return [family]


class HealthServer:
    def __init__(self, settings: EngineSettings, process: "WorkerProcess") -> None:
        self.port = settings.metrics_port
        #: How much later than due the loop may be before it counts as stuck: a busy machine,
        #: a stage holding the GIL.
        self.grace = max(settings.job_poll_interval_seconds, 10.0) + 5.0
        self.process = process
        self.server: ThreadingHTTPServer | None = None

    def liveness(self, now: float | None = None) -> tuple[bool, str]:
        """Whether the worker loop is alive, and what it is doing."""
        worker = self.process.worker
        late = (time.monotonic() if now is None else now) - worker.due_by
        if late > self.grace:
            return False, f"stuck: the worker loop is {late:.0f} s late"
        if worker.waiting_for_database:
            return True, "waiting for database"
        if worker.stopping.is_set():
            return True, "stopping"
        return True, "ok"

    def readiness(self) -> tuple[bool, str]:
        if self.process.ready():
            return True, "ok"
        return False, "waiting for database"

    def start(self) -> None:
        if self.port is None:
            return
        REGISTRY.register(QueueDepth(self.process))
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/healthz":
                    self._status(*health.liveness())
                elif self.path == "/readyz":
                    self._status(*health.readiness())
                elif self.path == "/metrics":
                    self._reply(200, generate_latest(REGISTRY), "text/plain; version=0.0.4")
                else:
                    self._reply(404, b"not found\n")

            def _status(self, good: bool, status: str) -> None:
                self._reply(200 if good else 503, f"{status}\n".encode())

            def _reply(self, status: int, body: bytes, kind: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: scrapes are not news."""

        self.server = ThreadingHTTPServer(("0.0.0.0", self.port), Handler)  # noqa: S104
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        Log.info("health and metrics listening", port=self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
