"""Every live provider, in the order the settings list them."""

from __future__ import annotations

from companion.lookups import cainiao
from companion.lookups import cjlogistics
from companion.lookups import epost
from companion.lookups import hanjin
from companion.lookups import lotte
from companion.lookups import unipass
from companion.lookups.base import Provider

ALL: tuple[Provider, ...] = (
    cainiao.PROVIDER,
    unipass.PROVIDER,
    cjlogistics.PROVIDER,
    hanjin.PROVIDER,
    lotte.PROVIDER,
    epost.PROVIDER,
)
BY_ID: dict[str, Provider] = {p.id: p for p in ALL}
IDS: tuple[str, ...] = tuple(BY_ID)
