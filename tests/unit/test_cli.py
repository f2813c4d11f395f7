import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bioreport_engine.cli import BROKEN_PIPE_STATUS
from tests.conftest import cli_env, run_cli

TOY = {
    "PDF_ENGINE": "example-text",
    "PII_ENGINE": "example-mask",
    "LLM_ENGINE": "none",
    "NORM_ENGINE": "example-codes",
}


def test_unknown_engine_exits_with_one_paragraph_listing_installed_engines() -> None:
    done = run_cli("process", "some.pdf", env={"PDF_ENGINE": "nonexistent", "LLM_ENGINE": "none"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("bioreport: PDF_ENGINE='nonexistent' is not installed. ")
    assert "Installed PDF engines: example-ocr, example-text, " in done.stderr
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


def test_config_says_whether_the_ocr_fallback_is_on_and_why() -> None:
    on = run_cli("config", env={**TOY, "PDF_OCR_ENGINE": "example-ocr"})
    assert on.returncode == 0, on.stderr
    assert "PDF_OCR_FALLBACK=auto" in on.stdout.splitlines()
    assert (
        "# PDF_OCR_FALLBACK: on: PDF_OCR_FALLBACK=auto, PDF_OCR_ENGINE='example-ocr' "
        "(bioreport-plugin-example "
    ) in on.stdout
    off = run_cli("config", "--json", env={**TOY, "PDF_OCR_ENGINE": "nothing-here"})
    assert json.loads(off.stdout)["effective"]["PDF_OCR_FALLBACK"] == (
        "off: PDF_OCR_FALLBACK=auto, and no PDF engine 'nothing-here' (PDF_OCR_ENGINE) is installed"
    )


def test_config_refuses_an_ocr_fallback_without_its_engine() -> None:
    env = {**TOY, "PDF_OCR_FALLBACK": "true", "PDF_OCR_ENGINE": "nothing-here"}
    done = run_cli("config", env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(
        "bioreport: PDF_OCR_FALLBACK=true needs the OCR extractor PDF_OCR_ENGINE='nothing-here', "
        "which is not installed. Installed PDF engines: example-ocr, example-text, "
    )


def test_process_reads_the_scanned_pages_by_ocr_and_marks_their_rows(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("Name: Jane Roe\nSodium  140  mmol/L\n\f#image\nGlucose  105  mg/dL\n")
    env = {**TOY, "LLM_ENGINE": "example-rows", "PDF_OCR_ENGINE": "example-ocr"}
    done = run_cli("process", "--json", str(mixed), env=env)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["ocr_pages"] == [1]
    assert entry["engines"]["ocr"].startswith("example-ocr (bioreport-plugin-example ")
    rows = [(row["analyte"], row["ocr"]) for row in entry["report"]["biomarkers"]]
    assert rows == [("Sodium", False), ("Glucose", True)]
    text = run_cli("process", str(mixed), env=env)
    assert "2 pages (1 read by OCR)" in text.stdout
    assert "Glucose: 105 mg/dL   [OCR: confirm]" in text.stdout


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


def test_a_closed_pipe_ends_quietly() -> None:
    """``bioreport plugins --json | head -c 10``: the reader is gone before anything is written."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bioreport_engine", "plugins", "--json"],
        env=cli_env(TOY),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # as `head` does once it has read enough
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == BROKEN_PIPE_STATUS
    assert stderr == ""


def test_demo_with_a_missing_report_says_so_in_one_line() -> None:
    done = run_cli("demo", "missing.pdf")
    assert done.returncode == 2
    assert done.stderr == "bioreport: cannot read missing.pdf: No such file or directory\n"


def test_demo_with_a_named_pipe_says_so_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    done = run_cli("demo", str(fifo))
    assert done.returncode == 2
    assert done.stderr == f"bioreport: cannot read {fifo}: not a regular file\n"


def test_jobs_without_a_database_configured_is_one_line() -> None:
    done = run_cli("jobs")
    assert done.returncode == 2
    assert done.stderr.startswith("bioreport: no database configured: set DB_HOST")
    assert done.stderr.count("\n") == 1


def test_retry_without_ids_or_failed_is_a_usage_error() -> None:
    done = run_cli("jobs", "retry")
    assert done.returncode == 2
    assert done.stderr == "bioreport jobs retry: give job ids or --failed\n"


CHEAP_COMMANDS = ("common", "db", "demo", "enqueue", "health", "jobs")
HEAVY = (
    "psycopg",
    "pydantic",
    "urllib.request",
    "bioreport_engine.db",
    "bioreport_engine.demo",
    "bioreport_engine.localdb",
    "bioreport_engine.plugins",
    "bioreport_engine.settings",
    "bioreport_engine.storage",
    "bioreport_engine.worker",
)


@pytest.mark.parametrize("module", CHEAP_COMMANDS)
def test_command_modules_import_their_heavy_dependencies_in_the_handler(module: str) -> None:
    """So that ``bioreport --help`` does not load the database driver through them."""
    import bioreport_engine.cli

    source = Path(bioreport_engine.cli.__file__).with_name(f"{module}.py").read_text()
    top_level = [
        node for node in ast.parse(source).body if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    imported = [
        alias.name if isinstance(node, ast.Import) else str(node.module)
        for node in top_level
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith(HEAVY)]
