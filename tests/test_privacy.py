"""No telemetry, and logs at INFO hold no order id, tracking number or personal data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import FIXTURES
from tests.parsing.test_fixtures import request_of
from tests.server import Companion

SECRETS = re.compile(r"8215\d{12}|SWX\d{18}|LP\d{14}|561000000505|520000000707|홍길동|010-0000-0000|예시구")


def test_logs_at_info_show_no_ids_numbers_or_personal_data(tmp_path):
    companion = Companion(tmp_path / "data").start()
    try:
        cli = Path(sys.executable).with_name("parcel-doctor")
        token = subprocess.run([cli, "token", "--data-dir", str(tmp_path / "data")], capture_output=True, text=True).stdout.strip()
        auth = {"Authorization": f"Bearer {token}"}
        for capture in sorted(FIXTURES.glob("*/*.capture.json")):
            assert requests.post(companion.base + "/v1/diagnose", json=request_of(capture), headers=auth, timeout=10).ok
        requests.delete(companion.base + "/v1/orders/8215000000000404", headers=auth, timeout=5)
        requests.get(companion.base + "/v1/orders?cursor=8215000000000404", headers=auth, timeout=5)
        requests.post(companion.base + "/v1/diagnose", json={"html": "<p>RR123456785CN</p>" * 3}, headers={"Authorization": "Bearer wrong"}, timeout=5)
    finally:
        companion.stop()
    output = companion.log_text()
    assert "POST /v1/diagnose 200" in output, "requests are logged at INFO"
    assert "DELETE /v1/orders/<order_id> 200" in output
    leaked = SECRETS.findall(output)
    assert leaked == [], leaked


def test_no_telemetry_nothing_leaves_the_machine(client, auth, connections):
    """Every fixture diagnosed, the history listed and exported: not one connection is tried
    (live lookups are off by default; tests/lookups proves the same with them configured)."""
    for capture in sorted(FIXTURES.glob("*/*.capture.json")):
        assert client.post("/v1/diagnose", json=request_of(capture), headers=auth).status_code == 200
    assert client.get("/v1/orders", headers=auth).status_code == 200
    assert client.get("/v1/settings", headers=auth).status_code == 200
    assert connections == []
