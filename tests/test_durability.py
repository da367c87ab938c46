"""Kill -9 the real server again and again while clients write: every diagnosis that was
acknowledged (HTTP 200) is still in /v1/orders afterwards (docs/design.md §8)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time

import requests

from tests.server import Companion

ROUNDS = 5
CLIENTS = 4
LIST = "https://www.aliexpress.com/p/order/index.html"


def page(order_id: str) -> str:
    return (
        '<div class="order-item"><div class="order-item-header"><span class="order-item-header-status-text">배송 대기 중</span>'
        f'<div class="order-item-header-right-info"><div>주문일: 2026년 9월 20일</div></div>'
        f'<a data-pl="order_item_header_detail" href="/p/order/detail.html?orderId={order_id}">상세</a></div></div>'
    )


def token_of(data_dir) -> str:
    cli = os.path.join(os.path.dirname(sys.executable), "parcel-doctor")
    return subprocess.run([cli, "token", "--data-dir", str(data_dir)], capture_output=True, text=True, check=True).stdout.strip()


def writer(base: str, token: str, prefix: int, acknowledged: list, stop: threading.Event):
    session = requests.Session()
    n = 0
    while not stop.is_set():
        n += 1
        order_id = f"8{prefix:03d}{n:012d}"
        try:
            response = session.post(
                base + "/v1/diagnose",
                json={"url": LIST, "html": page(order_id), "captured_at": "2026-09-30T10:00:00+09:00"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=5,
            )
        except requests.RequestException:
            time.sleep(0.02)  # the server is down (killed): try the next id once it is back
            continue
        if response.status_code == 200:
            acknowledged.append(order_id)


def all_orders(base: str, token: str) -> set[str]:
    seen, cursor = set(), None
    while True:
        url = base + "/v1/orders?limit=500" + (f"&cursor={cursor}" if cursor else "")
        body = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        seen |= {o["order_id"] for o in body["orders"]}
        cursor = body["next_cursor"]
        if not cursor:
            return seen


def test_kill_9_loses_no_acknowledged_write(tmp_path):
    data = tmp_path / "data"
    companion = Companion(data).start()
    token = token_of(data)
    acknowledged: list[str] = []
    rng = random.Random(7)
    try:
        for round_number in range(ROUNDS):
            stop = threading.Event()
            threads = [
                threading.Thread(target=writer, args=(companion.base, token, round_number * CLIENTS + i, acknowledged, stop))
                for i in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.5, 1.5))
            companion.process.kill()  # SIGKILL: no cleanup, mid-write
            companion.process.wait()
            stop.set()
            for thread in threads:
                thread.join(10)
            companion = Companion(data, port=companion.port).start()
        stored = all_orders(companion.base, token)
    finally:
        companion.stop()
    lost = sorted(set(acknowledged) - stored)
    print(json.dumps({"rounds": ROUNDS, "acknowledged": len(acknowledged), "lost": len(lost)}))
    assert len(acknowledged) > ROUNDS * CLIENTS, "the writers must have written something"
    assert lost == []
