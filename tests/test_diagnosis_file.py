"""The diagnosis file for a bug report (issue 9): what the extension sent and the answer, with
no name, phone, address or 개인통관고유부호, on every fixture; ``diagnose --report`` replays it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import responses

from companion.cli import main
from companion.diagnosis_file import scrub_html
from companion.lookups import cainiao
from companion.lookups import settings as lookup_settings
from tests.conftest import FIXTURES
from tests.lookups.conftest import net  # noqa: F401  (responses on, fresh breakers)
from tests.lookups.conftest import no_internet  # noqa: F401
from tests.lookups.conftest import releases  # noqa: F401
from tests.lookups.conftest import service  # noqa: F401
from tests.parsing.test_fixtures import request_of

# The fixtures' placeholder people (tests/fixtures/README.md) and a 개인통관고유부호.
PEOPLE = re.compile(r"홍길동|010-0000-0000|0000-0000|예시구|예시로|101동 101호|(?<![A-Za-z0-9])P\d{12}(?!\d)|no-reply@")
REAL = Path(__file__).parent / "lookups" / "fixtures" / "real"
CAPTURES = sorted(FIXTURES.glob("*/*.capture.json"))


def _file(client, auth, body: dict) -> dict:
    reply = client.post("/v1/diagnosis-file", json={**body, "extension_version": "0.1.0"}, headers=auth)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def test_some_fixture_holds_the_people_the_file_must_lose():
    assert sum(bool(PEOPLE.search(c.read_text(encoding="utf-8") + (c.with_name(c.name.replace(".capture.json", ".html")).read_text(encoding="utf-8")
               if c.with_name(c.name.replace(".capture.json", ".html")).exists() else ""))) for c in CAPTURES) >= 5


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_every_fixture_gives_a_file_without_people_that_replays_the_same(capture, client, auth, tmp_path, capsys):
    body = request_of(capture)
    saved = _file(client, auth, body)
    text = json.dumps(saved, ensure_ascii=False)
    assert PEOPLE.findall(text) == []
    assert saved["format"] == "parcel-doctor-diagnosis-file" and saved["versions"]["extension"] == "0.1.0"
    assert saved["request"]["url"] == body["url"]
    path = tmp_path / "diagnosis.json"
    path.write_text(text, encoding="utf-8")
    assert main(["diagnose", "--report", str(path), "--json", "--lang", body.get("lang") or "ko"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert [(o["order_id"], o["diagnosis"]["cause"]) for o in replayed["orders"]] == [
        (o["order_id"], o["diagnosis"]["cause"]) for o in saved["answer"]["orders"]]


def test_a_personal_customs_code_and_a_labelled_address_are_removed(client, auth):
    html = ("<html><body><div class='note'>개인통관고유부호 P123456789012 · 받는 분: 홍길동 / 010-0000-0000</div>"
            "<p>배송지 서울특별시 예시구 예시로 12 101동 101호</p>"
            "<script>window.__INIT_DATA_CALLBACK__({\"contactName\":\"홍길동\",\"mobileNo\":\"01000000000\",\"orderId\":\"8215000000000101\"})</script>"
            "</body></html>")
    saved = _file(client, auth, {"url": "https://www.aliexpress.com/p/order/index.html", "html": html, "captured_at": "2026-09-30T10:00:00+09:00"})
    text = json.dumps(saved, ensure_ascii=False)
    assert PEOPLE.findall(text) == [] and "01000000000" not in text
    assert "8215000000000101" in text  # what a replay needs stays


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.html")))
def test_the_real_courier_pages_lose_their_people_and_keep_their_events(name):
    page = scrub_html((REAL / name).read_text(encoding="utf-8"))
    for person in ("테스트", "테*트", "테*터", "064.710.5200", "1588-0011", "배송사원 :", "수령인:", "배송담당:"):
        assert person not in page, person
    assert "2024-0" in page or "2024.0" in page  # the events' dates stay


def test_a_file_is_saved_with_a_live_provider_on(net, client, auth, app):  # noqa: F811
    """The file's diagnosis goes through the app's live lookups as /v1/diagnose does (once it
    ran without them and answered 500 whenever a provider was on)."""
    net.add(responses.GET, cainiao.URL, status=503)
    lookup_settings.update(app.config["DATA_DIR"], {"providers": {"cainiao": {"enabled": True}}})
    saved = _file(client, auth, request_of(FIXTURES / "tracking/ko_0404.capture.json"))
    assert saved["answer"]["orders"][0]["order_id"] == "8215000000000404"
    assert any("차이냐오" in w for w in saved["answer"]["warnings"])  # Cainiao was asked, and failed
    assert net.calls and all(call.request.url.startswith(cainiao.URL) for call in net.calls)


def test_a_file_that_is_not_one_is_refused(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    assert main(["diagnose", "--report", str(path)]) == 2
    assert "진단 파일이 아니에요" in capsys.readouterr().err


def test_the_file_needs_the_token(client):
    assert client.post("/v1/diagnosis-file", json={"html": "<p/>"}).status_code == 401
