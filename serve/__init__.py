"""`ppi serve`: the live arbitration page — a local web server (serve/app.py), one server's state
(serve/session.py) and its warm solve worker (serve/worker.py), over the `ppi` Python API only."""
