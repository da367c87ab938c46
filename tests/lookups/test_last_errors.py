"""A live lookup's last problem is kept in the data dir (no number, owner-only), and
``parcel-doctor doctor`` names it with its time."""

from __future__ import annotations

import json
import os
import stat

import responses

from companion import lookups
from companion.cli import main
from companion.lookups import cainiao
from companion.lookups import http
from companion.lookups import last_errors

from .conftest import NOW
from .test_enrich import an_order
from .test_enrich import settings


def test_the_last_problem_is_kept_and_doctor_names_it(net, data_dir, monkeypatch, capsys, tmp_path, service):
    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.0)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    net.add(responses.GET, cainiao.URL, status=500)
    lookups.lookup([an_order()], settings("cainiao"), NOW, data_dir, service=service).warnings_in("en")
    file = data_dir / last_errors.FILENAME
    saved = json.loads(file.read_text(encoding="utf-8"))
    assert saved["cainiao"]["kind"] == "server_error" and saved["cainiao"]["at"] == "2026-09-30T10:00:00+09:00"
    assert "LP00432912345678" not in file.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600

    (data_dir / "settings.json").write_text(json.dumps({"providers": {"cainiao": {"enabled": True}}}))
    os.chmod(data_dir / "settings.json", 0o600)
    main(["doctor", "--port", "1", "--data-dir", str(data_dir)])
    out = capsys.readouterr().out
    assert f"마지막 오류 (2026-09-30 10:00): {saved['cainiao']['ko']}" in out and "차이냐오" in saved["cainiao"]["ko"]


def test_no_problem_writes_nothing(net, data_dir, service):
    lookups.lookup([an_order()], settings(), NOW, data_dir, service=service).warnings_in("en")
    assert not (data_dir / last_errors.FILENAME).exists()
