"""Providers' status codes and words → milestones, read from ``vocabulary.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from companion import milestones
from companion.parsing import vocabulary as aliexpress

_DATA = json.loads(Path(__file__).with_name("vocabulary.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Rule:
    milestone: str | None
    pattern: re.Pattern
    admin: bool


@dataclass(frozen=True)
class _Vocabulary:
    codes: dict
    rules: tuple[_Rule, ...]
    fallback: bool
    default: str | None


def _load(entry: dict) -> _Vocabulary:
    rules = tuple(
        _Rule(rule["milestone"], re.compile("|".join(f"(?:{p})" for p in rule["patterns"]), re.I), bool(rule.get("admin")))
        for rule in entry.get("text", [])
    )
    codes = {k: v for k, v in entry.get("codes", {}).items() if not k.startswith("_")}
    return _Vocabulary(codes=codes, rules=rules, fallback=bool(entry.get("fallback")), default=entry.get("default"))


_VOCABULARIES = {name: _load(entry) for name, entry in _DATA.items() if not name.startswith("_")}
_SPACE = re.compile(r"\s+")

def _milestones_named(entry: dict) -> set:
    named = {entry.get("default")} | {v for k, v in entry.get("codes", {}).items() if not k.startswith("_")}
    named |= {rule["milestone"] for rule in entry.get("text", [])}
    if "not_handover_when" in entry:
        named.add(entry["not_handover_when"]["milestone"])
    return named - {None}  # null: the event says nothing about where the parcel is


NAMED_MILESTONES = milestones.check(
    set().union(*(_milestones_named(e) for n, e in _DATA.items() if not n.startswith("_"))), "lookups/vocabulary.json"
)


def _rule_for(provider: str, code: str | None, texts) -> tuple[str | None, bool]:
    vocab = _VOCABULARIES[provider]
    if code is not None:
        key = str(code).strip()
        if key in vocab.codes:
            return vocab.codes[key], False
    for text in texts:
        squeezed = _SPACE.sub("", text or "")
        if not squeezed:
            continue
        for rule in vocab.rules:
            if rule.pattern.search(squeezed):
                return rule.milestone, rule.admin
    if vocab.fallback:
        found = aliexpress.classify_event(None, *[t for t in texts if t])
        if found:
            return found, False
    return vocab.default, False


def milestone(provider: str, code: str | None = None, *texts: str) -> str | None:
    """The milestone of a provider's event: its code, else its wording, else the default."""
    return _rule_for(provider, code, texts)[0]


def is_admin(provider: str, *texts: str) -> bool:
    """Paperwork that says nothing new about where the parcel is (UNI-PASS's extensions of
    the unloading-place deadline, which can follow the release)."""
    return _rule_for(provider, None, texts)[1]


def unipass_release_exception(content: str) -> str | None:
    """The milestone a UNI-PASS 반출신고 has when its 반출입내용 (``rlbrCn``) says it is not a
    release to the courier (a bonded transport), else None."""
    rule = _DATA["unipass"]["not_handover_when"]
    squeezed = _SPACE.sub("", content or "")
    if squeezed and any(re.search(p, squeezed) for p in rule["patterns"]):
        return rule["milestone"]
    return None
