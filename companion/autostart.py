"""``parcel-doctor autostart``: start the companion at login, per user, on Linux, macOS and Windows.

- Linux: a systemd user unit, ``~/.config/systemd/user/parcel-doctor.service``, enabled with
  ``systemctl --user enable --now``; ``Restart=on-failure`` brings it back after a crash, while
  ``parcel-doctor stop`` (which ends it with exit 0) is respected.
- macOS: a LaunchAgent, ``~/Library/LaunchAgents/org.parceldoctor.companion.plist``, loaded with
  ``launchctl bootstrap gui/<uid>``; ``RunAtLoad``, and ``KeepAlive`` only after an unsuccessful
  exit, for the same reason.
- Windows: a scheduled task for this user at logon (``schtasks /Create /XML``), running
  ``parcel-doctorw.exe`` (the gui-script entry point, so no console window), restarted on failure.

``show`` prints exactly what ``enable`` writes, with the absolute path of this installation's
``parcel-doctor``; ``--platform`` previews another system's file.
"""

from __future__ import annotations

import getpass
import os
import plistlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from companion import DEFAULT_PORT
from companion.i18n import message

PLATFORMS = ("linux", "macos", "windows")
UNIT_NAME = "parcel-doctor.service"
LAUNCH_LABEL = "org.parceldoctor.companion"
TASK_NAME = "Parcel Doctor"


def current_platform() -> str | None:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform == "win32":
        return "windows"
    return None


# --- what is written -----------------------------------------------------------------------------


def command(platform: str, port: int = DEFAULT_PORT, data_dir: str | None = None) -> list[str]:
    """The command line the autostart entry runs: this installation's ``parcel-doctor serve``
    (``parcel-doctorw.exe`` on Windows), by absolute path, with the options given."""
    args = ["serve"]
    if port != DEFAULT_PORT:
        args += ["--port", str(port)]
    if data_dir:
        args += ["--data-dir", str(Path(data_dir).expanduser().absolute())]
    return [str(executable(platform))] + args


def executable(platform: str) -> Path:
    """The installed script beside this Python (a venv's or pipx's ``bin``/``Scripts``), else the
    one on PATH. For another platform's preview: the same folder, that platform's file name."""
    here = Path(sys.executable).parent
    if not (here / ("parcel-doctor.exe" if os.name == "nt" else "parcel-doctor")).exists():
        found = shutil.which("parcel-doctor")
        if found:
            here = Path(found).parent
    return (here / ("parcel-doctorw.exe" if platform == "windows" else "parcel-doctor")).absolute()


@dataclass(frozen=True)
class Entry:
    """An autostart file: where it goes and what it holds."""

    path: Path
    text: str
    encoding: str = "utf-8"


def entry(platform: str, port: int = DEFAULT_PORT, data_dir: str | None = None) -> Entry:
    argv = command(platform, port, data_dir)
    if platform == "linux":
        return Entry(systemd_unit_path(), systemd_unit(argv, port))
    if platform == "macos":
        return Entry(launch_agent_path(), launch_agent(argv))
    if platform == "windows":
        return Entry(task_xml_path(), task_xml(argv, windows_user()), encoding="utf-16")
    raise ValueError(platform)


def systemd_unit_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user" / UNIT_NAME


def systemd_unit(argv: list[str], port: int) -> str:
    exec_start = " ".join(_systemd_quote(a) for a in argv)
    return f"""[Unit]
Description=Parcel Doctor companion (127.0.0.1:{port})
Documentation=https://pypi.org/project/parcel-doctor/

[Service]
Type=simple
ExecStart={exec_start}
# SIGTERM: the requests in flight are answered and the database checkpointed, then exit 0;
# a crash (any other exit) is restarted.
Restart=on-failure
RestartSec=5
TimeoutStopSec=40

[Install]
WantedBy=default.target
"""


def _systemd_quote(arg: str) -> str:
    """One ExecStart word: double-quoted, with systemd's specifier (%) and variable ($) marks
    doubled so a path is taken literally."""
    arg = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{arg}"'


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_LABEL}.plist"


def launch_agent(argv: list[str]) -> str:
    logs = Path.home() / "Library" / "Logs" / "parcel-doctor.log"
    agent = {
        "Label": LAUNCH_LABEL,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        # Restart after a crash, not after `parcel-doctor stop` (a successful exit).
        "KeepAlive": {"SuccessfulExit": False},
        "ProcessType": "Background",
        "StandardOutPath": str(logs),
        "StandardErrorPath": str(logs),
    }
    return plistlib.dumps(agent, sort_keys=False).decode("utf-8")


def task_xml_path() -> Path:
    """Where ``enable`` puts the task's XML for schtasks to read (removed afterwards: the task
    itself lives in the Task Scheduler)."""
    import tempfile

    return Path(tempfile.gettempdir()) / "parcel-doctor-task.xml"


def windows_user() -> str:
    domain = os.environ.get("USERDOMAIN")
    user = os.environ.get("USERNAME") or getpass.getuser()
    return f"{domain}\\{user}" if domain else user


def task_xml(argv: list[str], user: str) -> str:
    program, arguments = argv[0], subprocess.list2cmdline(argv[1:])
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Parcel Doctor companion on 127.0.0.1, started at logon.</Description>
    <URI>\\{escape(TASK_NAME)}</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>{escape(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{escape(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>3</Count>
    </RestartOnFailure>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(program)}</Command>
      <Arguments>{escape(arguments)}</Arguments>
    </Exec>
  </Actions>
</Task>
"""


# --- doing it ------------------------------------------------------------------------------------


class Unavailable(Exception):
    """The system's service manager cannot be used here; the message says why."""


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise Unavailable(f"{argv[0]}: not found") from None
    except subprocess.TimeoutExpired:
        raise Unavailable(f"{' '.join(argv[:3])}: no answer in 30 s") from None


def _check(result: subprocess.CompletedProcess) -> None:
    if result.returncode != 0:
        raise Unavailable((result.stderr or result.stdout).strip() or f"exit {result.returncode}")


def systemd_user_available() -> str | None:
    """None when ``systemctl --user`` can be used, else why not."""
    try:
        result = _run(["systemctl", "--user", "show-environment"])
        _check(result)
    except Unavailable as why:
        return str(why)
    return None


def enable(platform: str, port: int, data_dir: str | None) -> Entry:
    """Write the entry and register it with the system; raise Unavailable (nothing written)
    when the service manager cannot be reached."""
    item = entry(platform, port, data_dir)
    if platform == "linux":
        why = systemd_user_available()
        if why:
            raise Unavailable(why)
        _write(item)
        _check(_run(["systemctl", "--user", "daemon-reload"]))
        _check(_run(["systemctl", "--user", "enable", "--now", UNIT_NAME]))
    elif platform == "macos":
        _write(item)
        domain = f"gui/{os.getuid()}"
        _run(["launchctl", "bootout", domain, str(item.path)])  # an older copy, if loaded
        _check(_run(["launchctl", "bootstrap", domain, str(item.path)]))
    else:
        _write(item)
        try:
            _check(_run(["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(item.path), "/F"]))
        finally:
            item.path.unlink(missing_ok=True)
        _run(["schtasks", "/Run", "/TN", TASK_NAME])
    return item


def disable(platform: str) -> Path | str:
    """Unregister and remove the entry; a missing service manager only skips the first part."""
    path = entry(platform).path
    try:
        if platform == "linux":
            if path.exists() and not systemd_user_available():
                _run(["systemctl", "--user", "disable", "--now", UNIT_NAME])
        elif platform == "macos":
            _run(["launchctl", "bootout", f"gui/{os.getuid()}", str(path)])
        else:
            _run(["schtasks", "/Delete", "/TN", TASK_NAME, "/F"])
    except Unavailable:
        pass
    path.unlink(missing_ok=True)
    if platform == "linux" and not systemd_user_available():
        _run(["systemctl", "--user", "daemon-reload"])
    return TASK_NAME if platform == "windows" else path


def is_enabled(platform: str) -> bool:
    """Is there an autostart entry for this user? (For Windows: is the task registered.)"""
    if platform == "windows":
        try:
            return _run(["schtasks", "/Query", "/TN", TASK_NAME]).returncode == 0
        except Unavailable:
            return False
    return entry(platform).path.exists()


def _write(item: Entry) -> None:
    item.path.parent.mkdir(parents=True, exist_ok=True)
    item.path.write_text(item.text, encoding=item.encoding)


# --- the command line ----------------------------------------------------------------------------


def register(sub) -> None:
    from companion import i18n

    parser = sub.add_parser("autostart", help="start the companion at login / 로그인할 때 자동 실행")
    parser.add_argument("action", choices=("enable", "disable", "status", "show"))
    parser.add_argument("--platform", choices=PLATFORMS, default=current_platform())
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--data-dir")
    parser.add_argument("--lang", choices=i18n.LANGS, default="ko")
    parser.set_defaults(run=_command)


def _command(args) -> int:
    lang = args.lang
    if args.platform is None:
        print(message("autostart.unsupported", lang, system=sys.platform), file=sys.stderr)
        return 2
    if args.action == "show":
        sys.stdout.write(entry(args.platform, args.port, args.data_dir).text)
        return 0
    if args.platform != current_platform():
        print(message("autostart.only_show", lang, platform=args.platform), file=sys.stderr)
        return 2
    if args.action == "status":
        if is_enabled(args.platform):
            where = TASK_NAME if args.platform == "windows" else entry(args.platform).path
            print(message("autostart.on", lang, path=where))
            return 0
        print(message("autostart.off", lang))
        return 3
    if args.action == "disable":
        print(message("autostart.disabled", lang, path=disable(args.platform)))
        return 0
    try:
        item = enable(args.platform, args.port, args.data_dir)
    except Unavailable as why:
        print(message("autostart.unavailable." + args.platform, lang, reason=why), file=sys.stderr)
        return 2
    print(message("autostart.enabled", lang, path=item.path))
    return 0
