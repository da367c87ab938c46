"""Run the real companion for a test: ``parcel-doctor serve`` as a subprocess, or its app on
waitress in this process (where ``responses`` can stand in for the live lookups' sites)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Companion:
    """``parcel-doctor serve`` on a free port and its own data dir; stop() ends it."""

    def __init__(
        self, data_dir: Path, port: int | None = None, env: dict | None = None, exe: str | None = None, cwd: Path | None = None
    ):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.env = env or {}
        # Another installation's command (the wheel test's), run from another directory.
        self.exe = exe or os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
        self.cwd = cwd
        self.process: subprocess.Popen | None = None
        self.printed_code: str | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> "Companion":
        self.process = subprocess.Popen(
            [self.exe, "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.cwd,
            # A test may turn live lookups on in its private data dir (schemathesis PUTs random
            # settings): the companion must still never reach the internet from a test.
            env={**os.environ, "PARCEL_DOCTOR_LIVE_LOOKUPS": "off", **self.env},
        )
        self._lines: list[str] = []
        printed = threading.Event()
        # Drain the output all the time: a full pipe would block the server on its next log line.
        threading.Thread(target=self._drain, args=(self.process.stdout, printed), daemon=True).start()
        deadline = time.monotonic() + timeout
        printed.wait(timeout)
        lines = self._lines
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/v1/health", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the companion did not start:\n" + "".join(lines))

    def _drain(self, stream, printed: threading.Event) -> None:
        for line in stream:
            self._lines.append(line)
            if "pairing" in line.lower() or "연결 코드" in line:
                match = re.search(r"([A-Z2-9]{8})\s*$", line)
                self.printed_code = match.group(1) if match else None
                printed.set()
        printed.set()

    def log_text(self) -> str:
        """Everything the server printed so far (its INFO log included)."""
        return "".join(self._lines)

    def terminate(self) -> "Companion":
        """Ask it to stop (SIGTERM) without waiting; :meth:`stop` then waits."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
        if self.process:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def raw_request(port: int, head: str, body: bytes = b"", timeout: float = 5) -> tuple[int, dict, bytes]:
    """Send ``head`` (request line and headers, as written) and ``body`` on a plain socket,
    exactly as given (no client library in between tidying them), and read the answer:
    status, headers (lower-case names), body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One HTTP answer from ``sock`` (with a Content-Length, as the companion always sends)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the connection closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", 0))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body[:length]


class InProcessCompanion:
    """create_app on waitress in a thread: the same app ``parcel-doctor serve`` runs, here."""

    def __init__(self, data_dir: Path):
        import waitress

        from companion.app import create_app

        self.data_dir, self.port = Path(data_dir), free_port()
        self.app = create_app({"PORT": self.port, "DATA_DIR": str(self.data_dir)})
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=self.port, threads=8)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "InProcessCompanion":
        self._thread.start()
        return self

    def pairing_code(self) -> str:
        from companion.security import Credentials

        return Credentials(self.data_dir).new_pairing_code()

    def drain(self) -> None:
        """Wait for the live lookups this app's service still runs (they finish after the budget)."""
        self.app.extensions["parcel_doctor.lookups"].drain(10)

    def stop(self) -> None:
        self.server.close()
        self.drain()
