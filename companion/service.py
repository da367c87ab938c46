"""A running companion seen from outside (``status``, ``stop``, a second ``serve``) and from
inside (its record in the data dir, and a graceful end on SIGTERM/SIGINT).

How ``stop`` finds what to stop: ``serve`` writes ``serve.json`` (its PID and port) into the data
dir, which is the owner's alone (0700), and ``/v1/health`` names the PID that answers on the port.
``stop`` signals only when both agree, so a program that merely answers like Parcel Doctor on the
port cannot make it signal some other process. The signal is SIGTERM, which ``serve`` turns into
a graceful end: no new connections, the requests in flight answered, the databases checkpointed.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from pathlib import Path

from companion import DEFAULT_PORT
from companion import datadir
from companion.i18n import message

RECORD = "serve.json"
GRACE_SECONDS = 30  # the longest a stop waits for requests in flight (a diagnosis takes ~1 s)
NOT_RUNNING = 3  # the exit code of ``status`` when nothing answers (as LSB init scripts use it)

log = logging.getLogger(__name__)


# --- asking the port -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """What ``/v1/health`` says about the companion on a port."""

    port: int
    pid: int | None
    version: str
    api_version: int | None
    paired: bool
    started_at: datetime | None

    def uptime_seconds(self, now: float | None = None) -> int | None:
        if self.started_at is None:
            return None
        return max(0, int((now or time.time()) - self.started_at.timestamp()))


def probe(port: int, timeout: float = 2.0) -> Running | None:
    """The Parcel Doctor answering on 127.0.0.1:``port``, or None (nothing there, or another
    program). Plain http.client: no proxy from the environment may stand in between."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/v1/health", headers={"Host": f"127.0.0.1:{port}", "Accept": "application/json"})
        response = conn.getresponse()
        body = response.read(64 * 1024)
        server = response.getheader("Server", "")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    try:
        health = json.loads(body)
    except ValueError:
        return None
    if response.status != 200 or not isinstance(health, dict) or health.get("status") != "ok" or "parcel-doctor" not in server:
        return None
    started = health.get("started_at")
    try:
        started_at = datetime.fromisoformat(started) if isinstance(started, str) else None
    except ValueError:
        started_at = None
    pid = health.get("pid")
    api = health.get("api_version")
    return Running(
        port=port,
        pid=pid if isinstance(pid, int) else None,
        version=str(health.get("version", "?")),
        api_version=api if isinstance(api, int) else None,
        paired=health.get("paired") is True,
        started_at=started_at,
    )


# --- the record in the data dir ------------------------------------------------------------------


def write_record(data_dir: Path, port: int, version: str) -> None:
    record = {"pid": os.getpid(), "port": port, "version": version, "started_at": _now_iso()}
    datadir.write_private(Path(data_dir) / RECORD, json.dumps(record) + "\n")


def read_record(data_dir: Path) -> dict | None:
    try:
        record = json.loads((Path(data_dir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("pid"), int) else None


def remove_record(data_dir: Path) -> None:
    """Remove ``serve.json`` if it is this process's own (a newer serve may have replaced it)."""
    record = read_record(data_dir)
    if record and record.get("pid") == os.getpid():
        (Path(data_dir) / RECORD).unlink(missing_ok=True)


def _now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


# --- the commands --------------------------------------------------------------------------------


def port_taken(port: int, lang: str) -> int:
    """``serve`` could not listen on ``port``: if Parcel Doctor is already there, that is fine (0);
    another program gets the port-busy message (2)."""
    running = probe(port)
    if running:
        print(message("serve.already_running", lang, port=port, pid=running.pid or "?"))
        return 0
    print(message("serve.port_busy", lang, port=port), file=sys.stderr)
    return 2


def status(port: int, data_dir: Path, lang: str) -> int:
    running = probe(port)
    if running is None:
        print(message("status.not_running", lang, port=port))
        return NOT_RUNNING
    print(message("status.running", lang, port=port, pid=running.pid or "?"))
    print(message("status.version", lang, version=running.version, api=running.api_version or "?"))
    record = read_record(data_dir)
    if record and record.get("pid") == running.pid:
        print(message("status.data_dir", lang, path=data_dir))
    else:
        print(message("status.other_data_dir", lang, path=data_dir))
    uptime = running.uptime_seconds()
    if uptime is not None:
        print(message("status.uptime", lang, uptime=duration(uptime, lang)))
    print(message("status.paired" if running.paired else "status.not_paired", lang))
    names = live_lookups_on(data_dir, lang)
    print(message("status.lookups", lang, names=", ".join(names)) if names else message("status.lookups_off", lang))
    return 0


def stop(port: int, data_dir: Path, lang: str, wait: float = GRACE_SECONDS + 5) -> int:
    running = probe(port)
    if running is None:
        print(message("stop.not_running", lang, port=port))
        return 0
    record = read_record(data_dir)
    if not record or record.get("pid") != running.pid or running.pid is None:
        print(message("stop.not_ours", lang, port=port, pid=running.pid or "?", path=data_dir))
        return 2
    try:
        os.kill(running.pid, signal.SIGTERM)
    except OSError as error:
        print(message("stop.failed", lang, pid=running.pid, reason=error))
        return 2
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if probe(port, timeout=0.5) is None and not _alive(running.pid):
            print(message("stop.done", lang, port=port, pid=running.pid))
            return 0
        time.sleep(0.2)
    print(message("stop.timeout", lang, pid=running.pid))
    return 1


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process on Windows; the port is enough
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an ended child its parent has not reaped yet (a zombie) is not running
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def live_lookups_on(data_dir: Path, lang: str) -> list[str]:
    """The display names of the live lookups turned on in ``data_dir``'s settings."""
    from companion.lookups import settings as lookup_settings
    from companion.lookups.providers import ALL

    chosen = lookup_settings.load(data_dir)
    return [provider.display_name(lang) for provider in ALL if chosen.enabled(provider.id)]


def duration(seconds: int, lang: str) -> str:
    """"2일 3시간", "5분" / "2 d 3 h", "5 min": the two largest units."""
    units = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    names = {"ko": {"day": "일", "hour": "시간", "minute": "분", "second": "초"}, "en": {"day": " d", "hour": " h", "minute": " min", "second": " s"}}
    parts = []
    for unit, size in units:
        if seconds >= size or (unit == "second" and not parts):
            parts.append(f"{seconds // size}{names['en' if lang == 'en' else 'ko'][unit]}")
            seconds %= size
        if len(parts) == 2:
            break
    return " ".join(parts)


# --- serving until told to stop ------------------------------------------------------------------


def run(server, data_dir: Path, port: int, version: str, lang: str, grace: float = GRACE_SECONDS, on_stop=None) -> int:
    """Serve until SIGTERM or SIGINT (Ctrl+C), then end gracefully and return 0. ``on_stop`` runs
    once the last request is answered and before the databases are checkpointed (the history
    writes what it batched there)."""
    from waitress import wasyncore

    stopping = threading.Event()

    def _on_signal(signum, frame):
        stopping.set()

    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGINT", "SIGBREAK"):  # SIGBREAK: Ctrl+Break on Windows
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _on_signal)
    write_record(data_dir, port, version)
    try:
        while not stopping.is_set():
            wasyncore.loop(timeout=0.5, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)
        _finish_in_flight(server, grace)
    finally:
        remove_record(data_dir)
        if on_stop is not None:
            on_stop()
    checkpoint(data_dir)
    print(message("serve.stopped", lang), flush=True)
    return 0


def _finish_in_flight(server, grace: float) -> None:
    """Stop listening, let every request already received (or being received) be answered and
    sent, close idle connections, then end the worker threads."""
    from waitress import wasyncore
    from waitress.channel import HTTPChannel

    wasyncore.dispatcher.close(server)  # the listening socket only; the trigger stays for the workers
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        channels = [c for c in list(server._map.values()) if isinstance(c, HTTPChannel)]
        busy = [c for c in channels if c.requests or c.request is not None or c.total_outbufs_len]
        if not busy:
            break
        for channel in channels:
            if channel not in busy:
                channel.will_close = True
        wasyncore.loop(timeout=0.1, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)
    server.task_dispatcher.shutdown(timeout=1)
    wasyncore.close_all(server._map)


def checkpoint(data_dir: Path) -> None:
    """Fold the write-ahead logs into the databases, so that the data dir is whole at rest."""
    for name in ("history.sqlite3", "lookups.sqlite3"):
        path = Path(data_dir) / name
        if not path.exists():
            continue
        try:
            with closing(sqlite3.connect(path, timeout=5)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as error:
            log.warning("%s could not be checkpointed (%s)", name, type(error).__name__)


# --- the command line ----------------------------------------------------------------------------


def register(sub) -> None:
    """``parcel-doctor status`` and ``parcel-doctor stop``, with the options of ``serve``."""
    from companion import i18n

    for name, run, help_text in (
        ("status", _status_command, "is the companion running? (exit 3: no) / 실행 중인지 확인"),
        ("stop", _stop_command, "stop the running companion gracefully / 실행 중인 컴패니언 끄기"),
    ):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--data-dir")
        parser.add_argument("--lang", choices=i18n.LANGS, default="ko")
        parser.set_defaults(run=run)


def _status_command(args) -> int:
    return status(args.port, datadir.locate(args.data_dir), args.lang)  # only looks: nothing created


def _stop_command(args) -> int:
    return stop(args.port, datadir.locate(args.data_dir), args.lang)
