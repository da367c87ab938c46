"""The response cache: 30 minutes, per (provider, number), owner-only files, never in the way."""

from __future__ import annotations

import os
import stat

from companion.lookups.base import LiveResult
from companion.lookups.cache import FILENAME
from companion.lookups.cache import LookupCache
from companion.lookups.cache import TTL_SECONDS
from companion.models import Event

from .conftest import NOW


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


def result(provider="cainiao", number="LP00432912345678", **kw) -> LiveResult:
    return LiveResult(
        provider=provider,
        number=number,
        events=[Event(time=NOW, text="Import customs clearance started", code="CC_IM_START", milestone="import_customs", source="Cainiao")],
        domestic_carrier_name="CJ대한통운",
        domestic_number="561000000505",
        **kw,
    )


def test_the_ttl_is_thirty_minutes():
    assert TTL_SECONDS == 1800


def test_an_answer_comes_back_whole_within_the_ttl(data_dir):
    clock = Clock()
    cache = LookupCache(data_dir, clock=clock)
    cache.put(result())
    clock.now += TTL_SECONDS - 1
    back = cache.get("cainiao", "LP00432912345678")
    assert back is not None and back.cached
    assert back.events == result().events
    assert (back.domestic_carrier_name, back.domestic_number) == ("CJ대한통운", "561000000505")
    assert cache.get("unipass", "LP00432912345678") is None  # keyed by provider too
    clock.now += 2
    assert cache.get("cainiao", "LP00432912345678") is None


def test_not_found_is_remembered_too(data_dir):
    cache = LookupCache(data_dir)
    cache.put(LiveResult(provider="cainiao", number="LP00432912340002", not_found=True))
    assert cache.get("cainiao", "LP00432912340002").not_found


def test_the_files_are_owner_only(data_dir):
    cache = LookupCache(data_dir)
    cache.put(result())
    cache.get("cainiao", "LP00432912345678")
    for path in data_dir.iterdir():
        if path.name.startswith(FILENAME):
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name
    assert (data_dir / FILENAME).exists()


def test_forget_drops_one_provider(data_dir):
    cache = LookupCache(data_dir)
    cache.put(result())
    cache.put(result(provider="unipass"))
    cache.forget("cainiao")
    assert cache.get("cainiao", "LP00432912345678") is None
    assert cache.get("unipass", "LP00432912345678") is not None


def test_a_damaged_cache_is_no_reason_to_fail(data_dir, caplog):
    (data_dir / FILENAME).write_bytes(b"this is not a database" * 100)
    os.chmod(data_dir / FILENAME, 0o600)
    cache = LookupCache(data_dir)
    cache.put(result())  # logged, not raised
    assert cache.get("cainiao", "LP00432912345678") is None
    assert "LP00432912345678" not in caplog.text  # numbers are not logged


def test_an_unwritable_data_dir_is_no_reason_to_fail(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    cache = LookupCache(blocked / "sub")
    cache.put(result())
    assert cache.get("cainiao", "LP00432912345678") is None


def test_turning_a_provider_off_drops_what_it_said(data_dir):
    """One place decides it (the settings' update), so the API and any other caller agree."""
    from companion.lookups import settings

    settings.update(data_dir, {"providers": {"cainiao": {"enabled": True}, "kr.hanjin": {"enabled": True}}})
    cache = LookupCache(data_dir)
    cache.put(result())
    cache.put(result(provider="kr.hanjin"))
    settings.update(data_dir, {"providers": {"cainiao": {"enabled": False}}})
    assert cache.get("cainiao", "LP00432912345678") is None
    assert cache.get("kr.hanjin", "LP00432912345678") is not None
