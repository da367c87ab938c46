"""``GET /v1/orders`` and ``DELETE /v1/orders/<id>``: what the history store knows."""

from flask import current_app
from flask import jsonify
from flask import request

from companion.api import bp
from companion.errors import ApiError
from companion.store import history


@bp.get("/orders")
def list_orders():
    raw_limit = request.args.get("limit", "50")
    if not _digits(raw_limit, 9) or not 1 <= int(raw_limit) <= 500:
        raise ApiError(400, "invalid_field", "'limit' must be a whole number from 1 to 500.")
    cursor = request.args.get("cursor") or None
    try:
        orders, next_cursor = history(current_app).list_orders(int(raw_limit), cursor)
    except (ValueError, RecursionError):  # RecursionError: base64 of JSON nested 1000 deep
        raise ApiError(400, "invalid_cursor", "'cursor' is not one this server gave out.") from None
    return jsonify({"orders": orders, "next_cursor": next_cursor})


@bp.delete("/orders/<order_id>")
def forget_order(order_id: str):
    if not _digits(order_id, 30):
        raise ApiError(400, "invalid_field", "An order id is digits only.")
    if not history(current_app).forget(order_id):
        raise ApiError(404, "order_not_found", "No order with that id is stored.")
    return jsonify({"deleted": order_id})


def _digits(text: str, most: int) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²" and "١٢٣", which ``int`` then refuses."""
    return 0 < len(text) <= most and text.isascii() and text.isdigit()
