"""``POST /v1/identify``: the number registry through the API, for the popup's number box."""

from __future__ import annotations

from companion import numbers


def test_each_number_is_named_and_checked_in_the_order_sent(client, auth):
    response = client.post("/v1/identify", json={"numbers": ["RR123456785CN", "RB123456786CN", "ＲＲ１２３４５６７８５ＣＮ"]}, headers=auth)
    assert response.status_code == 200
    found = response.get_json()["numbers"]
    assert [(n["number"], n["valid"]) for n in found] == [("RR123456785CN", True), ("RB123456786CN", False), ("RR123456785CN", True)]
    assert found[0]["carriers"][0] == {"id": "china-post", "name": numbers.carrier("china-post").name("ko")}
    assert "check digit" in found[1]["reason"]
    assert found[0] == numbers.identify("RR123456785CN").to_dict("ko")  # one JSON of a number


def test_the_hint_and_the_language_are_the_registrys(client, auth):
    body = {"numbers": ["561000000505"], "hint": "CJ", "lang": "en"}
    found = client.post("/v1/identify", json=body, headers=auth).get_json()["numbers"][0]
    assert [c["id"] for c in found["carriers"]] == ["kr.cjlogistics"]
    assert found["carriers"][0]["name"] == numbers.carrier("kr.cjlogistics").name("en")


def test_a_diagnosis_names_its_loose_numbers_the_same_way(client, auth):
    answer = client.post("/v1/diagnose", json={"url": "https://mail.example/", "html": "<p>운송장 RR123456785CN</p>"}, headers=auth)
    identified = client.post("/v1/identify", json={"numbers": ["RR123456785CN"]}, headers=auth)
    assert answer.get_json()["tracking_numbers"] == identified.get_json()["numbers"]


def test_it_needs_the_token_and_a_well_formed_body(client, auth):
    assert client.post("/v1/identify", json={"numbers": ["RR123456785CN"]}).status_code == 401
    for body in ({}, {"numbers": []}, {"numbers": "RR123456785CN"}, {"numbers": [1]}, {"numbers": ["9" * 65]},
                 {"numbers": ["x"] * 51}, {"numbers": ["x"], "hint": 3}, {"numbers": ["x"], "lang": "fr"}):
        response = client.post("/v1/identify", json=body, headers=auth)
        assert response.status_code == 400, body
        assert set(response.get_json()["error"]) == {"code", "message"}
