"""Who may talk to the companion (docs/design.md §7).

A service on 127.0.0.1 is reachable by every page the user opens, so every request is checked:
the ``Host`` must be ours (DNS rebinding), a web ``Origin`` is refused (CSRF), and everything but
health and pairing needs the bearer token, compared in constant time. CORS headers go only to
extension origins that paired; never ``*``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
from flask import g
from flask import make_response
from flask import request

from flask_cors.core import get_cors_options
from flask_cors.core import set_cors_headers

from companion import datadir
from companion.errors import ApiError

PAIRING_TTL = 600  # seconds: a pairing code is good for 10 minutes, once
PAIRING_TRIES = 5  # wrong guesses before the code is void: 40 random bits, but no brute force
# An extension origin is a scheme and one id (Chrome: 32 letters a–p; Firefox: a UUID): no
# comma, space, path or port, so two merged ``Origin`` headers can never pass for one.
_EXTENSION_ORIGIN = re.compile(r"(?:chrome|moz)-extension://[a-z0-9-]{1,64}")
# Headers a request may carry once. waitress (like most servers) joins repeated headers with
# ", ", and neither value may hold a comma: a comma means two were sent.
_SINGLE_HEADERS = ("Host", "Origin")
_OPEN = {"api.health", "api.pair", "api.openapi"}
# One pairing at a time in this process (waitress's threads); the file lock makes two processes
# on one data dir (``serve`` and ``token --pairing-code``) agree as well.
_PAIRING_LOCK = threading.Lock()
# What flask-cors writes for an origin the pairing check let through: no cookies, never "*", the
# two headers and the methods the API takes, preflights cached for 10 minutes. Which origin gets
# them is decided per request (``_may_cors``): flask-cors's ``CORS(app, origins=...)`` fixes its
# origins when the app is made, and ours change at runtime (before pairing, any extension may
# reach health and pair; a new pairing replaces the paired origin), so the check hands flask-cors
# the one origin it allows for this request and flask-cors writes the headers. That origin has
# passed ``_EXTENSION_ORIGIN`` (letters, digits, "-"), so flask-cors takes it as a literal, never
# as a pattern.
_CORS = {
    "methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    "allow_headers": ["Authorization", "Content-Type"],
    "max_age": 600,
    "supports_credentials": False,
    "send_wildcard": False,
    "always_send": False,
}


class Credentials:
    """The token, the one-time pairing code and the paired origins, kept in the data dir."""

    def __init__(self, data_dir: Path):
        self.dir = data_dir
        self.token_file = data_dir / "token"
        self.pairing_file = data_dir / "pairing.json"
        self.origins_file = data_dir / "origins.json"

    def token(self) -> str:
        """The API token, made on first use."""
        if not self.token_file.exists():
            self.rotate_token()
        return self.token_file.read_text(encoding="utf-8").strip()

    def rotate_token(self) -> str:
        token = secrets.token_urlsafe(32)
        datadir.write_private(self.token_file, token + "\n")
        return token

    def check_token(self, offered: str) -> bool:
        return hmac.compare_digest(offered.encode(), self.token().encode())

    def new_pairing_code(self) -> str:
        """A fresh code (8 characters, easy to type), replacing any earlier one."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        record = {"sha256": _digest(code), "expires": time.time() + PAIRING_TTL, "tries": 0}
        with self._pairing():
            datadir.write_private(self.pairing_file, json.dumps(record))
        return code

    def pair(self, code: str, origin: str | None) -> str | None:
        """Trade a pairing code for a new token, or None for a wrong, used or expired code.

        The companion serves one browser profile: the new token replaces the old one (whoever
        held it gets 401 from now on) and the origin that paired replaces every earlier one in
        ``origins.json`` (a script pairing without an extension origin leaves none).
        """
        with self._pairing():
            if not self._redeem(code):
                return None
            token = self.rotate_token()
            origins = [origin] if origin and is_extension_origin(origin) else []
            datadir.write_private(self.origins_file, json.dumps(origins))
            return token

    def redeem(self, code: str) -> bool:
        """True once for a valid, unexpired code; the code is gone afterwards either way."""
        with self._pairing():
            return self._redeem(code)

    def _redeem(self, code: str) -> bool:
        """:meth:`redeem` with the pairing lock held.

        Read, check and write back happen under that one lock, and the code is first claimed by
        renaming its file away: a guess never sees a record another guess is still counting,
        a wrong guess can never write back a code the right one already spent, and a process
        that dies mid-check leaves the code void rather than alive.
        """
        normalized = code.strip().upper().replace("-", "").replace(" ", "")
        claimed = self.pairing_file.with_name(self.pairing_file.name + ".claimed")
        try:
            os.replace(self.pairing_file, claimed)
        except OSError:
            return False  # no code, or already claimed
        try:
            record = json.loads(claimed.read_text(encoding="utf-8"))
            expires, tries, digest = float(record["expires"]), int(record["tries"]), str(record["sha256"])
        except (OSError, ValueError, TypeError, KeyError):
            return False
        finally:
            claimed.unlink(missing_ok=True)
        if time.time() > expires:
            return False
        if hmac.compare_digest(_digest(normalized), digest):
            return True
        if tries + 1 < PAIRING_TRIES:
            record["tries"] = tries + 1
            datadir.write_private(self.pairing_file, json.dumps(record))
        return False

    @contextmanager
    def _pairing(self):
        """The pairing lock: this process's threads, then every process on the data dir."""
        fd = os.open(self.dir / ".pairing.lock", os.O_RDWR | os.O_CREAT, 0o600)
        with _PAIRING_LOCK, os.fdopen(fd, "r+b") as handle:
            _lock_file(handle)
            try:
                yield
            finally:
                _unlock_file(handle)

    def origins(self) -> set[str]:
        try:
            return set(json.loads(self.origins_file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return set()

    def paired(self) -> bool:
        return self.token_file.exists()


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


try:
    import fcntl

    def _lock_file(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock_file(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

except ImportError:  # Windows
    import msvcrt

    def _lock_file(handle) -> None:
        handle.seek(0)
        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
                return
            except OSError:
                continue

    def _unlock_file(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def credentials() -> Credentials:
    return current_app.extensions["parcel_doctor.credentials"]


def is_extension_origin(origin: str) -> bool:
    return _EXTENSION_ORIGIN.fullmatch(origin) is not None


def init_app(app: Flask) -> None:
    app.extensions["parcel_doctor.credentials"] = Credentials(Path(app.config["DATA_DIR"]))

    @app.before_request
    def _guard():
        _check_single_headers()
        _check_host(app)
        origin = request.headers.get("Origin")
        if origin and not is_extension_origin(origin):
            raise ApiError(403, "forbidden_origin", "Web pages may not call Parcel Doctor.")
        if request.method == "OPTIONS":
            return _preflight(origin)
        if request.endpoint in _OPEN or request.endpoint is None:
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, offered = header.partition(" ")
        if scheme.lower() != "bearer" or not offered or not credentials().check_token(offered.strip()):
            raise ApiError(401, "unauthorized", "A valid 'Authorization: Bearer <token>' header is needed; pair the extension or run 'parcel-doctor token'.")
        g.origin = origin
        return None

    @app.after_request
    def _cors(response):
        origin = request.headers.get("Origin")
        if origin and _may_cors(origin):
            set_cors_headers(response, get_cors_options(app, _CORS, {"origins": [origin]}))
            response.vary.add("Origin")  # flask-cors adds it only for a list of origins; ours is one
        return response


def _check_single_headers() -> None:
    for name in _SINGLE_HEADERS:
        if "," in request.headers.get(name, ""):
            raise ApiError(400, "duplicate_header", f"Send one '{name}' header, once, with one value.")


def _check_host(app: Flask) -> None:
    """The ``Host`` header, and the host of a request line in absolute form
    (``GET http://host/v1/health``), which the server takes over ``Host`` for the path."""
    port = app.config["PORT"]
    allowed = {f"127.0.0.1:{port}", f"localhost:{port}"} | set(app.config.get("EXTRA_HOSTS", ()))
    hosts = [request.host]
    target = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or "/"
    if not target.startswith("/") and target != "*":
        hosts.append(urlsplit(target).netloc)
    if any(host.lower() not in allowed for host in hosts):
        raise ApiError(421, "wrong_host", "Parcel Doctor answers only to 127.0.0.1 and localhost on its own port.")


def _may_cors(origin: str) -> bool:
    """Paired extension origins; before pairing, extension origins may reach health and pair."""
    if not is_extension_origin(origin):
        return False
    return origin in credentials().origins() or request.endpoint in ("api.health", "api.pair")


def _preflight(origin: str | None):
    """An empty 204 for an origin that may have CORS here; flask-cors then adds the headers."""
    if not origin or not _may_cors(origin):
        raise ApiError(403, "forbidden_origin", "This origin may not call Parcel Doctor.")
    return make_response("", 204)
