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


# Latin words a Korean sentence may hold: brand and product names, and what the user types.
BRANDS = {"Parcel", "Doctor", "UNI-PASS", "TRACK", "JSON", "CJ", "CJ대한통운", "H", "B/L", "Ctrl", "C", "LP", "S10", "http", "https", "ko", "en"}


def latin_words(text: str, allowed: set[str]) -> set[str]:
    import re

    # URLs, placeholders, options, commands and dates as typed (2026-09-30T10:00:00+09:00) are not words
    text = re.sub(r"https?://\S+|\{[a-z_]+\}|\$[A-Z_]+\$|\S*\d{4}-\d{2}-\d{2}T\S*|[./\w-]*/[\w./-]+|(?<![\w-])--?[a-z][a-z-]*|[A-Z0-9]{8,}|\b[\w.-]+\.[a-z]{2,4}\b", " ", text)
    words = set(re.findall(r"[A-Za-z][A-Za-z/\-]*", text))
    return {w for w in words if w not in allowed and w not in BRANDS}


def test_korean_answers_hold_no_english_words():
    """What a Korean shopper reads in every fixture's answer: titles, explanations, evidence,
    the order's age and the last event. Internal codes live in ``details`` only."""
    from tests.conftest import FIXTURES

    found = {}
    for path in sorted(FIXTURES.glob("*/*.expected.json")):
        if json.loads(path.with_name(path.name.replace(".expected", ".capture")).read_text(encoding="utf-8")).get("lang") != "ko":
            continue
        answer = json.loads(path.read_text(encoding="utf-8"))
        for order in answer["orders"]:
            allowed = set((order["shipping_service"] or "").split())
            texts = [order["age"]["text"]] if order["age"] else []
            texts += [p["last_event"]["text"] for p in order["parcels"] if p["last_event"]]
            for finding in order["findings"]:
                texts += [finding["title"], finding["explanation"], *finding["evidence"], *(a["label"] for a in finding["actions"])]
            for text in texts:
                if latin_words(text, allowed):
                    found[f"{path.name}: {text}"] = latin_words(text, allowed)
    assert not found, found


def test_korean_ui_strings_hold_no_english_words():
    root = Path(i18n.__file__).parent.parent
    messages = json.loads((root / "companion" / "messages.json").read_text(encoding="utf-8"))
    locale = json.loads((root / "extension" / "_locales" / "ko" / "messages.json").read_text(encoding="utf-8"))
    texts = {f"companion {k}": v["ko"] for k, v in messages.items()}
    texts |= {f"extension {k}": v["message"] for k, v in locale.items() if k not in ("popup_langEn",)}
    commands = {"parcel-doctor", "parcel", "doctor", "token", "serve", "export", "HTML", "API", "English", "UTF"}
    # what a user types (commands, an environment value) and names of programs and units
    commands |= {"autostart", "enable", "status", "show", "off", "systemd", "launchctl", "UTC", "MB", "PID"}
    found = {key: words for key, text in texts.items() if (words := latin_words(text, commands))}
    assert not found, found
