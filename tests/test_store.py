"""The history store: what it remembers, how it exports, and the faults it survives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from companion import store
from companion.app import create_app
from companion.cli import main
from tests.conftest import FIXTURES
from tests.conftest import LocalClient
from tests.parsing.test_fixtures import request_of
from tests.conftest import PORT

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
    app = create_app({"PORT": PORT, "DATA_DIR": str(tmp_path), "RETENTION_DAYS": 30})
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
    assert "9월 30일부터 그대로" in " ".join(order["diagnosis"]["evidence"])


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started(tmp_path, caplog):
    data = tmp_path / "data"
    data.mkdir()
    (data / "history.sqlite3").write_bytes(b"this is not a database" * 100)
    app = create_app({"PORT": PORT, "DATA_DIR": str(data)})
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
        app = create_app({"PORT": PORT, "DATA_DIR": str(mount / "data")})
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
        store.history(app).close()  # before its file system goes away
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


# --- a damaged export, a damaged stored value (issue 11, points 3 and 4) -----------------------


def _ten_orders(app, client, auth) -> dict:
    """An export of ten orders, with parcels and events (nine seen, one more like the first)."""
    seed(client, auth)
    exported = store.export_history(history_of(app))
    tables = exported["tables"]
    first = tables["orders"][0]
    tables["orders"].append({**first, "order_id": "8100000000000001"})
    assert len(tables["orders"]) == 10 and tables["parcels"] and tables["events"]
    return exported


def _damage(exported: dict, how: str) -> dict:
    damaged = json.loads(json.dumps(exported))
    tables = damaged["tables"]
    if how == "status object":
        tables["orders"][3]["status"] = {"$gt": ""}
    elif how == "status null":
        tables["orders"][3]["status"] = None
    elif how == "unknown status":
        tables["orders"][3]["status"] = "lost_in_space"
    elif how == "parcel of another order":
        tables["parcels"][0]["order_id"] = "8999999999999999"
    elif how == "event of another order":
        tables["events"][-1]["order_id"] = "8999999999999999"
    elif how == "first_seen not a date":
        tables["orders"][3]["first_seen"] = "not a date"
    elif how == "ordered_on not a date":
        tables["orders"][3]["ordered_on"] = "2026-13-45"
    elif how == "event time not a time":
        tables["events"][0]["time"] = "yesterday"
    elif how == "flag as text":
        tables["orders"][3]["tracking_seen"] = "yes"
    elif how == "diagnosis not an object":
        tables["orders"][3]["diagnosis"] = "fine"
    elif how == "lone surrogate":
        tables["orders"][3]["status_text"] = "\ud800"
    elif how == "record not an object":
        tables["parcels"][0] = ["8215000000000404"]
    return damaged


DAMAGES = [
    "status object", "status null", "unknown status", "parcel of another order", "event of another order",
    "first_seen not a date", "ordered_on not a date", "event time not a time", "flag as text",
    "diagnosis not an object", "lone surrogate", "record not an object",
]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_export_is_refused_whole_and_the_history_is_kept(app, client, auth, tmp_path, capsys, how):
    """10 orders stored; one bad record in an import: still 10 orders, nothing moved aside, a
    clear message naming the record, exit 2 and no traceback."""
    good = _ten_orders(app, client, auth)
    data = tmp_path / "mine"
    source = tmp_path / "good.json"
    source.write_text(json.dumps(good), encoding="utf-8")
    assert main(["import", str(source), "--data-dir", str(data)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_damage(good, how)), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(bad), "--data-dir", str(data), "--lang", "en"]) == 2
    said = capsys.readouterr().err
    assert "Traceback" not in said and "Nothing was imported" in said, said
    assert "Record 4 of the orders table (order" in said or "Record 1 of the parcels" in said or "of the events table" in said, said
    assert sorted(p.name for p in data.iterdir() if ".corrupt-" in p.name) == []
    mine = store.History(data / "history.sqlite3")
    assert len(store.export_history(mine)["tables"]["orders"]) == 10
    assert store.export_history(mine) == json.loads(json.dumps(good)), "not one record of the bad file was written"


def test_a_damaged_export_is_named_in_korean_too(tmp_path, capsys, app, client, auth):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_damage(_ten_orders(app, client, auth), "first_seen not a date")), encoding="utf-8")
    assert main(["import", str(bad), "--data-dir", str(tmp_path / "mine")]) == 2
    said = capsys.readouterr().err
    assert "주문 표의 4번째 기록" in said and "'first_seen'" in said and "아무것도 가져오지 않았어요" in said, said


def test_the_import_check_knows_every_column_of_the_schema(app):
    from companion.history_file import COLUMNS

    with sqlite3.connect(history_of(app).path) as conn:
        for table, columns in COLUMNS.items():
            assert [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] == list(columns)


def test_a_constraint_error_while_running_moves_nothing_aside(app):
    """Only a damaged file is moved aside; a write SQLite refuses (a bug, a bad value) is not that."""
    history = history_of(app)

    def insert_orphan():
        with history.connect() as conn:
            conn.execute("INSERT INTO parcels VALUES ('8999', 'LP1', NULL, NULL, NULL, '2026-09-30T10:00:00+09:00')")

    with pytest.raises(sqlite3.IntegrityError):
        history._guarded(insert_orphan)
    assert not [p for p in history.path.parent.iterdir() if ".corrupt-" in p.name]


def test_an_unreadable_stored_date_is_unknown_not_a_500(app, client, auth):
    """Values written straight into SQLite (by hand, an old bug): every reading survives them."""
    seed(client, auth)
    order_id = "8215000000000404"
    with sqlite3.connect(history_of(app).path) as conn:
        assert conn.execute(
            "UPDATE orders SET first_seen = 'not a date', last_seen = 'never', ordered_on = 'someday' WHERE order_id = ?", (order_id,)
        ).rowcount == 1
        conn.execute("UPDATE orders SET ordered_on = 'someday', first_seen = x'00ff' WHERE order_id != ?", (order_id,))
        conn.execute("UPDATE events SET time = 'later', first_seen = 'sometime'")
    listed = client.get("/v1/orders", headers=auth)
    assert listed.status_code == 200
    stored = {o["order_id"]: o for o in listed.get_json()["orders"]}
    assert stored[order_id]["first_seen"] is None and stored[order_id]["last_seen"] is None
    for name in ("tracking/ko_0404", "order_list/ko_page2", "tracking/ko_0505"):
        answer = client.post("/v1/diagnose", json=request_of(FIXTURES / f"{name}.capture.json"), headers=auth)
        assert answer.status_code == 200, (name, answer.get_json())
    assert client.get("/v1/orders", headers=auth).status_code == 200
def test_usual_days_come_from_the_users_own_deliveries_of_the_same_method(app, client, auth):
    """Three delivered Selection Standard orders seen: "usually" is the user's own, with its count."""
    track = FIXTURES / "tracking" / "ko_0101.capture.json"
    before = client.post("/v1/diagnose", json=request_of(track), headers=auth).get_json()["orders"][0]["age"]
    assert before["usual"]["basis"] == "default" and "공개 자료 기준" in before["text"]
    delivered = json.dumps(request_of(FIXTURES / "tracking" / "ko_0707.capture.json"), ensure_ascii=False)
    for n in range(3):
        body = json.loads(delivered.replace("8215000000000707", f"82150000000017{n:02d}"))
        assert client.post("/v1/diagnose", json=body, headers=auth).status_code == 200
    after = client.post("/v1/diagnose", json=request_of(track), headers=auth).get_json()["orders"][0]["age"]
    assert after["usual"]["basis"] == "history" and after["usual"]["count"] == 3
    assert "내 기록 3건 기준" in after["text"]
    days = history_of(app).delivered_days()["standard"]
    assert len(days) == 3 and after["usual"]["low"] <= days[0] <= after["usual"]["high"]

def test_each_thread_keeps_one_connection_and_close_ends_them_all(app, client, auth):
    """Opening and closing a connection per call checkpointed and deleted the WAL every time."""
    import threading

    history = history_of(app)
    seed(client, auth)
    wal = history.path.with_name(history.path.name + "-wal")
    assert wal.exists(), "the WAL stays between calls: no checkpoint per call"
    assert len(history._pool.all) == 1  # the test client's thread, after three diagnoses
    first = next(iter(history._pool.all))
    done = threading.Event()

    def read_and_wait():
        history.list_orders(10, None)
        history.list_orders(10, None)  # the same connection again
        done.wait(10)

    threads = [threading.Thread(target=read_and_wait) for _ in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(history._pool.all) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(history._pool.all) == 4 and next(iter(history._pool.all)) is first
    assert set(history._pool.all.values()) == {threading.current_thread(), *threads}
    opened = list(history._pool.all)
    done.set()
    for thread in threads:
        thread.join()
    history.close()
    assert history._pool.all == {}
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")  # closed
    assert not wal.exists(), "the last connection closed checkpoints and removes the WAL"


def test_a_thread_that_ended_leaves_no_connection_open(app, client, auth, monkeypatch):
    """The "last seen" flusher is a thread per batch: each left its connection open (two file
    descriptors and a page cache) for as long as the companion ran."""
    import threading

    monkeypatch.setattr(store, "FLUSH_SECONDS", 0.05)
    history = history_of(app)
    seed(client, auth)
    order_id = history.list_orders(10, None)[0][0]["order_id"]
    for batch in range(3):
        history.touch([order_id], datetime(2026, 9, 30, 12, batch, tzinfo=timezone.utc))
        deadline = time.monotonic() + store.FLUSH_SECONDS + 5
        while history._flusher is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert history._flusher is None, "the batch was written and its flusher ended"
    for flusher in [thread for thread in threading.enumerate() if thread.name == "history-flush"]:
        flusher.join(5)  # it closes its connection as it ends
    assert all(thread.is_alive() for thread in history._pool.all.values())
    # A thread of anyone else that ends: its connection is closed when the next one opens
    for _ in range(3):
        reader = threading.Thread(target=history.list_orders, args=(10, None))
        reader.start()
        reader.join()
    assert len(history._pool.all) <= 2  # this thread's, and the last reader's until the next opens




def test_export_replaces_a_file_with_a_new_owner_only_one(app, client, auth, tmp_path):
    seed(client, auth, ("tracking/ko_0404",))
    out = tmp_path / "history.json"
    out.write_text("old\n")
    out.chmod(0o644)
    assert main(["export", "--data-dir", app.config["DATA_DIR"], "-o", str(out)]) == 0
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert json.loads(out.read_text())["format"] == store.EXPORT_FORMAT


def test_export_never_writes_through_a_link(app, client, auth, tmp_path):
    seed(client, auth, ("tracking/ko_0404",))
    target = tmp_path / "someone-elses.txt"
    target.write_text("keep me\n")
    target.chmod(0o644)
    link = tmp_path / "history.json"
    link.symlink_to(target)
    assert main(["export", "--data-dir", app.config["DATA_DIR"], "-o", str(link)]) == 0
    assert target.read_text() == "keep me\n" and oct(target.stat().st_mode & 0o777) == "0o644"
    assert not link.is_symlink() and oct(link.stat().st_mode & 0o777) == "0o600"
    assert json.loads(link.read_text())["format"] == store.EXPORT_FORMAT


def test_export_to_a_folder_is_a_clear_error(app, tmp_path, capsys):
    assert main(["export", "--data-dir", app.config["DATA_DIR"], "-o", str(tmp_path), "--lang", "en"]) == 2
    said = capsys.readouterr().err
    assert "is a folder" in said and "Traceback" not in said
    assert main(["export", "--data-dir", app.config["DATA_DIR"], "-o", str(tmp_path / "missing" / "h.json")]) == 2
