"""Repository-root conftest: makes the checkout importable for tests (benchmarks/, scenarios/ helpers)."""
