"""The live lookups inside a whole diagnosis, through the CLI and the API: the live cause with
its source when providers are on (faked by ``responses``), nothing sent when they are off."""

from __future__ import annotations

import json
import re

import responses

from companion.cli import main
from companion.lookups import cainiao
from companion.lookups import settings as lookup_settings
from companion.lookups import unipass
from tests.conftest import FIXTURES
from tests.parsing.test_fixtures import request_of

from .conftest import payload
from .conftest import payload_json
from tests.conftest import PORT

KEY = "q260t225s025d125g080x030"
CUSTOMS = FIXTURES / "tracking" / "ko_0404"  # the page says: import customs started 09-27
NUMBER = "SWX900000000000000404"


def turn_on(data_dir, body: dict) -> None:
    lookup_settings.update(data_dir, {"providers": body})


def unipass_hold_for(number: str) -> str:
    """The recorded-style hold, for our number, put on 09-28: after the page's last event."""
    return payload("unipass_hold.xml").replace("LP00432912349999", number).replace("2026092210", "2026092810")


def cainiao_handover_for(number: str) -> dict:
    body = payload_json("cainiao_en.json")
    body["module"][0]["mailNo"] = number
    return body


def test_cli_diagnose_shows_the_live_customs_hold_and_its_source(net, data_dir, capsys):
    net.add(responses.GET, unipass.URL, body=unipass_hold_for(NUMBER), content_type="application/xml;charset=UTF-8")
    turn_on(data_dir, {"unipass": {"enabled": True, "key": KEY}})
    capture = json.loads(CUSTOMS.with_suffix(".capture.json").read_text(encoding="utf-8"))
    payload_file = data_dir.parent / "querydetail.json"
    payload_file.write_text(json.dumps(capture["payloads"][0]), encoding="utf-8")
    args = ["diagnose", str(CUSTOMS.with_suffix(".html")), "--url", capture["url"], "--payload", str(payload_file),
            "--now", "2026-09-30T10:00:00+09:00", "--data-dir", str(data_dir), "--json"]
    assert main(args) == 0
    order = json.loads(capsys.readouterr().out)["orders"][0]
    # The page alone says "in customs, day 4"; UNI-PASS says the clearance is on hold.
    assert order["diagnosis"]["cause"] == "customs_hold"
    assert any("UNI-PASS에서 직접 조회" in line for line in order["diagnosis"]["evidence"]), order["diagnosis"]["evidence"]
    assert "개인통관고유부호" in order["diagnosis"]["explanation"]
    assert KEY not in json.dumps(order)


def test_api_diagnose_shows_the_live_hand_over_to_the_korean_courier(net, data_dir, tmp_path):
    net.add(responses.GET, cainiao.URL, json=cainiao_handover_for(NUMBER))
    from companion.app import create_app
    from companion.security import Credentials
    from tests.conftest import LocalClient

    app = create_app({"PORT": PORT, "DATA_DIR": str(data_dir)})
    app.test_client_class = LocalClient
    turn_on(data_dir, {"cainiao": {"enabled": True}})
    auth = {"Authorization": f"Bearer {Credentials(data_dir).token()}"}
    answer = app.test_client().post("/v1/diagnose", json=request_of(CUSTOMS.with_suffix(".capture.json")), headers=auth).get_json()
    order = answer["orders"][0]
    parcel = order["parcels"][0]
    assert parcel["domestic"] == {"carrier": {"id": "kr.cjlogistics", "name": "CJ대한통운"}, "tracking_number": "561000000505"}
    assert order["diagnosis"]["cause"] in {"handed_over", "customs_in_progress"}
    assert any("차이냐오에서 직접 조회" in line for finding in order["findings"] for line in finding["evidence"]), order["findings"]
    assert answer["warnings"] == []


def test_a_fresh_number_cainiao_does_not_know_is_an_update_delay_it_names(net, data_dir, service):
    fresh = "LP00123456789012"
    net.add(responses.GET, cainiao.URL, json={"success": True, "module": [{"mailNo": fresh, "mailNoSource": "EXTERNAL", "detailList": []}]})
    from companion import dates
    from companion.diagnosis import diagnose
    from companion.parsing.base import Capture

    turn_on(data_dir, {"cainiao": {"enabled": True}})
    body = {"data": {"module": {"trackingDetailLineList": [{"mailNo": fresh, "detailList": [
        {"timeText": "2026-09-28 10:00:00", "trackingSecondCode": "AE_GWMS_OUTBOUND", "trackingDetailDesc": "Package ready for shipping from warehouse"}]}]}}}
    capture = Capture(url="https://www.aliexpress.com/p/tracking/index.html?tradeOrderId=8215000000000123",
                      payloads=[{"api": "mtop.ae.ld.querydetail", "data": body}], captured_at=dates.parse_iso("2026-09-30T10:00:00+09:00"))
    order = diagnose(capture, data_dir=data_dir, service=service)["orders"][0]
    assert order["diagnosis"]["cause"] == "update_delay"
    assert "차이냐오에 직접 조회: 아직 없는 번호" in order["diagnosis"]["evidence"]
    assert "차이냐오에 직접 물어봐도" in order["diagnosis"]["explanation"]


def test_with_every_provider_off_nothing_leaves_the_machine(net, data_dir):
    for method in (responses.GET, responses.POST):
        net.add(method, re.compile(r"https?://.*"), body="never")
    from companion.app import create_app
    from companion.security import Credentials
    from tests.conftest import LocalClient

    app = create_app({"PORT": PORT, "DATA_DIR": str(data_dir)})
    app.test_client_class = LocalClient
    auth = {"Authorization": f"Bearer {Credentials(data_dir).token()}"}
    for capture in sorted(FIXTURES.glob("*/*.capture.json")):
        assert app.test_client().post("/v1/diagnose", json=request_of(capture), headers=auth).status_code == 200
    assert len(net.calls) == 0


def test_a_forged_capture_with_300_parcels_sends_at_most_the_cap_to_unipass(net, data_dir):
    """A page script posts a querydetail answer of its own making with 300 parcels: the user's
    key goes out with at most NUMBERS_PER_CAPTURE numbers."""
    from companion import lookups
    from companion.app import create_app
    from companion.security import Credentials
    from tests.conftest import LocalClient

    net.add(responses.GET, unipass.URL, body=payload("unipass_empty.xml"), content_type="application/xml;charset=UTF-8")
    capture = request_of(CUSTOMS.with_suffix(".capture.json"))
    module = capture["payloads"][0]["data"]["data"]["module"]
    line = module["trackingDetailLineList"][0]
    module["trackingDetailLineList"] = [{**line, "mailNo": f"LP0090000{n:07d}", "originMailNo": None} for n in range(300)]
    app = create_app({"PORT": PORT, "DATA_DIR": str(data_dir)})
    app.test_client_class = LocalClient
    turn_on(data_dir, {"unipass": {"enabled": True, "key": KEY}})
    auth = {"Authorization": f"Bearer {Credentials(data_dir).token()}"}
    answer = app.test_client().post("/v1/diagnose", json=capture, headers=auth)
    assert answer.status_code == 200
    assert len(answer.get_json()["orders"][0]["parcels"]) > lookups.NUMBERS_PER_CAPTURE  # the forgery was read
    assert app.extensions["parcel_doctor.lookups"].drain(30)
    assert 0 < len(net.calls) <= lookups.NUMBERS_PER_CAPTURE
