"""What the Korean courier providers share: which parcel is theirs, and reading their pages.

A courier is asked only about a parcel whose Korean courier is known to be that one: named on
the page or by Cainiao (``destCpInfo``), or the only Korean courier whose number format fits.
An all-digit number two couriers could have issued is asked of neither (docs/facts/carriers.md §1.4: no
number is sent to a courier on a guess).
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from bs4 import BeautifulSoup
from bs4 import Comment
from bs4 import NavigableString

from companion import dates
from companion import numbers as registry
from companion.lookups import http
from companion.lookups import vocabulary
from companion.lookups.base import DONE_MILESTONES
from companion.lookups.base import LiveResult
from companion.lookups.base import BadResponse
from companion.lookups.base import Blocked
from companion.lookups.base import Provider
from companion.lookups.base import clean
from companion.lookups.base import newest_milestone
from companion.lookups.base import scrub
from companion.models import Event
from companion.models import Parcel

_BOT_WALL = re.compile(r"captcha|자동\s*입력\s*방지|비정상적인\s*접근|access denied|request rejected", re.I)


def domestic(parcel: Parcel) -> tuple[str | None, str | None]:
    """(courier id, number) of the parcel's Korean leg, as far as it is known."""
    courier, number = registry.domestic_leg(parcel.tracking_number, parcel.domestic_number, parcel.carrier_name)
    return (courier.id if courier else None), number


class Courier(Provider):
    """A Korean courier: one number a call, events in Korean. Its id is its id in the number
    registry, which says whether a number is one of its own."""

    def numbers(self, parcel: Parcel) -> list[str]:
        if newest_milestone(parcel) in DONE_MILESTONES:
            return []
        courier, number = domestic(parcel)
        if courier != self.id or not number or not self.valid(number):
            return []
        return [number]

    def valid(self, number: str) -> bool:
        return registry.is_number_of(number, self.id)

    def result(self, number: str, events: list[Event], not_found: bool = False) -> LiveResult:
        result = LiveResult(provider=self.id, number=number, events=events, not_found=not_found).sort()
        result.status = result.events[0].title if result.events else None
        return result

    def event(self, when: datetime | None, title: str, text: str = "", location: str = "", code: str | None = None) -> Event:
        title, text, location = scrub(clean(title)), scrub(clean(text)), scrub(clean(location))
        return Event(
            time=when,
            text=text or title,
            title=title,
            location=location,
            milestone=vocabulary.milestone(self.id, code, title, text),
            source=self.source,
        )


# --- reading answers ------------------------------------------------------------------------


def json_body(reply: http.Reply):
    """JSON, or the right error for an HTML page or broken text."""
    if reply.looks_like_html():
        raise (Blocked("a bot check page") if _BOT_WALL.search(reply.text()) else BadResponse("an HTML page instead of JSON"))
    try:
        return json.loads(reply.text())
    except ValueError:
        raise BadResponse("malformed JSON") from None


def soup(reply: http.Reply) -> BeautifulSoup:
    text = reply.text()
    if _BOT_WALL.search(text[:20000]) and "<table" not in text.lower():
        raise Blocked("a bot check page")
    if not reply.looks_like_html() and "<t" not in text[:5000].lower():
        raise BadResponse("not an HTML page")
    return BeautifulSoup(text, "lxml")


def rows(page: BeautifulSoup, first_cell: re.Pattern, min_cells: int = 4, key_cell: int = 0) -> list[list[str]]:
    """Every table row of ``min_cells`` or more cells whose ``key_cell`` fits ``first_cell``
    (a date): tolerant of whatever classes and nesting the page uses this year."""
    found = []
    for tr in page.find_all("tr"):
        cells = [cell_text(td) for td in tr.find_all("td", recursive=False)]
        if len(cells) >= min_cells and first_cell.search(cells[key_cell]):
            found.append(cells)
    return found


_LINE_BREAKS = ("br", "p", "div", "li", "tr")


def cell_text(node) -> str:
    """A cell's text as a person reads it: inline pieces joined as the page joins them (한진's
    "<strong>울산 터미널</strong>에 <strong>도착</strong>하였습니다" is "울산 터미널에 도착하였습니다",
    not "터미널 에 도착 하였습니다"), a line break or a block a space; comments left out."""
    parts = []
    for piece in node.descendants:
        if isinstance(piece, Comment):
            continue
        if isinstance(piece, NavigableString):
            parts.append(str(piece))
        elif getattr(piece, "name", None) in _LINE_BREAKS:
            parts.append(" ")
    return clean("".join(parts))


def seoul(date_text: str, time_text: str, formats: tuple[str, ...]) -> datetime | None:
    """A Seoul-time datetime from a date and a time cell, trying ``formats`` in order."""
    joined = f"{clean(date_text)} {clean(time_text)}".strip()
    for fmt in formats:
        try:
            return datetime.strptime(joined, fmt).replace(tzinfo=dates.KST)
        except ValueError:
            continue
    return None
