"""The Flask application factory (flaskr style: no module-level app, ``init_app`` per part)."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

from flask import Flask

from companion import DEFAULT_PORT
from companion import datadir

DEFAULTS = {
    "PORT": DEFAULT_PORT,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # docs/design.md §7: 8 MiB, then 413
    "RETENTION_DAYS": 365,  # orders not seen for a year are forgotten
    "MAX_ACTIVE": 4,  # requests diagnosed at once (2 cores: more would only slow each one)
    "MAX_WAITING": 12,  # requests that may wait for a turn; past that, a quick 503
    "MAX_READS": 4,  # other requests at once (orders, settings, pairing): a gate of their own
    "WAIT_SECONDS": 10,
}


def create_app(config: dict | None = None) -> Flask:
    """A companion app. ``config`` overrides the defaults (tests pass ``DATA_DIR`` and ``PORT``)."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config:
        app.config.from_mapping(config)
    app.config["DATA_DIR"] = str(datadir.resolve(app.config.get("DATA_DIR")))
    app.config.setdefault("STARTED_AT", datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"))
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from companion import errors
    from companion import limits
    from companion import lookups
    from companion import replay
    from companion import security
    from companion import store

    _log_requests(app)  # first, so that even a refused request is timed and logged
    errors.init_app(app)
    limits.refuse_large_bodies(app)  # before reading anything else of the request
    security.init_app(app)
    limits.init_app(app)
    store.init_app(app)
    replay.init_app(app)
    # The live lookups' session, breakers and pool belong to this app (companion/lookups/service.py).
    app.extensions["parcel_doctor.lookups"] = lookups.Service()

    from companion.api import bp

    app.register_blueprint(bp, url_prefix="/v1")
    return app


def _log_requests(app: Flask) -> None:
    """One INFO line per request: method, route pattern (never the order id in the path, never
    the query), status and time. Bodies, numbers and ids are not logged (docs/design.md §7)."""
    import logging
    import time

    from flask import g
    from flask import request

    log = logging.getLogger("companion.requests")

    @app.before_request
    def _start():
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %d %.0fms", request.method, rule, response.status_code, elapsed)
        return response
