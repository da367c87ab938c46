"""``POST /v1/pair``: trade the one-time code printed by ``serve`` for the API token."""

from flask import jsonify
from flask import request

from companion.api import bp
from companion.api.body import field
from companion.api.body import json_object
from companion.errors import ApiError
from companion.security import credentials


@bp.post("/pair")
def pair():
    body = json_object()
    code = field(body, "code", str, required=True, limit=64)
    # Re-pairing rotates the token and replaces the paired origin: an old copy stops working.
    token = credentials().pair(code, request.headers.get("Origin"))
    if token is None:
        raise ApiError(403, "invalid_pairing_code", "That pairing code is wrong, used or expired; run 'parcel-doctor token --pairing-code' for a new one.")
    return jsonify({"token": token})
