"""Turning seeds into PDF + ground-truth pairs, one document or a whole folder."""

import argparse
from pathlib import Path

from benchmarks.corpus import held_out, tuning
from benchmarks.corpus.case import plan_case
from benchmarks.corpus.layouts import render
from benchmarks.corpus.report import plan_report
from benchmarks.corpus.truth import ALL_LAYOUTS, HELD_OUT_LAYOUTS, LAYOUTS, GroundTruth


def generate_report(
    seed: int, layout: str | None = None, *, pages: int | None = None
) -> tuple[bytes, GroundTruth]:
    """Same seed -> byte-identical PDF and identical ground truth.

    ``layout=None`` picks ``LAYOUTS[seed % 4]``, so consecutive seeds cycle through the four
    original layouts; the layouts of issue 13 (``ALL_LAYOUTS``) appear only when named. In the
    original layouts the patient and results depend on the seed only, not on the layout; in
    the newer ones each layout has patients of its own. ``pages`` (newer layouts only) asks for
    about that many pages of results: the scaling documents of the anonymization benchmark.
    """
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    chosen = LAYOUTS[seed % len(LAYOUTS)] if layout is None else layout
    if chosen not in ALL_LAYOUTS:
        raise ValueError(f"unknown layout {chosen!r}; expected one of {ALL_LAYOUTS}")
    if chosen in LAYOUTS:
        if pages is not None:
            raise ValueError(f"pages= needs one of the newer layouts, not {chosen!r}")
        report = plan_report(seed, chosen)
        pdf, page_count, pii = render(report)
        document_id, rows = report.document_id, report.rows
        collected, reported = report.collection_date, report.report_date
    else:
        if chosen in HELD_OUT_LAYOUTS:
            case = held_out.prepare(plan_case(seed, chosen, pages, held_out.WORD_NAMES))
            pdf, page_count, pii = held_out.render(case)
        else:
            case = plan_case(seed, chosen, pages)
            pdf, page_count, pii = tuning.render(case)
        document_id, rows = case.document_id, case.rows
        collected, reported = case.collection_date, case.report_date
    truth = GroundTruth(
        document_id=document_id,
        seed=seed,
        layout=chosen,
        pages=page_count,
        pii=pii,
        biomarkers=rows,
        collection_date=collected,
        report_date=reported,
    )
    return pdf, truth


def generate_corpus(
    folder: Path, count: int, seed: int = 0, layouts: tuple[str, ...] = ()
) -> list[Path]:
    """Write NAME.pdf and NAME.json for seeds ``seed .. seed+count-1``.

    Without ``layouts`` the layouts cycle with the seed (any ``count >= 4`` covers the four
    original ones) and NAME is lab-NNNN; with ``layouts`` every seed is drawn in each of them
    and NAME is LAYOUT-NNNN. NNNN is the seed, so corpora generated from different starting
    seeds never reuse a file name for different content. Returns the PDF paths.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for document_seed in range(seed, seed + count):
        for layout in layouts or (None,):
            pdf, truth = generate_report(document_seed, layout)
            pdf_path = folder / f"{truth.document_id}.pdf"
            pdf_path.write_bytes(pdf)
            pdf_path.with_suffix(".json").write_text(truth.to_json(), encoding="utf-8")
            paths.append(pdf_path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus",
        description="Write synthetic lab-report PDFs (fictitious patients) with ground truth.",
    )
    parser.add_argument("out_dir", type=Path, help="folder for the .pdf / .json pairs")
    parser.add_argument("--count", type=int, default=20, help="number of seeds (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first document")
    parser.add_argument(
        "--layout",
        action="append",
        choices=ALL_LAYOUTS,
        default=[],
        help="draw every seed in this layout (repeatable); default: cycle the original four",
    )
    args = parser.parse_args(argv)
    if args.count < 0 or args.seed < 0:
        parser.error("--count and --seed must be >= 0")
    paths = generate_corpus(args.out_dir, args.count, args.seed, tuple(args.layout))
    print(f"wrote {len(paths)} PDF + JSON pairs to {args.out_dir}")
    return 0
