"""`python -m benchmarks.meeting --quick`: every row of issue 18's table runs and is written with its target,
what was measured, met or not, and its plans verified (the shape only: the timings are the benchmark's)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml

from benchmarks.meeting import ROWS, commune_scenario, ring_scenario
from models import load_scenario
from tests.helpers import REPO

EXAMPLE = REPO / "scenarios" / "exemple-ville" / "scenario.yaml"


def test_quick_mode_writes_every_row(tmp_path):
    out, raw = tmp_path / "meeting.md", tmp_path / "meeting.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.meeting", "--quick", "--out", str(out), "--json", str(raw)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "Quick mode" in text and "python -m benchmarks.meeting --quick" in text
    table = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| work")]
    table = [line for line in table if line.count("|") == 8]
    rows = json.loads(raw.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == list(ROWS)
    assert len([line for line in table if line.split("|")[4].strip() in ("yes", "no")]) == len(ROWS)
    for r in rows:
        assert r["measured"] != "not measured" and r["met"] in (True, False)
        verified = re.match(r"(\d+) of (\d+)", r["verified"])
        assert verified and verified.group(1) == verified.group(2) and int(verified.group(2)) > 0, r
        assert "NO" not in r["verified"]  # compare's objectives agree both ways


def test_the_ring_and_the_commune_are_what_the_page_says(tmp_path):
    ring = load_scenario(ring_scenario(EXAMPLE, tmp_path))
    plain = load_scenario(EXAMPLE)
    assert ring.transfers_on and not plain.transfers_on
    ids = [d["id"] for d in yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["districts"]]
    assert len(ids) == 12
    for i, d in enumerate(ids):  # each quartier neighbours the one before and the one after
        assert set(ring.neighbours[d]) == {ids[i - 1], ids[(i + 1) % len(ids)]}
    with_t = load_scenario(commune_scenario(0, True, tmp_path))
    without = load_scenario(commune_scenario(0, False, tmp_path))
    assert len(with_t.districts) == len(without.districts) == 20 and len(with_t.projects) == 40
    assert with_t.transfers_on and not without.transfers_on
    from benchmarks.generate import TIERS

    assert "C20" not in TIERS  # registered for the call only
