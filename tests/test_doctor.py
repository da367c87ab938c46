"""``parcel-doctor doctor`` on a deliberately broken data dir: each problem named, with the one
command that fixes it; running those commands makes the problems go."""

from __future__ import annotations

import json
import os
import socket
import subprocess

import pytest

from companion.cli import main

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))


def broken(tmp_path):
    data = tmp_path / "my data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "token").write_text("t" * 43 + "\n")
    os.chmod(data / "token", 0o644)
    (data / "settings.json").write_text(json.dumps({"providers": {"unipass": {"enabled": True}}}))
    os.chmod(data / "settings.json", 0o600)
    return data


def fixes(out: str) -> list[str]:
    return [line.strip()[2:] for line in out.splitlines() if line.strip().startswith("→ ")]


def test_doctor_names_each_problem_and_the_command_that_fixes_it(tmp_path, capsys, home):
    data = broken(tmp_path)
    with socket.socket() as other:  # another program holds the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        code = main(["doctor", "--port", str(port), "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert code == 1
    assert "다른 사용자도 읽을 수 있는 파일이 있어요" in out and "token (644)" in out and "(755)" in out
    assert f"{port}번 포트를 다른 프로그램이 쓰고 있어요" in out
    assert "확장 프로그램이 아직 연결되지 않았어요" in out
    assert "자동 실행이 꺼져 있어요" in out
    assert "시계: " in out and "디스크 여유 공간" in out
    assert "실시간 조회: " in out and "API 키가 없어요" in out
    commands = fixes(out)
    assert f"chmod -R go-rwx '{data}'" in commands
    assert f"parcel-doctor serve --port {port + 1}" in commands
    assert "parcel-doctor token --pairing-code" in commands
    assert f"parcel-doctor autostart enable --port {port}" in commands
    assert "고칠 점" in out
    # doctor only looks: the modes are as they were
    assert oct(os.stat(data).st_mode & 0o777) == "0o755" and oct(os.stat(data / "token").st_mode & 0o777) == "0o644"

    subprocess.run(f"chmod -R go-rwx '{data}'", shell=True, check=True)
    main(["doctor", "--port", str(port), "--data-dir", str(data), "--lang", "en"])
    after = capsys.readouterr().out
    assert "Others can read" not in after and "Data folder: yours alone" in after
    assert "Parcel Doctor check-up" in after and "UNI-PASS" in after


def test_doctor_on_a_missing_data_dir_creates_nothing(tmp_path, capsys, home):
    data = tmp_path / "not yet"
    main(["doctor", "--port", "1", "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert "데이터 폴더가 아직 없어요" in out
    assert not data.exists()


def test_doctor_says_the_clock_went_back(tmp_path, capsys, home):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    future = data / "history.sqlite3"
    future.write_bytes(b"")
    os.chmod(future, 0o600)
    later = future.stat().st_mtime + 86400
    os.utime(future, (later, later))
    main(["doctor", "--port", "1", "--data-dir", str(data)])
    out = capsys.readouterr().out
    assert "시계가 늦어요" in out


def test_doctor_on_a_free_port_says_how_to_start(tmp_path, capsys, home):
    from tests.server import free_port

    port = free_port()
    main(["doctor", "--port", str(port), "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert f"{port}번 포트: Parcel Doctor가 꺼져 있어요." in out
    assert f"    → parcel-doctor autostart enable --port {port}" in out.splitlines()
