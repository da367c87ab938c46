"""What live lookups keep between diagnoses, owned by whoever runs them (flaskr keeps per-app
state off module level the same way): the app makes one (``app.extensions``), the CLI one per
run, each test its own.

- one ``requests`` session (connection reuse, cookies for CJ's CSRF dance);
- a :class:`~companion.lookups.http.CircuitBreaker` per provider;
- the worker pool, and the lookups still running in it (what outlived a diagnosis's budget
  finishes there; its answer still lands in the cache);
- the settings lock: one ``PUT /v1/settings`` at a time reads, changes and saves the file.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures

import requests

from companion.lookups import http
from companion.lookups import settings as settings_module


class Service:
    def __init__(self):
        self._lock = threading.Lock()
        self._session: requests.Session | None = None
        self._breakers: dict[str, http.CircuitBreaker] = {}
        self._quotas: dict[str, http.Quota] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future] = set()
        self._settings_lock = threading.Lock()

    def session(self) -> requests.Session:
        """The one session every provider uses, made on first use."""
        with self._lock:
            if self._session is None:
                self._session = http.new_session()
            return self._session

    def breaker(self, provider_id: str) -> http.CircuitBreaker:
        with self._lock:
            if provider_id not in self._breakers:
                self._breakers[provider_id] = http.CircuitBreaker()
            return self._breakers[provider_id]

    def quota(self, provider_id: str) -> http.Quota:
        """The numbers this provider may still be sent this minute, all captures together."""
        with self._lock:
            if provider_id not in self._quotas:
                self._quotas[provider_id] = http.Quota()
            return self._quotas[provider_id]

    def submit(self, fn, *args) -> Future:
        """Run ``fn(*args)`` in the pool (made on first use); the future is tracked until it ends."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=http.WORKERS, thread_name_prefix="parcel-doctor-lookup")
            future = self._executor.submit(fn, *args)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for every lookup still running in the background; False if some still are."""
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        _, not_done = wait_futures(pending, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Let background lookups finish, then close the session and the pool."""
        self.drain()
        with self._lock:
            session, executor = self._session, self._executor
            self._session = self._executor = None
        if session is not None:
            session.close()
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> "Service":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def update_settings(self, data_dir, body):
        """:func:`companion.lookups.settings.update`, one at a time."""
        with self._settings_lock:
            return settings_module.update(data_dir, body)
