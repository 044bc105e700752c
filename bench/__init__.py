"""Benchmarks (not tests): ``python -m bench.<name>``; see README.md."""
