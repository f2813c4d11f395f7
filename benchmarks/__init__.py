"""Benchmarks and the chaos run: measured side by side in one run, driven by nox sessions."""
