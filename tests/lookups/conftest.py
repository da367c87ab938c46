"""No test here reaches the internet: every socket to a non-local address is refused, every
third-party HTTP call is answered by ``responses``, and background lookups are drained before
the fake goes away (so none can slip out after a test)."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
import responses

from companion import dates
from companion import lookups

PAYLOADS = Path(__file__).with_name("payloads")
NOW = dates.parse_iso("2026-09-30T10:00:00+09:00")


def payload(name: str) -> str:
    return (PAYLOADS / name).read_text(encoding="utf-8")


def payload_json(name: str):
    return json.loads(payload(name))


def cj_next_gone(net) -> None:
    """CJ's newer endpoint answering 404 (an HTML error page): the older way is used."""
    from companion.lookups import cjlogistics

    net.add(responses.POST, cjlogistics.NEXT_URL, status=404, content_type="text/html",
            body="<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")


def _local(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and (host in ("localhost", "::1") or host.startswith("127."))


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """A socket that tries to leave the machine fails the test loudly."""
    real_connect = socket.socket.connect
    attempts = []

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _local(address):
            attempts.append(address)
            raise AssertionError(f"a test tried to reach the internet: {address!r}")
        return real_connect(sock, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not _local(address):
            attempts.append(address)
            raise AssertionError(f"a test tried to reach the internet: {address!r}")
        return real_create(address, *args, **kwargs)

    real_create = socket.create_connection
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    yield attempts
    assert not attempts, attempts


class Releases:
    """Events slow fakes wait on; all are set before the fakes go away, so no worker hangs."""

    def __init__(self):
        self.made: list[threading.Event] = []

    def __call__(self) -> threading.Event:
        event = threading.Event()
        self.made.append(event)
        return event

    def all(self) -> None:
        for event in self.made:
            event.set()


@pytest.fixture
def releases():
    made = Releases()
    yield made
    made.all()


@pytest.fixture
def service():
    """This test's own live-lookup service: a fresh session, breakers and pool."""
    made = lookups.Service()
    yield made
    made.close()


@pytest.fixture
def net(releases, service):
    """``responses`` on for the whole test; slow fakes released and this test's background
    lookups drained before ``responses`` is switched off."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.start()
    try:
        yield mock
    finally:
        releases.all()
        assert service.drain(30), "a background lookup is still running"
        mock.stop(allow_assert=False)
        mock.reset()


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path
