"""Where the companion keeps its files, and how it writes them: owner-only, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformdirs import user_data_dir

ENV = "PARCEL_DOCTOR_DATA_DIR"


def locate(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir``, else ``$PARCEL_DOCTOR_DATA_DIR``, else the platform's user data dir; as is
    (``parcel-doctor doctor`` looks before anything is created or repaired)."""
    return Path(explicit or os.environ.get(ENV) or user_data_dir("parcel-doctor", appauthor=False))


def resolve(explicit: str | os.PathLike | None = None) -> Path:
    """The data dir (see ``locate``), created owner-only if missing and made owner-only if not."""
    path = locate(explicit)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` so that only the owner can read it, replacing the file in one step."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
