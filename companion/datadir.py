"""Where the companion keeps its files, and how it writes them: owner-only, atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from platformdirs import user_data_dir

ENV = "PARCEL_DOCTOR_DATA_DIR"
# Our own folder inside a folder that others share (``--data-dir /tmp``).
SUBDIR = "parcel-doctor"


class Unusable(Exception):
    """A data dir we may not use; :meth:`say` tells why, in the user's language."""

    def __init__(self, key: str, path: Path):
        self.key = key
        self.path = path
        super().__init__(self.say("en"))

    def say(self, lang: str) -> str:
        from companion.i18n import message

        return message(self.key, lang, path=self.path)


def locate(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir``, else ``$PARCEL_DOCTOR_DATA_DIR``, else the platform's user data dir, and our
    own folder inside it when it is shared; nothing is created or repaired (``parcel-doctor
    doctor`` looks first)."""
    path = Path(explicit or os.environ.get(ENV) or user_data_dir("parcel-doctor", appauthor=False))
    return path / SUBDIR if _shared(path) else path


def resolve(explicit: str | os.PathLike | None = None) -> Path:
    """The data dir (see :func:`locate`), made the owner's alone (0700). A folder that is not only
    ours (someone else's, group- or world-writable, sticky like ``/tmp``) is never changed: our own
    ``parcel-doctor`` folder is made inside it instead. Raises :class:`Unusable`.
    """
    path = locate(explicit)
    inside_shared = path.name == SUBDIR and _shared(path.parent)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise Unusable("datadir.not_a_folder", path) from None
    except OSError:
        raise Unusable("datadir.cannot_create", path) from None
    # In a shared folder our name may have been taken first, by a link or another's folder.
    if (inside_shared and path.is_symlink()) or not _ours(path.stat()):
        raise Unusable("datadir.not_ours", path)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def _shared(path: Path) -> bool:
    """An existing folder that others own, may write to, or share (the sticky bit)."""
    try:
        info = path.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not _ours(info) or bool(info.st_mode & (stat.S_IWGRP | stat.S_IWOTH | stat.S_ISVTX))


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


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
