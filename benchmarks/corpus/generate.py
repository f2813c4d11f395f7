"""Turning seeds into PDF + ground-truth pairs, one document or a whole folder."""

import argparse
from pathlib import Path

from benchmarks.corpus.layouts import render
from benchmarks.corpus.report import plan_report
from benchmarks.corpus.truth import LAYOUTS, GroundTruth


def generate_report(seed: int, layout: str | None = None) -> tuple[bytes, GroundTruth]:
    """Same seed -> byte-identical PDF and identical ground truth.

    ``layout=None`` picks ``LAYOUTS[seed % 4]``, so consecutive seeds cycle through the layouts.
    The patient and results depend on the seed only, not on the layout.
    """
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    chosen = LAYOUTS[seed % len(LAYOUTS)] if layout is None else layout
    if chosen not in LAYOUTS:
        raise ValueError(f"unknown layout {chosen!r}; expected one of {LAYOUTS}")
    report = plan_report(seed, chosen)
    pdf, pages, pii = render(report)
    truth = GroundTruth(
        document_id=report.document_id,
        seed=seed,
        layout=chosen,
        pages=pages,
        pii=pii,
        biomarkers=report.rows,
        collection_date=report.collection_date,
        report_date=report.report_date,
    )
    return pdf, truth


def generate_corpus(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write lab-NNNN.pdf and lab-NNNN.json for seeds ``seed .. seed+count-1``.

    Layouts cycle with the seed, so any ``count >= 4`` covers all of them. NNNN is the seed,
    so corpora generated from different starting seeds never reuse a file name for different
    content. Returns the PDF paths.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for document_seed in range(seed, seed + count):
        pdf, truth = generate_report(document_seed)
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
    parser.add_argument("out_dir", type=Path, help="folder for lab-NNNN.pdf / lab-NNNN.json")
    parser.add_argument("--count", type=int, default=20, help="number of documents (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first document")
    args = parser.parse_args(argv)
    if args.count < 0 or args.seed < 0:
        parser.error("--count and --seed must be >= 0")
    paths = generate_corpus(args.out_dir, args.count, args.seed)
    print(f"wrote {len(paths)} PDF + JSON pairs to {args.out_dir}")
    return 0
