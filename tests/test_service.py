"""A running companion from outside (status, stop, a second serve) and its graceful end: real
``parcel-doctor serve`` subprocesses on free ports, each with its own data dir."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from companion import __version__
from companion.api.openapi import API_VERSION
from tests.server import Companion
from tests.server import free_port

EXE = os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=timeout)


def pair(companion: Companion) -> str:
    answer = requests.post(companion.base + "/v1/pair", json={"code": companion.printed_code}, headers={"Origin": ORIGIN}, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def test_status_says_not_running_with_exit_3(tmp_path):
    port = free_port()
    result = cli("status", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 3
    assert f"{port}번 포트에서 Parcel Doctor가 실행 중이 아니에요" in result.stdout
    assert "parcel-doctor autostart enable" in result.stdout
    assert not (tmp_path / "data").exists(), "status only looks"


def test_status_names_port_pid_version_data_dir_uptime_pairing_and_lookups(tmp_path):
    data = tmp_path / "data"
    with Companion(data) as companion:
        pid = companion.process.pid
        result = cli("status", "--port", str(companion.port), "--data-dir", str(data))
        assert result.returncode == 0, result.stdout + result.stderr
        out = result.stdout
        assert f"실행 중이에요 (포트 {companion.port}, PID {pid})" in out
        assert f"버전: {__version__} (API {API_VERSION})" in out
        assert f"데이터 폴더: {data}" in out
        assert "실행 시간: " in out
        assert "아직 연결되지 않았어요" in out and "실시간 조회: 모두 꺼져 있어요" in out
        pair(companion)
        (data / "settings.json").write_text(json.dumps({"providers": {"cainiao": {"enabled": True}}}))
        english = cli("status", "--port", str(companion.port), "--data-dir", str(data), "--lang", "en").stdout
        assert "Extension: paired." in english
        assert "Live lookups: Cainiao" in english
        # Asked with another data dir, it still answers for the port but says the folder differs.
        other = cli("status", "--port", str(companion.port), "--data-dir", str(tmp_path / "other"))
        assert other.returncode == 0 and "다른 폴더를 쓰고 있어요" in other.stdout


def test_a_second_serve_says_it_already_runs(tmp_path):
    with Companion(tmp_path / "data") as companion:
        # Even with another data dir: what answers on the port is named by its PID.
        second = cli("serve", "--port", str(companion.port), "--data-dir", str(tmp_path / "second"))
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == f"이미 실행 중이에요 (포트 {companion.port}, PID {companion.process.pid})."
        assert companion.process.poll() is None


def test_serve_on_a_port_another_program_holds_says_so(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = cli("serve", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "다른 프로그램이 쓰고 있어요" in result.stderr and "이미 실행 중" not in result.stdout + result.stderr


def test_stop_ends_the_companion_gracefully(tmp_path):
    data = tmp_path / "data"
    companion = Companion(data).start()
    try:
        assert json.loads((data / "serve.json").read_text())["pid"] == companion.process.pid
        result = cli("stop", "--port", str(companion.port), "--data-dir", str(data))
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"멈췄어요 (포트 {companion.port}, PID {companion.process.pid})" in result.stdout
        assert companion.process.wait(timeout=10) == 0
        assert "Parcel Doctor를 멈췄어요" in companion.log_text()
        assert not (data / "serve.json").exists()
        assert cli("status", "--port", str(companion.port), "--data-dir", str(data)).returncode == 3
        again = cli("stop", "--port", str(companion.port), "--data-dir", str(data))
        assert again.returncode == 0 and "실행 중인 Parcel Doctor가 없어요" in again.stdout
    finally:
        companion.stop()


def test_stop_signals_only_the_process_its_data_dir_names(tmp_path):
    """The PID comes from the port's health answer AND the owner-only data dir: with a data dir
    that did not start it, stop refuses, so something answering on a port cannot choose whom
    stop signals."""
    with Companion(tmp_path / "data") as companion:
        result = cli("stop", "--port", str(companion.port), "--data-dir", str(tmp_path / "elsewhere"))
        assert result.returncode == 2 and "--data-dir" in result.stdout
        time.sleep(0.5)
        assert companion.process.poll() is None
        assert requests.get(companion.base + "/v1/health", timeout=5).ok


def _large_page(orders: int) -> str:
    card = (
        '<div class="order-item"><div class="order-item-header">Order ID: {n:015d}</div>'
        '<div class="order-item-content-status">Awaiting delivery</div>'
        "<p>RR123456785CN</p><p>" + "배송 정보 " * 40 + "</p></div>"
    )
    return "<html><body>" + "".join(card.format(n=8100000000000 + i) for i in range(orders)) + "</body></html>"


def test_sigterm_during_a_diagnosis_still_answers_it(tmp_path):
    """SIGTERM arrives while a large page is half uploaded: the request is still read, diagnosed
    and answered; no new connection is taken; the database is checkpointed; one line; exit 0."""
    data = tmp_path / "data"
    companion = Companion(data).start()
    try:
        token = pair(companion)
        body = json.dumps({"url": "https://www.aliexpress.com/p/order/index.html", "html": _large_page(3000)}).encode()
        assert len(body) > 2_000_000
        head = (
            f"POST /v1/diagnose HTTP/1.1\r\nHost: 127.0.0.1:{companion.port}\r\nOrigin: {ORIGIN}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", companion.port), timeout=60) as conn:
            conn.sendall(head + body[: len(body) // 2])
            time.sleep(0.5)
            companion.process.send_signal(signal.SIGTERM)
            time.sleep(1.5)  # the signal is taken within the loop's half second
            assert companion.process.poll() is None, "the request in flight keeps it alive"
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", companion.port), timeout=2).close()
            conn.sendall(body[len(body) // 2 :])
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 200 OK", answer[:300]
        diagnosis = json.loads(rest.partition(b"\r\n\r\n")[2])
        assert diagnosis["orders"] or diagnosis["tracking_numbers"]
        assert companion.process.wait(timeout=30) == 0
        stopped = [line for line in companion.log_text().splitlines() if "멈췄어요" in line]
        assert stopped == ["Parcel Doctor를 멈췄어요. 처리 중이던 요청은 모두 답했어요."]
        wal = data / "history.sqlite3-wal"
        assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log is checkpointed"
        assert not (data / "serve.json").exists()
    finally:
        companion.stop()


def test_sigint_ends_it_too(tmp_path):
    companion = Companion(tmp_path / "data").start()
    try:
        companion.process.send_signal(signal.SIGINT)
        assert companion.process.wait(timeout=15) == 0
        assert "Parcel Doctor를 멈췄어요" in companion.log_text()
        assert "Traceback" not in companion.log_text()
    finally:
        companion.stop()
