"""Diagnoses and the other endpoints wait at separate gates: with every diagnose slot taken and
its queue full, the order list, the settings and health still answer at once."""

from __future__ import annotations

import threading

from companion import replay
from companion.app import create_app
from companion.security import Credentials
from tests.conftest import LocalClient
from tests.conftest import PORT


def test_the_order_list_and_health_answer_while_every_diagnose_slot_is_held(tmp_path, monkeypatch):
    app = create_app({"PORT": PORT, "DATA_DIR": str(tmp_path), "MAX_ACTIVE": 4, "MAX_WAITING": 0, "WAIT_SECONDS": 5})
    app.test_client_class = LocalClient
    auth = {"Authorization": f"Bearer {Credentials(tmp_path).token()}"}
    release = threading.Event()
    inside = threading.Semaphore(0)
    real = replay.examine

    def held(*args, **kwargs):
        inside.release()
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(replay, "examine", held)
    post = lambda: app.test_client().post("/v1/diagnose", json={"html": "<p/>"}, headers=auth)  # noqa: E731
    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            assert inside.acquire(timeout=10), "the four diagnoses did not all start"
        busy = app.test_client().post("/v1/diagnose", json={"html": "<p/>"}, headers=auth)
        assert busy.status_code == 503  # the diagnose gate is full ...
        client = app.test_client()
        assert client.get("/v1/orders", headers=auth).status_code == 200  # ... and these pass their own
        assert client.get("/v1/settings", headers=auth).status_code == 200
        assert client.get("/v1/health").status_code == 200
    finally:
        release.set()
        for worker in workers:
            worker.join(20)
