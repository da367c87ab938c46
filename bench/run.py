"""The benchmark: the real companion, timed through its HTTP API, against the two reference parses.

``parcel-doctor serve`` runs on a free port with a fresh data dir (tests/server.py), and one
keep-alive ``requests`` session talks to it with the API token, bodies encoded before the clock
starts. For each Korean list page (10, 50, 200 orders, bench/pages.py) and the tracking page,
every run measures, on one page:

- cold: ``POST /v1/diagnose`` of the whole page, with order ids the companion has never seen;
- repeat: the identical capture again (median of ``--repeats`` requests);
- HTTP floor: the same body with a language the API refuses, so a 400 comes back after the body
  was received, decoded and checked: what any answer costs before the diagnosis starts;
- in this process, ``BeautifulSoup(page, "html.parser")`` (naive) and ``lxml.html.fromstring(page)``.

Figures are medians over ``--runs`` runs after a warm-up, and every ratio is computed from the
figures of this one invocation. Then: the size of what the extension sends (the order container
and the embedded-JSON script, extension/content/capture.js) against the page, and the cold
diagnosis of such a capture with the list responses it relays; and the companion's resident
memory (VmRSS) after 1,000 diagnoses (cold 50-order lists, repeats, tracking pages) and after
500 more.

Nothing here asserts: it prints a table and one JSON line (``{"bench": "parcel-doctor", …}``),
and the exit status says whether every target was met (0) or not (1).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import lxml.html
import requests
from bs4 import BeautifulSoup

from bench import pages
from tests.server import Companion

SIZES = (10, 50, 200)
TARGETS = {  # the targets, all on the 50-order page
    "cold_vs_naive": 0.35,  # cold POST /v1/diagnose ≤ 0.35 × BeautifulSoup(page, "html.parser")
    "repeat_vs_cold": 0.10,  # repeat of an unchanged capture ≤ 0.10 × cold
    "cold_200_vs_50": 4.4,  # 200 orders ≤ 4.4 × 50 orders
    "rss_mb": 120.0,  # resident memory after 1,000 diagnoses
    "rss_growth_mb": 5.0,  # "not growing": what 500 more diagnoses may add (allocator noise)
}


class Prefixes:
    """Fresh 6-digit run prefixes: every cold request carries ids never sent before."""

    def __init__(self):
        self._rnd = random.Random(os.getpid() ^ time.time_ns())
        self._used: set[str] = set()

    def __call__(self) -> str:
        while True:
            prefix = f"{self._rnd.randrange(10**6):06d}"
            if prefix not in self._used:
                self._used.add(prefix)
                return prefix


class Client:
    """One keep-alive session to the companion; bodies are encoded before the clock starts."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    @staticmethod
    def encode(capture: dict) -> bytes:
        return json.dumps(capture, ensure_ascii=False).encode("utf-8")

    def diagnose(self, body: bytes, status: int = 200) -> tuple[float, bytes]:
        start = time.perf_counter()
        response = self.session.post(self.base + "/v1/diagnose", data=body, timeout=60)
        elapsed = time.perf_counter() - start
        if response.status_code != status:
            raise RuntimeError(f"POST /v1/diagnose answered {response.status_code}: {response.text[:300]}")
        return elapsed, response.content


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def naive_parse(page: str) -> float:
    return timed(lambda: BeautifulSoup(page, "html.parser"))


def lxml_parse(page: str) -> float:
    return timed(lambda: lxml.html.fromstring(page))


def rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB (from /proc; Linux only)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure_page(client: Client, template, prefixes: Prefixes, runs: int, repeats: int, expect_orders: int) -> dict:
    """Cold, repeat and the two reference parses of one page, ``runs`` times; medians in ms."""
    # Warm-up: the first requests pay for imports, caches and SQLite's first pages.
    for _ in range(2):
        body = client.encode(template.capture(prefixes()))
        client.diagnose(body)
        client.diagnose(body)
    cold, repeat, floor, naive, fast = [], [], [], [], []
    identical = True
    for _ in range(runs):
        prefix = prefixes()
        capture = template.capture(prefix)
        body = client.encode(capture)
        # The same body with a language the API refuses: read, decoded and checked, then a 400.
        # What the HTTP layer costs before any diagnosis, whatever the companion does.
        refused = client.encode(dict(capture, lang="xx"))
        page = template.page(prefix)
        elapsed, first = client.diagnose(body)
        cold.append(elapsed)
        answer = json.loads(first)
        if len(answer["orders"]) != expect_orders or answer.get("warnings"):
            raise RuntimeError(f"expected {expect_orders} orders and no warnings, got {len(answer['orders'])}: "
                               f"{answer.get('warnings')}")
        times = []
        for _ in range(repeats):
            elapsed, again = client.diagnose(body)
            times.append(elapsed)
            identical = identical and again == first
        repeat.append(statistics.median(times))
        floor.append(statistics.median(client.diagnose(refused, status=400)[0] for _ in range(repeats)))
        gc.collect()
        naive.append(naive_parse(page))
        fast.append(lxml_parse(page))
    return {
        "page_kb": round(len(page.encode()) / 1024, 1),
        "cold_ms": ms(statistics.median(cold)),
        "repeat_ms": ms(statistics.median(repeat)),
        "http_floor_ms": ms(statistics.median(floor)),
        "naive_bs_ms": ms(statistics.median(naive)),
        "lxml_ms": ms(statistics.median(fast)),
        "cold_min_ms": ms(min(cold)),
        "cold_max_ms": ms(max(cold)),
        "repeat_identical": identical,
    }


def capture_sizes(template: pages.ListPage) -> dict:
    """Point 3: what the extension sends (container + embedded JSON script) against the page."""
    page = template.page("000000")
    captured = pages.extension_html(page)
    payloads = len(template.payloads_json.encode())
    return {
        "page_kb": round(len(page.encode()) / 1024, 1),
        "capture_html_kb": round(len(captured.encode()) / 1024, 1),
        "capture_vs_page": round(len(captured.encode()) / len(page.encode()), 3),
        "payloads_kb": round(payloads / 1024, 1),
    }


def measure_extension_capture(client: Client, template: pages.ListPage, prefixes: Prefixes, runs: int) -> float:
    """Cold diagnosis of the capture as the extension sends it (container + JSON script only)."""
    def body() -> bytes:
        capture = template.capture(prefixes(), payloads=True)
        capture["html"] = pages.extension_html(capture["html"])
        return client.encode(capture)

    client.diagnose(body())
    return ms(statistics.median(client.diagnose(body())[0] for _ in range(runs)))


def memory(client: Client, pid: int, lists: pages.ListPage, tracking: pages.TrackingPage, prefixes: Prefixes,
           first: int, more: int) -> dict:
    """RSS after ``first`` diagnoses and after ``more`` again: cold 50-order lists, repeats, tracking pages."""
    def run(count: int) -> None:
        body = None
        for i in range(count):
            slot = i % 10
            if slot < 6:
                body = client.encode(lists.capture(prefixes()))
            elif slot < 8:
                pass  # repeat the last list capture
            elif slot == 8:
                body = client.encode(tracking.capture(prefixes()))
            client.diagnose(body)

    start = rss_mb(pid)
    run(first)
    after_first = rss_mb(pid)
    run(more)
    after_more = rss_mb(pid)
    return {
        "rss_start_mb": round(start, 1),
        f"rss_after_{first}_mb": round(after_first, 1),
        f"rss_after_{first + more}_mb": round(after_more, 1),
        "rss_mb": round(after_first, 1),
        "rss_growth_mb": round(after_more - after_first, 1),
        "diagnoses": first + more,
    }


def _drain(stream) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):  # closed when the companion stops
        pass


def token(data_dir: Path) -> str:
    exe = Path(sys.executable).with_name("parcel-doctor")
    done = subprocess.run([str(exe), "token", "--data-dir", str(data_dir)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def table(result: dict) -> str:
    rows = [("page", "page KB", "cold ms", "repeat ms", "HTTP floor ms", "naive BS ms", "lxml ms",
             "cold/naive", "repeat/cold", "naive/lxml")]
    for name, fig in result["pages"].items():
        label = f"list, {name} orders" if name.isdigit() else f"{name} + payload"
        rows.append((label, f"{fig['page_kb']:.0f}", f"{fig['cold_ms']:.1f}", f"{fig['repeat_ms']:.2f}",
                     f"{fig['http_floor_ms']:.2f}", f"{fig['naive_bs_ms']:.1f}", f"{fig['lxml_ms']:.2f}",
                     f"{fig['cold_vs_naive']:.3f}", f"{fig['repeat_vs_cold']:.3f}", f"{fig['naive_vs_lxml']:.0f}×"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    r = result["ratios"]
    t = result["targets"]
    mem = result["memory"]
    cap = result["capture"]

    def verdict(name: str) -> str:
        return "ok" if t[name]["met"] else "MISSED"

    lines += [
        "",
        "targets (50 orders, this run)        value    target",
        f"  cold / naive BS parse          {r['cold_vs_naive']:9.3f}  ≤ {TARGETS['cold_vs_naive']:<5}  {verdict('cold_vs_naive')}",
        f"  repeat / cold                  {r['repeat_vs_cold']:9.3f}  ≤ {TARGETS['repeat_vs_cold']:<5}  {verdict('repeat_vs_cold')}",
        f"  cold 200 / cold 50             {r['cold_200_vs_50']:9.2f}  ≤ {TARGETS['cold_200_vs_50']:<5}  {verdict('cold_200_vs_50')}",
        f"  RSS after {mem['diagnoses'] - result['memory_more']} diagnoses (MB)  {mem['rss_mb']:9.1f}  ≤ {TARGETS['rss_mb']:<5}  {verdict('rss_mb')}",
        f"  RSS growth, {result['memory_more']} more (MB)    {mem['rss_growth_mb']:9.1f}  ≤ {TARGETS['rss_growth_mb']:<5}  {verdict('rss_growth_mb')}",
        "",
        f"cost per order, cold: 10 → {r['per_order_ms']['10']:.3f} ms, 50 → {r['per_order_ms']['50']:.3f} ms, "
        f"200 → {r['per_order_ms']['200']:.3f} ms",
        f"capture (50 orders): page {cap['page_kb']:.0f} KB, order container + embedded JSON script "
        f"{cap['capture_html_kb']:.0f} KB ({cap['capture_vs_page']:.0%} of the page), payloads {cap['payloads_kb']:.0f} KB; "
        f"cold diagnosis of that capture {result['extension_capture_cold_ms']:.1f} ms",
        f"HTTP floor: the same body refused (lang 'xx') after it was read and decoded; repeat - floor (50 orders) = "
        f"{r['repeat_over_floor_ms']:.2f} ms = {r['repeat_over_floor_vs_cold']:.3f} x cold",
        f"repeat answers byte-identical to the cold ones: {all(p['repeat_identical'] for p in result['pages'].values())}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per page (median reported; default 11)")
    parser.add_argument("--repeats", type=int, default=5, help="repeat requests per run (their median counts)")
    parser.add_argument("--quick", action="store_true", help="3 runs and a short memory check (200 + 100)")
    parser.add_argument("--memory", type=int, default=1000, help="diagnoses before the memory reading")
    parser.add_argument("--memory-more", type=int, default=500, help="diagnoses after it, to show no growth")
    parser.add_argument("--data-dir", help="the companion's data dir (default: a new temporary one)")
    parser.add_argument("--malloc-arena-max", type=int, metavar="N",
                        help="start the companion with MALLOC_ARENA_MAX=N (glibc; default: as inherited)")
    args = parser.parse_args(argv)
    if args.malloc_arena_max:
        os.environ["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
    if args.quick:
        args.runs, args.memory, args.memory_more = min(args.runs, 3), 200, 100

    load_before = [round(x, 2) for x in os.getloadavg()]
    print("rendering pages…", file=sys.stderr)
    lists = {n: pages.list_page(n) for n in SIZES}
    tracking = pages.tracking_page()
    with tempfile.TemporaryDirectory(prefix="parcel-doctor-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp) / "data"
        companion = Companion(data_dir).start()
        # The companion logs a line per request: keep its pipe drained or it blocks when full.
        threading.Thread(target=_drain, args=(companion.process.stdout,), daemon=True).start()
        try:
            client = Client(companion.base, token(data_dir))
            prefixes = Prefixes()
            result: dict = {"bench": "parcel-doctor", "runs": args.runs, "repeats": args.repeats, "pages": {}}
            for n in SIZES:
                print(f"list page, {n} orders…", file=sys.stderr)
                result["pages"][str(n)] = measure_page(client, lists[n], prefixes, args.runs, args.repeats, n)
            print("tracking page…", file=sys.stderr)
            result["pages"]["tracking"] = measure_page(client, tracking, prefixes, args.runs, args.repeats, 1)
            result["capture"] = capture_sizes(lists[50])
            result["extension_capture_cold_ms"] = measure_extension_capture(client, lists[50], prefixes, args.runs)
            print(f"memory: {args.memory} + {args.memory_more} diagnoses…", file=sys.stderr)
            result["memory"] = memory(client, companion.process.pid, lists[50], tracking, prefixes,
                                      args.memory, args.memory_more)
            result["memory_more"] = args.memory_more
        finally:
            companion.stop()

    for fig in result["pages"].values():
        fig["cold_vs_naive"] = round(fig["cold_ms"] / fig["naive_bs_ms"], 3)
        fig["repeat_vs_cold"] = round(fig["repeat_ms"] / fig["cold_ms"], 3)
        fig["naive_vs_lxml"] = round(fig["naive_bs_ms"] / fig["lxml_ms"], 1)
    p = result["pages"]
    result["ratios"] = {
        "cold_vs_naive": p["50"]["cold_vs_naive"],
        "repeat_vs_cold": p["50"]["repeat_vs_cold"],
        "cold_200_vs_50": round(p["200"]["cold_ms"] / p["50"]["cold_ms"], 3),
        "naive_vs_lxml": p["50"]["naive_vs_lxml"],
        "per_order_ms": {n: round(p[n]["cold_ms"] / int(n), 3) for n in ("10", "50", "200")},
        "repeat_over_floor_ms": round(p["50"]["repeat_ms"] - p["50"]["http_floor_ms"], 2),
        "repeat_over_floor_vs_cold": round((p["50"]["repeat_ms"] - p["50"]["http_floor_ms"]) / p["50"]["cold_ms"], 3),
    }
    values = dict(result["ratios"], rss_mb=result["memory"]["rss_mb"], rss_growth_mb=result["memory"]["rss_growth_mb"])
    result["targets"] = {name: {"value": values[name], "limit": limit, "met": values[name] <= limit}
                         for name, limit in TARGETS.items()}
    result["malloc_arena_max"] = os.environ.get("MALLOC_ARENA_MAX")
    result["load_average"] = {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]}
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    print(table(result))
    print(json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    return 0 if all(t["met"] for t in result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
