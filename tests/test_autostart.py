"""``parcel-doctor autostart``: each platform's file, checked the way that platform reads it, and
``enable`` on this machine for real where a user systemd answers (else the reason it gives)."""

from __future__ import annotations

import configparser
import plistlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest

from companion import autostart
from companion.cli import main
from tests.server import free_port

INSTALLED = Path(sys.executable).parent / "parcel-doctor"
TASK = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home of its own: enable/disable never touch the real user's files."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    return tmp_path / "home"


def show(capsys, platform: str, *extra: str) -> str:
    assert main(["autostart", "show", "--platform", platform, *extra]) == 0
    return capsys.readouterr().out


def unit_sections(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_linux_unit_runs_the_installed_command_and_restarts_on_failure(capsys, home):
    text = show(capsys, "linux")
    unit = unit_sections(text)
    assert unit["Service"]["ExecStart"] == f'"{INSTALLED}" "serve"'
    assert Path(unit["Service"]["ExecStart"].split('"')[1]).is_absolute()
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "default.target"
    assert autostart.entry("linux").path == home / ".config" / "systemd" / "user" / "parcel-doctor.service"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed here")
def test_systemd_analyze_verifies_the_unit_even_with_odd_paths(capsys, tmp_path):
    """A data dir with a space, a % (a systemd specifier) and a $ is passed literally."""
    odd = tmp_path / "my data %h $HOME"
    text = show(capsys, "linux", "--port", "9999", "--data-dir", str(odd))
    assert f'"--data-dir" "{str(odd).replace("%", "%%").replace("$", "$$")}"' in text
    unit = tmp_path / "parcel-doctor.service"
    unit.write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and str(unit) not in result.stderr + result.stdout, result.stderr
    broken = tmp_path / "broken.service"
    broken.write_text(text.replace(str(INSTALLED), "/nonexistent/parcel-doctor"))
    assert subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, timeout=60).returncode != 0


def test_macos_launch_agent_parses_and_keeps_alive_after_a_crash(capsys, home):
    agent = plistlib.loads(show(capsys, "macos", "--port", "9876").encode())
    assert agent["Label"] == autostart.LAUNCH_LABEL
    assert agent["ProgramArguments"] == [str(INSTALLED), "serve", "--port", "9876"]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}, "a stop (exit 0) is not undone; a crash is restarted"
    assert autostart.entry("macos").path == home / "Library" / "LaunchAgents" / "org.parceldoctor.companion.plist"


def test_windows_task_parses_runs_at_logon_without_a_console(capsys, tmp_path):
    data = tmp_path / "Mes données"
    text = show(capsys, "windows", "--data-dir", str(data))
    task = ET.fromstring(text.encode("utf-16"))  # as schtasks reads the file enable writes
    assert task.find(f"{TASK}Triggers/{TASK}LogonTrigger/{TASK}Enabled").text == "true"
    user = task.find(f"{TASK}Triggers/{TASK}LogonTrigger/{TASK}UserId").text
    assert user and task.find(f"{TASK}Principals/{TASK}Principal/{TASK}UserId").text == user
    assert task.find(f"{TASK}Principals/{TASK}Principal/{TASK}RunLevel").text == "LeastPrivilege"
    command = task.find(f"{TASK}Actions/{TASK}Exec/{TASK}Command").text
    assert command == str(INSTALLED.parent / "parcel-doctorw.exe"), "the gui-script: no console window"
    assert task.find(f"{TASK}Actions/{TASK}Exec/{TASK}Arguments").text == f'serve --data-dir "{data}"'
    assert task.find(f"{TASK}Settings/{TASK}RestartOnFailure/{TASK}Count").text == "3"
    assert autostart.entry("windows").encoding == "utf-16"


def test_the_windowless_entry_point_is_declared():
    scripts = {e.name: e.value for e in metadata.entry_points(group="gui_scripts")}
    assert scripts.get("parcel-doctorw") == "companion.cli:main"


def test_enable_on_this_machine(home, capsys):
    """Enabled for real where a user systemd answers; otherwise it says why and writes nothing."""
    if autostart.current_platform() != "linux":
        pytest.skip("the real enable runs on Linux test machines")
    port = free_port()
    data = home / "data"
    why = autostart.systemd_user_available()
    code = main(["autostart", "enable", "--port", str(port), "--data-dir", str(data)])
    out = capsys.readouterr()
    unit = home / ".config" / "systemd" / "user" / "parcel-doctor.service"
    if why is None:
        try:
            assert code == 0 and unit.exists()
            assert main(["autostart", "status"]) == 0
            from companion import service

            for _ in range(50):
                if service.probe(port):
                    break
                import time

                time.sleep(0.2)
            assert service.probe(port), "systemd started the companion"
        finally:
            assert main(["autostart", "disable"]) == 0
        assert not unit.exists()
        return
    print("autostart enable here:", out.err)  # shown with -rA / -s: why this machine cannot
    assert code == 2
    assert "사용자 systemd에 연결할 수 없어서" in out.err and why in out.err
    assert not unit.exists(), "nothing is written when it cannot be enabled"
    assert main(["autostart", "status"]) == 3


def test_status_and_disable_follow_the_file(home, capsys):
    if autostart.current_platform() != "linux":
        pytest.skip("Linux paths")
    assert main(["autostart", "status", "--lang", "en"]) == 3
    assert "Autostart is off" in capsys.readouterr().out
    item = autostart.entry("linux")
    item.path.parent.mkdir(parents=True)
    item.path.write_text(item.text)
    assert main(["autostart", "status"]) == 0
    assert "자동 실행이 켜져 있어요" in capsys.readouterr().out
    assert main(["autostart", "disable"]) == 0
    assert not item.path.exists()


def test_enable_for_another_system_only_shows(capsys):
    other = "windows" if autostart.current_platform() != "windows" else "linux"
    assert main(["autostart", "enable", "--platform", other]) == 2
    assert "show" in capsys.readouterr().err
