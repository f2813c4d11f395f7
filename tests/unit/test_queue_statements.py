"""The queue's statements stay within what psycopg caches: parsing the job-finishing statement
again for every job took an eighth of a slot's time."""

from psycopg import _queries

from bioreport_engine.db.jobs import FINISH_DONE, FINISH_FAILED, FINISH_RETRY
from bioreport_engine.db.results import BIOMARKER_COLUMNS, DOCUMENT_COLUMNS


def test_the_finishing_statements_are_short_enough_for_psycopgs_cache() -> None:
    for statement in (FINISH_DONE, FINISH_FAILED, FINISH_RETRY):
        assert len(statement) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    parameters = len(BIOMARKER_COLUMNS) + len(DOCUMENT_COLUMNS) + 6
    assert parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS


def test_every_biomarker_column_is_written() -> None:
    for name, _ in BIOMARKER_COLUMNS:
        assert f"%(b_{name})s" in FINISH_DONE
