"""Every link the companion offers is https on a host of its own templates (companion/links.py)."""

from __future__ import annotations

import pytest

from companion import links


def entry(url: str, **more) -> dict:
    return {"kind": "tracker", "url": url, "label": {"ko": "조회", "en": "Track"}, **more}


@pytest.mark.parametrize("url", [
    "http://t.17track.net/ko#nums={number}",  # not https
    "https://{number}.17track.net/",  # the value would choose the host
    "https://t.17track.net@{number}/",  # … or the user part
    "https://{number}/",
    "https://evil.example/{number}",  # a host no template of ours names
])
def test_a_template_that_could_lead_elsewhere_is_refused_at_import(url):
    with pytest.raises(ValueError):
        links.checked({"bad": entry(url)})
    with pytest.raises(ValueError):
        links.checked({"bad": entry("https://t.17track.net/en#nums={number}", url_en=url)})


def test_a_filled_link_stays_on_its_host_whatever_the_value():
    assert links.checked({"ok": entry("https://t.17track.net/ko#nums={number}")})
    for value in ("a/b", "x@evil.example", "//evil.example", "evil.example:443", "?q=1#f", "\u202e", ".."):
        for name in ("17track", "cainiao", "aliexpress_detail"):
            action = links.link(name, number=value, order_id=value)
            assert links.is_allowed(action.url), action.url
            assert action.url.startswith(links.template(name).split("{")[0])
