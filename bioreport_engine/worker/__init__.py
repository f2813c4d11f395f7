"""The worker: claims jobs, runs them through the pipeline, records the outcome."""
