"""``scripts/load`` briefly: 4 clients for 3 s against a companion it starts itself. No timing
assertions (the machine decides those); only that every request was answered correctly and
some were made. The full run (8 clients, 60 s) is for people: ``./scripts/load``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import loadgen

ROOT = Path(__file__).resolve().parents[1]


def test_a_short_load_run_has_no_errors():
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "load"), "--clients", "4", "--seconds", "3"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    *table, last = done.stdout.strip().splitlines()
    result = json.loads(last)
    assert result["load"] == "parcel-doctor" and result["clients"] == 4
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] > 0 and result["throughput_rps"] > 0
    assert set(result["by_kind"]) == {"diagnose", "health", "orders"}
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in result["by_kind"].values()), result["by_kind"]
    assert any(line.startswith("total") for line in table), "the table is printed too"


def test_load_goes_over_loopback_only():
    with pytest.raises(SystemExit) as exit_:
        loadgen.main(["--url", "http://192.0.2.1:8765", "--token", "x", "--seconds", "1"])
    assert exit_.value.code == 2


def test_the_count_is_bounded():
    """``--max-requests`` stops the run before the time does."""
    with loadgen.OwnCompanion() as (base, token):
        result = loadgen.run(base, token, clients=3, seconds=30, max_requests=20, seed=2)
    assert result["total"]["requests"] == 20 and result["total"]["errors"] == 0
    assert result["seconds"] < 30


def test_percentiles():
    values = [i / 1000 for i in range(1, 101)]
    assert loadgen.percentile(values, 0.50) == 0.050
    assert loadgen.percentile(values, 0.99) == 0.099
    assert loadgen.percentile([0.5], 0.99) == 0.5
    assert loadgen.percentile([], 0.5) == 0.0
