"""``POST /v1/diagnose``: a capture in, a diagnosis per order out (docs/design.md §3).

The view reads the request; whether an answer may be given again is the replay policy's
(companion/replay.py), the diagnosis is companion/diagnosis.py's."""

from urllib.parse import urlsplit

from flask import current_app
from flask import request

from companion import dates
from companion import replay
from companion.api import bp
from companion.api.body import body_lang
from companion.api.body import field
from companion.api.body import json_object
from companion.errors import ApiError
from companion.parsing.base import Capture


@bp.post("/diagnose")
def diagnose():
    key = None
    if request.is_json:  # a replay still answers only what a full diagnosis would accept
        raw = request.get_data(cache=True)
        again = replay.answer_again(current_app, raw)
        if again is not None:
            return current_app.response_class(again, mimetype="application/json")
        key = replay.Key.of(raw)
    body = json_object()
    capture, lang = capture_from(body)
    captured_text = body["captured_at"] if capture.captured_at is not None else None
    return replay.diagnose(current_app, capture, lang, key, captured_text)


def capture_from(body: dict) -> tuple[Capture, str]:
    url = field(body, "url", str, limit=8192) or ""
    try:
        urlsplit(url)  # refuses "http://[::1" and hosts that NFKC turns into "/", "?" or "@"
    except ValueError:
        raise ApiError(400, "invalid_field", "'url' is not a URL that can be read.") from None
    html = field(body, "html", str)
    payloads = field(body, "payloads", list) or []
    if any(not isinstance(p, dict) or not isinstance(p.get("api"), (str, type(None))) for p in payloads):
        raise ApiError(400, "invalid_field", "'payloads' must be a list of objects like {\"api\": \"<name>\", \"data\": {...}}.")
    if not html and not payloads:
        raise ApiError(400, "missing_content", "Send 'html', 'payloads' or both.")
    captured_text = field(body, "captured_at", str, limit=64)
    captured_at = dates.parse_iso(captured_text) if captured_text is not None else None
    if captured_text is not None and captured_at is None:
        raise ApiError(400, "invalid_field", "'captured_at' must be an ISO 8601 time like 2026-09-29T10:00:00+09:00.")
    if captured_at is not None and not replay.YEARS[0] <= captured_at.year <= replay.YEARS[1]:
        raise ApiError(400, "invalid_field", f"'captured_at' must fall in the years {replay.YEARS[0]}–{replay.YEARS[1]}.")
    lang = body_lang(body)
    # The buyer's zone. A name this machine's tz database lacks is not an error: the offset (or
    # Seoul time) is read instead, as for an older extension that sends neither.
    time_zone = field(body, "time_zone", str, limit=64)
    offset = field(body, "utc_offset_minutes", (int, float))
    if offset is not None:  # JSON Schema's integer: 540 and 540.0 alike
        if not (isinstance(offset, int) or offset.is_integer()) or abs(offset) > 14 * 60:
            raise ApiError(400, "invalid_field", "'utc_offset_minutes' must be a whole number between -840 and 840.")
        offset = int(offset)
    capture = Capture(url=url, html=html, payloads=payloads, captured_at=captured_at,
                      time_zone=time_zone, utc_offset_minutes=offset)
    return capture, lang
