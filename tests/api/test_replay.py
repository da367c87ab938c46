"""A byte-identical diagnose request is answered again without a second diagnosis, and only
while nothing the answer depends on has changed."""

from __future__ import annotations

import pytest

from companion.api import diagnose as route
from companion.lookups import settings as lookup_settings
from tests.conftest import FIXTURES
from tests.parsing.test_fixtures import request_of

LIST = FIXTURES / "order_list" / "ko_page2.capture.json"
TRACKING = FIXTURES / "tracking" / "ko_0404.capture.json"


@pytest.fixture
def runs(monkeypatch):
    """How many full diagnoses ran."""
    count = []
    real = route.run
    monkeypatch.setattr(route, "run", lambda *a, **k: count.append(1) or real(*a, **k))
    return count


def test_the_same_request_twice_is_diagnosed_once_with_the_same_bytes(client, auth, runs):
    body = request_of(LIST)
    first = client.post("/v1/diagnose", json=body, headers=auth)
    second = client.post("/v1/diagnose", json=body, headers=auth)
    assert first.get_data() == second.get_data() and second.status_code == 200
    assert second.mimetype == "application/json"
    assert len(runs) == 1


def test_any_write_to_the_history_means_a_fresh_diagnosis(client, auth, runs):
    body = request_of(LIST)
    client.post("/v1/diagnose", json=body, headers=auth)
    client.post("/v1/diagnose", json=request_of(TRACKING), headers=auth)  # teaches the list about 0404
    again = client.post("/v1/diagnose", json=body, headers=auth).get_json()
    assert len(runs) == 3
    causes = {o["order_id"][-4:]: o["diagnosis"]["cause"] for o in again["orders"]}
    assert causes["0404"] == "customs_in_progress"
    client.delete("/v1/orders/8215000000000404", headers=auth)
    client.post("/v1/diagnose", json=body, headers=auth)
    assert len(runs) == 4


def test_without_a_capture_time_it_is_never_replayed(client, auth, runs):
    body = request_of(LIST)
    del body["captured_at"]
    client.post("/v1/diagnose", json=body, headers=auth)
    client.post("/v1/diagnose", json=body, headers=auth)
    assert len(runs) == 2


def test_with_a_live_lookup_on_it_is_never_replayed(app, client, auth, runs):
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": True}}})
    body = request_of(FIXTURES / "order_list" / "ko_page1.capture.json")  # list orders: nothing to ask
    client.post("/v1/diagnose", json=body, headers=auth)
    client.post("/v1/diagnose", json=body, headers=auth)
    assert len(runs) == 2


def test_a_replay_still_needs_the_token_and_json(client, auth, runs):
    body = request_of(LIST)
    client.post("/v1/diagnose", json=body, headers=auth)
    assert client.post("/v1/diagnose", json=body).status_code == 401
    import json

    raw = json.dumps(body)
    assert client.post("/v1/diagnose", data=raw, headers={**auth, "Content-Type": "text/plain"}).status_code == 415
