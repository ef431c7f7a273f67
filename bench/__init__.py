"""Benchmarks (not tests): python bench/run.py; results in docs/benchmarks.md."""
