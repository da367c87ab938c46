"""The last problem of each live-lookup provider, kept in ``lookup-errors.json`` in the data dir
so that ``parcel-doctor doctor`` (another process) can say what went wrong and when: the circuit
breakers live only in the running companion's memory. Owner-only (0600); it holds the provider
id, the kind of problem, the time and the sentence the user was shown, never a number or a key.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from companion import datadir

FILENAME = "lookup-errors.json"

log = logging.getLogger(__name__)


def record(data_dir, problems, when: datetime) -> None:
    """Remember ``problems`` (lookups.Problem) as each provider's latest; never raises."""
    if not problems:
        return
    try:
        latest = read(data_dir)
        for problem in problems:
            latest[problem.provider] = {"kind": problem.kind, "at": when.isoformat(timespec="seconds"), "en": problem.en, "ko": problem.ko}
        datadir.write_private(Path(data_dir) / FILENAME, json.dumps(latest, ensure_ascii=False))
    except OSError as error:
        log.warning("the last live-lookup problems could not be saved (%s)", type(error).__name__)


def read(data_dir) -> dict[str, dict]:
    """provider id -> {kind, at, en, ko}; an unreadable file is no record."""
    try:
        data = json.loads((Path(data_dir) / FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
