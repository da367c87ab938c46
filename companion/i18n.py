"""The companion's own words, in Korean and English, and dates written the way people read them.

Korean is the default everywhere; English when the caller asks for ``en``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

LANGS = ("ko", "en")
_MESSAGES = json.loads(Path(__file__).with_name("messages.json").read_text(encoding="utf-8"))
KEYS = frozenset(_MESSAGES)
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


# 받침 of a digit's Korean reading (영 일 이 삼 사 오 육 칠 팔 구): "" none, "ㄹ", or another.
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
_FINALS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")


def ro(word: str) -> str:
    """``word`` with the particle 로/으로, as Korean grammar wants it after that word.

    "CJ대한통운" → "CJ대한통운으로", "한진택배" → "한진택배로". A word ending in a Latin letter
    gets "(으)로": its reading is not known here.
    """
    last = word.rstrip()[-1:] if word.strip() else ""
    if "가" <= last <= "힣":
        final = _FINALS[(ord(last) - 0xAC00) % 28]
    elif last in _DIGIT_FINAL:
        final = _DIGIT_FINAL[last]
    else:
        return f"{word}(으)로"
    return f"{word}로" if final in ("", "ㄹ") else f"{word}으로"
