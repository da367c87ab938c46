"""The user's live-lookup choices, in ``settings.json`` in the data dir (owner-only, 0600).

Everything is off until the user turns a provider on. Shape on disk::

    {"providers": {"cainiao": {"enabled": false},
                   "unipass": {"enabled": false, "key": null},
                   "kr.cjlogistics": {"enabled": false}, …}}

The UNI-PASS key lives only here: it is never returned by the API (``key_set`` says whether
there is one), never logged, and never part of a ``repr``. A file that cannot be read means
"everything off"; a file someone made readable by others is made owner-only again on read.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from companion import datadir
from companion.lookups import http
from companion.lookups.providers import ALL
from companion.lookups.providers import BY_ID
from companion.lookups.providers import IDS

log = logging.getLogger(__name__)

FILENAME = "settings.json"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

NOTICE = {
    "ko": "켠 조회만, 켠 곳으로만 보내요. 꺼 두면 아무것도 보내지 않아요. 이름·전화번호·주소·개인통관고유부호는 어디에도 보내지 않아요.",
    "en": "Only the lookups you turn on send anything, and only to the place named. Names, phone numbers, addresses and the personal customs code are never sent.",
}


class SettingsError(ValueError):
    """A rejected update: ``code`` (snake_case), a message for the user, and the HTTP status
    (400 for a malformed body; 409 when a well-formed one conflicts with what is stored)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class ProviderSettings:
    enabled: bool = False
    key: str | None = field(default=None, repr=False)


@dataclass
class Settings:
    providers: dict[str, ProviderSettings] = field(default_factory=lambda: {i: ProviderSettings() for i in IDS})

    def enabled(self, provider_id: str) -> bool:
        entry = self.providers.get(provider_id)
        return bool(entry and entry.enabled)

    def key(self, provider_id: str) -> str | None:
        entry = self.providers.get(provider_id)
        return entry.key if entry else None

    @property
    def any_enabled(self) -> bool:
        return any(p.enabled(self) for p in ALL)

    def to_json(self) -> dict:
        out = {}
        for provider_id in IDS:
            entry = self.providers.get(provider_id, ProviderSettings())
            out[provider_id] = {"enabled": entry.enabled}
            if BY_ID[provider_id].needs_key:
                out[provider_id]["key"] = entry.key
        return {"providers": out}

    @classmethod
    def from_json(cls, data) -> "Settings":
        """Whatever is on disk, read leniently: anything odd means "off", never an error."""
        settings = cls()
        providers = data.get("providers") if isinstance(data, dict) else None
        if not isinstance(providers, dict):
            return settings
        for provider_id in IDS:
            entry = providers.get(provider_id)
            if not isinstance(entry, dict):
                continue
            key = entry.get("key") if BY_ID[provider_id].needs_key else None
            settings.providers[provider_id] = ProviderSettings(
                enabled=entry.get("enabled") is True,
                key=key if isinstance(key, str) and KEY_PATTERN.match(key) else None,
            )
        return settings


def path(data_dir) -> Path:
    return Path(data_dir) / FILENAME


def load(data_dir) -> Settings:
    """The saved settings, or everything off."""
    file = path(data_dir)
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        log.warning("live-lookup settings unreadable (%s); every provider stays off", type(error).__name__)
        return Settings()
    if stat.S_IMODE(mode) & 0o077:
        try:
            os.chmod(file, 0o600)
        except OSError:
            pass
    try:
        return Settings.from_json(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        log.warning("live-lookup settings unreadable (%s); every provider stays off", type(error).__name__)
        return Settings()


def save(data_dir, settings: Settings) -> None:
    datadir.write_private(path(data_dir), json.dumps(settings.to_json(), ensure_ascii=False, indent=1) + "\n")


def coerce(value, data_dir=None) -> Settings:
    """A :class:`Settings` from a Settings, the on-disk dict shape, or None (read the file)."""
    if isinstance(value, Settings):
        return value
    if value is None:
        return load(data_dir) if data_dir is not None else Settings()
    return Settings.from_json(value)


# --- the API's view ------------------------------------------------------------------------------


def public(settings: Settings, lang: str = "ko") -> dict:
    """What ``GET /v1/settings`` shows: every provider, what it sends where; never a key."""
    providers = {}
    for provider in ALL:
        entry = settings.providers.get(provider.id, ProviderSettings())
        shown = {
            "enabled": entry.enabled,
            "name": provider.display_name(lang),
            "sends": provider.sends.get(lang) or provider.sends["en"],
            "host": provider.host,
            "needs_key": provider.needs_key,
        }
        if provider.needs_key:
            shown["key_set"] = bool(entry.key)
        providers[provider.id] = shown
    return {
        "providers": providers,
        "notice": NOTICE.get(lang, NOTICE["en"]),
        "budget_seconds": http.BUDGET_SECONDS,
        "cache_minutes": 30,
    }


def update(data_dir, body) -> tuple[Settings, list[str]]:
    """Apply a ``PUT /v1/settings`` body strictly, save, and return the new settings and the
    ids of the providers it turned off. What an off provider said is not used, so not kept
    either: its cached answers are dropped here. Not thread-safe by itself: the app calls it
    through :meth:`companion.lookups.service.Service.update_settings`, one at a time."""
    from companion.lookups.cache import LookupCache

    current = load(data_dir)
    changed = apply(current, body)
    save(data_dir, current)
    cache = LookupCache(data_dir)
    for provider_id in changed:
        cache.forget(provider_id)
    return current, changed


def apply(settings: Settings, body) -> list[str]:
    """Validate ``body`` completely, then change ``settings`` in place; nothing changes when
    any part is wrong. Returns the ids of providers turned from on to off."""
    if not isinstance(body, dict):
        raise SettingsError("invalid_body", "The body must be a JSON object.")
    unknown = [k for k in body if k != "providers"]
    if unknown:
        raise SettingsError("unknown_field", f"Unknown field '{_short(unknown[0])}'; only 'providers' can be set.")
    if "providers" not in body:
        raise SettingsError("missing_field", "'providers' is required.")
    providers = body["providers"]
    if not isinstance(providers, dict):
        raise SettingsError("invalid_field", "'providers' must be an object keyed by provider id.")
    planned: dict[str, ProviderSettings] = {}
    for provider_id, entry in providers.items():
        if provider_id not in BY_ID:
            raise SettingsError("unknown_provider", f"Unknown provider '{_short(provider_id)}'; known: {', '.join(IDS)}.")
        provider = BY_ID[provider_id]
        if not isinstance(entry, dict):
            raise SettingsError("invalid_field", f"'providers.{provider_id}' must be an object.")
        allowed = {"enabled", "key"} if provider.needs_key else {"enabled"}
        extra = [k for k in entry if k not in allowed]
        if extra:
            raise SettingsError("unknown_field", f"'providers.{provider_id}' has no field '{_short(extra[0])}'; it takes {', '.join(sorted(allowed))}.")
        now = settings.providers.get(provider_id, ProviderSettings())
        enabled, key = now.enabled, now.key
        if "enabled" in entry:
            if not isinstance(entry["enabled"], bool):
                raise SettingsError("invalid_field", f"'providers.{provider_id}.enabled' must be true or false.")
            enabled = entry["enabled"]
        if "key" in entry:
            key = entry["key"]
            if key is not None:
                if not isinstance(key, str):
                    raise SettingsError("invalid_field", f"'providers.{provider_id}.key' must be a string or null.")
                if not KEY_PATTERN.match(key):
                    raise SettingsError("invalid_key", "The UNI-PASS key is 8 to 64 letters, digits, '-' or '_'.")
        if provider.needs_key and enabled and not key:
            raise SettingsError("key_required", f"{provider.display_name('en')} needs your own key before it can be turned on.", 409)
        planned[provider_id] = ProviderSettings(enabled=enabled, key=key)
    turned_off = [i for i, p in planned.items() if settings.enabled(i) and not p.enabled]
    settings.providers.update(planned)
    return turned_off


def _short(text) -> str:
    text = str(text)
    return text if len(text) <= 40 else text[:40] + "…"
