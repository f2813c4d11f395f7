"""``bioreport process FILE...``: run the pipeline on local PDFs, without a database."""

import argparse
import errno
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bioreport_engine.cli.common import start
from bioreport_engine.errors import PermanentError, safe_message
from bioreport_engine.storage import (
    UnreadableFile,
    open_regular_file,
    printable_name,
    read_regular_file,
)

if TYPE_CHECKING:
    from bioreport_engine.pipeline import Pipeline
    from bioreport_engine.results import PipelineResult


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser("process", help="run the pipeline on local PDF files")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument(
        "--show-raw",
        action="store_true",
        help="also print the raw extracted text (contains patient data)",
    )
    parser.set_defaults(handler=run)


def result_view(result: "PipelineResult", show_raw: bool) -> dict[str, Any]:
    engines = {info.kind.value: info for info in result.stages}
    if result.ocr_engine is not None:
        engines["ocr"] = result.ocr_engine
    view: dict[str, Any] = {
        "page_count": result.extracted.page_count,
        "ocr_pages": sorted(result.extracted.ocr_pages),
        "engines": {
            kind: f"{info.name} ({info.distribution} {info.version})"
            for kind, info in engines.items()
        },
        "anonymized_text": result.anonymized.text,
        "entities": dict(result.anonymized.entity_counts),
        "report": None if result.report is None else result.report.to_dict(),
        "timings": dict(result.timings_ms),
    }
    if show_raw:
        view["raw_text"] = result.extracted.text
    return view


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be processed, found before any stage is built; ``None`` if it can.

    The file is opened as it will be read (a named pipe is refused, not waited on)."""
    try:
        with open_regular_file(path):
            return None
    except UnreadableFile as problem:
        return "no such file" if problem.errno == errno.ENOENT else problem.strerror


def failed(path: Path, error: str) -> dict[str, Any]:
    return {"file": printable_name(path), "ok": False, "error": error}


def process_file(pipeline: "Pipeline", path: Path, show_raw: bool) -> dict[str, Any]:
    """Everything ``--json`` prints for one file; ``ok`` is false with ``error`` set on failure."""
    entry: dict[str, Any] = {"file": printable_name(path), "ok": False, "error": None}
    try:
        pdf = read_regular_file(path, pipeline.limits.max_bytes)
    except UnreadableFile as problem:
        entry["error"] = f"cannot read the file: {problem.strerror}"
        return entry
    except PermanentError as exc:  # over PDF_MAX_BYTES
        entry["error"] = safe_message(exc)
        return entry
    try:
        result = pipeline.run(pdf)
    except Exception as exc:
        entry["error"] = safe_message(exc)
        return entry
    entry.update(ok=True, **result_view(result, show_raw))
    return entry


def print_text(entry: dict[str, Any]) -> None:
    if not entry["ok"]:
        print(f"{entry['file']}: FAILED: {entry['error']}")
        return
    report = entry["report"]
    rows = "not structured" if report is None else f"{len(report['biomarkers'])} biomarkers"
    timings = ", ".join(f"{stage} {ms:.0f} ms" for stage, ms in entry["timings"].items())
    ocr = f" ({len(entry['ocr_pages'])} read by OCR)" if entry["ocr_pages"] else ""
    print(
        f"{entry['file']}: {entry['page_count']} pages{ocr}, "
        f"{sum(entry['entities'].values())} entities removed, {rows} ({timings})"
    )
    if entry.get("raw_text") is not None:
        print("--- raw text ---", entry["raw_text"], sep="\n")
    print("--- anonymized text ---", entry["anonymized_text"], sep="\n")
    for row in [] if report is None else report["biomarkers"]:
        ocr = "  [OCR: confirm]" if row["ocr"] else ""
        print(
            f"  {row['analyte']}: {row['value_text']} {row['unit'] or ''} {row['flag'] or ''}{ocr}"
        )


def show(entry: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(entry), flush=True)
    else:
        print_text(entry)


def run(args: argparse.Namespace) -> int:
    """Check the files and the configuration first (well under a second), then build the
    stages (seconds: spaCy, Presidio) only if there is something to process."""
    from bioreport_engine.pipeline import Pipeline, select_stages

    settings, registry = start(sys.stderr)  # stdout is the results, logs go beside them
    problems = {path: unreadable(path) for path in args.files}
    if all(problems.values()):
        select_stages(settings, registry)  # a configuration problem still comes first (exit 2)
        for path, problem in problems.items():
            show(failed(path, f"cannot read the file: {problem}"), args.json)
        return 1
    pipeline = Pipeline.build(settings, registry)
    failures = 0
    try:
        for path in args.files:
            entry = process_file(pipeline, path, args.show_raw)
            failures += not entry["ok"]
            show(entry, args.json)
    finally:
        pipeline.close()
    return 1 if failures else 0
