import pytest

from bioreport_engine.db.jobs import JobRecord
from bioreport_engine.worker.lease import LeaseKeeper


class Jobs:
    def __init__(self) -> None:
        self.owned: set[int] = set()

    def heartbeat(self, worker: str, job_ids: list[int]) -> set[int]:
        return set(job_ids) & self.owned


def keeper(jobs: Jobs, running: list[JobRecord]) -> LeaseKeeper:
    return LeaseKeeper(
        jobs,  # type: ignore[arg-type]
        "w",
        lambda: running,
        heartbeat_seconds=1,
        lease_seconds=10,
        max_attempts=3,
    )


def test_a_job_missed_by_two_heartbeats_in_a_row_is_lost(caplog: pytest.LogCaptureFixture) -> None:
    jobs, running = Jobs(), [JobRecord(1, 1, 1, "w"), JobRecord(2, 2, 1, "w")]
    jobs.owned = {1}
    lease = keeper(jobs, running)
    lease.beat()
    assert lease.lost == set()  # job 2 may just have finished
    lease.beat()
    assert lease.lost == {2}


def test_a_job_that_finished_between_beats_is_not_lost() -> None:
    jobs, running = Jobs(), [JobRecord(1, 1, 1, "w")]
    lease = keeper(jobs, running)
    lease.beat()  # job 1 was marked done a moment before: not owned, still listed
    running.clear()
    lease.beat()
    assert lease.lost == set()


def test_the_recovery_interval_is_a_quarter_lease_within_bounds() -> None:
    assert keeper(Jobs(), []).reap_every == 2.5
