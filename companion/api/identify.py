"""``POST /v1/identify``: the number registry on its own, for the popup's number box.

``{"numbers": ["RR123456785CN", …], "hint": "CJ대한통운", "lang": "ko"}`` in; for each number its
carriers, whether it is valid and why (``Identification.to_dict``, the shape of a diagnosis's
``tracking_numbers`` too) out. Nothing is stored and nothing leaves the machine."""

from flask import jsonify

from companion import numbers
from companion.api import bp
from companion.api.body import body_lang
from companion.api.body import field
from companion.api.body import json_object
from companion.errors import ApiError

MAX_NUMBERS = 50
MAX_LENGTH = 64  # longer than any tracking number, pasted with spaces and dashes


@bp.post("/identify")
def identify():
    body = json_object()
    raw = field(body, "numbers", list, required=True)
    if not 1 <= len(raw) <= MAX_NUMBERS or not all(isinstance(n, str) and len(n) <= MAX_LENGTH for n in raw):
        raise ApiError(400, "invalid_field", f"'numbers' must be a list of 1 to {MAX_NUMBERS} strings of at most {MAX_LENGTH} characters.")
    hint = field(body, "hint", str, limit=MAX_LENGTH)
    lang = body_lang(body)
    return jsonify({"numbers": [numbers.identify(number, hint).to_dict(lang) for number in raw]})
