"""The parcel-doctor command line (docs/design.md §4)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from companion.cli import main
from tests.conftest import ROOT

HTML = "<html><body><p>운송장 번호: 561000000505 (CJ대한통운) 그리고 RR123456785CN</p></body></html>"


def test_identify_json(capsys):
    assert main(["identify", "RR123456785CN", "RB123456786CN", "--json"]) == 1  # one is invalid
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


TRACKING_PAGE = ROOT / "tests" / "fixtures" / "tracking" / "ko_0101.html"
NOW = "2026-09-30T10:00:00+09:00"


def test_help_is_in_the_chosen_language_for_every_option(capsys):
    import pytest

    for argv, lang in ((["--help"], "ko"), (["diagnose", "--help"], "ko"), (["diagnose", "--help", "--lang", "en"], "en")):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
        out = capsys.readouterr().out
        if lang == "ko":
            assert "사용법:" in out and "usage:" not in out and "show this help" not in out and "options:" not in out
        else:
            assert "usage:" in out and "사용법" not in out
    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    out = capsys.readouterr().out
    for option in ("--url", "--payload", "--now", "--json", "--data-dir", "--lang"):
        line = next(line for line in out.splitlines() if line.strip().startswith(option))
        assert any("가" <= ch <= "힣" for ch in line), f"{option} has no Korean help: {line}"


def test_a_parser_error_is_said_in_korean_with_exit_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as done:
        main(["identify"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "꼭 넣어야 하는 값이 빠졌어요" in err and "required" not in err


def test_the_korean_table_has_no_english_fragments(tmp_path, capsys):
    saved = tmp_path / "tracking.html"
    saved.write_text(TRACKING_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    payload = ROOT / "tests" / "fixtures" / "tracking" / "ko_hold_0410.capture.json"
    body = json.loads(payload.read_text(encoding="utf-8"))
    (tmp_path / "p.json").write_text(json.dumps(body["payloads"][0]), encoding="utf-8")
    assert main(["diagnose", str(saved), "--url", body["url"], "--payload", str(tmp_path / "p.json"), "--now", NOW]) == 0
    out = re.sub(r"https://\S+", "", capsys.readouterr().out)
    for fragment in ("unknown", "customs", "check digit", "last event", "AE_"):
        assert fragment not in out, fragment
    assert "통관 중" in out or "통관 보류" in out


def test_a_saved_tracking_page_is_recognised_from_its_content(tmp_path, capsys):
    url = "https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000101"
    saved = tmp_path / "saved.html"
    saved.write_text(f"<!-- saved from url=(0076){url} -->\n" + TRACKING_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["diagnose", str(saved), "--now", NOW]) == 0
    captured = capsys.readouterr()
    assert "8215000000000101" in captured.out and "정상 배송 중" in captured.out
    assert url in captured.err
    # Without any address in it, the user is told what to add, in words.
    assert main(["diagnose", str(TRACKING_PAGE), "--now", NOW]) == 0
    err = capsys.readouterr().err
    assert "--url에 페이지 주소를 넣어 주세요" in err and "does not say" not in err


def test_not_a_url_binary_and_empty_files_are_refused_with_exit_2(tmp_path, capsys):
    assert main(["diagnose", str(TRACKING_PAGE), "--url", "not a url"]) == 2
    assert "--url에는" in capsys.readouterr().err
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert main(["diagnose", str(binary)]) == 2
    assert "웹 페이지(HTML) 파일이 아니에요" in capsys.readouterr().err
    empty = tmp_path / "empty.html"
    empty.write_text("  \n", encoding="utf-8")
    assert main(["diagnose", str(empty), "--lang", "en"]) == 2
    assert "The file is empty" in capsys.readouterr().err


def test_a_repeated_warning_is_said_once_with_a_count(tmp_path, capsys):
    page = tmp_path / "list.html"
    page.write_text("<html><body>" + '<div class="order-item"><p>주문</p></div>' * 500 + "</body></html>", encoding="utf-8")
    assert main(["diagnose", str(page), "--url", "https://www.aliexpress.com/p/order/index.html", "--now", NOW]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["주의: 주문번호가 없는 주문 카드를 건너뛰었어요 (500번)"]


def test_export_onto_a_directory_is_a_clear_error(tmp_path, capsys):
    assert main(["export", "--data-dir", str(tmp_path / "data"), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "폴더예요" in err and "Traceback" not in err


def test_import_errors_are_said_in_words_not_python(tmp_path, capsys):
    data = str(tmp_path / "data")
    cases = {
        b"\xff\xfe\x00binary": "글자로 된 파일이 아니에요",
        b'{"format":': "JSON 형식이 아니에요",
        b'{"format": "something else"}': "Parcel Doctor 기록 내보내기 파일이 아니에요",
    }
    for content, said in cases.items():
        path = tmp_path / "in.json"
        path.write_bytes(content)
        assert main(["import", str(path), "--data-dir", data]) == 2
        err = capsys.readouterr().err
        assert said in err and "codec" not in err and "Expecting" not in err


def test_identify_refuses_phone_numbers_and_exits_non_zero_for_invalid_numbers(capsys):
    assert main(["identify", "010-0000-0000"]) == 1
    out = capsys.readouterr().out
    assert "로젠" not in out and "휴대전화 번호" in out
    assert main(["identify", "RB123456786CN"]) == 1
    assert "마지막 검증 숫자가 맞지 않아요" in capsys.readouterr().out
    assert main(["identify", "RR123456785CN"]) == 0


def test_an_ambiguous_all_digit_number_says_how_it_will_be_decided(capsys):
    assert main(["identify", "561000000505"]) == 0
    assert "CJ대한통운 또는 한진택배 — 페이지에 적힌 택배사로 정해요" in capsys.readouterr().out


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
