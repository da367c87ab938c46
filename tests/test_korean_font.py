"""scripts/korean-font: installs fonts-noto-cjk only when fc-list knows no Korean font (fc-list,
apt-get and sudo are stand-ins on PATH here: the test must not install anything)."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "korean-font"


def stand_ins(tmp_path, has_font: bool):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    installed = tmp_path / "installed"
    if has_font:
        installed.touch()
    (bin_dir / "fc-list").write_text(f'#!/bin/sh\n[ -e "{installed}" ] && echo "/usr/share/fonts/NotoSansCJK-Regular.ttc: Noto Sans CJK KR"\nexit 0\n')
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\ncase "$*" in *fonts-noto-cjk*) touch "{installed}";; esac\n')
    (bin_dir / "sudo").write_text('#!/bin/sh\nexec "$@"\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return env, log


def test_without_a_korean_font_it_installs_noto_cjk(tmp_path):
    env, log = stand_ins(tmp_path, has_font=False)
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq"
    assert "install" in calls[1] and "fonts-noto-cjk" in calls[1].split()


def test_with_a_korean_font_it_does_nothing(tmp_path):
    env, log = stand_ins(tmp_path, has_font=True)
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not log.exists()
