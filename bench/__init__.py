"""Benchmarks at a large organization's scale: `make bench` writes docs/performance.md."""
