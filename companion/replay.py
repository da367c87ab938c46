"""An answer given again, without a second diagnosis, when it would be byte for byte the same.

The extension sends a page again whenever it re-renders: the same capture with a ``captured_at``
a few seconds later. The answer depends on nothing else than the capture, its Seoul day (the
rules count calendar days), the history store and the live-lookup settings, and on the time of
day only where an event crosses "more than a day in the future" (``rules.case.steady_span``).
So a request is keyed by its body with the ``captured_at`` value masked, found by a byte scan
(no JSON decoding). An answer is kept with the body it answered, and a later body is answered
again, without hashing it, when it is that body byte for byte but for a ``captured_at`` value
(microseconds of comparison; hashing 400 KB took 0.65 ms, a quarter of the fastest repeats over
HTTP), while:

- the history store holds what it held when the answer was made (``History.state``: its own
  content writes and any other process's), and the live-lookup settings file has not changed;
- the new ``captured_at`` falls in the span of capture times that give the same answer;
- no live lookup is on (their data moves on its own).

An answer is kept only when nothing but its own diagnosis wrote to the store meanwhile, and
that write teaches a later recall nothing the answer lacks (an undated event first seen now).
A replay still counts as seeing the orders again: their "last seen" moves, batched
(``History.touch``), as a full diagnosis of an unchanged capture does.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import NamedTuple

from flask import Flask
from flask import Response

from companion import dates
from companion.cache import ParseCache
from companion.diagnosis import examine
from companion.lru import LRU
from companion.lookups import settings as lookup_settings
from companion.parsing.base import Capture
from companion.store import State as HistoryState
from companion.store import history

# A repeat follows its original closely (a re-render, a second look): a few recent answers are
# enough, and the companion's memory stays small. Each is kept with the body it answered: a
# whole 50-order page and its answer are about 520 KB, a 1,000-order page about 4.8 MB: 6 MB
# keeps one of those or about eleven of these, for about 4 MB more resident memory after 1,000
# diagnoses than keeping answers alone (scripts/bench's memory run: 106.5 MB against 102.9 MB).
MAX_ENTRIES = 16
MAX_BYTES = 6 * 1024 * 1024

# A capture time outside these years is a mistake, and one near either end of the calendar
# overflows the date arithmetic ("0001-01-01T00:00:00+14:00" has no time in Seoul at all).
YEARS = (2000, 2099)

_NAME = b"captured_at"
# The key and its value as JSON writes them: a value of these characters only is a JSON string
# as written (nothing escaped), so a body that differs only there is as well-formed as the first.
_VALUE = rb"[0-9A-Za-z:+\-.]{1,64}"
_FIELD = re.compile(rb'"captured_at"[ \t\r\n]*:[ \t\r\n]*"(' + _VALUE + rb')"')
_JUST_A_VALUE = re.compile(_VALUE)
# "\u0063aptured_at" spells the same key: a body escaping any printable ASCII is keyed whole.
# An escape is a "\u00…" after an odd run of backslashes: after an even one ("\\u003c", common in
# a page's scripts) the backslash is itself escaped and the "u" is a letter.
_ESCAPE = b"\\u00"
_PRINTABLE = frozenset(b"234567")  # u0020–u007f: the hex digit after "u00"
_HEX = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True)
class Key:
    """A request body's key: the digest of the body with its ``captured_at`` value masked, and
    that value; or, when the value cannot be told apart by a byte scan, the whole body's digest."""

    digest: bytes
    body: bytes = field(repr=False, compare=False)
    masked: tuple[int, int] | None = None  # where the masked value is in the body; None: keyed whole

    @property
    def captured(self) -> str | None:
        """The masked value; None for a whole-body key."""
        return self.value_in(self.body)

    def fits(self, raw: bytes) -> bool:
        """True when ``raw`` is this key's body but for the masked value: then :meth:`of` gives
        ``raw`` this digest (a value holds no quote, backslash or "_", so nothing else in the
        body reads differently). Compared, not hashed: microseconds for 400 KB."""
        if self.masked is None:
            return raw == self.body
        start, end = self.masked
        value_end = len(raw) - (len(self.body) - end)
        view = memoryview(self.body)
        return (value_end > start and raw.startswith(view[:start]) and raw.endswith(view[end:])
                and _JUST_A_VALUE.fullmatch(raw, start, value_end) is not None)

    def value_in(self, raw: bytes) -> str | None:
        """What a body this key :meth:`fits` holds where the masked value was; None: keyed whole."""
        if self.masked is None:
            return None
        start, end = self.masked
        return raw[start : len(raw) - (len(self.body) - end)].decode("ascii")

    @classmethod
    def of(cls, raw: bytes) -> "Key":
        # Exactly one "captured_at" in the whole body, spelled out: it is the top-level key
        # whenever the decoded body has one (checked when an answer is kept: see diagnose()).
        at = raw.find(_NAME)  # and a second find from there: one scan of the body in all
        if at >= 0 and raw.find(_NAME, at + len(_NAME)) < 0 and not _escapes_ascii(raw):
            found = _FIELD.match(raw, max(at - 1, 0))
            if found is not None:
                view = memoryview(raw)
                digest = hashlib.sha256(view[: found.start(1)])
                digest.update(b"\0")  # never in a JSON text: the masked spot is unambiguous
                digest.update(view[found.end(1) :])
                return cls(digest.digest(), raw, found.span(1))
        return cls(hashlib.sha256(raw).digest(), raw)


def _escapes_ascii(raw: bytes) -> bool:
    at = raw.find(_ESCAPE)
    while at >= 0:
        digits = raw[at + 4 : at + 6]
        if len(digits) == 2 and digits[0] in _PRINTABLE and digits[1] in _HEX:
            run = 1  # the backslashes ending at ``at``: an odd run ends in an escape
            while run <= at and raw[at - run] == 0x5C:
                run += 1
            if run % 2:
                return True
        at = raw.find(_ESCAPE, at + 1)
    return False


class State(NamedTuple):
    """Everything an answer depends on besides its capture."""

    history: HistoryState
    settings: tuple | None  # the live-lookup settings file's time and size; None: none, all off


@dataclass(frozen=True)
class Entry:
    state: State  # what the answer was made on
    steady: tuple[datetime, datetime]  # the capture times [from, until) giving this answer
    order_ids: tuple[str, ...]
    answer: bytes
    key: Key  # of the body answered, which it holds

    def size(self) -> int:
        return len(self.answer) + len(self.key.body)


def answers() -> LRU[bytes, Entry]:
    """A small LRU of answers by :class:`Key` digest, bounded by count and by the bytes of the
    answers and of the bodies they answered."""
    return LRU(MAX_ENTRIES, MAX_BYTES, size=Entry.size)


def capture_time(text: str) -> datetime | None:
    """A ``captured_at`` the API accepts, or None: ISO 8601, in :data:`YEARS`."""
    when = dates.parse_iso(text)
    if when is None or not YEARS[0] <= when.year <= YEARS[1]:
        return None
    return when


def init_app(app: Flask) -> None:
    """The app's own caches: parsed pages and answers (tests get fresh ones with a fresh app)."""
    app.extensions["parcel_doctor.pages"] = ParseCache()
    app.extensions["parcel_doctor.replay"] = answers()


def _state(app: Flask) -> State:
    try:
        info = lookup_settings.path(app.config["DATA_DIR"]).stat()
        settings = (info.st_mtime_ns, info.st_size)
    except OSError:
        settings = None  # no settings file: every live lookup off
    return State(history(app).state(), settings)


def answer_again(app: Flask, raw: bytes) -> bytes | None:
    """The kept answer for this request body, if it is still exactly what a diagnosis would say."""
    entry = app.extensions["parcel_doctor.replay"].find(lambda entry: entry.key.fits(raw))
    if entry is None or entry.state != _state(app):
        return None
    captured = entry.key.value_in(raw)
    if captured is not None:
        when = capture_time(captured)
        if when is None:
            return None  # refused by a full reading (400): let it say so
        now = when.astimezone(dates.KST)
        if not entry.steady[0] <= now < entry.steady[1]:
            return None
        history(app).touch(list(entry.order_ids), now)
    return entry.answer


def diagnose(app: Flask, capture: Capture, lang: str, key: Key | None = None, captured_text: str | None = None) -> Response:
    """A full diagnosis as the API's response; kept for :func:`answer_again` when it may be.

    ``key`` is the request body's, ``captured_text`` its ``captured_at`` as sent (None: "now",
    which moves, so never kept)."""
    store, data_dir = history(app), app.config["DATA_DIR"]
    before = _state(app) if key is not None else None
    outcome = examine(capture, lang, store=store, data_dir=data_dir, pages=app.extensions["parcel_doctor.pages"],
                      service=app.extensions["parcel_doctor.lookups"], source=key.digest if key is not None else None)
    response = app.json.response(outcome.answer)
    if key is None or captured_text is None or key.captured not in (None, captured_text):
        return response
    recorded, after = outcome.recorded, _state(app)
    # Nothing was written meanwhile but this diagnosis's own write (if it made one).
    ours = before._replace(history=before.history._replace(generation=before.history.generation + recorded.changed))
    if after == ours and not recorded.recall_changed and not lookup_settings.load(data_dir).any_enabled:
        order_ids = tuple(item["order_id"] for item in outcome.answer["orders"])
        entry = Entry(after, outcome.steady, order_ids, response.get_data(), key)
        app.extensions["parcel_doctor.replay"].put(key.digest, entry)
    return response
