"""A repeated diagnose request (byte-identical, or a re-render: the same capture with a later
``captured_at`` the same Seoul day) is answered again without a second diagnosis, byte for byte
what a full one would say, and only while nothing the answer depends on has changed."""

from __future__ import annotations

import pytest

from companion import replay as route
from companion.lookups import settings as lookup_settings
from tests.conftest import FIXTURES
from tests.conftest import PORT
from tests.parsing.test_fixtures import request_of

LIST = FIXTURES / "order_list" / "ko_page2.capture.json"
TRACKING = FIXTURES / "tracking" / "ko_0404.capture.json"


@pytest.fixture
def runs(monkeypatch):
    """How many full diagnoses ran."""
    count = []
    real = route.examine
    monkeypatch.setattr(route, "examine", lambda *a, **k: count.append(1) or real(*a, **k))
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


# --- a re-render: the same capture, a later captured_at --------------------------------------
import json  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from companion import dates  # noqa: E402
from companion import store  # noqa: E402
from companion.app import create_app  # noqa: E402
from companion.replay import Key  # noqa: E402
from companion.rules.case import steady_span  # noqa: E402
from companion.security import Credentials  # noqa: E402
from tests.conftest import LocalClient  # noqa: E402
from tests.parsing.test_fixtures import CAPTURES  # noqa: E402


def later(body: dict, seconds: int) -> dict:
    when = dates.parse_iso(body["captured_at"]) + timedelta(seconds=seconds)
    return dict(body, captured_at=when.isoformat())


def fresh(tmp_path: Path, name: str):
    app = create_app({"TESTING": True, "PORT": PORT, "DATA_DIR": str(tmp_path / name)})
    app.test_client_class = LocalClient
    auth = {"Authorization": f"Bearer {Credentials(Path(app.config['DATA_DIR'])).token()}"}
    return app, app.test_client(), auth


def cold(client, auth, body: dict) -> bytes:
    """A full diagnosis of ``body``: the same fields in another order are another key."""
    reordered = dict(reversed(list(body.items())))
    return client.post("/v1/diagnose", data=json.dumps(reordered), content_type="application/json", headers=auth).get_data()


@pytest.mark.parametrize("path", [p for p in CAPTURES if "captured_at" in json.loads(p.read_text(encoding="utf-8"))],
                         ids=lambda p: f"{p.parent.name}/{p.name.split('.')[0]}")
def test_a_rerender_is_answered_again_byte_for_byte_as_a_cold_diagnosis(path, tmp_path, runs):
    body = request_of(path)
    _, client, auth = fresh(tmp_path, "replayed")
    client.post("/v1/diagnose", json=body, headers=auth)
    replayed = client.post("/v1/diagnose", json=later(body, 5), headers=auth)
    replays = 2 - len(runs)
    _, other, other_auth = fresh(tmp_path, "cold")
    other.post("/v1/diagnose", json=body, headers=other_auth)
    assert replayed.status_code == 200
    assert replayed.get_data() == cold(other, other_auth, later(body, 5))
    if "order_list" in str(path):  # nothing time-of-day or first-seen in them: always replayed
        assert replays == 1


def test_the_next_seoul_day_is_diagnosed_afresh(client, auth, runs):
    body = request_of(LIST)  # 2026-09-30T10:00:00+09:00
    client.post("/v1/diagnose", json=body, headers=auth)
    client.post("/v1/diagnose", json=dict(body, captured_at="2026-09-30T14:59:59Z"), headers=auth)  # 23:59:59 KST
    assert len(runs) == 1
    client.post("/v1/diagnose", json=dict(body, captured_at="2026-09-30T15:00:00Z"), headers=auth)  # the next day
    assert len(runs) == 2


def test_a_rerender_outside_the_accepted_years_is_still_refused(client, auth, runs):
    body = request_of(LIST) | {"captured_at": "2099-12-31T10:00:00+09:00"}
    client.post("/v1/diagnose", json=body, headers=auth)
    refused = client.post("/v1/diagnose", json=dict(body, captured_at="2100-01-01T00:30:00+14:00"), headers=auth)
    assert refused.status_code == 400  # the same Seoul day, but a year the API refuses


def test_an_event_crossing_the_future_limit_ends_the_span():
    """"Dated more than a day after the capture" is the one comparison at a time of day."""
    now = dates.parse_iso("2026-09-30T10:00:00+09:00")
    start, end = steady_span(now, [])
    assert (start.isoformat(), end.isoformat()) == ("2026-09-30T00:00:00+09:00", "2026-10-01T00:00:00+09:00")
    ahead = now + timedelta(days=1, seconds=3)  # "future" until 10:00:03, not after
    behind = now + timedelta(days=1) - timedelta(hours=1)  # stopped being "future" at 09:00
    start, end = steady_span(now, [ahead, behind])
    assert (start, end) == (now - timedelta(hours=1), now + timedelta(seconds=3))


def test_the_key_masks_only_a_captured_at_it_can_tell_apart():
    a = b'{"url": "u", "html": "<p>x</p>", "captured_at": "2026-09-30T10:00:00+09:00", "lang": "ko"}'
    b = a.replace(b"10:00:00", b"10:00:05")
    assert Key.of(a).digest == Key.of(b).digest and Key.of(b).captured == "2026-09-30T10:00:05+09:00"
    assert Key.of(a.replace(b'"<p>x</p>"', b'"<p>y</p>"')).digest != Key.of(a).digest
    twice = a.replace(b"<p>x</p>", b'<p>\\"captured_at\\"</p>')  # a second one, in the page
    assert Key.of(twice).captured is None and Key.of(twice.replace(b"10:00:00", b"10:00:05")).digest != Key.of(twice).digest
    escaped = a.replace(b'"captured_at"', b'"\\u0063aptured_at"')  # the key spelled with an escape
    assert Key.of(escaped).captured is None
    # … and a literal one elsewhere, which is then not the top-level key: never masked
    hidden = escaped.replace(b'"lang": "ko"', b'"lang": "ko", "x": {"captured_at": "2026-09-30T10:00:00+09:00"}')
    assert Key.of(hidden).captured is None
    assert Key.of(a.replace(b"<p>x</p>", b"<p>u0063</p>")).captured is not None  # "u0063", not escaped
    # a backslash escaped before "u003c" (a page's script text): no escape, still masked …
    assert Key.of(a.replace(b"<p>x</p>", b"<p>\\\\u003c</p>")).captured is not None
    # … but one more backslash is an escape again, and an escape at the very end is seen too
    assert Key.of(a.replace(b"<p>x</p>", b"<p>\\\\\\u003c</p>")).captured is None
    assert Key.of(a[:-1] + b', "y": "\\u0021"}').captured is None


def test_a_body_is_answered_again_only_when_it_is_the_same_but_for_its_capture_time(client, auth, runs):
    """The kept answer is found by comparing bytes: a body of the same length that differs
    anywhere but in the captured_at value is another page, and what stands in for the value must
    be a value (a field slipped in there would change what a full reading sees)."""
    body = json.dumps(request_of(LIST), ensure_ascii=False)
    client.post("/v1/diagnose", data=body.encode(), content_type="application/json", headers=auth)
    order_id = client.post("/v1/diagnose", data=body.encode(), content_type="application/json",
                           headers=auth).get_json()["orders"][-1]["order_id"]
    assert len(runs) == 1
    for changed in (body.replace(order_id, order_id[:-1] + str((int(order_id[-1]) + 1) % 10)),  # near the end
                    body.replace('"url": "https://', '"url": "https:/x')):  # near the start
        assert len(changed) == len(body) and changed != body
        answer = client.post("/v1/diagnose", data=changed.encode(), content_type="application/json", headers=auth)
        assert answer.status_code == 200
    assert len(runs) == 3
    value = request_of(LIST)["captured_at"]
    slipped = body.replace(value, value[:10] + '", "lang": "en", "y": "' + value[10:], 1)
    key = Key.of(body.encode())
    assert not key.fits(slipped.encode()) and key.fits(body.replace(value, value[:-1] + "1").encode())


# --- "last seen": batched, flushed within seconds and at exit --------------------------------
def stored_last_seen(path: Path, order_id: str) -> str:
    with sqlite3.connect(path) as conn:  # another connection: what is on disk, not in memory
        return conn.execute("SELECT last_seen FROM orders WHERE order_id = ?", (order_id,)).fetchone()[0]


def test_a_last_seen_only_update_is_written_within_seconds(app, client, auth, runs):
    body = request_of(LIST)
    order_id = client.post("/v1/diagnose", json=body, headers=auth).get_json()["orders"][0]["order_id"]
    path = store.history(app).path
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size
    client.post("/v1/diagnose", json=later(body, 5), headers=auth)
    assert len(runs) == 1
    assert wal.stat().st_size == size, "nothing written on the request path"
    assert stored_last_seen(path, order_id) == "2026-09-30T10:00:00+09:00"
    deadline = time.monotonic() + store.FLUSH_SECONDS + 5
    while stored_last_seen(path, order_id) != "2026-09-30T10:00:05+09:00":
        assert time.monotonic() < deadline, "the batched last_seen was not written in time"
        time.sleep(0.1)
    # and the batch's write is not a change any answer depends on: still replayed
    client.post("/v1/diagnose", json=later(body, 9), headers=auth)
    assert len(runs) == 1


def test_the_order_list_shows_a_batched_last_seen_within_seconds(client, auth):
    body = request_of(LIST)
    client.post("/v1/diagnose", json=body, headers=auth)
    client.post("/v1/diagnose", json=later(body, 5), headers=auth)
    deadline = time.monotonic() + store.FLUSH_SECONDS + 5
    while True:
        listed = client.get("/v1/orders", headers=auth).get_json()["orders"]
        assert len(listed) == 9  # every order at once; its last_seen within seconds
        if {o["last_seen"] for o in listed} == {"2026-09-30T10:00:05+09:00"}:
            break
        assert time.monotonic() < deadline, "the batched last_seen was not listed in time"
        time.sleep(0.1)


def test_a_graceful_exit_writes_the_batched_last_seen(tmp_path):
    from tests.server import Companion

    data = tmp_path / "data"
    body = request_of(LIST)
    with Companion(data) as companion:
        import requests

        token = Credentials(data).token()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        order_id = session.post(companion.base + "/v1/diagnose", json=body, timeout=30).json()["orders"][0]["order_id"]
        assert session.post(companion.base + "/v1/diagnose", json=later(body, 5), timeout=30).ok
    # stopped with SIGTERM at once, before the batch was due
    assert stored_last_seen(data / "history.sqlite3", order_id) == "2026-09-30T10:00:05+09:00"


def test_an_unchanged_order_is_not_rewritten(tmp_path):
    from companion.diagnosis import examine
    from companion.parsing.base import Capture

    history = store.History(tmp_path / "h.sqlite3")
    meta = request_of(LIST)
    capture = Capture(url=meta["url"], html=meta["html"], payloads=meta.get("payloads", []),
                      captured_at=dates.parse_iso(meta["captured_at"]))
    first = examine(capture, store=history)
    assert first.recorded.changed
    wal = history.path.with_name(history.path.name + "-wal")
    before = (wal.stat().st_size, history.path.stat().st_mtime_ns, history.generation)
    capture.captured_at += timedelta(hours=1)
    again = examine(capture, store=history)
    assert not again.recorded.changed
    assert (wal.stat().st_size, history.path.stat().st_mtime_ns, history.generation) == before
    history.close()
    assert stored_last_seen(history.path, first.answer["orders"][0]["order_id"]) == capture.captured_at.isoformat()


def test_a_rerender_is_answered_without_decoding_its_body(client, auth, monkeypatch):
    from companion.api import diagnose as view

    decoded = []
    real = view.json_object
    monkeypatch.setattr(view, "json_object", lambda: decoded.append(1) or real())
    body = request_of(LIST)
    first = client.post("/v1/diagnose", json=body, headers=auth)
    again = client.post("/v1/diagnose", json=later(body, 5), headers=auth)
    assert first.get_data() == again.get_data()
    assert len(decoded) == 1
