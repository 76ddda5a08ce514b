"""Benchmarks: a deterministic corpus generator and runners; results in bench/RESULTS.md."""
