"""Bounded concurrency: a few requests work at once, a few more may wait, the rest get a
quick 503 instead of piling up behind a slow page (docs/design.md §7, "limits"). And bounded
bodies: a declared ``Content-Length`` over the limit is a 413 before anything else is done.

Diagnoses and everything else wait at separate gates: a queue of slow pages never delays the
order list, the settings or pairing, and health passes no gate at all."""

from __future__ import annotations

import ctypes
import gc
import threading

from flask import Flask
from flask import g
from flask import request

from companion.errors import ApiError

BIG_BODY = 1024 * 1024  # a capture this large (a list of hundreds of orders) is followed by a trim
_FREE = {"api.health"}  # always answered: the popup polls it to show the status
# the slow ones (a page is parsed); every other endpoint is quick
_DIAGNOSES = {"api.diagnose", "api.diagnosis_file_for_a_capture"}


class Gate:
    """``active`` requests run; up to ``waiting`` more wait ``wait_seconds`` for a turn."""

    def __init__(self, active: int, waiting: int, wait_seconds: float):
        self._slots = threading.BoundedSemaphore(active)
        self._lock = threading.Lock()
        self._inside = 0
        self._bound = active + waiting
        self._wait = wait_seconds

    def enter(self) -> bool:
        with self._lock:
            if self._inside >= self._bound:
                return False
            self._inside += 1
        if self._slots.acquire(timeout=self._wait):
            return True
        with self._lock:
            self._inside -= 1
        return False

    def leave(self) -> None:
        self._slots.release()
        with self._lock:
            self._inside -= 1


def refuse_large_bodies(app: Flask) -> None:
    """Refuse by ``Content-Length`` whatever the route, before the body is read (a route that
    never reads its body would otherwise accept it; ``serve`` also has waitress refuse it)."""

    @app.before_request
    def _size():
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            raise ApiError(413, "payload_too_large", f"The request body is larger than Parcel Doctor accepts ({app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MiB).")

def give_back_memory() -> None:
    """Return the memory a large capture's reading used to the system.

    A 1,000-order page builds a tree of some 50 MB; once it is garbage, glibc keeps the freed
    heap for later (the companion would stay at its high-water mark, ~130 MB), unless asked to
    trim it. Elsewhere than glibc there is nothing to ask."""
    gc.collect()  # what the request left in cycles (its page's tree was taken apart once read)
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def init_app(app: Flask) -> None:
    wait = app.config["WAIT_SECONDS"]
    gates = {
        "diagnose": Gate(app.config["MAX_ACTIVE"], app.config["MAX_WAITING"], wait),
        "reads": Gate(app.config["MAX_READS"], app.config["MAX_WAITING"], wait),
    }
    app.extensions["parcel_doctor.gates"] = gates

    @app.before_request
    def _enter():
        if request.endpoint in _FREE or request.method == "OPTIONS":
            return
        gate = gates["diagnose" if request.endpoint in _DIAGNOSES else "reads"]
        if not gate.enter():
            raise ApiError(503, "busy", "Parcel Doctor is busy with other pages; try again in a moment.")
        g.gate_entered = gate

    @app.teardown_request
    def _leave(_error=None):
        gate = g.pop("gate_entered", None)
        if gate is not None:
            gate.leave()

    @app.after_request
    def _trim_after_big_bodies(response):
        if (request.content_length or 0) > BIG_BODY:
            give_back_memory()  # the page's tree, now garbage: before the answer leaves
            response.call_on_close(give_back_memory)  # and the request's body, once it is sent
        return response
