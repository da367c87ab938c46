"""``parcel-doctor doctor``: check what the companion needs and say, for each problem, the one
command that fixes it. Korean by default (``--lang en``). Nothing is changed: the data dir is
looked at as it is (``datadir.locate``), not created or repaired.

Checks: the data dir (owner, modes), the port, the token and pairing, autostart, the clock and
time zone, free disk space, the live lookups that are on.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from companion import DEFAULT_PORT
from companion import datadir
from companion.i18n import message

PRIVATE_FILES = ("token", "pairing.json", "origins.json", "settings.json", "serve.json", "lookup-errors.json", "history.sqlite3", "lookups.sqlite3")
MIN_FREE_BYTES = 200 * 1024 * 1024  # a diagnosis writes little, but SQLite needs room for its WAL


@dataclass
class Finding:
    ok: bool
    text: str
    fix: str | None = None  # the one command that fixes it


def _q(path) -> str:
    return shlex.quote(str(path)) if os.name != "nt" else f'"{path}"'


def check_data_dir(path: Path, lang: str) -> list[Finding]:
    if not path.exists():
        return [Finding(True, message("doctor.dir_missing", lang, path=path))]
    out = []
    info = path.stat()
    posix = os.name != "nt"
    if posix and info.st_uid != os.getuid():
        out.append(Finding(False, message("doctor.dir_owner", lang, path=path), f"sudo chown -R \"$(id -un)\" {_q(path)}"))
    loose = []
    if posix and stat.S_IMODE(info.st_mode) & 0o077:
        loose.append(f"{path} ({stat.S_IMODE(info.st_mode):o})")
    for name in PRIVATE_FILES:
        file = path / name
        if posix and file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
            loose.append(f"{name} ({stat.S_IMODE(file.stat().st_mode):o})")
    if loose:
        out.append(Finding(False, message("doctor.dir_modes", lang, files=", ".join(loose)), f"chmod -R go-rwx {_q(path)}"))
    if not os.access(path, os.W_OK):
        out.append(Finding(False, message("doctor.dir_readonly", lang, path=path), f"chmod u+rwx {_q(path)}"))
    if not out:
        out.append(Finding(True, message("doctor.dir_ok", lang, path=path)))
    return out


def check_port(port: int, lang: str) -> list[Finding]:
    from companion import service

    running = service.probe(port)
    if running:
        return [Finding(True, message("doctor.port_ours", lang, port=port, pid=running.pid or "?", version=running.version))]
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return [Finding(False, message("doctor.port_other", lang, port=port), f"parcel-doctor serve --port {port + 1}")]
    from companion import autostart

    option = f" --port {port}" if port != DEFAULT_PORT else ""
    platform = autostart.current_platform()
    # With autostart on, starting it by hand is what helps now; otherwise autostart does both.
    fix = "parcel-doctor serve" if platform and autostart.is_enabled(platform) else "parcel-doctor autostart enable"
    return [Finding(False, message("doctor.port_free", lang, port=port), fix + option)]


def check_pairing(path: Path, lang: str) -> list[Finding]:
    from companion.security import Credentials

    creds = Credentials(path)
    if not creds.token_file.exists() or not creds.origins():
        return [Finding(False, message("doctor.not_paired", lang), "parcel-doctor token --pairing-code")]
    return [Finding(True, message("doctor.paired", lang, count=len(creds.origins())))]


def check_autostart(port: int, lang: str) -> list[Finding]:
    from companion import autostart

    platform = autostart.current_platform()
    if platform is None:
        return [Finding(True, message("autostart.unsupported", lang, system=sys.platform))]
    if autostart.is_enabled(platform):
        return [Finding(True, message("doctor.autostart_on", lang))]
    fix = "parcel-doctor autostart enable" + (f" --port {port}" if port != DEFAULT_PORT else "")
    return [Finding(False, message("doctor.autostart_off", lang), fix)]


def check_clock(path: Path, lang: str) -> list[Finding]:
    now = datetime.now().astimezone()
    zone = now.tzname() or "?"
    offset = now.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "?"
    out = [Finding(True, message("doctor.clock", lang, now=now.strftime("%Y-%m-%d %H:%M"), zone=zone, offset=offset))]
    newest = 0.0
    if path.exists():
        newest = max((f.stat().st_mtime for f in path.iterdir() if f.is_file()), default=0.0)
    if newest - time.time() > 300:  # a file written "in the future": the clock went back
        out.append(Finding(False, message("doctor.clock_behind", lang), _ntp_command()))
    elif _ntp_synchronized() is False:
        out.append(Finding(False, message("doctor.clock_unsynced", lang), _ntp_command()))
    return out


def _ntp_synchronized() -> bool | None:
    """What timedatectl says (Linux with systemd), or None when it cannot say."""
    if not shutil.which("timedatectl"):
        return None
    try:
        result = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return {"yes": True, "no": False}.get(value) if result.returncode == 0 else None


def _ntp_command() -> str:
    if sys.platform == "darwin":
        return "sudo sntp -sS time.apple.com"
    if sys.platform == "win32":
        return "w32tm /resync"
    return "sudo timedatectl set-ntp true"


def check_disk(path: Path, lang: str) -> list[Finding]:
    where = path
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    mb = free // (1024 * 1024)
    if free < MIN_FREE_BYTES:
        return [Finding(False, message("doctor.disk_low", lang, mb=mb, need=MIN_FREE_BYTES // (1024 * 1024)), f"parcel-doctor serve --retention-days 90 --data-dir {_q(path)}")]
    return [Finding(True, message("doctor.disk_ok", lang, mb=mb))]


def check_lookups(path: Path, lang: str) -> list[Finding]:
    from companion.lookups import OFF_SWITCH
    from companion.lookups import last_errors
    from companion.lookups import settings as lookup_settings
    from companion.lookups.providers import ALL

    chosen = lookup_settings.load(path) if path.exists() else lookup_settings.Settings()
    on = [p for p in ALL if chosen.enabled(p.id)]
    if not on:
        return [Finding(True, message("doctor.lookups_off", lang))]
    out = [Finding(True, message("doctor.lookups_on", lang, names=", ".join(p.display_name(lang) for p in on)))]
    if os.environ.get(OFF_SWITCH, "").strip().lower() in ("0", "off", "no", "false"):  # as lookups reads it
        out.append(Finding(False, message("doctor.lookups_switched_off", lang, name=OFF_SWITCH), f"unset {OFF_SWITCH}"))
    latest = last_errors.read(path)
    for provider in on:
        if provider.needs_key and not chosen.key(provider.id):
            out.append(Finding(False, message("doctor.lookups_no_key", lang, name=provider.display_name(lang)), message("doctor.fix_in_popup", lang)))
        problem = latest.get(provider.id)
        if problem:
            said = problem.get("ko" if lang == "ko" else "en", "")
            out.append(Finding(True, message("doctor.lookups_last_error", lang, at=str(problem.get("at", "?"))[:16].replace("T", " "), text=said)))
    return out


def run(port: int, data_dir: str | None, lang: str) -> tuple[list[Finding], int]:
    path = datadir.locate(data_dir)
    findings = []
    for check in (
        lambda: check_data_dir(path, lang),
        lambda: check_port(port, lang),
        lambda: check_pairing(path, lang),
        lambda: check_autostart(port, lang),
        lambda: check_clock(path, lang),
        lambda: check_disk(path, lang),
        lambda: check_lookups(path, lang),
    ):
        findings += check()
    return findings, sum(not f.ok for f in findings)


def register(sub) -> None:
    from companion import i18n

    parser = sub.add_parser("doctor", help="check the set-up and say how to fix it / 설치 상태 점검")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--data-dir")
    parser.add_argument("--lang", choices=i18n.LANGS, default="ko")
    parser.set_defaults(run=_command)


def _command(args) -> int:
    findings, problems = run(args.port, args.data_dir, args.lang)
    print(message("doctor.title", args.lang))
    for finding in findings:
        print(("✔ " if finding.ok else "✘ ") + finding.text)
        if finding.fix:
            print("    → " + finding.fix)
    print(message("doctor.problems", args.lang, count=problems) if problems else message("doctor.all_ok", args.lang))
    return 1 if problems else 0
