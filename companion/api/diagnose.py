"""``POST /v1/diagnose``: a capture in, a diagnosis per order out (DESIGN.md §3)."""

from flask import current_app
from flask import jsonify

from companion import dates
from companion.api import bp
from companion.api.body import field
from companion.api.body import json_object
from companion.diagnosis import diagnose as run
from companion.errors import ApiError
from companion.parsing.base import Capture
from companion.store import history


@bp.post("/diagnose")
def diagnose():
    capture, lang = capture_from(json_object())
    return jsonify(run(capture, lang=lang, store=history(current_app)))


def capture_from(body: dict) -> tuple[Capture, str]:
    url = field(body, "url", str, limit=8192) or ""
    html = field(body, "html", str)
    payloads = field(body, "payloads", list) or []
    if any(not isinstance(p, dict) for p in payloads):
        raise ApiError(400, "invalid_field", "'payloads' must be a list of objects like {\"api\": ..., \"data\": {...}}.")
    if not html and not payloads:
        raise ApiError(400, "missing_content", "Send 'html', 'payloads' or both.")
    captured_text = field(body, "captured_at", str, limit=64)
    captured_at = dates.parse_iso(captured_text) if captured_text else None
    if captured_text and captured_at is None:
        raise ApiError(400, "invalid_field", "'captured_at' must be an ISO 8601 time like 2026-09-29T10:00:00+09:00.")
    lang = field(body, "lang", str, limit=8) or "ko"
    if lang not in ("ko", "en"):
        raise ApiError(400, "invalid_field", "'lang' must be 'ko' or 'en'.")
    return Capture(url=url, html=html, payloads=payloads, captured_at=captured_at, lang=lang), lang
