"""DESIGN.md §7, point by point: each test fails when its protection is removed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from companion import security
from companion.security import Credentials
from companion.store import export_history
from companion.store import history

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0b9a4c1e-1111-4a2b-9c3d-123456789abc"


@pytest.fixture
def creds(app):
    return Credentials(Path(app.config["DATA_DIR"]))


def pair(client, creds, origin=EXTENSION):
    return client.post("/v1/pair", json={"code": creds.new_pairing_code()}, headers={"Origin": origin})


def test_pairing_gives_a_token_that_works(client, creds):
    response = pair(client, creds)
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert client.get("/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/v1/health").get_json()["paired"] is True


def test_a_pairing_code_is_good_once(client, creds):
    code = creds.new_pairing_code()
    assert client.post("/v1/pair", json={"code": code}).status_code == 200
    assert client.post("/v1/pair", json={"code": code}).status_code == 403


def test_a_pairing_code_expires_after_ten_minutes(client, creds, monkeypatch):
    code = creds.new_pairing_code()
    now = security.time.time()
    monkeypatch.setattr(security.time, "time", lambda: now + security.PAIRING_TTL + 1)
    response = client.post("/v1/pair", json={"code": code})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "invalid_pairing_code"


def test_wrong_guesses_void_the_code(client, creds):
    code = creds.new_pairing_code()
    for _ in range(security.PAIRING_TRIES):
        assert client.post("/v1/pair", json={"code": "AAAAAAAA"}).status_code == 403
    assert client.post("/v1/pair", json={"code": code}).status_code == 403


def test_pairing_again_rotates_the_token(client, creds):
    old = pair(client, creds).get_json()["token"]
    new = pair(client, creds).get_json()["token"]
    assert old != new
    assert client.get("/v1/orders", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/v1/orders", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_the_token_is_compared_in_constant_time(client, auth, monkeypatch):
    calls = []
    real = security.hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert client.get("/v1/orders", headers=auth).status_code == 200
    assert calls, "the token check must go through hmac.compare_digest"


@pytest.mark.parametrize("header", ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer  ", "bearer x"])
def test_missing_or_malformed_authorization(client, header):
    response = client.get("/v1/orders", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("host", ["localhost:8765", "LOCALHOST:8765", "127.0.0.1:8765"])
def test_our_own_hosts_are_accepted(client, host):
    assert client.get("/v1/health", base_url=f"http://{host}").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "attacker.example:8765", "127.0.0.1.nip.io:8765", "0.0.0.0:8765", "[::1]:8765"])
def test_other_hosts_are_refused(client, host):
    """DNS rebinding: a page on attacker.example resolving to 127.0.0.1 still sends its own Host."""
    response = client.get("/v1/health", base_url=f"http://{host}")
    assert response.status_code == 421 and response.get_json()["error"]["code"] == "wrong_host"


def test_cors_only_for_the_paired_extension(client, creds):
    token = pair(client, creds).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    ok = client.get("/v1/orders", headers={**auth, "Origin": EXTENSION})
    assert ok.headers["Access-Control-Allow-Origin"] == EXTENSION
    other = client.get("/v1/orders", headers={**auth, "Origin": FIREFOX})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    for response in (ok, other):
        assert response.headers.get("Access-Control-Allow-Origin") != "*"


def test_a_preflight_only_for_the_paired_extension(client, creds):
    pair(client, creds)
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
    ok = client.options("/v1/diagnose", headers={**asked, "Origin": EXTENSION})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == EXTENSION
    assert "Authorization" in ok.headers["Access-Control-Allow-Headers"]
    for origin in (FIREFOX, "https://www.aliexpress.com", "null"):
        refused = client.options("/v1/diagnose", headers={**asked, "Origin": origin})
        assert refused.status_code == 403
        assert not [h for h in refused.headers.keys() if h.lower().startswith("access-control-")]


def test_firefox_can_pair_before_it_is_known(client, creds):
    """moz-extension origins differ per install: the pair call itself must be reachable."""
    preflight = client.options("/v1/pair", headers={"Origin": FIREFOX, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    response = pair(client, creds, origin=FIREFOX)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == FIREFOX


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8765", "null", "file://"])
def test_web_origins_are_refused_even_with_the_token(client, auth, origin):
    response = client.get("/v1/orders", headers={**auth, "Origin": origin})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden_origin"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert client.post("/v1/pair", json={"code": "X"}, headers={"Origin": origin}).status_code == 403


def test_get_changes_nothing(app, client, auth):
    before = export_history(history(app))
    for path in ("/v1/health", "/v1/orders", "/v1/openapi.json", "/v1/orders?limit=1"):
        client.get(path, headers=auth)
    assert client.get("/v1/diagnose", headers=auth).status_code == 405
    assert client.get("/v1/pair").status_code == 405
    assert export_history(history(app)) == before


def test_no_url_is_ever_fetched(client, auth, connections):
    """The page's URL and every link in it are data: the companion never connects anywhere."""
    html = '<img src="http://127.0.0.1:9/x"><link rel="stylesheet" href="https://attacker.example/a.css"><p>RR123456785CN</p>'
    response = client.post("/v1/diagnose", json={"url": "http://127.0.0.1:9/admin", "html": html}, headers=auth)
    assert response.status_code == 200
    assert connections == []


def test_past_the_queue_bound_a_request_gets_a_quick_503(tmp_path, monkeypatch):
    from companion.app import create_app
    from tests.conftest import LocalClient

    app = create_app({"PORT": 8765, "DATA_DIR": str(tmp_path), "MAX_ACTIVE": 1, "MAX_WAITING": 0, "WAIT_SECONDS": 5})
    app.test_client_class = LocalClient
    auth = {"Authorization": f"Bearer {Credentials(tmp_path).token()}"}
    release, inside = threading.Event(), threading.Event()
    from companion import replay as route

    real = route.examine

    def slow(*args, **kwargs):
        inside.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(route, "examine", slow)
    first = threading.Thread(target=lambda: app.test_client().post("/v1/diagnose", json={"html": "<p/>"}, headers=auth))
    first.start()
    assert inside.wait(5)
    try:
        busy = app.test_client().post("/v1/diagnose", json={"html": "<p/>"}, headers=auth)
        assert busy.status_code == 503 and busy.get_json()["error"]["code"] == "busy"
        assert app.test_client().get("/v1/health").status_code == 200  # health is never queued
    finally:
        release.set()
        first.join(10)
    assert app.test_client().post("/v1/diagnose", json={"html": "<p/>"}, headers=auth).status_code == 200
