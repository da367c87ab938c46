"""The real server, as ./scripts/serve runs it: waitress on 127.0.0.1, a pairing code printed."""

from __future__ import annotations

import json
import os
import select
import socket
import time
from pathlib import Path

import pytest
import requests

from tests.server import Companion
from tests.server import raw_request
from tests.server import read_answer


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


# --- what waitress reads before the app sees a request (issue 11) ------------------------------

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One real companion for the raw-socket tests; its temporary files go to its own folder."""
    root = tmp_path_factory.mktemp("served")
    spool = root / "spool"
    spool.mkdir()
    with Companion(root / "data", env={"TMPDIR": str(spool)}) as companion:
        companion.spool = spool
        yield companion


def _spooled(companion) -> list[str]:
    """The companion's open files in its temporary folder (a spooled body is one, unlinked)."""
    found = []
    for fd in Path(f"/proc/{companion.process.pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(companion.spool)):
            found.append(target)
    return found


def _assert_json_413(status, headers, body):
    assert status == 413, (status, body)
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "payload_too_large"


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads the companion's open files from /proc")
def test_a_huge_declared_body_is_refused_at_once_and_nothing_is_spooled(served):
    """A page declares 1000 MiB (under waitress's own 1 GiB default) and then sends, 1 MiB at a
    time, until it gets an answer: the JSON 413 comes as soon as the headers are in, and no
    temporary file is ever started for the body."""
    head = f"POST /v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\nContent-Length: {1000 * MIB}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(head.encode())
        sent, wait = 0, 2.0  # the first wait is long enough for a busy machine to answer
        while sent < 12 * MIB and not select.select([sock], [], [], wait)[0]:
            sock.sendall(b"[" * MIB)
            sent, wait = sent + MIB, 0.2
        spooled, waited = [], time.monotonic() + 2
        while not spooled and time.monotonic() < waited and not select.select([sock], [], [], 0.1)[0]:
            spooled = _spooled(served)  # unanswered: see whether the body went to a file
        assert spooled == [], f"{sent // MIB} MiB sent, spooled to {spooled}"
        answer = read_answer(sock)
    _assert_json_413(*answer)
    assert sent == 0, "the answer comes within 2 s of the headers, before any of the body is sent"


def test_a_body_just_over_the_limit_is_a_json_413(served):
    status, headers, body = raw_request(
        served.port,
        f"POST /v1/pair HTTP/1.1\nHost: 127.0.0.1:{served.port}\nContent-Type: application/json\nContent-Length: {8 * MIB + 1}\n",
        b"{",
    )
    _assert_json_413(status, headers, body)


def test_a_chunked_body_over_the_limit_is_a_json_413(served):
    """No Content-Length to go by: waitress stops reading at the limit, and says so in JSON."""
    chunk = f"{MIB:x}\r\n".encode() + b" " * MIB + b"\r\n"
    head = f"POST /v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(head.encode())
        try:
            for _ in range(10):
                sock.sendall(chunk)
        except OSError:
            pass
        _assert_json_413(*read_answer(sock))


EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


@pytest.mark.parametrize(
    "extra",
    [
        f"Origin: {EXTENSION}\nOrigin: https://evil.example\n",
        f"Origin: https://evil.example\nOrigin: {EXTENSION}\n",
        "Host: 127.0.0.1:{port}\n",
    ],
)
def test_serve_refuses_a_header_sent_twice(served, extra):
    """waitress joins repeated headers with ", ": the companion must see that as two."""
    status, headers, body = raw_request(served.port, f"GET /v1/health HTTP/1.1\nHost: 127.0.0.1:{served.port}\n" + extra.format(port=served.port))
    assert status == 400 and json.loads(body)["error"]["code"] == "duplicate_header"
    assert "access-control-allow-origin" not in headers


def test_serve_refuses_a_request_line_naming_another_host(served):
    status, _, body = raw_request(served.port, f"GET http://evil.example/v1/health HTTP/1.1\nHost: 127.0.0.1:{served.port}\n")
    assert status == 421 and json.loads(body)["error"]["code"] == "wrong_host"
    status, _, _ = raw_request(served.port, f"GET http://127.0.0.1:{served.port}/v1/health HTTP/1.1\nHost: 127.0.0.1:{served.port}\n")
    assert status == 200
