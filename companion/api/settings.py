"""``GET /v1/settings`` and ``PUT /v1/settings``: which live lookups are on (all off at first),
what each sends where, and the user's UNI-PASS key, which is stored but never shown again.

Both need the token (``companion.security`` guards every endpoint but health and pairing).
"""

from __future__ import annotations

from flask import current_app
from flask import jsonify
from flask import request

from companion.api import bp
from companion.api.body import json_object
from companion.errors import ApiError
from companion.lookups import settings as lookup_settings


def _lang() -> str:
    lang = request.args.get("lang", "ko")
    if lang not in ("ko", "en"):
        raise ApiError(400, "invalid_field", "'lang' must be 'ko' or 'en'.")
    return lang


@bp.get("/settings")
def get_settings():
    lang = _lang()
    settings = lookup_settings.load(current_app.config["DATA_DIR"])
    return jsonify(lookup_settings.public(settings, lang))


@bp.put("/settings")
def put_settings():
    lang = _lang()
    body = json_object()
    data_dir = current_app.config["DATA_DIR"]
    try:
        settings, _ = current_app.extensions["parcel_doctor.lookups"].update_settings(data_dir, body)
    except lookup_settings.SettingsError as error:
        raise ApiError(error.status, error.code, error.message) from None
    except OSError:
        raise ApiError(503, "storage_unavailable", "Parcel Doctor cannot save its settings right now (read-only or full disk?). Nothing was changed.") from None
    return jsonify(lookup_settings.public(settings, lang))
