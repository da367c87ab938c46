"""``POST /v1/refresh``: re-check the orders still on their way and say what changed
(docs/design.md §3, §12). The view reads the request; the re-check is companion/refresh.py's."""

from pathlib import Path

from flask import current_app
from flask import jsonify

from companion import dates
from companion import refresh as refreshing
from companion import replay
from companion.api import bp
from companion.api.body import body_lang
from companion.api.body import field
from companion.api.body import json_object
from companion.errors import ApiError
from companion.store import history


@bp.post("/refresh")
def refresh():
    body = json_object()
    lang = body_lang(body)
    # "now" for scripts and tests (a re-check as of another day); the companion's clock otherwise.
    now_text = field(body, "now", str, limit=64)
    now = dates.parse_iso(now_text) if now_text is not None else dates.now_kst()
    if now is None:
        raise ApiError(400, "invalid_field", "'now' must be an ISO 8601 time like 2026-10-05T09:00:00+09:00.")
    if not replay.YEARS[0] <= now.year <= replay.YEARS[1]:
        raise ApiError(400, "invalid_field", f"'now' must fall in the years {replay.YEARS[0]}–{replay.YEARS[1]}.")
    found = refreshing.refresh(
        history(current_app),
        now.astimezone(dates.KST),
        lang,
        Path(current_app.config["DATA_DIR"]),
        service=current_app.extensions["parcel_doctor.lookups"],
    )
    return jsonify(found.to_json())
