"""``POST /v1/diagnose``: a capture in, a diagnosis per order out (DESIGN.md §3)."""

from urllib.parse import urlsplit

from flask import current_app
from flask import jsonify
from flask import request

from companion import dates
from companion.api import bp
from companion.api.replay import Replay
from companion.api.replay import settings_state
from companion.api.body import field
from companion.api.body import json_object
from companion.diagnosis import diagnose as run
from companion.errors import ApiError
from companion.lookups import settings as lookup_settings
from companion.parsing.base import Capture
from companion.store import history

# A capture time outside these years is a mistake, and one near either end of the calendar
# overflows the date arithmetic ("0001-01-01T00:00:00+14:00" has no time in Seoul at all).
_YEARS = (2000, 2099)


@bp.post("/diagnose")
def diagnose():
    store, data_dir = history(current_app), current_app.config["DATA_DIR"]
    replay = current_app.extensions.setdefault("parcel_doctor.replay", Replay())
    digest = before = None
    if request.is_json:  # a replay still answers only what a full diagnosis would accept
        digest = Replay.digest(request.get_data(cache=True))
        before = (store.state(), settings_state(data_dir))
        again = replay.get(digest, before)
        if again is not None:
            return current_app.response_class(again, mimetype="application/json")
    capture, lang = capture_from(json_object())
    explicit_time = capture.captured_at is not None  # without it, "now" moves: never replayed
    response = jsonify(run(capture, lang=lang, store=store, data_dir=data_dir))
    if digest is None or not explicit_time:
        return response
    after = (store.state(), settings_state(data_dir))
    only_ours = after[0][0] == before[0][0] + 1  # no other write raced this diagnosis
    if only_ours and not lookup_settings.load(data_dir).any_enabled:
        replay.put(digest, after, response.get_data())
    return response


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
    if captured_at is not None and not _YEARS[0] <= captured_at.year <= _YEARS[1]:
        raise ApiError(400, "invalid_field", f"'captured_at' must fall in the years {_YEARS[0]}–{_YEARS[1]}.")
    lang = field(body, "lang", str, limit=8) or "ko"
    if lang not in ("ko", "en"):
        raise ApiError(400, "invalid_field", "'lang' must be 'ko' or 'en'.")
    # The buyer's zone. A name this machine's tz database lacks is not an error: the offset (or
    # Seoul time) is read instead, as for an older extension that sends neither.
    time_zone = field(body, "time_zone", str, limit=64)
    offset = field(body, "utc_offset_minutes", (int, float))
    if offset is not None:  # JSON Schema's integer: 540 and 540.0 alike
        if not (isinstance(offset, int) or offset.is_integer()) or abs(offset) > 14 * 60:
            raise ApiError(400, "invalid_field", "'utc_offset_minutes' must be a whole number between -840 and 840.")
        offset = int(offset)
    capture = Capture(url=url, html=html, payloads=payloads, captured_at=captured_at, lang=lang,
                      time_zone=time_zone, utc_offset_minutes=offset)
    return capture, lang
