"""Shared fixtures: a real app on a temporary data dir, and a client that speaks as 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from companion.app import create_app
from companion.security import Credentials
from tests.server import free_port

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# The port the app believes it serves on (the test client opens no socket): a free one, never
# 8765, where a shopper's own companion may be running.
PORT = free_port()


class LocalClient(FlaskClient):
    """Every request goes to http://127.0.0.1:PORT, as the extension's would."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://127.0.0.1:{PORT}")
        return super().open(*args, **kwargs)


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "PORT": PORT, "DATA_DIR": str(tmp_path / "data")})
    app.test_client_class = LocalClient
    yield app
    from companion.store import history

    history(app).close()  # its batched "last seen" written while its data dir still exists


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(app):
    return Credentials(Path(app.config["DATA_DIR"])).token()


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def connections(monkeypatch):
    """Every connection the code under test tries, refused and recorded (none is expected)."""
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts
