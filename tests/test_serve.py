"""The real server, as ./scripts/serve runs it: waitress on 127.0.0.1, a pairing code printed."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.server import Companion


def test_serve_answers_health_and_pairs(tmp_path):
    with Companion(tmp_path / "data") as companion:
        health = requests.get(companion.base + "/v1/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.json()["paired"] is False
        assert companion.printed_code, "serve prints a pairing code"
        origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        paired = requests.post(companion.base + "/v1/pair", json={"code": companion.printed_code}, headers={"Origin": origin}, timeout=5)
        assert paired.status_code == 200
        assert paired.headers["Access-Control-Allow-Origin"] == origin
        token = paired.json()["token"]
        again = requests.post(companion.base + "/v1/pair", json={"code": companion.printed_code}, timeout=5)
        assert again.status_code == 403 and again.json()["error"]["code"] == "invalid_pairing_code"
        answer = requests.post(
            companion.base + "/v1/diagnose",
            json={"html": "<p>RR123456785CN</p>"},
            headers={"Authorization": f"Bearer {token}", "Origin": origin},
            timeout=5,
        )
        assert answer.status_code == 200 and answer.json()["tracking_numbers"][0]["valid"] is True
        assert requests.get(companion.base + "/v1/health", timeout=5).json()["paired"] is True


def test_serve_listens_on_loopback_only(tmp_path):
    """The listening socket's own address, as the kernel reports it, is 127.0.0.1."""
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp on this system to read listening sockets from")
    with Companion(tmp_path / "data") as companion:
        listening = []
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.split(":")
            if int(port, 16) == companion.port and state == "0A":  # 0A = LISTEN
                listening.append(address)
        assert listening == ["0100007F"], listening  # 127.0.0.1, little-endian hex
