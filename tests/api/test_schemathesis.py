"""The published contract, checked by a tool we did not write.

Schemathesis reads ``GET /v1/openapi.json`` from a REAL companion (``parcel-doctor serve`` in a
subprocess, on its own port and data dir), generates requests from it, valid and invalid, and
checks every answer against it: no 5xx, only documented status codes and content types,
bodies and headers that match their schemas, valid data accepted, invalid data and missing
auth refused, 405 with ``Allow`` for undocumented methods. Bounded and derandomized, so a run
is the same every time.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import HttpBearerAuthConfig

from tests.server import Companion

EXAMPLES = 25  # per operation and phase
ANSWERS: list[tuple[str, int]] = []  # (operation, status) of every generated call


def all_checks() -> list:
    """Every check Schemathesis has (not only its defaults), named so a missing one shows."""
    load_all_checks()
    checks = CHECKS.get_all()
    names = {check.__name__ for check in checks}
    assert {
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
        "response_headers_conformance", "positive_data_acceptance", "negative_data_rejection",
        "missing_required_header", "ignored_auth", "unsupported_method",
    } <= names, names
    return checks


@pytest.fixture(scope="module")
def companion(tmp_path_factory):
    with Companion(tmp_path_factory.mktemp("schemathesis")) as running:
        yield running


@pytest.fixture(scope="module")
def token(companion) -> str:
    exe = os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
    done = subprocess.run([exe, "token", "--data-dir", str(companion.data_dir)], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def cursor(companion, token) -> str:
    """A cursor the server gave out: two orders in the history, listed one per page."""
    auth = {"Authorization": f"Bearer {token}"}
    html = "".join(
        f'<div class="order-item"><span class="order-item-header-status-text">배송 대기 중</span>'
        f'<a href="/p/order/detail.html?orderId={order_id}">상세</a></div>'
        for order_id in ("8215000000000101", "8215000000000102")
    )
    capture = {"url": "https://www.aliexpress.com/p/order/index.html", "html": html}
    assert requests.post(companion.base + "/v1/diagnose", json=capture, headers=auth, timeout=30).status_code == 200
    page = requests.get(companion.base + "/v1/orders", params={"limit": 1}, headers=auth, timeout=30).json()
    assert page["next_cursor"]
    return page["next_cursor"]


@pytest.fixture(scope="module")
def api_schema(companion, token, cursor):
    """The schema as the running server publishes it, pointed at that server.

    ``cursor`` is opaque (the spec says: only a ``next_cursor`` the server gave out), so no
    generator can draw a valid one; Schemathesis is handed a real one instead of random text.
    Bad cursors are tested in tests/api/test_contract.py and tests/test_fuzz.py.
    """
    schema = schemathesis.openapi.from_url(companion.base + "/v1/openapi.json", timeout=10)
    schema.config.update(base_url=companion.base, parameters={"query.cursor": cursor})
    # The token for the spec's "bearer" scheme: sent where the spec asks for it, and left out on
    # purpose where Schemathesis tests that a missing or wrong token is refused.
    schema.config.auth.openapi.schemes["bearer"] = HttpBearerAuthConfig(bearer=token)
    return schema


def test_the_published_document_is_valid_openapi(api_schema):
    """Schemathesis checks the document against the OpenAPI 3.1 meta-schema. (It leaves out of
    the generated tests the one operation that served the document, ``GET /v1/openapi.json``.)"""
    assert api_schema.raw_schema["openapi"].startswith("3.1")
    api_schema.validate()
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert {"POST /v1/diagnose", "GET /v1/orders", "DELETE /v1/orders/{order_id}", "POST /v1/pair", "GET /v1/health"} <= labels


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """Schemathesis 4.32 reads ``Node._nodeid`` (to name each operation's subtest), which pytest
    9.2 keeps as ``_id``: hand it the id under the old name. Harmless on pytest that has it."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_published_contract(case, companion):
    response = case.call_and_validate(base_url=companion.base, checks=all_checks(), timeout=30)
    ANSWERS.append((case.operation.label, response.status_code))


def test_the_generated_calls_got_through(api_schema):
    """With the token wrong the contract run would pass on 401s alone: each operation that
    needs it must also have answered 2xx."""
    if not ANSWERS:
        pytest.skip("the contract test did not run")
    for label in ("POST /v1/diagnose", "GET /v1/orders"):
        assert any(op == label and status == 200 for op, status in ANSWERS), (label, sorted(set(ANSWERS)))
    assert {status for op, status in ANSWERS if op == "DELETE /v1/orders/{order_id}"} >= {404, 401}
