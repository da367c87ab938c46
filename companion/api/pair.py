"""``POST /v1/pair``: trade the one-time code printed by ``serve`` for the API token."""

from flask import jsonify
from flask import request

from companion.api import bp
from companion.api.body import field
from companion.api.body import json_object
from companion.errors import ApiError
from companion.security import credentials
from companion.security import is_extension_origin


@bp.post("/pair")
def pair():
    body = json_object()
    code = field(body, "code", str, required=True, limit=64)
    creds = credentials()
    if not creds.redeem(code):
        raise ApiError(403, "invalid_pairing_code", "That pairing code is wrong, used or expired; run 'parcel-doctor token --pairing-code' for a new one.")
    token = creds.rotate_token()  # re-pairing rotates the token: an old copy stops working
    origin = request.headers.get("Origin")
    if origin and is_extension_origin(origin):
        creds.add_origin(origin)
    return jsonify({"token": token})
