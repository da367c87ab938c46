"""docs/design.md §7, point by point: each test fails when its protection is removed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from companion import security
from companion.security import Credentials
from companion.store import export_history
from companion.store import history
from tests.conftest import PORT

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


# "{port}": the tests' port, filled in by each test, so every test process collects the same ids.
@pytest.mark.parametrize("host", ["localhost:{port}", "LOCALHOST:{port}", "127.0.0.1:{port}"])
def test_our_own_hosts_are_accepted(client, host):
    host = host.format(port=PORT)
    assert client.get("/v1/health", base_url=f"http://{host}").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "attacker.example:{port}", "127.0.0.1.nip.io:{port}", "0.0.0.0:{port}", "[::1]:{port}"])
def test_other_hosts_are_refused(client, host):
    """DNS rebinding: a page on attacker.example resolving to 127.0.0.1 still sends its own Host."""
    host = host.format(port=PORT)
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
    assert "authorization" in ok.headers["Access-Control-Allow-Headers"].lower()  # header names have no case
    for origin in (FIREFOX, "https://www.aliexpress.com", "null"):
        refused = client.options("/v1/diagnose", headers={**asked, "Origin": origin})
        assert refused.status_code == 403
        assert not [h for h in refused.headers.keys() if h.lower().startswith("access-control-")]


def test_a_preflight_allows_only_our_headers_and_no_credentials(client, creds):
    """flask-cors writes what the API takes: the token and JSON headers, no cookies, never "*"."""
    pair(client, creds)
    asked = {"Access-Control-Request-Method": "DELETE", "Access-Control-Request-Headers": "Authorization, X-Other, Cookie"}
    ok = client.options("/v1/orders/1", headers={**asked, "Origin": EXTENSION})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Headers"] == "Authorization"
    assert "DELETE" in ok.headers["Access-Control-Allow-Methods"] and "PATCH" not in ok.headers["Access-Control-Allow-Methods"]
    assert ok.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in ok.headers
    assert "Origin" in ok.headers["Vary"]


def test_firefox_can_pair_before_it_is_known(client, creds):
    """moz-extension origins differ per install: the pair call itself must be reachable."""
    preflight = client.options("/v1/pair", headers={"Origin": FIREFOX, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    response = pair(client, creds, origin=FIREFOX)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == FIREFOX


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:{port}", "null", "file://"])
def test_web_origins_are_refused_even_with_the_token(client, auth, origin):
    origin = origin.format(port=PORT)
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

    app = create_app({"PORT": PORT, "DATA_DIR": str(tmp_path), "MAX_ACTIVE": 1, "MAX_WAITING": 0, "WAIT_SECONDS": 5})
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


# --- pairing races (issue 11, point 1) ----------------------------------------------------------

WRONG = "AAAAAAAA"


def _at_once(calls: list) -> list:
    """Run every call in its own thread, all released at the same moment; their results in order."""
    gate = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        gate.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_parallel_wrong_guesses_void_the_code(creds):
    """12 wrong guesses at one moment count as 12: the code is dead whatever their interleaving."""
    for _ in range(10):
        code = creds.new_pairing_code()
        assert _at_once([lambda: creds.redeem(WRONG)] * 12) == [False] * 12
        assert creds.redeem(code) is False


def test_the_sixth_wrong_guess_voids_the_code_however_parallel(creds):
    """Exactly PAIRING_TRIES - 1 wrong guesses in parallel leave the code alive; one more kills it."""
    for _ in range(5):
        code = creds.new_pairing_code()
        _at_once([lambda: creds.redeem(WRONG)] * (security.PAIRING_TRIES - 1))
        assert creds.redeem(code) is True
        code = creds.new_pairing_code()
        _at_once([lambda: creds.redeem(WRONG)] * security.PAIRING_TRIES)
        assert creds.redeem(code) is False


def test_continuous_guessing_tests_at_most_five_guesses(creds, monkeypatch):
    """16 threads guessing in a loop: only PAIRING_TRIES guesses are ever compared with the code."""
    compared = []
    real = security._digest
    monkeypatch.setattr(security, "_digest", lambda text: (text == WRONG and compared.append(1)) or real(text))
    code = creds.new_pairing_code()
    _at_once([lambda: [creds.redeem(WRONG) for _ in range(10)]] * 16)
    assert len(compared) == security.PAIRING_TRIES
    assert creds.redeem(code) is False


def test_the_right_code_among_wrong_guesses_pairs_once_and_stays_spent(creds):
    for _ in range(10):
        code = creds.new_pairing_code()
        results = _at_once([lambda: creds.redeem(code)] * 6 + [lambda: creds.redeem(WRONG)] * 3)
        assert results[:6].count(True) <= 1 and True not in results[6:]
        assert creds.redeem(code) is False, "a spent code must never come back"


def test_one_code_pairs_one_origin_through_the_api(app, creds):
    """16 extensions race with one code through the real view: one token, one origin."""
    for _ in range(3):
        code = creds.new_pairing_code()
        origins = [f"chrome-extension://{chr(97 + i) * 32}" for i in range(12)]
        calls = [lambda o=o: app.test_client().post("/v1/pair", json={"code": code}, headers={"Origin": o}) for o in origins]
        calls += [lambda: app.test_client().post("/v1/pair", json={"code": WRONG}, headers={"Origin": EXTENSION})] * 4
        responses = _at_once(calls)
        winners = [o for o, r in zip(origins, responses) if r.status_code == 200]
        assert len(winners) == 1, [r.status_code for r in responses]
        assert all(r.status_code == 403 and r.get_json()["error"]["code"] == "invalid_pairing_code" for r in responses if r.status_code != 200)
        assert creds.origins() == set(winners)
        token = next(r for r in responses if r.status_code == 200).get_json()["token"]
        assert app.test_client().get("/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_wrong_guesses_in_parallel_through_the_api_void_the_code(app, creds):
    code = creds.new_pairing_code()
    responses = _at_once([lambda: app.test_client().post("/v1/pair", json={"code": WRONG})] * 12)
    assert all(r.status_code == 403 for r in responses)
    assert app.test_client().post("/v1/pair", json={"code": code}).status_code == 403


def _guess_in_another_process(data_dir: str, start, count: int, results) -> None:
    start.wait(10)
    creds = Credentials(Path(data_dir))
    results.put([creds.redeem(WRONG) for _ in range(count)])


def test_two_processes_on_one_data_dir_count_every_wrong_guess(creds):
    """``serve`` and another process on one data dir: the file lock makes them agree."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for _ in range(5):
        code = creds.new_pairing_code()
        start, results = context.Event(), context.Queue()
        workers = [context.Process(target=_guess_in_another_process, args=(str(creds.dir), start, 3, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(30)
        assert all(not any(results.get(timeout=5)) for _ in workers)
        assert creds.redeem(code) is False


def test_a_new_pairing_replaces_the_paired_origin(client, creds):
    """One browser profile at a time: pairing another extension unpairs the first one."""
    first = pair(client, creds, origin=EXTENSION).get_json()["token"]
    second = pair(client, creds, origin=FIREFOX).get_json()["token"]
    assert creds.origins() == {FIREFOX}
    assert client.get("/v1/orders", headers={"Authorization": f"Bearer {first}", "Origin": EXTENSION}).status_code == 401
    answer = client.get("/v1/orders", headers={"Authorization": f"Bearer {second}", "Origin": FIREFOX})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == FIREFOX
    preflight = client.options("/v1/orders", headers={"Origin": EXTENSION, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 403


def test_a_declared_body_over_the_limit_is_refused_before_any_route(client, app):
    """By Content-Length, before the body is read, even on a route that never reads one."""
    class Unread:
        def read(self, *args):
            raise AssertionError("the body must not be read")

        readline = read

    too_big = str(app.config["MAX_CONTENT_LENGTH"] + 1)
    for method, path in (("GET", "/v1/health"), ("POST", "/v1/pair"), ("POST", "/v1/diagnose")):
        response = client.open(path, method=method, content_type="application/json", environ_overrides={"CONTENT_LENGTH": too_big, "wsgi.input": Unread()})
        assert response.status_code == 413 and response.get_json()["error"]["code"] == "payload_too_large"


# --- one Origin, one Host, one host per request (issue 11, points 7 and 8) ----------------------


@pytest.mark.parametrize(
    "headers",
    [
        [("Origin", EXTENSION), ("Origin", "https://evil.example")],
        [("Origin", "https://evil.example"), ("Origin", EXTENSION)],
        [("Origin", f"{EXTENSION}, https://evil.example")],
        [("Origin", EXTENSION), ("Origin", EXTENSION)],
    ],
)
def test_more_than_one_origin_is_refused(client, creds, headers):
    """A merged "chrome-extension://…, https://evil.example" once passed for an extension origin."""
    token = pair(client, creds).get_json()["token"]
    response = client.get("/v1/orders", headers=[*headers, ("Authorization", f"Bearer {token}")])
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "duplicate_header"
    assert "Access-Control-Allow-Origin" not in response.headers
    assert client.post("/v1/pair", json={"code": creds.new_pairing_code()}, headers=headers).status_code == 400


def test_more_than_one_host_is_refused(client):
    response = client.get("/v1/health", headers=[("Host", f"127.0.0.1:{PORT}"), ("Host", f"127.0.0.1:{PORT}")])
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "duplicate_header"


@pytest.mark.parametrize("target", ["http://evil.example/v1/health", "http://evil.example:{port}/v1/health", "http://127.0.0.1:{port}@evil.example/v1/health"])
def test_a_request_line_naming_another_host_is_refused(client, target):
    """``GET http://evil.example/v1/health`` with our own Host: the server goes by the line."""
    target = target.format(port=PORT)
    response = client.get("/v1/health", environ_overrides={"REQUEST_URI": target, "RAW_URI": target})
    assert response.status_code == 421 and response.get_json()["error"]["code"] == "wrong_host"


def test_a_request_line_naming_our_host_is_fine(client):
    target = f"http://127.0.0.1:{PORT}/v1/health"
    assert client.get("/v1/health", environ_overrides={"REQUEST_URI": target, "RAW_URI": target}).status_code == 200
