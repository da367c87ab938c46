"""What every live-lookup provider is: one small interface, one result shape, one set of errors.

A provider knows which parcels it can say something about (:meth:`Provider.numbers`), asks its
service about some numbers (:meth:`Provider.fetch`) and answers with a :class:`LiveResult` per
number: events as :class:`companion.models.Event` (with ``milestone`` from the provider's own
vocabulary and ``source`` naming the provider), and what else it learnt (the Korean courier and
its number, the customs state, "not found").

Providers never log numbers or keys, and never put a URL or a library's error text in an error
(UNI-PASS carries the user's key in its query string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from companion import dates
from companion import milestones
from companion.models import Event
from companion.models import Parcel
from companion.models import sort_events
from companion.scrub import scrub  # noqa: F401  (the providers' one scrub, re-exported)

Timeout = tuple[float, float]  # (connect, read) seconds, as requests takes them

# A parcel whose newest known event is one of these needs nobody asked about it any more.
DONE_MILESTONES = milestones.DONE
# Past customs: UNI-PASS has nothing to add.
PAST_CUSTOMS = milestones.BEYOND_CUSTOMS


@dataclass
class LiveResult:
    """What one provider said about one number."""

    provider: str  # provider id ("cainiao", "unipass", "kr.cjlogistics" …)
    number: str  # the number as asked
    events: list[Event] = field(default_factory=list)  # newest first
    not_found: bool = False  # the service answered and does not know the number (yet)
    status: str | None = None  # the service's own overall status wording, when it gives one
    domestic_carrier_name: str | None = None  # Cainiao ``destCpInfo.cpName``
    domestic_number: str | None = None  # Cainiao ``realMailNo``: the Korean courier's number
    customs_state: str | None = None  # UNI-PASS 진행상태 / 통관진행상태 ("반출완료", "통관목록심사완료")
    untracked_note: str | None = None  # Cainiao ``mailType``/``mailTypeDesc``: tracking stops
    fetched_at: float | None = None  # epoch seconds of the answer (the cache's clock)
    cached: bool = False  # read back from the response cache, not asked now

    def sort(self) -> "LiveResult":
        self.events = sort_events(self.events)
        return self

    def to_json(self) -> dict:
        return {
            "provider": self.provider,
            "number": self.number,
            "events": [_event_json(e) for e in self.events],
            "not_found": self.not_found,
            "status": self.status,
            "domestic_carrier_name": self.domestic_carrier_name,
            "domestic_number": self.domestic_number,
            "customs_state": self.customs_state,
            "untracked_note": self.untracked_note,
            "fetched_at": self.fetched_at,
        }

    @classmethod
    def from_json(cls, data: dict) -> "LiveResult":
        return cls(
            provider=str(data["provider"]),
            number=str(data["number"]),
            events=[_event_from(e) for e in data.get("events") or []],
            not_found=bool(data.get("not_found")),
            status=data.get("status"),
            domestic_carrier_name=data.get("domestic_carrier_name"),
            domestic_number=data.get("domestic_number"),
            customs_state=data.get("customs_state"),
            untracked_note=data.get("untracked_note"),
            fetched_at=data.get("fetched_at"),
        )


def _event_json(event: Event) -> dict:
    return {
        "time": event.time.isoformat() if event.time else None,
        "text": event.text,
        "code": event.code,
        "title": event.title,
        "location": event.location,
        "milestone": event.milestone,
        "source": event.source,
    }


def _event_from(data: dict) -> Event:
    return Event(
        time=dates.parse_iso(data.get("time")),
        text=str(data.get("text") or ""),
        code=data.get("code"),
        title=str(data.get("title") or ""),
        location=str(data.get("location") or ""),
        milestone=data.get("milestone"),
        source=str(data.get("source") or ""),
    )


@dataclass(frozen=True)
class Context:
    """What a fetch needs besides the numbers: "now" (UNI-PASS's ``blYy``), the user's key."""

    now: datetime
    key: str | None = field(default=None, repr=False)  # never in a repr, a log or an error


# --- errors: what went wrong, in words a user can act on (never a URL, never a key) ---------


class ProviderError(Exception):
    """A provider could not give an answer. ``kind`` is stable; the message is for people."""

    kind = "error"

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail


class Unreachable(ProviderError):
    """No connection, or no answer within the connect/read timeouts."""

    kind = "unreachable"


class ServerError(ProviderError):
    """5xx, also after the one retry."""

    kind = "server_error"

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


class BadResponse(ProviderError):
    """An answer we cannot read: an HTML error page, malformed JSON or XML, a changed shape."""

    kind = "bad_response"


class Blocked(ProviderError):
    """The service refused us: HTTP 403, a bot check or a captcha page."""

    kind = "blocked"


class RateLimited(ProviderError):
    """HTTP 429 or the service's own "too many requests"."""

    kind = "rate_limited"

    def __init__(self, retry_after: float | None = None):
        super().__init__("rate limited")
        self.retry_after = retry_after


class KeyRejected(ProviderError):
    """The user's key was refused (UNI-PASS ``존재하지 않는 인증키입니다.``)."""

    kind = "key_rejected"


class MissingKey(ProviderError):
    """The provider needs a key and none is set."""

    kind = "missing_key"


# --- the interface ----------------------------------------------------------------------------


class Provider:
    """One live source. Subclasses set the class attributes and implement :meth:`numbers`
    and :meth:`fetch`; everything else (threads, budget, retries, cache, breaker) is shared."""

    id: str = ""
    source: str = ""  # the name events carry in ``Event.source`` and evidence shows
    name: dict[str, str] = {}  # {"ko": …, "en": …}: what the settings list shows
    label: dict[str, str] = {}  # {"ko": …, "en": …}: short, for warnings ("UNI-PASS did not answer …")
    sends: dict[str, str] = {}  # one line: what is sent where, {"ko": …, "en": …}
    host: str = ""  # the one host it talks to
    needs_key: bool = False
    batch_size: int = 1  # numbers per call

    def enabled(self, settings) -> bool:
        """On in the user's settings (and, when it needs one, with a key)."""
        if not settings.enabled(self.id):
            return False
        return bool(settings.key(self.id)) if self.needs_key else True

    def numbers(self, parcel: Parcel) -> list[str]:
        """The numbers worth asking about for this parcel (none: the parcel is not for us)."""
        raise NotImplementedError

    def fetch(self, numbers: list[str], session, timeout: Timeout, context: Context | None = None) -> dict[str, LiveResult]:
        """Ask the service about ``numbers``; one :class:`LiveResult` per number it could
        answer for. Raises :class:`ProviderError` when the service gave no usable answer."""
        raise NotImplementedError

    def display_name(self, lang: str = "ko") -> str:
        return self.name.get(lang) or self.name.get("en") or self.id

    def short_name(self, lang: str = "ko") -> str:
        return self.label.get(lang) or self.label.get("en") or self.source or self.id

    def __repr__(self) -> str:
        return f"<Provider {self.id}>"


# --- small helpers the providers share ----------------------------------------------------------

_SPACES = re.compile(r"\s+")


def clean(text) -> str:
    """One line of text: whitespace collapsed, at most 300 characters."""
    if text is None or isinstance(text, (dict, list, bool)):
        return ""
    return _SPACES.sub(" ", str(text)).strip()[:300]


def newest_milestone(parcel: Parcel) -> str | None:
    return parcel.events[0].milestone if parcel.events else None
