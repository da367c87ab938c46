"""``parcel-doctor``: serve the companion, diagnose a saved page, identify numbers, print tokens."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from companion import datadir
from companion import i18n
from companion.i18n import message


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parcel-doctor",
        description="Why does my AliExpress tracking say nothing? — 알리 배송 조회가 멈춘 이유를 알려 줘요.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the companion on 127.0.0.1 / 컴패니언 실행")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--data-dir")
    serve.add_argument("--lang", choices=i18n.LANGS, default="ko")
    serve.add_argument("--retention-days", type=int, default=365, help="forget orders not seen for this many days (0: never)")
    serve.set_defaults(run=_serve)

    diagnose = sub.add_parser("diagnose", help="diagnose a saved page / 저장한 페이지 진단")
    diagnose.add_argument("file", nargs="?", help="the saved page (HTML), or - for standard input")
    diagnose.add_argument("--report", metavar="FILE", help="replay a diagnosis file saved from the popup / 진단 파일 다시 보기")
    diagnose.add_argument("--url", default="", help="the page's address (says which kind of page it is)")
    diagnose.add_argument("--payload", action="append", default=[], metavar="FILE.json", help="a JSON response the page loaded")
    diagnose.add_argument("--now", help="the capture time, e.g. 2026-09-30T10:00:00+09:00 (default: now)")
    diagnose.add_argument("--time-zone", help="the buyer's time zone the page's times are in, e.g. America/Sao_Paulo (default: Asia/Seoul)")
    diagnose.add_argument("--lang", choices=i18n.LANGS, default="ko")
    diagnose.add_argument("--json", action="store_true", help="print exactly the API's JSON response")
    diagnose.add_argument("--data-dir", help="remember what was seen (default: stateless)")
    diagnose.set_defaults(run=_diagnose)

    identify = sub.add_parser("identify", help="carrier and validity of tracking numbers / 운송장 번호 확인")
    identify.add_argument("numbers", nargs="+", metavar="NUMBER")
    identify.add_argument("--hint", help="the carrier name the page shows, e.g. CJ or 한진")
    identify.add_argument("--lang", choices=i18n.LANGS, default="ko")
    identify.add_argument("--json", action="store_true")
    identify.set_defaults(run=_identify)

    export = sub.add_parser("export", help="write the history as JSON / 기록 내보내기")
    export.add_argument("--data-dir")
    export.add_argument("--output", "-o", default="-", help="a file, or - for standard output")
    export.set_defaults(run=_export)

    importer = sub.add_parser("import", help="read a history export / 기록 가져오기")
    importer.add_argument("file", help="a file written by 'parcel-doctor export', or - for standard input")
    importer.add_argument("--data-dir")
    importer.add_argument("--lang", choices=i18n.LANGS, default="ko")
    importer.set_defaults(run=_import)

    token = sub.add_parser("token", help="print the API token, or a new pairing code / 토큰·연결 코드")
    token.add_argument("--pairing-code", action="store_true")
    token.add_argument("--data-dir")
    token.add_argument("--lang", choices=i18n.LANGS, default="ko")
    token.set_defaults(run=_token)
    return parser


def _serve(args) -> int:
    import logging

    import waitress

    from companion.app import create_app
    from companion.security import Credentials

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _fewer_malloc_arenas()
    os.umask(0o077)  # every file the companion writes is the owner's alone
    app = create_app({"PORT": args.port, "DATA_DIR": args.data_dir, "RETENTION_DAYS": args.retention_days or None})
    # Enough threads that every request reaches the gate (companion/limits.py), which bounds the work.
    threads = app.config["MAX_ACTIVE"] + app.config["MAX_WAITING"] + 4
    try:
        # 127.0.0.1 only (DESIGN.md §7); waitress is a production WSGI server.
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
        )
    except OSError:
        print(message("serve.port_busy", args.lang, port=args.port), file=sys.stderr)
        return 2
    code = Credentials(Path(app.config["DATA_DIR"])).new_pairing_code()
    print(message("serve.listening", args.lang, port=args.port), flush=True)
    print(message("serve.data_dir", args.lang, path=app.config["DATA_DIR"]), flush=True)
    print(message("serve.pairing", args.lang, code=code), flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


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
    from companion.diagnosis import diagnose
    from companion.parsing.base import Capture

    if args.report:
        return _replay(args)
    if not args.file:
        print(message("diagnose.file_missing", args.lang, path="-"), file=sys.stderr)
        return 2
    try:
        html = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        print(message("diagnose.file_missing", args.lang, path=args.file), file=sys.stderr)
        return 2
    payloads = []
    for path in args.payload:
        try:
            body = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print(message("diagnose.bad_payload", args.lang, path=path), file=sys.stderr)
            return 2
        # A saved mtop response carries its own api name; a bare body is recognised by shape.
        payloads.append(body if isinstance(body, dict) and "api" in body and "data" in body else {"data": body})
    now = None
    if args.now:
        now = dates.parse_iso(args.now)
        if now is None:
            print(message("diagnose.bad_now", args.lang), file=sys.stderr)
            return 2
    store = data_dir = None
    if args.data_dir:
        from companion.store import History

        data_dir = datadir.resolve(args.data_dir)
        store = History(data_dir / "history.sqlite3")
    capture = Capture(url=args.url, html=html, payloads=payloads, captured_at=now, lang=args.lang, time_zone=args.time_zone)
    answer = diagnose(capture, lang=args.lang, store=store, data_dir=data_dir)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        print(_table(answer, args.lang))
    return 0


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
        lines.append(f"{order['order_id']}\t{order['status_text'] or order['status']}\t{diagnosis['title']}\t{until}")
        lines.append(f"    {diagnosis['explanation']}")
        for parcel in order["parcels"]:
            carrier = parcel["carrier"]["name"] if parcel["carrier"] else "?"
            lines.append(f"    · {parcel['tracking_number'] or '-'} ({carrier}, {parcel['stage']})")
        for action in diagnosis["actions"]:
            lines.append(f"    → {action['label']}: {action['url']}")
    if not answer["orders"]:
        lines.append(message("diagnose.no_orders", lang))
    if answer["tracking_numbers"]:
        lines.append(message("diagnose.numbers", lang))
        for number in answer["tracking_numbers"]:
            names = ", ".join(c["name"] for c in number["carriers"]) or "?"
            state = message("identify.valid" if number["valid"] else "identify.invalid", lang)
            lines.append(f"    {number['number']}\t{names}\t{state}")
    return "\n".join(lines)


def _identify(args) -> int:
    from companion import numbers

    results = [numbers.identify(raw, args.hint) for raw in args.numbers]
    if args.json:
        print(json.dumps([r.to_dict(args.lang) for r in results], ensure_ascii=False, indent=2))
        return 0
    for result in results:
        names = ", ".join(c.name(args.lang) for c in result.carriers)
        if not result.carriers:
            state = message("identify.unknown", args.lang)
        else:
            state = message("identify.valid" if result.valid else "identify.invalid", args.lang)
        print(f"{result.number}\t{names or '-'}\t{state}" + (f"\t({result.reason})" if not result.valid else ""))
    return 0


def _export(args) -> int:
    from companion.store import History
    from companion.store import export_history

    text = json.dumps(export_history(History(datadir.resolve(args.data_dir) / "history.sqlite3")), ensure_ascii=False, indent=1)
    if args.output == "-":
        print(text)
    else:
        os.umask(0o077)
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


def _import(args) -> int:
    from companion.store import History
    from companion.store import import_history

    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        count = import_history(History(datadir.resolve(args.data_dir) / "history.sqlite3"), json.loads(raw))
    except (OSError, ValueError) as error:
        print(message("import.failed", args.lang, reason=error), file=sys.stderr)
        return 2
    print(message("import.done", args.lang, count=count))
    return 0


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
