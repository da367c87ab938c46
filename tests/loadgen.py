"""Load: N concurrent clients against a companion over loopback, for a bounded time and count.

Each client is a thread with its own keep-alive connection, sending a realistic mix: mostly
``POST /v1/diagnose`` of the fixture captures in ``tests/fixtures/`` (order lists, detail and
tracking pages, payload-only captures, e-mails), plus ``GET /v1/health`` (the popup polls it)
and ``GET /v1/orders`` (the list overlays, now and then the next page). Every answer is checked:
a non-2xx status, a body that is not the documented JSON or a failed connection is an error.

It reports, per kind of request and in total, the count, errors, throughput and p50/p99/max
latency, as a table and as one JSON line (``{"load": "parcel-doctor", …}``). Exit status 0 when
there was no error, 1 otherwise, 2 for bad arguments.

By default it starts its own companion (``parcel-doctor serve``, a free port, a temporary data
dir) and stops it at the end. With ``--url`` and ``--token`` it drives a running one instead,
which then keeps the fixture orders in its history. Loopback addresses only.

    ./scripts/load --clients 8 --seconds 60
    ./scripts/load --url http://127.0.0.1:8765 --token "$(parcel-doctor token)" --seconds 10
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# What one client does next, by weight: the extension diagnoses every page it sees, the popup
# polls health, the list overlays ask for what the history knows.
MIX = (("diagnose", 6), ("health", 2), ("orders", 2))
KINDS = [kind for kind, _ in MIX]


@dataclass
class Tally:
    """What one kind of request saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, every request, errors included
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # a few error descriptions


def captures() -> list[tuple[str, bytes]]:
    """Every fixture capture as the extension would send it: (name, JSON body)."""
    found = []
    for path in sorted(FIXTURES.glob("*/*.capture.json")):
        capture = json.loads(path.read_text(encoding="utf-8"))
        html = path.with_name(path.name.replace(".capture.json", ".html"))
        body = {key: capture[key] for key in ("url", "payloads", "captured_at", "lang") if key in capture}
        if html.exists():
            body["html"] = html.read_text(encoding="utf-8")
        found.append((f"{path.parent.name}/{path.name.removesuffix('.capture.json')}", json.dumps(body, ensure_ascii=False).encode()))
    if not found:
        raise SystemExit(f"no fixture captures under {FIXTURES}")
    return found


class Client(threading.Thread):
    """One client: its own connection, its own random stream, until the deadline or the budget."""

    def __init__(self, number: int, base: str, token: str, pages, deadline: float, budget: "Budget", seed: int):
        super().__init__(name=f"load-client-{number}", daemon=True)
        self.base = base
        self.pages = pages
        self.deadline = deadline
        self.budget = budget
        self.random = random.Random(seed * 1000 + number)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.tallies = {kind: Tally() for kind in KINDS}
        self.cursor: str | None = None

    def run(self) -> None:
        kinds, weights = zip(*MIX)
        try:
            while time.monotonic() < self.deadline and self.budget.take():
                kind = self.random.choices(kinds, weights)[0]
                self.once(kind)
        finally:
            self.session.close()

    def once(self, kind: str) -> None:
        tally = self.tallies[kind]
        started = time.perf_counter()
        problem = None
        try:
            if kind == "diagnose":
                name, body = self.random.choice(self.pages)
                response = self.session.post(self.base + "/v1/diagnose", data=body, headers={"Content-Type": "application/json"}, timeout=60)
                problem = _check(response, ("page", "orders", "tracking_numbers"), name)
            elif kind == "health":
                response = self.session.get(self.base + "/v1/health", timeout=60)
                problem = _check(response, ("status", "version", "paired"), "health")
            else:
                params = {"limit": "50"}
                if self.cursor and self.random.random() < 0.5:
                    params["cursor"] = self.cursor  # the next page, as a scrolling overlay would
                response = self.session.get(self.base + "/v1/orders", params=params, timeout=60)
                problem = _check(response, ("orders", "next_cursor"), "orders")
                if problem is None:
                    self.cursor = response.json()["next_cursor"]
            tally.statuses[response.status_code] += 1
        except requests.RequestException as error:
            problem = f"{kind}: {type(error).__name__}: {error}"
            tally.statuses["no answer"] += 1
        tally.latencies.append(time.perf_counter() - started)
        if problem:
            tally.errors += 1
            if len(tally.samples) < 5:
                tally.samples.append(problem[:300])


def _check(response: requests.Response, keys: tuple[str, ...], what: str) -> str | None:
    """None for a 2xx JSON object with ``keys``, else what was wrong."""
    if not 200 <= response.status_code < 300:
        return f"{what}: HTTP {response.status_code} {response.text[:200]}"
    try:
        body = response.json()
    except ValueError:
        return f"{what}: not JSON: {response.text[:200]}"
    if not isinstance(body, dict) or not set(keys) <= set(body):
        return f"{what}: not the documented shape: {str(body)[:200]}"
    return None


class Budget:
    """At most ``total`` requests across all clients (the bound on count, beside the bound on time)."""

    def __init__(self, total: int):
        self._left = total
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(share * len(sorted_values))))
    return sorted_values[rank - 1]


def summary(tallies: dict[str, Tally], elapsed: float) -> dict:
    def row(tally: Tally) -> dict:
        values = sorted(tally.latencies)
        return {
            "requests": len(values),
            "errors": tally.errors,
            "throughput_rps": round(len(values) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "max_ms": round((values[-1] if values else 0.0) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items(), key=lambda kv: str(kv[0]))},
        }

    total = Tally()
    for tally in tallies.values():
        total.latencies += tally.latencies
        total.errors += tally.errors
        total.statuses.update(tally.statuses)
        total.samples += tally.samples
    return {"by_kind": {kind: row(tally) for kind, tally in tallies.items()}, "total": row(total), "error_samples": total.samples[:10]}


def table(result: dict) -> str:
    head = f"{'request':<10} {'count':>8} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    lines = [head, "-" * len(head)]
    for name, row in [*result["by_kind"].items(), ("total", result["total"])]:
        lines.append(
            f"{name:<10} {row['requests']:>8} {row['errors']:>7} {row['throughput_rps']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.1f}"
        )
    return "\n".join(lines)


def run(base: str, token: str, clients: int, seconds: float, max_requests: int, seed: int) -> dict:
    pages = captures()
    budget = Budget(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    workers = [Client(n, base, token, pages, deadline, budget, seed) for n in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)  # a request may take up to its 60 s timeout past the deadline
    elapsed = time.monotonic() - started
    merged = {kind: Tally() for kind in KINDS}
    for worker in workers:
        for kind, tally in worker.tallies.items():
            merged[kind].latencies += tally.latencies
            merged[kind].errors += tally.errors
            merged[kind].statuses.update(tally.statuses)
            merged[kind].samples += tally.samples
    result = summary(merged, elapsed)
    hung = sum(worker.is_alive() for worker in workers)
    if hung:
        result["total"]["errors"] += hung
        result["error_samples"].append(f"{hung} client(s) still waiting for an answer at the end")
    result.update(clients=clients, seconds=round(elapsed, 2), fixtures=len(pages))
    return result


class OwnCompanion:
    """``parcel-doctor serve`` on a free port and a temporary data dir, for this run only."""

    def __init__(self):
        from tests.server import Companion

        self._dir = tempfile.TemporaryDirectory(prefix="parcel-doctor-load-")
        self.companion = Companion(Path(self._dir.name) / "data")

    def __enter__(self) -> tuple[str, str]:
        self.companion.start()
        # Keep reading what the server prints (a log line per request), so a full pipe never blocks it.
        threading.Thread(target=_drain, args=(self.companion.process.stdout,), daemon=True).start()
        exe = os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
        done = subprocess.run([exe, "token", "--data-dir", str(self.companion.data_dir)], capture_output=True, text=True, timeout=30, check=True)
        return self.companion.base, done.stdout.strip()

    def __exit__(self, *exc) -> None:
        try:
            self.companion.stop()
        finally:
            self._dir.cleanup()


def _drain(stream) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):  # closed by stop()
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to send (default 60)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="stop after this many requests in all (default 1,000,000)")
    parser.add_argument("--url", help="a running companion on loopback, e.g. http://127.0.0.1:8765 (default: start one)")
    parser.add_argument("--token", help="its API token (parcel-doctor token); needed with --url")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the mix (default 1)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 0 < args.seconds <= 3600 or args.max_requests < 1:
        parser.error("--clients 1..64, --seconds up to 3600, --max-requests at least 1")
    if args.url:
        parts = urlsplit(args.url)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK:
            parser.error("--url must be http:// on 127.0.0.1, localhost or [::1]: load goes over loopback only")
        if not args.token:
            parser.error("--url needs --token (parcel-doctor token --data-dir DIR)")

    def go(base: str, token: str) -> dict:
        return run(base, token, args.clients, args.seconds, args.max_requests, args.seed)

    if args.url:
        result = go(args.url.rstrip("/"), args.token)
    else:
        with OwnCompanion() as (base, token):
            result = go(base, token)
    if not args.json:
        print(f"{args.clients} clients, {result['seconds']} s, {result['fixtures']} fixture captures, over loopback")
        print(table(result))
        for sample in result["error_samples"]:
            print("error:", sample)
    line = {"load": "parcel-doctor", "clients": result["clients"], "seconds": result["seconds"],
            "requests": result["total"]["requests"], "errors": result["total"]["errors"],
            "throughput_rps": result["total"]["throughput_rps"], "p50_ms": result["total"]["p50_ms"],
            "p99_ms": result["total"]["p99_ms"], "by_kind": result["by_kind"], "error_samples": result["error_samples"]}
    print(json.dumps(line, ensure_ascii=False))
    return 0 if result["total"]["errors"] == 0 and result["total"]["requests"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
