"""Consent: everything off by default; GET/PUT /v1/settings with the token; the UNI-PASS key
stored owner-only, never returned, never logged."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from companion.lookups import settings as lookup_settings
from companion.lookups.base import LiveResult
from companion.lookups.cache import LookupCache
from companion.lookups.providers import IDS

KEY = "q260t225s025d125g080x030"


def data_dir_of(app) -> Path:
    return Path(app.config["DATA_DIR"])


def put(client, auth, body, lang=None):
    url = "/v1/settings" + (f"?lang={lang}" if lang else "")
    return client.put(url, json=body, headers=auth)


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


# --- the module -----------------------------------------------------------------------------------


def test_everything_is_off_by_default(tmp_path):
    settings = lookup_settings.load(tmp_path)
    assert [settings.enabled(i) for i in IDS] == [False] * 6
    assert settings.key("unipass") is None and not settings.any_enabled


def test_the_providers_are_the_six_of_the_issue():
    assert IDS == ("cainiao", "unipass", "kr.cjlogistics", "kr.hanjin", "kr.lotte", "kr.epost")


def test_the_file_has_the_documented_shape_and_is_owner_only(tmp_path):
    settings = lookup_settings.Settings()
    lookup_settings.apply(settings, {"providers": {"cainiao": {"enabled": True}, "unipass": {"enabled": True, "key": KEY}}})
    lookup_settings.save(tmp_path, settings)
    file = tmp_path / "settings.json"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert json.loads(file.read_text()) == {
        "providers": {
            "cainiao": {"enabled": True},
            "unipass": {"enabled": True, "key": KEY},
            "kr.cjlogistics": {"enabled": False},
            "kr.hanjin": {"enabled": False},
            "kr.lotte": {"enabled": False},
            "kr.epost": {"enabled": False},
        }
    }


def test_a_file_others_can_read_is_made_owner_only(tmp_path):
    file = tmp_path / "settings.json"
    file.write_text(json.dumps({"providers": {"unipass": {"enabled": True, "key": KEY}}}))
    file.chmod(0o644)
    assert lookup_settings.load(tmp_path).key("unipass") == KEY
    assert stat.S_IMODE(file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"providers": []}', '{"providers": {"cainiao": {"enabled": "yes"}}}', '{"providers": {"unipass": {"enabled": true, "key": 5}}}'],
)
def test_a_broken_file_means_everything_off(tmp_path, text):
    (tmp_path / "settings.json").write_text(text)
    settings = lookup_settings.load(tmp_path)
    assert not settings.enabled("cainiao") and not settings.any_enabled


def test_the_key_is_not_in_a_repr():
    settings = lookup_settings.Settings()
    lookup_settings.apply(settings, {"providers": {"unipass": {"enabled": True, "key": KEY}}})
    assert KEY not in repr(settings)


def test_an_invalid_update_changes_nothing():
    settings = lookup_settings.Settings()
    with pytest.raises(lookup_settings.SettingsError):
        lookup_settings.apply(settings, {"providers": {"cainiao": {"enabled": True}, "kr.nowhere": {"enabled": True}}})
    assert not settings.enabled("cainiao")


# --- the API ------------------------------------------------------------------------------------


def test_settings_need_the_token(client):
    assert_error(client.get("/v1/settings"), 401, "unauthorized")
    assert_error(client.put("/v1/settings", json={"providers": {"cainiao": {"enabled": True}}}), 401, "unauthorized")


def test_get_lists_every_provider_off_with_what_it_sends_where(client, auth, app):
    response = client.get("/v1/settings", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body["providers"]) == list(IDS)
    for provider_id, entry in body["providers"].items():
        assert entry["enabled"] is False
        assert entry["name"] and entry["sends"] and entry["host"] in entry["sends"]
        assert "\n" not in entry["sends"]  # one line
        assert entry["needs_key"] is (provider_id == "unipass")
        assert ("key_set" in entry) is (provider_id == "unipass")
        assert "key" not in entry
    assert body["providers"]["unipass"]["key_set"] is False
    assert "보내요" in body["providers"]["cainiao"]["sends"]  # Korean by default
    assert body["budget_seconds"] == 3 and body["cache_minutes"] == 30
    assert not (data_dir_of(app) / "settings.json").exists()  # a GET changes nothing


def test_get_speaks_english_when_asked(client, auth):
    body = client.get("/v1/settings?lang=en", headers=auth).get_json()
    assert body["providers"]["unipass"]["sends"].startswith("Sends")
    assert body["providers"]["kr.cjlogistics"]["name"] == "CJ Logistics tracking"
    assert_error(client.get("/v1/settings?lang=fr", headers=auth), 400, "invalid_field")


def test_put_turns_providers_on_and_stores_the_key_owner_only(client, auth, app, caplog):
    caplog.set_level(logging.DEBUG)
    response = put(client, auth, {"providers": {"cainiao": {"enabled": True}, "unipass": {"enabled": True, "key": KEY}}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["providers"]["cainiao"]["enabled"] and body["providers"]["unipass"]["enabled"]
    assert body["providers"]["unipass"]["key_set"] is True
    assert not body["providers"]["kr.hanjin"]["enabled"]
    assert KEY not in response.get_data(as_text=True)
    assert KEY not in client.get("/v1/settings", headers=auth).get_data(as_text=True)
    assert KEY not in caplog.text
    file = data_dir_of(app) / "settings.json"
    assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0
    assert json.loads(file.read_text())["providers"]["unipass"]["key"] == KEY


def test_put_is_partial(client, auth):
    put(client, auth, {"providers": {"unipass": {"enabled": True, "key": KEY}, "kr.lotte": {"enabled": True}}})
    body = put(client, auth, {"providers": {"kr.lotte": {"enabled": False}}}).get_json()
    assert body["providers"]["unipass"]["enabled"] and body["providers"]["unipass"]["key_set"]
    assert not body["providers"]["kr.lotte"]["enabled"]
    body = put(client, auth, {"providers": {"unipass": {"enabled": False, "key": None}}}).get_json()
    assert not body["providers"]["unipass"]["enabled"] and body["providers"]["unipass"]["key_set"] is False


def test_the_key_can_be_set_before_turning_unipass_on(client, auth):
    body = put(client, auth, {"providers": {"unipass": {"key": KEY}}}).get_json()
    assert body["providers"]["unipass"]["key_set"] and not body["providers"]["unipass"]["enabled"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing_field"),
        ({"providers": []}, "invalid_field"),
        ({"providers": {"cainiao": True}}, "invalid_field"),
        ({"providers": {"cainiao": {"enabled": "yes"}}}, "invalid_field"),
        ({"providers": {"cainiao": {"enabled": 1}}}, "invalid_field"),
        ({"providers": {"cainiao": {"enabled": None}}}, "invalid_field"),
        ({"providers": {"cainiao": {"key": KEY}}}, "unknown_field"),
        ({"providers": {"cainiao": {"enabled": True, "extra": 1}}}, "unknown_field"),
        ({"providers": {"kr.logen": {"enabled": True}}}, "unknown_provider"),
        ({"providers": {}, "debug": True}, "unknown_field"),
        ({"providers": {"unipass": {"key": 12345678}}}, "invalid_field"),
        ({"providers": {"unipass": {"key": "short"}}}, "invalid_key"),
        ({"providers": {"unipass": {"key": " " + KEY}}}, "invalid_key"),
        ({"providers": {"unipass": {"key": "키" * 10}}}, "invalid_key"),
        ({"providers": {"unipass": {"key": "x" * 65}}}, "invalid_key"),
    ],
)
def test_put_validates_strictly(client, auth, app, body, code):
    assert_error(put(client, auth, body), 400, code)
    assert not (data_dir_of(app) / "settings.json").exists()


def test_unipass_cannot_be_on_without_a_key(client, auth):
    assert_error(put(client, auth, {"providers": {"unipass": {"enabled": True}}}), 409, "key_required")
    put(client, auth, {"providers": {"unipass": {"enabled": True, "key": KEY}}})
    assert_error(put(client, auth, {"providers": {"unipass": {"key": None}}}), 409, "key_required")


def test_an_invalid_key_is_not_echoed(client, auth):
    secret = "this key has spaces"
    response = put(client, auth, {"providers": {"unipass": {"key": secret}}})
    assert secret not in response.get_data(as_text=True)


def test_put_takes_json_only(client, auth):
    response = client.put("/v1/settings", data="providers=1", headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415, "unsupported_media_type")
    response = client.put("/v1/settings", data="{not json", headers={**auth, "Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")
    assert_error(client.put("/v1/settings", json=[1], headers=auth), 400, "invalid_body")


def test_turning_a_provider_off_drops_its_cached_answers(client, auth, app):
    put(client, auth, {"providers": {"cainiao": {"enabled": True}, "kr.lotte": {"enabled": True}}})
    cache = LookupCache(data_dir_of(app))
    cache.put(LiveResult(provider="cainiao", number="LP00432912345678", not_found=True))
    cache.put(LiveResult(provider="kr.lotte", number="240123456786", not_found=True))
    put(client, auth, {"providers": {"cainiao": {"enabled": False}}})
    assert cache.get("cainiao", "LP00432912345678") is None
    assert cache.get("kr.lotte", "240123456786") is not None


def test_settings_are_documented_in_openapi(client):
    spec = client.get("/v1/openapi.json").get_json()
    item = spec["paths"]["/v1/settings"]
    assert set(item) == {"get", "put"}
    assert item["put"]["responses"]["409"] == {"$ref": "#/components/responses/Error"}
    assert "key" not in item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["providers"]["properties"]["unipass"]["properties"]
