"""LISTEN/NOTIFY on a dedicated connection: wakes the idle worker as soon as a job is queued.

The connection is checked every few seconds and re-established after any failure; every
(re)connect wakes the worker for a claim, since notifications sent while it was away are lost
(the pattern of pg-boss PR #851). Polling remains the fallback.
"""

import threading
import time

import psycopg

from bioreport_engine.db.connection import Database
from bioreport_engine.db.failures import describe
from bioreport_engine.log import Log
from bioreport_engine.worker.backoff import Backoff

CHANNEL = "bioreport_jobs"


class Listener(threading.Thread):
    check_every_seconds = 5.0

    def __init__(self, db: Database, wake: threading.Event) -> None:
        super().__init__(name="bioreport-listener", daemon=True)
        self.db = db
        self.wake = wake
        self.connected = threading.Event()
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def run(self) -> None:
        backoff = Backoff()
        while not self._halt.is_set():
            try:
                self._listen(backoff)
            except psycopg.Error as exc:
                self.connected.clear()
                delay = backoff.next()
                Log.warning(
                    "job listener disconnected; reconnecting",
                    **describe(exc, self.db.conninfo).log_context(),
                    retry_in_s=delay,
                )
                self._halt.wait(delay)

    def _listen(self, backoff: Backoff) -> None:
        with self.db.connect(autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            backoff.reset()
            self.connected.set()
            self.wake.set()  # a claim follows every (re)connect
            checked = time.monotonic()
            while not self._halt.is_set():
                for _ in conn.notifies(timeout=1.0, stop_after=1):
                    self.wake.set()
                if time.monotonic() - checked > self.check_every_seconds:
                    conn.execute("SELECT 1")
                    checked = time.monotonic()
