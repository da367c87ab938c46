"""``GET /v1/dashboard``: every remembered order for the extension's dashboard page, and
``GET /v1/export``: the whole history, as ``parcel-doctor export`` writes it."""

from flask import current_app
from flask import jsonify
from flask import request

from companion import dashboard
from companion.api import bp
from companion.dates import now_kst
from companion.errors import ApiError
from companion.store import export_history
from companion.store import history

MAX_LIMIT = 1000


@bp.get("/dashboard")
def show_dashboard():
    lang = request.args.get("lang", "ko")
    if lang not in ("ko", "en"):
        raise ApiError(400, "invalid_field", "'lang' must be 'ko' or 'en'.")
    limit = _whole(request.args.get("limit", "200"), "limit", 1, MAX_LIMIT)
    offset = _whole(request.args.get("offset", "0"), "offset", 0, 10**7)
    store = history(current_app)
    seen = dashboard.overview(store.overview(), now_kst().date(), lang, store.delivered_days())
    page = seen["orders"][offset : offset + limit]
    more = offset + limit < len(seen["orders"])
    return jsonify({**seen, "orders": page, "next_offset": offset + limit if more else None})


@bp.get("/export")
def export():
    return jsonify(export_history(history(current_app)))


def _whole(text: str, name: str, least: int, most: int) -> int:
    # ASCII digits only: str.isdigit also takes "²", which int() then refuses
    if not (0 < len(text) <= 8 and text.isascii() and text.isdigit()) or not least <= int(text) <= most:
        raise ApiError(400, "invalid_field", f"'{name}' must be a whole number from {least} to {most}.")
    return int(text)
