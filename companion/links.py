"""Buttons to the right places, built only from templates in ``links.json`` and the carriers'
own templates. Every URL is checked to be https on an allowed host before it leaves."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlsplit

from companion import numbers
from companion.models import Action

_LINKS = {k: v for k, v in json.loads(Path(__file__).with_name("links.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}


def _hosts() -> frozenset[str]:
    templates = [entry["url"] for entry in _LINKS.values()] + [e.get("url_en", "") for e in _LINKS.values()]
    templates += [c.tracking_url_template for c in numbers.all_carriers() if c.tracking_url_template]
    return frozenset(urlsplit(t).hostname for t in templates if t)


ALLOWED_HOSTS = _hosts()


def is_allowed(url: str) -> bool:
    """https, on a host one of our own templates names, nothing else."""
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in ALLOWED_HOSTS and not parts.username


def checked(entries: dict[str, dict]) -> dict[str, dict]:
    """The link templates, each https on an allowed host with its placeholders after the host.

    Filled by :func:`link` with URL-encoded values (no "/", "@", ":", "?" or "#" survives
    ``quote(…, safe="")``), such a template gives only URLs on its own host, so no URL needs
    checking again when it is made. A template edited wrongly fails here, at import."""
    for name, entry in entries.items():
        for url in filter(None, (entry["url"], entry.get("url_en"))):
            parts = urlsplit(url)
            if "{" in parts.scheme + parts.netloc or not is_allowed(url):
                raise ValueError(f"link {name} is not https on an allowed host")
    return entries


_LINKS = checked(_LINKS)


def template(name: str) -> str:
    """The named link's URL template from links.json, its {placeholders} unfilled."""
    return _LINKS[name]["url"]


def tracker_templates() -> dict[str, dict]:
    """links.json's trackers by name: {"url", "label", …} with {number} to fill."""
    return {name: entry for name, entry in _LINKS.items() if entry["kind"] == "tracker"}


def link(name: str, **values) -> Action:
    """The named link from links.json, its placeholders URL-encoded (see :func:`checked`)."""
    entry = _LINKS[name]
    filled = {k: quote(str(v), safe="") for k, v in values.items()}
    url_ko = entry["url"].format(**filled)
    url_en = entry["url_en"].format(**filled) if "url_en" in entry else ""
    return Action(kind=entry["kind"], label_ko=entry["label"]["ko"], label_en=entry["label"]["en"], url=url_ko, url_en=url_en)


def trackers(number: str | None) -> list[Action]:
    """17TRACK for any number; Cainiao too, since it follows AliExpress parcels end to end."""
    if not number:
        return []
    return [link("17track", number=number), link("cainiao", number=number)]


def courier(carrier_id: str | None, number: str | None) -> list[Action]:
    """The Korean courier's own tracking page for its number, when we know its URL."""
    if not carrier_id or not number:
        return []
    try:
        carrier = numbers.carrier(carrier_id)
    except KeyError:
        return []
    url = carrier.tracking_url(number)
    if not url or not is_allowed(url):
        return []
    return [
        Action(
            kind="courier",
            label_ko=f"{carrier.name('ko')}에서 조회",
            label_en=f"Track with {carrier.name('en')}",
            url=url,
        )
    ]
