"""The network side of live lookups, shared by every provider.

- a ``requests`` session (connection reuse, cookies for CJ's CSRF dance), browser-like
  headers, connect/read timeouts of 2 s / 5 s, at most 3 redirects; the one in use, like the
  breakers and the pool, is kept by :class:`companion.lookups.service.Service`;
- one retry with backoff on a 5xx answer (written out here rather than urllib3's ``Retry``,
  whose first retry has no backoff at all);
- a :class:`CircuitBreaker` per provider: after 3 failures in a row the provider is left alone
  for a minute (a rate limit: for as long as the service asks, within reason);
- a :class:`Quota` per provider: at most 60 numbers a minute, whatever the pages ask;
- a :class:`Budget`: the diagnosis waits at most 3 s for all providers together. Work runs in a
  small thread pool; what is not back when the budget ends is reported as "did not answer" and
  finishes in the background (its answer still lands in the cache for the next diagnosis);
- answers are read with a size cap (4 MiB) and decoded with the charset the server names, else
  the page's ``<meta charset>``, else UTF-8, else CP949 (older Korean pages).

Nothing here logs a URL: UNI-PASS carries the user's key in its query string. urllib3's own
DEBUG line (which prints the URL) is redacted by a logging filter installed on import.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from dataclasses import field
from email.utils import parsedate_to_datetime

import requests
from requests.adapters import HTTPAdapter

from companion import __version__
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import RateLimited
from companion.lookups.base import ServerError
from companion.lookups.base import Unreachable

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
TIMEOUT = (CONNECT_TIMEOUT, READ_TIMEOUT)
BUDGET_SECONDS = 3.0  # the most a diagnosis waits for live data, all providers together
RETRIES = 1  # on a 5xx
BACKOFF_SECONDS = 0.5  # before the retry
MAX_BODY = 4 * 1024 * 1024  # a UNI-PASS "[N00] several results" answer can be ~1 MB
MAX_REDIRECTS = 3
WORKERS = 8
BREAKER_FAILURES = 3  # failures in a row that open a provider's breaker …
BREAKER_COOLDOWN = 60.0  # … for this many seconds
RATE_LIMIT_COOLDOWN = 300.0  # when a 429 names no Retry-After
RATE_LIMIT_MAX = 3600.0
# Numbers sent to one provider in any 60 s, all captures together. A shopper reading pages one
# after another asks for a page's numbers (at most 20, see ``NUMBERS_PER_CAPTURE``) every few
# seconds at the very most, and the cache answers repeats for 30 minutes: 60 a minute is three
# full pages. Anything faster is a script posting captures, and the user's UNI-PASS key and
# the services' patience are not for it.
NUMBERS_PER_MINUTE = 60
QUOTA_WINDOW = 60.0

USER_AGENT = f"Mozilla/5.0 (compatible; ParcelDoctor/{__version__}; local companion)"


# --- keys never reach a log -------------------------------------------------------------------

_SECRET_PARAM = re.compile(r"(?i)\b(crkyCn|apiKey|api_key|key|token|_csrf)=[^&\s\"']+")


def redact(text: str) -> str:
    """``text`` with the values of key-like query parameters replaced by ``***``."""
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=***", text)


class RedactFilter(logging.Filter):
    """Rewrites a record's message so no key-like query parameter survives in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's to report, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_REDACT = RedactFilter()
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3", "requests"):
    if not any(isinstance(f, RedactFilter) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_REDACT)


# --- the session ------------------------------------------------------------------------------


def new_session() -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=8, pool_maxsize=WORKERS, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.max_redirects = MAX_REDIRECTS
    session.trust_env = True  # a corporate proxy set in the environment still applies
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.6",
        }
    )
    return session


# --- one request -------------------------------------------------------------------------------


@dataclass
class Reply:
    """An answer, read (size-capped) and ready to decode."""

    status: int
    headers: dict
    content: bytes
    cookies: dict = field(default_factory=dict)  # what this answer set (the session keeps them too)

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").lower()

    def text(self) -> str:
        return decode(self.content, self.content_type)

    def looks_like_html(self) -> bool:
        head = self.content[:512].lstrip().lower()
        return "html" in self.content_type or head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout=None,
    retries: int | None = None,
    backoff: float | None = None,
    sleep=None,
    **kwargs,
) -> Reply:
    """``method url`` with the timeouts, one retry with backoff on 5xx, and the size cap.

    Raises :class:`Unreachable`, :class:`ServerError`, :class:`RateLimited`, :class:`Blocked`
    or :class:`BadResponse`; never a ``requests`` exception (whose text holds the URL).
    """
    timeout = TIMEOUT if timeout is None else timeout
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    sleep = sleep or time.sleep
    for attempt in range(retries + 1):
        try:
            response = session.request(method, url, timeout=timeout, stream=True, **kwargs)
        except requests.Timeout:
            raise Unreachable("no answer within the timeout") from None
        except requests.TooManyRedirects:
            raise Blocked("too many redirects") from None
        except requests.RequestException:
            raise Unreachable("could not connect") from None
        try:
            if response.status_code >= 500:
                if attempt < retries:
                    sleep(backoff * (2**attempt))
                    continue
                raise ServerError(response.status_code)
            if response.status_code == 429:
                raise RateLimited(retry_after(response.headers.get("Retry-After")))
            if response.status_code in (401, 403):
                raise Blocked(f"HTTP {response.status_code}")
            content = _read_capped(response)
            return Reply(
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                content=content,
                cookies=requests.utils.dict_from_cookiejar(response.cookies),
            )
        finally:
            response.close()
    raise AssertionError("unreachable")  # pragma: no cover


def _read_capped(response) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BODY:
                raise BadResponse("answer too large")
            chunks.append(chunk)
    except requests.RequestException:
        raise Unreachable("the answer broke off") from None
    return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date); None if absent/odd."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)


def decode(content: bytes, content_type: str = "") -> str:
    """Text from bytes: the header's charset, else the page's, else UTF-8, else CP949."""
    candidates = []
    for match in (_HEADER_CHARSET.search(content_type or ""), _META_CHARSET.search(content[:4096])):
        if match:
            name = match.group(1)
            candidates.append(name.decode("ascii", "ignore") if isinstance(name, bytes) else name)
    candidates += ["utf-8", "cp949"]
    for name in candidates:
        name = {"euc-kr": "cp949", "ks_c_5601-1987": "cp949"}.get(name.lower(), name)
        try:
            return content.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", "replace")


# --- circuit breakers ----------------------------------------------------------------------------


class Quota:
    """At most ``limit`` numbers in any ``window`` seconds (a sliding window of send times)."""

    def __init__(self, limit: int = NUMBERS_PER_MINUTE, window: float = QUOTA_WINDOW, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._sent: list[float] = []

    def take(self, wanted: int) -> int:
        """How many of ``wanted`` numbers may go out now (0 to ``wanted``); they are counted."""
        with self._lock:
            now = self.clock()
            self._sent = [t for t in self._sent if t > now - self.window]
            granted = max(0, min(wanted, self.limit - len(self._sent)))
            self._sent += [now] * granted
            return granted

    def give_back(self, count: int) -> None:
        """Un-count ``count`` numbers taken but not sent (the breaker said no)."""
        with self._lock:
            del self._sent[len(self._sent) - min(count, len(self._sent)) :]


class CircuitBreaker:
    """Closed → (``failures`` failures in a row) → open for ``cooldown`` s → half-open: one
    trial call; its success closes the breaker, its failure opens it again."""

    def __init__(self, failures: int = BREAKER_FAILURES, cooldown: float = BREAKER_COOLDOWN, clock=time.monotonic):
        self.failures = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._count = 0
        self._open_until: float | None = None
        self._trial = False
        self.reason = ""  # "failures" or "rate_limit": why it is open

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._open_until is None:
            return "closed"
        return "open" if self.clock() < self._open_until or self._trial else "half_open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state, only the one trial may."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open":
                self._trial = True
                return True
            return False

    def retry_in(self) -> float:
        """Seconds until the breaker lets a trial call through (0 when closed)."""
        with self._lock:
            if self._open_until is None:
                return 0.0
            return max(0.0, self._open_until - self.clock())

    def success(self) -> None:
        with self._lock:
            self._count = 0
            self._open_until = None
            self._trial = False

    def failure(self) -> None:
        with self._lock:
            self._count += 1
            if self._trial or self._count >= self.failures:
                self._open_until = self.clock() + self.cooldown
                self.reason = "failures"
            self._trial = False

    def trip(self, seconds: float) -> None:
        """Open now for ``seconds`` (a rate limit)."""
        with self._lock:
            self._count = max(self._count, self.failures)
            self._open_until = self.clock() + seconds
            self._trial = False
            self.reason = "rate_limit"


def rate_limit_cooldown(retry_after_seconds: float | None) -> float:
    if retry_after_seconds is None:
        return RATE_LIMIT_COOLDOWN
    return min(max(retry_after_seconds, BREAKER_COOLDOWN), RATE_LIMIT_MAX)


# --- the budget and the pool ------------------------------------------------------------------


class Budget:
    """A deadline ``seconds`` from now on a monotonic clock."""

    def __init__(self, seconds: float = BUDGET_SECONDS, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.deadline = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - self.clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


def wait(futures, budget: Budget) -> tuple[set[Future], set[Future]]:
    """(done, not done) when all are done or the budget ends, whichever comes first."""
    if not futures:
        return set(), set()
    done, not_done = wait_futures(futures, timeout=budget.remaining())
    return set(done), set(not_done)
