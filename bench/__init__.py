"""HeadEase benchmark: `python -m bench.run [--quick]` (see bench/README.md)."""
