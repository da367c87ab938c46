"""Every error the API returns is JSON ``{"error": {"code", "message"}}`` with the right status.

Raised as :class:`ApiError` by our code; Werkzeug's own HTTP errors (404, 405, 413 …) and any
unexpected exception are turned into the same shape here, in one place, so no input ever gets
an HTML page or a bare 500.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask import jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Werkzeug's (and waitress's) status → our stable code
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    421: "misdirected_request",
    429: "too_many_requests",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "unavailable",
}


class ApiError(Exception):
    """An error with a status, a stable snake_case code and a human message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    # Werkzeug answers "//v1//orders" with a 308 redirect to "/v1/orders": an HTML page, and a
    # redirect (docs/design.md §7 allows none). Without the merging such a path is a JSON 404.
    app.url_map.merge_slashes = False

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.message)

    from companion.store import StorageUnavailable

    @app.errorhandler(StorageUnavailable)
    def _storage(error: StorageUnavailable):
        return error_response(503, "storage_unavailable", "Parcel Doctor cannot write its history right now (read-only or full disk?). Nothing was lost; try again once it is fixed.")

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        response = error_response(status, CODES.get(status, "http_error"), error.description or error.name)
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # A bug of ours, never the caller's fault: say so without details, log the trace.
        log.exception("unexpected error")
        return error_response(500, "internal_error", "Something went wrong inside Parcel Doctor; the details are in its log.")
