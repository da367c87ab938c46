"""``GET /v1/openapi.json``: the published contract (OpenAPI 3.1), from ``openapi.json``."""

import json
from pathlib import Path

from flask import jsonify

from companion.api import bp

SPEC = json.loads(Path(__file__).with_name("openapi.json").read_text(encoding="utf-8"))
# The API's version: what /v1/health reports and the extension compares with its minimum.
API_VERSION = SPEC["info"]["x-api-version"]


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
