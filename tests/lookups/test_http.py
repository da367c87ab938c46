"""The shared network layer: timeouts, one retry with backoff on 5xx, the breaker, the budget,
the size cap, charsets, and keys kept out of logs."""

from __future__ import annotations

import logging
import time

import pytest
import requests
import responses

from companion import lookups
from companion.lookups import http
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import RateLimited
from companion.lookups.base import ServerError
from companion.lookups.base import Unreachable

URL = "https://example.invalid/api"


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_the_timeouts_are_two_and_five_seconds_and_the_budget_three():
    assert http.TIMEOUT == (2.0, 5.0)
    assert http.BUDGET_SECONDS == 3.0


def test_requests_carry_the_timeouts(net):
    seen = {}

    def answer(request):
        seen["timeout"] = request.req_kwargs.get("timeout")
        return 200, {}, "{}"

    net.add_callback(responses.GET, URL, callback=answer)
    http.request(http.new_session(), "GET", URL)
    assert seen["timeout"] == (2.0, 5.0)


def test_a_5xx_is_retried_once_after_a_backoff(net):
    net.add(responses.GET, URL, status=503, body="busy")
    net.add(responses.GET, URL, status=200, json={"ok": True})
    slept = []
    reply = http.request(http.new_session(), "GET", URL, sleep=slept.append)
    assert reply.status == 200 and reply.content == b'{"ok": true}'
    assert len(net.calls) == 2
    assert slept == [http.BACKOFF_SECONDS]


def test_two_5xx_in_a_row_is_a_server_error(net):
    net.add(responses.GET, URL, status=502)
    net.add(responses.GET, URL, status=500)
    net.add(responses.GET, URL, status=200, json={})  # never reached: one retry only
    with pytest.raises(ServerError) as caught:
        http.request(http.new_session(), "GET", URL, sleep=lambda s: None)
    assert caught.value.status == 500
    assert len(net.calls) == 2


def test_a_4xx_is_not_retried(net):
    net.add(responses.GET, URL, status=404, body="nope")
    reply = http.request(http.new_session(), "GET", URL, sleep=lambda s: None)
    assert reply.status == 404 and len(net.calls) == 1


def test_a_timeout_is_unreachable_and_the_message_has_no_url(net):
    net.add(responses.GET, URL, body=requests.ReadTimeout(f"HTTPSConnectionPool: Read timed out. url: {URL}?crkyCn=SECRETKEY1"))
    with pytest.raises(Unreachable) as caught:
        http.request(http.new_session(), "GET", URL, params={"crkyCn": "SECRETKEY1"})
    assert "SECRETKEY1" not in str(caught.value) and "example" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_refused_connection_is_unreachable(net):
    net.add(responses.GET, URL, body=requests.ConnectionError("refused"))
    with pytest.raises(Unreachable):
        http.request(http.new_session(), "GET", URL)


def test_429_is_a_rate_limit_with_its_retry_after(net):
    net.add(responses.GET, URL, status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as caught:
        http.request(http.new_session(), "GET", URL)
    assert caught.value.retry_after == 120.0
    assert len(net.calls) == 1


def test_403_is_blocked(net):
    net.add(responses.POST, URL, status=403, body="<html>Forbidden</html>")
    with pytest.raises(Blocked):
        http.request(http.new_session(), "POST", URL)


def test_an_oversized_answer_is_refused(net, monkeypatch):
    monkeypatch.setattr(http, "MAX_BODY", 1024)
    net.add(responses.GET, URL, body=b"x" * 5000)
    with pytest.raises(BadResponse):
        http.request(http.new_session(), "GET", URL)


def test_retry_after_reads_seconds_and_dates():
    assert http.retry_after("30") == 30.0
    assert http.retry_after(None) is None and http.retry_after("soon") is None
    assert 0 <= http.retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 1  # in the past: now
    assert http.rate_limit_cooldown(None) == http.RATE_LIMIT_COOLDOWN
    assert http.rate_limit_cooldown(5) == http.BREAKER_COOLDOWN
    assert http.rate_limit_cooldown(10**9) == http.RATE_LIMIT_MAX


def test_korean_pages_decode_from_their_charset():
    text = "배달완료"
    assert http.decode(text.encode("cp949"), "text/html; charset=EUC-KR") == text
    assert http.decode(b'<meta charset="euc-kr">' + text.encode("cp949")).endswith(text)
    assert http.decode(text.encode("cp949")) == text  # no charset named: UTF-8 fails, CP949 fits
    assert http.decode(text.encode("utf-8"), "text/html") == text


# --- the breaker --------------------------------------------------------------------------------


def test_the_breaker_opens_after_three_failures_in_a_row_for_a_minute():
    clock = FakeClock()
    breaker = http.CircuitBreaker(clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failure()
    assert breaker.state == "closed"
    breaker.failure()
    assert breaker.state == "open" and not breaker.allow()
    assert breaker.retry_in() == pytest.approx(60.0)
    clock.advance(59)
    assert not breaker.allow()
    clock.advance(2)
    assert breaker.state == "half_open"
    assert breaker.allow()  # the one trial
    assert not breaker.allow()  # and no second one while it runs
    breaker.success()
    assert breaker.state == "closed" and breaker.allow()


def test_a_failed_trial_opens_the_breaker_again():
    clock = FakeClock()
    breaker = http.CircuitBreaker(failures=1, cooldown=10, clock=clock)
    breaker.failure()
    clock.advance(11)
    assert breaker.allow()
    breaker.failure()
    assert breaker.state == "open" and breaker.retry_in() == pytest.approx(10)


def test_a_success_resets_the_count():
    breaker = http.CircuitBreaker(clock=FakeClock())
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    assert breaker.state == "closed"


def test_a_rate_limit_trips_the_breaker_at_once():
    clock = FakeClock()
    breaker = http.CircuitBreaker(clock=clock)
    breaker.trip(300)
    assert not breaker.allow()
    clock.advance(301)
    assert breaker.allow()


def test_each_provider_has_its_own_breaker(service):
    assert service.breaker("cainiao") is service.breaker("cainiao")
    assert service.breaker("cainiao") is not service.breaker("unipass")
    assert lookups.Service().breaker("cainiao") is not service.breaker("cainiao")  # nothing shared between services


# --- the budget and the pool ----------------------------------------------------------------------


def test_the_budget_counts_down_on_a_monotonic_clock():
    clock = FakeClock()
    budget = http.Budget(3.0, clock=clock)
    assert budget.remaining() == 3.0 and not budget.expired
    clock.advance(2.5)
    assert budget.remaining() == pytest.approx(0.5)
    clock.advance(1)
    assert budget.remaining() == 0.0 and budget.expired


def test_waiting_stops_at_the_budget_and_the_work_goes_on(releases, service):
    gate = releases()
    fast = service.submit(lambda: "fast")
    slow = service.submit(lambda: gate.wait(10) and "slow")
    started = time.monotonic()
    done, not_done = http.wait({fast, slow}, http.Budget(0.3))
    assert time.monotonic() - started < 1.5
    assert done == {fast} and not_done == {slow}
    gate.set()
    assert service.drain(5) and slow.result() == "slow"


# --- keys stay out of logs ------------------------------------------------------------------------


def test_urllib3s_debug_line_is_redacted(caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        '%s://%s:%s "%s %s %s" %s %s', "https", "unipass.customs.go.kr", 38010, "GET",
        "/ext/rest/cargCsclPrgsInfoQry/retrieveCargCsclPrgsInfo?crkyCn=q260t225s025d125&hblNo=LP00432912345678&blYy=2026",
        "HTTP/1.1", 200, 512,
    )
    assert "q260t225s025d125" not in caplog.text
    assert "crkyCn=***" in caplog.text


def test_redact_leaves_other_text_alone():
    assert http.redact("a=1&crkyCn=abc&b=2") == "a=1&crkyCn=***&b=2"
    assert http.redact("nothing to hide") == "nothing to hide"
