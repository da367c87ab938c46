"""The package people install: a wheel built from the project's files, installed into a new
virtual environment outside the repository, serves from another directory with nothing else of
the repository, pairs, diagnoses, answers ``status`` and prints each platform's autostart file.

Offline: the wheel is built with the setuptools already in the test environment
(``--no-build-isolation --no-index``), and the new environment sees the test environment's
dependencies through a .pth file (a venv made from a venv cannot use ``--system-site-packages``
for that: it would see the base interpreter's, not ours). The new environment's own
site-packages comes first, so ``companion`` is the wheel's; a test proves it.
"""

from __future__ import annotations

import json
import plistlib
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import requests

from tests.conftest import FIXTURES
from tests.conftest import ROOT
from tests.server import Companion

ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "companion")


def build_wheel(tmp: Path) -> Path:
    """The wheel, built from a copy of the project's sources (as a fresh clone has them)."""
    src = tmp / "src"
    src.mkdir(parents=True)
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert "license" not in build.stderr.lower(), build.stderr  # the SPDX license: no warnings
    (found,) = (tmp / "dist").glob("parcel_doctor-*.whl")
    return found


def install_in_new_venv(wheel: Path, tmp: Path) -> Path:
    """A new environment outside the repository with the wheel installed (no pip of its own)."""
    env = tmp / "env"
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    python = env / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True).stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    assert "warning" not in install.stderr.lower(), install.stderr
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    return install_in_new_venv(wheel, tmp_path_factory.mktemp("venv"))


def test_every_data_file_of_the_package_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [p.relative_to(ROOT).as_posix() for p in (ROOT / "companion").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert data, "links.json, carriers.json, vocabularies, thresholds, messages, openapi.json"
    assert {"companion/links.json", "companion/numbers/carriers.json", "companion/rules/thresholds.json", "companion/api/openapi.json"} <= set(data)
    assert sorted(set(data) - names) == []
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    entry_points = zipfile.ZipFile(wheel).read(metadata.replace("METADATA", "entry_points.txt")).decode()
    assert "parcel-doctor = companion.cli:main" in entry_points and "parcel-doctorw = companion.cli:main" in entry_points


def test_the_installed_command_serves_pairs_diagnoses_and_answers_status(venv, tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = venv / "bin" / "parcel-doctor"
    where = subprocess.run([venv / "bin" / "python", "-c", "import companion; print(companion.__file__)"], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(venv), "the wheel's companion, not the repository's"

    data = tmp_path / "data"
    with Companion(data, exe=str(exe), cwd=elsewhere) as companion:
        health = requests.get(companion.base + "/v1/health", timeout=5).json()
        assert health["status"] == "ok" and health["api_version"] >= 2 and health["pid"] == companion.process.pid
        paired = requests.post(companion.base + "/v1/pair", json={"code": companion.printed_code}, headers={"Origin": ORIGIN}, timeout=5)
        assert paired.status_code == 200
        headers = {"Authorization": f"Bearer {paired.json()['token']}", "Origin": ORIGIN}
        capture = json.loads((FIXTURES / "order_list" / "ko_page1.capture.json").read_text(encoding="utf-8"))
        html = (FIXTURES / "order_list" / "ko_page1.html").read_text(encoding="utf-8")
        answer = requests.post(companion.base + "/v1/diagnose", json={"url": capture["url"], "html": html, "captured_at": capture["captured_at"]}, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        orders = answer.json()["orders"]
        assert orders and all(o["diagnosis"]["title"] for o in orders), "rules, thresholds and vocabularies were read"
        assert requests.get(companion.base + "/v1/openapi.json", timeout=5).json()["info"]["x-api-version"] == health["api_version"]

        status = subprocess.run([exe, "status", "--port", str(companion.port), "--data-dir", str(data)], cwd=elsewhere, capture_output=True, text=True, timeout=60)
        assert status.returncode == 0, status.stdout + status.stderr
        assert f"PID {companion.process.pid}" in status.stdout and "연결됐어요" in status.stdout

        unit = subprocess.run([exe, "autostart", "show", "--platform", "linux"], cwd=elsewhere, capture_output=True, text=True, check=True).stdout
        assert f'ExecStart="{exe}" "serve"' in unit
        if shutil.which("systemd-analyze"):
            (tmp_path / "parcel-doctor.service").write_text(unit)
            verify = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "parcel-doctor.service")], capture_output=True, text=True, timeout=60)
            assert verify.returncode == 0 and "parcel-doctor.service" not in verify.stderr, verify.stderr
        agent = plistlib.loads(subprocess.run([exe, "autostart", "show", "--platform", "macos"], cwd=elsewhere, capture_output=True, check=True).stdout)
        assert agent["ProgramArguments"] == [str(exe), "serve"]
        task = subprocess.run([exe, "autostart", "show", "--platform", "windows"], cwd=elsewhere, capture_output=True, text=True, check=True).stdout
        command = ET.fromstring(task.encode("utf-16")).find(".//{http://schemas.microsoft.com/windows/2004/02/mit/task}Command").text
        assert command == str(venv / "bin" / "parcel-doctorw.exe")
        assert (venv / "bin" / "parcel-doctorw").exists(), "the windowless entry point is installed"

        stop = subprocess.run([exe, "stop", "--port", str(companion.port), "--data-dir", str(data)], cwd=elsewhere, capture_output=True, text=True, timeout=60)
        assert stop.returncode == 0, stop.stdout + stop.stderr
        assert companion.process.wait(timeout=15) == 0
