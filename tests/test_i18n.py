"""The companion's own Korean and English words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from companion import i18n


@pytest.mark.parametrize(
    "word, expected",
    [("CJ대한통운", "CJ대한통운으로"), ("한진택배", "한진택배로"), ("우체국", "우체국으로"), ("경동택배", "경동택배로"),
     ("서울", "서울로"), ("561000000505", "561000000505로"), ("520000000707", "520000000707로"), ("100", "100으로"), ("CJ", "CJ(으)로")],
)
def test_the_particle_ro_follows_the_last_sound(word, expected):
    assert i18n.ro(word) == expected


def test_days_are_written_as_people_read_them():
    today = date(2026, 9, 30)
    assert i18n.day(date(2026, 10, 2), "ko", today) == "10월 2일"
    assert i18n.day(date(2026, 10, 2), "en", today) == "Oct 2"
    assert i18n.day(date(2027, 1, 5), "ko", today) == "2027년 1월 5일"


def test_every_message_is_in_korean_and_english():
    messages = json.loads((Path(i18n.__file__).with_name("messages.json")).read_text(encoding="utf-8"))
    for key, entry in messages.items():
        assert set(entry) == {"ko", "en"}, key
        assert entry["ko"] and entry["en"], key
