"""The error of the results layer, importable without pandas (the results store checks folders before any
solve)."""


class OutputError(Exception):
    """Results cannot be read or written where asked (the message says why, in plain words)."""
