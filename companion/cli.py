"""``parcel-doctor``: serve the companion, diagnose a saved page, identify numbers, print tokens."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from companion import DEFAULT_PORT
from companion import datadir
from companion import i18n
from companion.i18n import message


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_lang_of(argv))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except datadir.Unusable as error:
        print(error.say(getattr(args, "lang", "ko")), file=sys.stderr)
        return 2


def _lang_of(argv: list[str]) -> str:
    """The language asked for with ``--lang`` anywhere on the line, before parsing: the help
    and the parser's own errors are written in it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return i18n.lang_or_default(argv[i + 1])
        if arg.startswith("--lang="):
            return i18n.lang_or_default(arg.split("=", 1)[1])
    return "ko"


class _Parser(argparse.ArgumentParser):
    """argparse, speaking the user's language: its headings, its help option and its errors."""

    def __init__(self, *args, lang: str = "ko", **kwargs):
        kwargs.setdefault("formatter_class", _formatter(lang))
        super().__init__(*args, add_help=False, **kwargs)
        self.lang = lang
        self._positionals.title = message("cli.positionals", lang)
        self._optionals.title = message("cli.options", lang)
        self.add_argument("-h", "--help", action="help", help=message("cli.help", lang))

    def error(self, text: str):
        self.print_usage(sys.stderr)
        print(_parser_error(text, self.lang), file=sys.stderr)
        print(message("cli.error.see_help", self.lang), file=sys.stderr)
        sys.exit(2)


def _formatter(lang: str):
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, prefix=message("cli.usage", lang))

    return Formatter


# argparse's own error sentences, and how to say them (the names and values stay as typed).
_PARSER_ERRORS = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.error.required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli.error.unrecognized"),
    (re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>\S+)"), "cli.error.choice"),
    (re.compile(r"argument (?P<name>\S+): invalid \S+ value: (?P<value>.+)"), "cli.error.value"),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.error.expected"),
)


def _parser_error(text: str, lang: str) -> str:
    for pattern, key in _PARSER_ERRORS:
        match = pattern.match(text)
        if match:
            return message(key, lang, **{k: v.strip(" '") for k, v in match.groupdict().items()})
    return message("cli.error", lang, reason=text)


def _parser(lang: str = "ko") -> argparse.ArgumentParser:
    def say(key: str) -> str:
        return message(key, lang)

    parser = _Parser(prog="parcel-doctor", description=say("cli.description"), lang=lang)
    sub = parser.add_subparsers(
        required=True, metavar=say("cli.meta.command"), title=say("cli.commands"), parser_class=_Parser, prog=parser.prog
    )

    def command(name: str, key: str) -> argparse.ArgumentParser:
        found = sub.add_parser(name, help=say(key), description=say(key), lang=lang)
        found.add_argument("--lang", choices=i18n.LANGS, default="ko", help=say("cli.lang"))
        return found

    serve = command("serve", "cli.serve")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, metavar=say("cli.meta.port"), help=say("cli.serve.port"))
    serve.add_argument("--data-dir", metavar=say("cli.meta.folder"), help=say("cli.data_dir"))
    serve.add_argument("--retention-days", type=int, default=365, metavar=say("cli.meta.days"), help=say("cli.serve.retention"))
    serve.set_defaults(run=_serve)

    diagnose = command("diagnose", "cli.diagnose")
    diagnose.add_argument("file", nargs="?", metavar=say("cli.meta.file"), help=say("cli.diagnose.file"))
    diagnose.add_argument("--report", metavar=say("cli.meta.file"), help=say("cli.diagnose.report"))
    diagnose.add_argument("--url", default="", metavar=say("cli.meta.url"), help=say("cli.diagnose.url"))
    diagnose.add_argument("--payload", action="append", default=[], metavar=say("cli.meta.json_file"), help=say("cli.diagnose.payload"))
    diagnose.add_argument("--now", metavar=say("cli.meta.time"), help=say("cli.diagnose.now"))
    diagnose.add_argument("--time-zone", metavar=say("cli.meta.zone"), help=say("cli.diagnose.time_zone"))
    diagnose.add_argument("--json", action="store_true", help=say("cli.diagnose.json"))
    diagnose.add_argument("--data-dir", metavar=say("cli.meta.folder"), help=say("cli.diagnose.data_dir"))
    diagnose.set_defaults(run=_diagnose)

    identify = command("identify", "cli.identify")
    identify.add_argument("numbers", nargs="+", metavar=say("cli.meta.number"), help=say("cli.identify.numbers"))
    identify.add_argument("--hint", metavar=say("cli.meta.carrier"), help=say("cli.identify.hint"))
    identify.add_argument("--json", action="store_true", help=say("cli.identify.json"))
    identify.set_defaults(run=_identify)

    export = command("export", "cli.export")
    export.add_argument("--data-dir", metavar=say("cli.meta.folder"), help=say("cli.data_dir"))
    export.add_argument("--output", "-o", default="-", metavar=say("cli.meta.file"), help=say("cli.export.output"))
    export.set_defaults(run=_export)

    importer = command("import", "cli.import")
    importer.add_argument("file", metavar=say("cli.meta.file"), help=say("cli.import.file"))
    importer.add_argument("--data-dir", metavar=say("cli.meta.folder"), help=say("cli.data_dir"))
    importer.set_defaults(run=_import)

    token = command("token", "cli.token")
    token.add_argument("--pairing-code", action="store_true", help=say("cli.token.pairing"))
    token.add_argument("--data-dir", metavar=say("cli.meta.folder"), help=say("cli.data_dir"))
    token.set_defaults(run=_token)

    from companion import autostart
    from companion import doctor
    from companion import service

    service.register(sub)
    autostart.register(sub)
    doctor.register(sub)
    return parser


def _serve(args) -> int:
    import logging

    import waitress

    from companion import __version__
    from companion import service
    from companion import serving
    from companion.app import create_app
    from companion.security import Credentials
    from companion.store import history

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _fewer_malloc_arenas()
    os.umask(0o077)  # every file the companion writes is the owner's alone
    app = create_app({"PORT": args.port, "DATA_DIR": args.data_dir, "RETENTION_DAYS": args.retention_days or None})
    _freeze_what_was_loaded()
    # Enough threads that every request reaches the gate (companion/limits.py), which bounds the work.
    threads = app.config["MAX_ACTIVE"] + app.config["MAX_WAITING"] + app.config["MAX_READS"] + 4
    try:
        # 127.0.0.1 only (docs/design.md §7); waitress is a production WSGI server.
        server = waitress.create_server(
            app,
            host="127.0.0.1",
            port=args.port,
            threads=threads,
            ident="parcel-doctor",
            # A capture is a few hundred KB: read it in 64 KB pieces (not 8 KB), and keep bodies
            # up to the 8 MiB limit in memory rather than in a temporary file.
            recv_bytes=65536,
            inbuf_overflow=app.config["MAX_CONTENT_LENGTH"],
            # Past the limit waitress answers 413 by Content-Length before reading any of the
            # body (and stops a chunked one there): nothing is spooled. It refuses at ">=".
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
        )
        serving.answer_errors_in_json(server)
    except OSError:
        return service.port_taken(args.port, args.lang)
    code = Credentials(Path(app.config["DATA_DIR"])).new_pairing_code()
    print(message("serve.listening", args.lang, port=args.port), flush=True)
    print(message("serve.data_dir", args.lang, path=app.config["DATA_DIR"]), flush=True)
    print(message("serve.pairing", args.lang, code=code), flush=True)
    # the history writes what it batched ("last seen") before the databases are checkpointed
    return service.run(
        server, Path(app.config["DATA_DIR"]), args.port, __version__, args.lang, on_stop=history(app).close
    )


def _freeze_what_was_loaded() -> None:
    """What the companion loaded to start (its modules, vocabularies, carriers' data) lives as
    long as the process. Frozen, the cyclic garbage collector stops walking it at every full
    collection: a diagnosis makes tens of thousands of objects, and a list page that set a full
    collection off took 20–30 ms more than the others."""
    import gc

    gc.collect()
    gc.freeze()


def _fewer_malloc_arenas() -> None:
    """glibc gives each of waitress's threads its own malloc arena, and each keeps the memory it
    once used: two arenas hold the companion's resident memory near what it really uses
    (M_ARENA_MAX is -8 in malloc.h). Elsewhere than glibc there is nothing to do."""
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(-8, 2)
    except (OSError, AttributeError):
        pass


def _diagnose(args) -> int:
    from companion import dates
    from companion import lookups
    from companion.diagnosis import diagnose
    from companion.parsing.base import Capture

    lang = args.lang
    if args.report:
        return _replay(args)
    if not args.file:
        print(message("diagnose.file_missing", lang, path="-"), file=sys.stderr)
        return 2
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError:
        print(message("diagnose.file_missing", lang, path=args.file), file=sys.stderr)
        return 2
    html, problem = _page_text(raw)
    if problem and not (problem == "diagnose.empty" and args.payload):
        print(message(problem, lang, path=args.file), file=sys.stderr)
        return 2
    payloads = []
    for path in args.payload:
        try:
            body = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print(message("diagnose.bad_payload", lang, path=path), file=sys.stderr)
            return 2
        # A saved mtop response carries its own api name; a bare body is recognised by shape.
        payloads.append(body if isinstance(body, dict) and "api" in body and "data" in body else {"data": body})
    url = args.url.strip()
    if url and not _is_page_url(url):
        print(message("diagnose.bad_url", lang, url=args.url), file=sys.stderr)
        return 2
    if not url and html:
        url = _url_in_page(html)
        if url:
            print(message("diagnose.found_url", lang, url=url), file=sys.stderr)
    now = None
    if args.now:
        now = dates.parse_iso(args.now)
        if now is None:
            print(message("diagnose.bad_now", lang), file=sys.stderr)
            return 2
    store = data_dir = None
    if args.data_dir:
        from companion.store import History

        data_dir = datadir.resolve(args.data_dir)
        store = History(data_dir / "history.sqlite3")
    capture = Capture(url=url, html=html, payloads=payloads, captured_at=now, time_zone=args.time_zone)
    with lookups.Service() as service:  # this run's live lookups; closed once they have finished
        answer = diagnose(capture, lang=lang, store=store, data_dir=data_dir, service=service)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return 0
    no_order = answer["page"]["kind"] == "tracking" and not answer["orders"]
    for text, count in _counted([_warning(w, lang) for w in answer["warnings"]]):
        if no_order and text == _warning("the tracking page does not say which order it is", lang):
            continue  # said below, with what to do about it
        key = "diagnose.warning_repeated" if count > 1 else "diagnose.warning"
        print(message(key, lang, text=text, count=f"{count:,}"), file=sys.stderr)
    if no_order:
        print(message("diagnose.tracking_no_order", lang), file=sys.stderr)
    print(_table(answer, lang))
    return 0


def _page_text(raw: bytes) -> tuple[str, str | None]:
    """The page as text, or why it is not one: empty, or binary (NUL bytes, or not text in
    UTF-8 for most of it)."""
    if not raw.strip():
        return "", "diagnose.empty"
    head = raw[:65536]
    if b"\x00" in head:
        return "", "diagnose.binary"
    text = raw.decode("utf-8", errors="replace")
    if text[:65536].count("\ufffd") > len(text[:65536]) // 10:
        return "", "diagnose.binary"
    return text, None


def _is_page_url(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url


# What a saved page says about its own address: the browser's "saved from url" comment,
# the canonical link, or og:url (the first 64 KB: they sit at the top of the page).
_SAVED_FROM = (
    re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE),
    re.compile(r"<link[^>]+rel=[\"']canonical[\"'][^>]+href=[\"']([^\"']+)", re.IGNORECASE),
    re.compile(r"<meta[^>]+property=[\"']og:url[\"'][^>]+content=[\"']([^\"']+)", re.IGNORECASE),
)


def _url_in_page(html: str) -> str:
    import html as entities

    head = html[:65536]
    for pattern in _SAVED_FROM:
        match = pattern.search(head)
        if match and _is_page_url(entities.unescape(match.group(1))):
            return entities.unescape(match.group(1))
    return ""


def _warning(text: str, lang: str) -> str:
    """A warning of the page reading (written in English by the parsers) in the user's words;
    one already in the user's language (the live lookups') as it is."""
    if lang == "en" or _korean(text):
        return text
    for key in i18n.KEYS:
        if key.startswith("warning.") and i18n.message(key, "en") in text:
            return i18n.message(key, lang)
    return message("diagnose.warning_other", lang)


def _counted(items: list[str]) -> list[tuple[str, int]]:
    """Each distinct item once, with how many times it came, in first-seen order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return list(counts.items())


def _replay(args) -> int:
    """``diagnose --report FILE``: the capture a diagnosis file holds, diagnosed again."""
    from companion import diagnosis_file
    from companion.api.diagnose import capture_from
    from companion.diagnosis import diagnose
    from companion.errors import ApiError

    try:
        data = diagnosis_file.read(Path(args.report).read_text(encoding="utf-8"))
        capture, lang = capture_from(data["request"])
    except OSError:
        print(message("diagnose.file_missing", args.lang, path=args.report), file=sys.stderr)
        return 2
    except (ValueError, ApiError):
        print(message("diagnose.bad_report", args.lang, path=args.report), file=sys.stderr)
        return 2
    answer = diagnose(capture, lang=args.lang)
    print(json.dumps(answer, ensure_ascii=False, indent=2) if args.json else _table(answer, args.lang))
    return 0


def _table(answer: dict, lang: str) -> str:
    """A readable summary: one line per order, then its advice and links."""
    from datetime import date

    lines = []
    if answer["orders"]:
        lines.append(message("diagnose.header", lang))
    for order in answer["orders"]:
        diagnosis = order["diagnosis"]
        wait = diagnosis["wait"]
        until = (
            message("wait.until", lang, day=i18n.day(date.fromisoformat(wait["until"]), lang), days=wait["days_left"])
            if wait
            else message("wait.none", lang)
        )
        if order["status_text"] and (lang == "en" or _korean(order["status_text"])):
            status = order["status_text"]
        else:
            status = "-" if order["status"] == "unknown" else message(f"status.{order['status']}", lang)
        lines.append(f"{order['order_id']}\t{status}\t{diagnosis['title']}\t{until}")
        age = order.get("age")
        if age and age["text"].split(" · ")[0] not in diagnosis["explanation"]:  # never the same words twice
            lines.append(f"    {age['text']}")
        lines.append(f"    {diagnosis['explanation']}")
        for parcel in order["parcels"]:
            carrier = parcel["carrier"]["name"] if parcel["carrier"] else message("diagnose.no_carrier", lang)
            lines.append(f"    · {parcel['tracking_number'] or '-'} ({carrier}, {message('stage.' + parcel['stage'], lang)})")
        for action in diagnosis["actions"]:
            lines.append(f"    → {action['label']}: {action['url']}")
    if not answer["orders"]:
        lines.append(message("diagnose.no_orders", lang))
    if answer["tracking_numbers"]:
        lines.append(message("diagnose.numbers", lang))
        for number in answer["tracking_numbers"]:
            names = message("identify.or", lang).join(c["name"] for c in number["carriers"]) or message("diagnose.no_carrier", lang)
            state = message("identify.valid" if number["valid"] else "identify.invalid", lang)
            lines.append(f"    {number['number']}\t{names}\t{state}")
    return "\n".join(lines)


def _korean(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def _identify(args) -> int:
    """One line per number; exits 1 when any number is not a valid tracking number."""
    from companion import numbers

    results = [numbers.identify(raw, args.hint) for raw in args.numbers]
    if args.json:
        print(json.dumps([r.to_dict(args.lang) for r in results], ensure_ascii=False, indent=2))
        return 0 if all(r.valid for r in results) else 1
    for result in results:
        names = message("identify.or", args.lang).join(c.name(args.lang) for c in result.carriers)
        if not result.carriers:
            state = message("identify.unknown", args.lang)
        else:
            state = message("identify.valid" if result.valid else "identify.invalid", args.lang)
        if result.valid and len(result.carriers) > 1:
            names = message("identify.ambiguous", args.lang, names=names)
        line = f"{result.number or '-'}\t{names or '-'}\t{state}"
        if not result.valid:
            line += f"\t({_reason(result.reason, args.lang)})"
        print(line)
    return 0 if all(r.valid for r in results) else 1


def _reason(reason: str, lang: str) -> str:
    """The registry's reason why a number is not valid, in the user's words."""
    for needle, key in (
        ("mobile phone", "phone"),
        ("check digit", "check_digit"),
        ("country code", "country"),
        ("named carrier", "named"),
        ("empty", "empty"),
    ):
        if needle in reason:
            return message(f"identify.reason.{key}", lang)
    return message("identify.reason.unknown", lang)


def _export(args) -> int:
    from companion.store import History
    from companion.store import export_history

    lang = getattr(args, "lang", "ko")
    text = json.dumps(export_history(History(datadir.resolve(args.data_dir) / "history.sqlite3")), ensure_ascii=False, indent=1)
    if args.output == "-":
        print(text)
        return 0
    target = Path(args.output)
    try:
        if target.is_dir():
            raise IsADirectoryError(target)
        # A new owner-only file put in place in one step: an existing file's looser mode is not
        # kept, and a link at that name is replaced, never written through.
        datadir.write_private(target, text + "\n")
    except OSError as error:
        print(message("export.not_writable", lang, path=args.output, why=_why_not_writable(error, lang)), file=sys.stderr)
        return 2
    return 0


def _why_not_writable(error: OSError, lang: str) -> str:
    if isinstance(error, IsADirectoryError):
        return message("export.is_directory", lang)
    if isinstance(error, FileNotFoundError):
        return message("export.no_folder", lang)
    if isinstance(error, PermissionError):
        return message("export.denied", lang)
    return message("export.other", lang)


def _import(args) -> int:
    from companion.history_file import BadExport
    from companion.store import History
    from companion.store import StorageUnavailable
    from companion.store import import_history

    lang = args.lang
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        data = json.loads(raw.decode("utf-8"))
        count = import_history(History(datadir.resolve(args.data_dir) / "history.sqlite3"), data)
    except UnicodeDecodeError:
        reason = message("import.not_text", lang)
    except json.JSONDecodeError as error:
        reason = message("import.not_json", lang, line=error.lineno)
    except StorageUnavailable:
        reason = message("import.storage", lang)
    except OSError:
        reason = message("import.missing", lang)
    except BadExport as error:  # names the first bad record, in the user's language
        reason = error.say(lang)
    except ValueError as error:
        text = str(error)
        reason = message(
            "import.not_export" if "not a Parcel Doctor" in text else "import.schema" if "schema" in text else "import.bad_rows", lang
        )
    else:
        print(message("import.done", lang, count=count))
        return 0
    print(message("import.failed", lang, reason=reason), file=sys.stderr)
    return 2


def _token(args) -> int:
    from companion.security import Credentials

    creds = Credentials(datadir.resolve(args.data_dir))
    if args.pairing_code:
        print(message("token.pairing", args.lang, code=creds.new_pairing_code()) if sys.stdout.isatty() else creds.new_pairing_code())
    else:
        print(creds.token())
    return 0


if __name__ == "__main__":
    sys.exit(main())
