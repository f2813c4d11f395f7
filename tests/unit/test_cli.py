import json
from pathlib import Path

from tests.conftest import run_cli

TOY = {"PDF_ENGINE": "example-text", "PII_ENGINE": "example-mask", "LLM_ENGINE": "none"}


def test_unknown_engine_exits_with_one_paragraph_listing_installed_engines() -> None:
    done = run_cli("process", "some.pdf", env={"PDF_ENGINE": "nonexistent"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("bioreport: PDF_ENGINE='nonexistent' is not installed. ")
    assert "Installed PDF engines: example-text" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_invalid_setting_names_the_variable_without_traceback() -> None:
    done = run_cli("config", env={"DB_PORT": "abc"})
    assert done.returncode == 2
    assert "DB_PORT='abc'" in done.stderr and "Traceback" not in done.stderr


def test_config_masks_secrets() -> None:
    done = run_cli("config", env={"DB_PASSWORD": "hunter2", **TOY})
    assert done.returncode == 0, done.stderr
    assert "DB_PASSWORD=**********" in done.stdout.splitlines()
    assert "hunter2" not in done.stdout + done.stderr
    assert "PDF_ENGINE=example-text" in done.stdout.splitlines()


def test_config_json() -> None:
    done = run_cli("config", "--json", env=TOY)
    assert json.loads(done.stdout)["MAX_JOB_ATTEMPTS"] == "3"


def test_process_json_one_line_per_file_and_failures_say_which(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Name: Jane Roe\nSodium  140  mmol/L\n")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"\xff\xfe binary")
    done = run_cli("process", "--json", str(good), str(bad), str(tmp_path / "gone.pdf"), env=TOY)
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["ok"] for line in lines] == [True, False, False]
    first = lines[0]
    assert {"file", "ok", "error", "page_count", "anonymized_text", "entities", "report"} <= set(
        first
    )
    assert first["report"] is None and "raw_text" not in first
    assert set(first["timings"]) == {"extract", "anonymize", "structure"}
    assert lines[1]["error"] == "not a text file: the example-text engine reads UTF-8"
    assert lines[2]["error"] == "cannot read the file: No such file or directory"


def test_show_raw_adds_the_raw_text(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Name: Jane Roe\n")
    done = run_cli("process", "--json", "--show-raw", str(report), env=TOY)
    entry = json.loads(done.stdout)
    assert entry["raw_text"] == "Name: Jane Roe\n"
    assert entry["anonymized_text"] == "Name: <PERSON_1>\n"


def test_process_text_output(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Name: Jane Roe\nSodium  140  mmol/L\n")
    done = run_cli("process", str(report), env={**TOY, "LLM_ENGINE": "example-rows"})
    assert done.returncode == 0
    assert "1 pages, 1 entities removed, 1 biomarkers" in done.stdout
    assert "Sodium: 140 mmol/L" in done.stdout


def test_module_and_console_script_agree() -> None:
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("bioreport ")
