"""The parse cache (companion/cache.py): a capture seen before is not parsed again, and its
answer is the one a fresh parse gives."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest

from companion import cache
from companion import dates
from companion import parsing
from companion.diagnosis import examine
from companion.parsing.base import Capture
from companion.replay import Key
from tests.conftest import FIXTURES

CAPTURES = sorted(FIXTURES.glob("*/*.capture.json"))


def name_of(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.capture.json')}"


def capture_of(path: Path) -> Capture:
    meta = json.loads(path.read_text(encoding="utf-8"))
    page = path.with_name(path.name.replace(".capture.json", ".html"))
    return Capture(
        url=meta["url"],
        html=page.read_text(encoding="utf-8") if page.exists() else None,
        payloads=meta["payloads"],
        captured_at=dates.parse_iso(meta["captured_at"]),
    )


PAGES = cache.ParseCache()


@pytest.fixture(autouse=True)
def empty_cache():
    PAGES.clear()
    yield
    PAGES.clear()


@pytest.mark.parametrize("path", CAPTURES, ids=name_of)
def test_an_answer_from_the_cache_is_the_fresh_one(path):
    capture = capture_of(path)
    fresh = examine(copy.deepcopy(capture), pages=PAGES).answer
    again = examine(copy.deepcopy(capture), pages=PAGES).answer  # from the parse cache this time
    assert json.dumps(again, ensure_ascii=False) == json.dumps(fresh, ensure_ascii=False)


def test_a_repeat_is_parsed_once_and_its_copy_is_its_own():
    capture = capture_of(FIXTURES / "order_list" / "ko_page2.capture.json")
    first = PAGES.parse(copy.deepcopy(capture), parsing.parse)
    first.orders[0].sources.append("changed by the diagnosis")
    first.orders.pop()
    hits = PAGES.hits
    second = PAGES.parse(copy.deepcopy(capture), parsing.parse)
    assert PAGES.hits == hits + 1
    assert second == parsing.parse(copy.deepcopy(capture))


def test_the_cache_key_is_what_the_parse_reads():
    base = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
    later_that_day = copy.deepcopy(base)
    later_that_day.captured_at = base.captured_at + timedelta(hours=5)
    assert cache.key(later_that_day) == cache.key(base)
    assert parsing.parse(copy.deepcopy(later_that_day)) == parsing.parse(copy.deepcopy(base))
    for change in (
        lambda c: setattr(c, "captured_at", c.captured_at + timedelta(days=1)),
        lambda c: setattr(c, "url", c.url + "&x=1"),
        lambda c: setattr(c, "html", c.html + " "),
        lambda c: setattr(c, "html", None),
        lambda c: c.payloads[0]["data"].update(extra=1),
        lambda c: setattr(c, "payloads", []),
    ):
        other = copy.deepcopy(base)
        change(other)
        assert cache.key(other) != cache.key(base)


def test_the_cache_is_bounded():
    small = cache.ParseCache(max_entries=3, max_bytes=10**9)
    for hour in range(8):
        capture = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
        capture.captured_at += timedelta(days=hour)
        small.parse(capture, parsing.parse)
    assert len(small) == 3
    tiny = cache.ParseCache(max_entries=100, max_bytes=20_000)
    for path in CAPTURES:
        tiny.parse(capture_of(path), parsing.parse)
    assert 0 < tiny.size_bytes <= 20_000


def test_a_request_digest_stands_for_the_page_it_carries():
    base = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
    later_that_day = copy.deepcopy(base)
    later_that_day.captured_at = base.captured_at + timedelta(hours=5)
    next_day = copy.deepcopy(base)
    next_day.captured_at = base.captured_at + timedelta(days=1)
    body, other_body = b"\x01" * 32, b"\x02" * 32
    assert cache.key(later_that_day, body) == cache.key(base, body)
    assert cache.key(next_day, body) != cache.key(base, body)
    assert cache.key(base, other_body) != cache.key(base, body)
    assert cache.key(base, body) != cache.key(base)


def test_the_api_parses_a_page_sent_again_once(client, auth, app):
    """A request whose answer cannot be given again (the history changed meanwhile) is still
    not parsed again: the request's own digest finds the page in the parse cache."""
    meta = json.loads((FIXTURES / "order_list" / "ko_page1.capture.json").read_text(encoding="utf-8"))
    body = dict(meta, html=(FIXTURES / "order_list" / "ko_page1.html").read_text(encoding="utf-8"))
    pages = app.extensions["parcel_doctor.pages"]
    assert client.post("/v1/diagnose", json=body, headers=auth).status_code == 200
    other = capture_of(FIXTURES / "tracking" / "ko_0404.capture.json")
    assert client.post("/v1/diagnose", json={"url": other.url, "html": other.html, "payloads": other.payloads,
                                             "captured_at": meta["captured_at"]}, headers=auth).status_code == 200
    hits = pages.hits
    later = dict(body, captured_at=(dates.parse_iso(meta["captured_at"]) + timedelta(seconds=5)).isoformat())
    assert client.post("/v1/diagnose", json=later, headers=auth).status_code == 200
    assert pages.hits == hits + 1
    changed = dict(later, html=body["html"].replace("</body>", "<p>x</p></body>"))
    assert client.post("/v1/diagnose", json=changed, headers=auth).status_code == 200
    assert pages.hits == hits + 1
    # The page is kept under the request's digest (and its Seoul day), not a second hash of it.
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert client.post("/v1/diagnose", data=raw, headers={**auth, "Content-Type": "application/json"}).status_code == 200
    seoul = copy.deepcopy(capture_of(FIXTURES / "order_list" / "ko_page1.capture.json"))
    seoul.captured_at = seoul.captured_at.astimezone(dates.KST)

    def parsed_again(capture):
        raise AssertionError("the page was not found under the request's digest")

    assert pages.parse(seoul, parsed_again, Key.of(raw).digest).orders
