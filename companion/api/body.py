"""Reading a JSON request body strictly: JSON only (415), an object (400), typed fields (400)."""

from __future__ import annotations

from flask import request

from companion.errors import ApiError


def json_object() -> dict:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.")
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    return body


def field(body: dict, name: str, kind: type | tuple, required: bool = False, limit: int | None = None):
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"'{name}' is required.")
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ApiError(400, "invalid_field", f"'{name}' must be a {names.replace('str', 'string').replace('list', 'list')}.")
    if limit is not None and len(value) > limit:
        raise ApiError(400, "invalid_field", f"'{name}' is longer than {limit}.")
    return value
