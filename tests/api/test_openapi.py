"""The published OpenAPI document describes every route the app has, and only those."""

from __future__ import annotations

import re


def test_openapi_is_served_without_a_token(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")


def test_every_route_is_documented(app, client):
    spec = client.get("/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_every_error_response_uses_the_error_schema(client):
    spec = client.get("/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response == {"$ref": "#/components/responses/Error"}, (path, method, status)
