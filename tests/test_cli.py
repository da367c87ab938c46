"""The parcel-doctor command line (DESIGN.md §4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from companion.cli import main
from tests.conftest import ROOT

HTML = "<html><body><p>운송장 번호: 561000000505 (CJ대한통운) 그리고 RR123456785CN</p></body></html>"


def test_identify_json(capsys):
    assert main(["identify", "RR123456785CN", "RB123456786CN", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["valid"] is True and out[0]["carriers"][0]["id"] == "china-post"
    assert out[1]["valid"] is False and "check digit" in out[1]["reason"]


def test_identify_resolves_an_ambiguous_number_by_the_name_on_the_page(capsys):
    main(["identify", "561000000505", "--hint", "CJ", "--json"])
    assert [c["id"] for c in json.loads(capsys.readouterr().out)[0]["carriers"]] == ["kr.cjlogistics"]


def test_identify_table_is_korean_by_default(capsys):
    main(["identify", "LP00123456789012"])
    assert "유효" in capsys.readouterr().out


def test_diagnose_json_is_exactly_the_api_response(tmp_path, capsys, client, auth):
    page = tmp_path / "mail.html"
    page.write_text(HTML, encoding="utf-8")
    main(["diagnose", str(page), "--json", "--now", "2026-09-30T10:00:00+09:00"])
    cli = json.loads(capsys.readouterr().out)
    api = client.post("/v1/diagnose", json={"html": HTML, "captured_at": "2026-09-30T10:00:00+09:00"}, headers=auth).get_json()
    assert cli == api


def test_diagnose_with_a_payload_file(tmp_path, capsys):
    payload = tmp_path / "querydetail.json"
    payload.write_text(json.dumps({"api": "mtop.ae.ld.querydetail", "data": {"data": {"module": {"trackingDetailLineList": [
        {"mailNo": "LP00900000000303", "logisticsCarrierName": "Cainiao Super Economy Global",
         "detailList": [{"timeText": "2026-09-02 10:00:00", "trackingSecondCode": "AE_LH_HO_AIRLINE", "trackingDetailDesc": "Awaiting flight"}]}]}}}}))
    empty = tmp_path / "empty.html"
    empty.write_text("", encoding="utf-8")
    main(["diagnose", str(empty), "--payload", str(payload), "--url",
          "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000303", "--now", "2026-09-30T10:00:00+09:00"])
    out = capsys.readouterr().out
    assert "8215000000000303" in out and "저가 배송 옵션" in out


def test_diagnose_reports_a_missing_file(capsys):
    assert main(["diagnose", "/nonexistent/page.html"]) == 2
    assert "파일을 읽을 수 없어요" in capsys.readouterr().err


def test_diagnose_remembers_with_a_data_dir(tmp_path, capsys):
    page = tmp_path / "list.html"
    page.write_text('<div class="order-item"><span class="order-item-header-status-text">배송 대기 중</span>'
                    '<a href="/p/order/detail.html?orderId=8215000000000101">상세</a></div>', encoding="utf-8")
    main(["diagnose", str(page), "--url", "https://www.aliexpress.com/p/order/index.html", "--data-dir", str(tmp_path / "d")])
    assert (tmp_path / "d" / "history.sqlite3").exists()
    assert oct((tmp_path / "d" / "history.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_token_and_pairing_code(tmp_path, capsys):
    main(["token", "--data-dir", str(tmp_path)])
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32
    assert oct((tmp_path / "token").stat().st_mode & 0o777) == "0o600"
    main(["token", "--data-dir", str(tmp_path)])
    assert capsys.readouterr().out.strip() == token
    main(["token", "--pairing-code", "--data-dir", str(tmp_path)])
    assert len(capsys.readouterr().out.strip().split()[-1]) == 8


def test_the_console_script_is_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
    done = subprocess.run([exe, "identify", "SWX900000000000000404", "--json", "--lang", "en"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["carriers"][0]["name"] == "Cainiao"


# --- --data-dir never changes a folder that is not only ours (issue 11, point 8) -----------------


def test_a_shared_data_dir_keeps_its_mode_and_gets_our_own_folder(tmp_path, capsys):
    from companion import datadir

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    assert main(["token", "--data-dir", str(shared)]) == 0
    assert oct(shared.stat().st_mode & 0o7777) == "0o1777"
    ours = shared / datadir.SUBDIR
    assert (ours / "token").exists() and oct(ours.stat().st_mode & 0o777) == "0o700"
    assert capsys.readouterr().out.strip() == (ours / "token").read_text().strip()


def test_a_folder_of_another_user_is_not_changed(tmp_path):
    from companion import datadir

    if os.getuid() != 0:
        import pytest

        pytest.skip("making a folder another user's needs root")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, 12345, 12345)
    assert datadir.resolve(theirs) == theirs / datadir.SUBDIR
    info = theirs.stat()
    assert (info.st_uid, oct(info.st_mode & 0o7777)) == (12345, "0o755")


def test_our_name_taken_in_a_shared_folder_is_refused(tmp_path, capsys):
    from companion import datadir

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    (shared / datadir.SUBDIR).symlink_to(elsewhere)
    assert main(["token", "--data-dir", str(shared), "--lang", "en"]) == 2
    assert "link" in capsys.readouterr().err
    assert oct(elsewhere.stat().st_mode & 0o777) == "0o755" and not (elsewhere / "token").exists()


def test_a_file_as_data_dir_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "file"
    path.write_text("x")
    assert main(["token", "--data-dir", str(path)]) == 2
    assert "폴더가 아니에요" in capsys.readouterr().err


def test_a_private_folder_of_ours_becomes_the_owners_alone(tmp_path):
    from companion import datadir

    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    os.chmod(mine, 0o755)
    assert datadir.resolve(mine) == mine and oct(mine.stat().st_mode & 0o777) == "0o700"
