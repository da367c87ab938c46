"""The history store: what it remembers, how it exports, and the faults it survives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from companion import store
from companion.app import create_app
from companion.cli import main
from tests.conftest import FIXTURES
from tests.conftest import LocalClient
from tests.parsing.test_fixtures import request_of

DETAIL = FIXTURES / "order_detail" / "ko_0404.capture.json"


def seed(client, auth, names=("tracking/ko_0404", "tracking/ko_0505", "order_list/ko_page2")):
    for name in names:
        assert client.post("/v1/diagnose", json=request_of(FIXTURES / f"{name}.capture.json"), headers=auth).status_code == 200


def history_of(app) -> store.History:
    return store.history(app)


def test_the_schema_version_is_the_number_of_migrations(app):
    with sqlite3.connect(history_of(app).path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_newer_schema_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={len(store.MIGRATIONS) + 1}")
    with pytest.raises(store.StorageUnavailable):
        store.History(path)


def test_export_import_round_trips_exactly(app, client, auth, tmp_path):
    seed(client, auth)
    exported = store.export_history(history_of(app))
    assert len(exported["tables"]["orders"]) == 9
    other = store.History(tmp_path / "other.sqlite3")
    assert store.import_history(other, json.loads(json.dumps(exported))) == 9
    assert store.export_history(other) == exported


def test_import_is_all_or_nothing(app, client, auth, tmp_path):
    seed(client, auth)
    exported = store.export_history(history_of(app))
    exported["tables"]["events"][-1] = {"broken": True}
    other = store.History(tmp_path / "other.sqlite3")
    with pytest.raises(ValueError):
        store.import_history(other, exported)
    assert store.export_history(other)["tables"]["orders"] == []
    with pytest.raises(ValueError):
        store.import_history(other, {"format": "something else"})


def test_export_and_import_commands(app, client, auth, tmp_path, capsys):
    seed(client, auth)
    out = tmp_path / "history.json"
    assert main(["export", "--data-dir", app.config["DATA_DIR"], "--output", str(out)]) == 0
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert main(["import", str(out), "--data-dir", str(tmp_path / "new")]) == 0
    assert "9" in capsys.readouterr().out
    main(["export", "--data-dir", str(tmp_path / "new")])
    assert json.loads(capsys.readouterr().out) == json.loads(out.read_text())
    assert main(["import", str(tmp_path / "missing.json"), "--data-dir", str(tmp_path / "new")]) == 2


def test_retention_forgets_orders_not_seen_for_long(tmp_path):
    app = create_app({"PORT": 8765, "DATA_DIR": str(tmp_path), "RETENTION_DAYS": 30})
    app.test_client_class = LocalClient
    client = app.test_client()
    from companion.security import Credentials

    auth = {"Authorization": f"Bearer {Credentials(tmp_path).token()}"}
    seed(client, auth, ("tracking/ko_0404",))
    later = request_of(FIXTURES / "tracking" / "ko_0505.capture.json") | {"captured_at": "2026-12-01T10:00:00+09:00"}
    client.post("/v1/diagnose", json=later, headers=auth)
    ids = [o["order_id"] for o in client.get("/v1/orders", headers=auth).get_json()["orders"]]
    assert ids == ["8215000000000505"]


def test_every_file_written_is_the_owners_alone(app, client, auth):
    client.post("/v1/pair", json={"code": "WRONG"})
    seed(client, auth)
    files = [p for p in Path(app.config["DATA_DIR"]).iterdir()]
    assert {p.name for p in files} >= {"token", "history.sqlite3"}
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
    assert Path(app.config["DATA_DIR"]).stat().st_mode & 0o077 == 0


def test_no_personal_data_is_stored(app, client, auth):
    """The fixtures carry a placeholder name, phone and address, as real pages do."""
    seed(client, auth, ("tracking/ko_0404", "order_detail/ko_0404", "tracking/ko_0505"))
    raw = history_of(app).path.read_bytes() + json.dumps(store.export_history(history_of(app)), ensure_ascii=False).encode()
    for personal in ("홍길동", "010-0000-0000", "예시구", "P123456789012"):
        assert personal.encode() not in raw


def test_an_undated_event_is_dated_by_when_we_first_saw_it(client, auth):
    """The detail page prints the latest event without a date; 12 days later it is stalled."""
    first = request_of(DETAIL)
    first["html"] = first["html"].replace("2026-09-27 14:02", "")  # a detail page without the time
    first["html"] = first["html"].replace("통관 시작", "항공편 대기 중")
    client.post("/v1/diagnose", json=first, headers=auth)
    later = dict(first, captured_at="2026-10-12T10:00:00+09:00")
    order = client.post("/v1/diagnose", json=later, headers=auth).get_json()["orders"][0]
    assert order["diagnosis"]["cause"] == "stalled"
    assert "unchanged since first seen 2026-09-30" in " ".join(order["diagnosis"]["evidence"])


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started(tmp_path, caplog):
    data = tmp_path / "data"
    data.mkdir()
    (data / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    app = create_app({"PORT": 8765, "DATA_DIR": str(data)})
    assert any(p.name.startswith("history.sqlite3.corrupt-") for p in data.iterdir())
    assert "moved aside" in caplog.text
    assert store.export_history(store.history(app))["tables"]["orders"] == []


def test_corruption_while_running_is_recovered(app, client, auth):
    seed(client, auth, ("tracking/ko_0404",))
    path = history_of(app).path
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 1000)
    response = client.post("/v1/diagnose", json=request_of(FIXTURES / "tracking" / "ko_0505.capture.json"), headers=auth)
    assert response.status_code == 200
    assert [o["order_id"] for o in client.get("/v1/orders", headers=auth).get_json()["orders"]] == ["8215000000000505"]


def _immutable(path: Path, on: bool) -> bool:
    """Make a file read-only even for root (chattr +i); False where that is not possible."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True).returncode == 0


def test_a_read_only_database_gives_503_then_recovers(app, client, auth):
    seed(client, auth, ("tracking/ko_0404",))
    path = history_of(app).path
    if not _immutable(path, True):
        pytest.skip("chattr +i is not available here (needs root and a file system that supports it)")
    try:
        response = client.post("/v1/diagnose", json=request_of(FIXTURES / "tracking" / "ko_0505.capture.json"), headers=auth)
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "storage_unavailable"
    finally:
        _immutable(path, False)
    response = client.post("/v1/diagnose", json=request_of(FIXTURES / "tracking" / "ko_0505.capture.json"), headers=auth)
    assert response.status_code == 200
    assert len(client.get("/v1/orders", headers=auth).get_json()["orders"]) == 2


def test_a_full_disk_gives_503_then_recovers(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        app = create_app({"PORT": 8765, "DATA_DIR": str(mount / "data")})
        app.test_client_class = LocalClient
        client = app.test_client()
        from companion.security import Credentials

        auth = {"Authorization": f"Bearer {Credentials(mount / 'data').token()}"}
        filler = mount / "filler"
        with open(filler, "wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        body = request_of(FIXTURES / "order_list" / "ko_page2.capture.json")
        response = client.post("/v1/diagnose", json=body, headers=auth)
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "storage_unavailable"
        filler.unlink()
        response = client.post("/v1/diagnose", json=body, headers=auth)
        assert response.status_code == 200
        assert len(client.get("/v1/orders", headers=auth).get_json()["orders"]) == 9
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_the_source_of_a_live_event_survives_a_restart(tmp_path):
    from companion.models import Event
    from companion.models import Order
    from companion.models import Page
    from companion.models import Parcel
    from companion.models import Tracking
    from companion import dates

    history = store.History(tmp_path / "h.sqlite3")
    now = dates.parse_iso("2026-09-30T10:00:00+09:00")
    event = Event(time=now, text="반출신고", milestone="handover", source="UNI-PASS")
    order = Order(order_id="8215000000000404", parcels=[Parcel(tracking_number="SWX900000000000000404", events=[event])], sources=["tracking JSON"], tracking=Tracking.READ)
    item = {"order_id": order.order_id, "status": "unknown", "status_text": "", "ordered_on": None, "parcels": [], "diagnosis": {}}
    history.record({"orders": [item]}, Page(orders=[order]), now)
    again = store.History(tmp_path / "h.sqlite3")
    listed = Order(order_id="8215000000000404")
    again.recall_many([listed], now)
    assert [e.source for e in listed.parcels[0].events] == ["UNI-PASS"]
