"""The real server, as ./scripts/serve runs it: waitress on 127.0.0.1, a pairing code printed."""

from __future__ import annotations

import socket

import requests

from tests.server import Companion


def test_serve_answers_health_and_pairs(tmp_path):
    with Companion(tmp_path / "data") as companion:
        health = requests.get(companion.base + "/v1/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.json()["paired"] is False
        assert companion.pairing_code, "serve prints a pairing code"
        origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        paired = requests.post(companion.base + "/v1/pair", json={"code": companion.pairing_code}, headers={"Origin": origin}, timeout=5)
        assert paired.status_code == 200
        assert paired.headers["Access-Control-Allow-Origin"] == origin
        token = paired.json()["token"]
        again = requests.post(companion.base + "/v1/pair", json={"code": companion.pairing_code}, timeout=5)
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
    with Companion(tmp_path / "data") as companion:
        other = _non_loopback_address()
        if other is None:
            return  # this machine has no other address to try
        with socket.socket() as sock:
            sock.settimeout(1)
            assert sock.connect_ex((other, companion.port)) != 0


def _non_loopback_address():
    """An address of this machine other than loopback, from its own host name (no traffic)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    addresses = [info[4][0] for info in infos if not info[4][0].startswith("127.")]
    return addresses[0] if addresses else None
