"""Benchmarks that print figures (``python -m mentoring_xblock.benchmarks.<name>``); tests assert correctness."""
