"""The companion's own words, in Korean and English, and dates written the way people read them.

Korean is the default everywhere; English when the caller asks for ``en``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

LANGS = ("ko", "en")
_MESSAGES = json.loads(Path(__file__).with_name("messages.json").read_text(encoding="utf-8"))
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def lang_or_default(value) -> str:
    """``ko`` unless ``value`` names another language we speak."""
    return value if value in LANGS else "ko"


def message(key: str, lang: str = "ko", **values) -> str:
    """A message from messages.json in ``lang``, with ``{name}`` placeholders filled."""
    entry = _MESSAGES[key]
    return entry[lang_or_default(lang)].format(**values)


def day(value: date, lang: str, today: date | None = None) -> str:
    """"10월 2일" / "Oct 2"; the year is added when it is not this year."""
    with_year = today is None or value.year != today.year
    if lang == "en":
        text = f"{_EN_MONTHS[value.month - 1]} {value.day}"
        return f"{text}, {value.year}" if with_year else text
    text = f"{value.month}월 {value.day}일"
    return f"{value.year}년 {text}" if with_year else text
