import json
from pathlib import Path

import pytest

from bioreport_engine.log import Log


def test_text_lines_carry_context_as_key_value(capsys: pytest.CaptureFixture[str]) -> None:
    Log.configure("INFO")
    Log.info("job done", job_id=7, error="two words")
    line = capsys.readouterr().out.strip()
    assert line.endswith('[INFO] job done job_id=7 error="two words"')


def test_the_level_filters(capsys: pytest.CaptureFixture[str]) -> None:
    Log.configure("WARNING")
    Log.info("hidden")
    Log.debug("hidden")
    Log.warning("shown")
    Log.error("shown too")
    assert capsys.readouterr().out.count("shown") == 2


def test_debug_is_shown_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    Log.configure("debug")
    Log.debug("poll", claimed=0)
    assert "[DEBUG] poll claimed=0" in capsys.readouterr().out


def test_json_format_is_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    Log.configure("INFO", "json")
    Log.info("job done", job_id=7)
    Log.warning("retry", job_id=8)
    lines = capsys.readouterr().out.strip().splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries[0]["message"] == "job done" and entries[0]["job_id"] == 7
    assert entries[1]["level"] == "WARNING"


def test_log_file_receives_the_same_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "worker.log"
    Log.configure("INFO", "text", log_file)
    Log.info("to both", job_id=1)
    Log.configure("INFO")  # closes the file handler
    assert "to both job_id=1" in log_file.read_text()
    assert "to both job_id=1" in capsys.readouterr().out
